import { FormatRegistry } from '@sinclair/typebox';

/**
 * The string formats our schemas use, for TypeBox's own checks (`Value.Check`, the compiled checks the
 * web and streams run): TypeBox knows no format by itself and refuses values of an unregistered one.
 * The server's Fastify/Ajv validation knows them already (ajv-formats); these agree with it on real data.
 */
const DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):?[0-5]\d)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const FORMATS: Record<string, (value: string) => boolean> = {
  'date-time': (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)),
  uuid: (v) => UUID.test(v),
  uri: (v) => URL.canParse(v),
};
for (const [name, check] of Object.entries(FORMATS))
  if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check);
