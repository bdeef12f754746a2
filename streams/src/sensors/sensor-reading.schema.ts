import { Type, type Static } from '@sinclair/typebox';

/** RFC 3339 / ISO-8601 date-time with an explicit offset or Z. */
export const ISO_DATE_TIME =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})$';

const MetricName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' });
/** Longest unit, in UTF-16 code units (also read by normalise.ts's fast path). */
export const MAX_UNIT_LENGTH = 16;
/** Largest magnitude of a reading (also read by normalise.ts's fast path). */
export const MAX_READING = 1e9;
/** `m`, `mm/h`, `µg/m³`: printable text only (a NUL in a unit was isolated by the batch bisection, not refused). */
const Unit = Type.String({
  minLength: 1,
  maxLength: MAX_UNIT_LENGTH,
  pattern: '^[^\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]+$',
});
const Reading = Type.Number({ minimum: -MAX_READING, maximum: MAX_READING });

/**
 * Payload on `hue/sensors/{kind}/{deviceId}` (ARCHITECTURE.md, "MQTT topics"):
 * `{ ts, value, unit? }` for the kind's main metric, or `{ ts, values: { metric: number }, unit? }`.
 * The schemas decide; normalise.ts reads the usual single-reading text by hand first (issue 15), and its
 * spec checks that it accepts nothing these refuse.
 */
export const SingleReadingSchema = Type.Object(
  { ts: Type.String({ pattern: ISO_DATE_TIME }), value: Reading, unit: Type.Optional(Unit) },
  { additionalProperties: false },
);
export const MultiReadingSchema = Type.Object(
  {
    ts: Type.String({ pattern: ISO_DATE_TIME }),
    values: Type.Record(MetricName, Reading, {
      minProperties: 1,
      maxProperties: 32,
      additionalProperties: false,
    }),
    unit: Type.Optional(Unit),
  },
  { additionalProperties: false },
);
export const SensorReadingPayloadSchema = Type.Union([SingleReadingSchema, MultiReadingSchema]);
export type SensorReadingPayload = Static<typeof SensorReadingPayloadSchema>;
