import { TypeCompiler } from '@sinclair/typebox/compiler';
import { fail, ok, type Result } from '../reject.ts';
import {
  checkHttpUrl,
  checkPosition,
  checkSchema,
  cleanText,
  locate,
  normaliseVietnamesePhone,
  type IngestContext,
  type Position,
} from './common.ts';
import { Open311FormSchema, open311Service, open311ServiceName, type Open311Form } from './open311.schema.ts';
import { titleFrom, type NormalisedReport, type ReportMedia } from './report.ts';

const check = TypeCompiler.Compile(Open311FormSchema);

/** A decimal degree as clients write it: "16.4637", "-0.5", "107.59"; no exponent, no hex, no spaces inside. */
const DECIMAL = /^\s*-?\d{1,3}(?:\.\d{1,12})?\s*$/;

const blank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';

/**
 * Validates the form of an Open311 POST Service Request and normalises it into a report like a Hue-S one:
 * the same enrichment, merge and deadline follow. `sourceId` is the request's idempotency token (the caller
 * derives it from the API key and the body or the Idempotency-Key header), so a retried POST is a duplicate.
 *
 * GeoReport v2's rules: `service_code` names a service (unknown: 404 IOC_OPEN311_SERVICE, as the spec says);
 * a location is `lat` + `long` or `address_string` (else 400 IOC_OPEN311_LOCATION); the attributes of the
 * service definition are checked against it. The reporter's name and phone are kept as Hue-S reporters' are;
 * the e-mail address is not stored at all (Decree 13/2023/NĐ-CP: collect no more than the case needs; the
 * answers go back through the client's own callback).
 */
export function normaliseOpen311Request(
  form: unknown,
  sourceId: string,
  ctx: IngestContext,
): Result<NormalisedReport> {
  const schema = checkSchema(check, form, 'Open311 request');
  if (!schema.ok) return schema;
  const p = form as Open311Form;

  const service = open311Service(p.service_code.trim());
  if (!service)
    return fail(
      'IOC_OPEN311_SERVICE',
      `service_code "${p.service_code.slice(0, 64)}" is not one of our services`,
      {
        path: '/service_code',
      },
    );

  let position: Position | null = null;
  if (!blank(p.lat) || !blank(p.long)) {
    if (blank(p.lat) || blank(p.long))
      return fail('IOC_OPEN311_LOCATION', 'lat and long must come together', {
        path: blank(p.lat) ? '/lat' : '/long',
      });
    if (!DECIMAL.test(p.lat) || !DECIMAL.test(p.long))
      return fail('IOC_OPEN311_LOCATION', 'lat and long must be decimal degrees (WGS 84)', {
        path: '/lat,/long',
      });
    const r = checkPosition(Number(p.long), Number(p.lat), '/long,/lat');
    if (!r.ok) return r;
    position = r.value;
  }
  const address = blank(p.address_string) ? null : cleanText(p.address_string) || null;
  if (!position && !address)
    return fail('IOC_OPEN311_LOCATION', 'a location is required: lat and long, or address_string', {
      path: '/lat,/long,/address_string',
    });

  const media: ReportMedia[] = [];
  if (!blank(p.media_url)) {
    const url = checkHttpUrl(p.media_url.trim(), '/media_url');
    if (!url.ok) return url;
    media.push({ url: url.value, type: 'image' });
  }

  let phone: string | null = null;
  if (!blank(p.phone)) {
    const r = normaliseVietnamesePhone(p.phone, '/phone');
    if (!r.ok) return r;
    phone = r.value;
  }
  // Vietnamese order: family name (last_name) first, as the name is written and as a person signs a report.
  const name = cleanText([p.last_name ?? '', p.first_name ?? ''].join(' ')) || null;

  // The answers to the service's questions, checked against its definition and written into the text the
  // unit reads ("Loại hư hỏng: Ổ gà").
  const lines: string[] = [];
  let urgent = false;
  const known = new Map(service.attributes.map((a) => [a.code, a]));
  for (const code of Object.keys(p.attributes)) {
    if (!known.has(code))
      return fail('IOC_OPEN311_ATTRIBUTE', `attribute[${code}] is not an attribute of ${service.code}`, {
        path: `/attribute[${code}]`,
      });
  }
  for (const a of service.attributes) {
    const given = (p.attributes[a.code] ?? []).map((v) => cleanText(v)).filter((v) => v !== '');
    if (given.length === 0) {
      if (a.required)
        return fail('IOC_OPEN311_ATTRIBUTE', `attribute[${a.code}] is required for ${service.code}`, {
          path: `/attribute[${a.code}]`,
        });
      continue;
    }
    const bad = (why: string) =>
      fail('IOC_OPEN311_ATTRIBUTE', `attribute[${a.code}] ${why}`, { path: `/attribute[${a.code}]` });
    if (a.datatype !== 'multivaluelist' && given.length > 1) return bad('takes one value');
    let shown: string;
    if (a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist') {
      const names = given.map((v) => a.values?.find((x) => x.key === v)?.name);
      if (names.some((n) => n === undefined))
        return bad(`must be one of ${(a.values ?? []).map((x) => x.key).join(', ')}`);
      shown = names.join(', ');
    } else if (a.datatype === 'number') {
      if (!/^\d{1,3}$/.test(given[0]!) || Number(given[0]) > 500) return bad('must be a whole number 0–500');
      shown = given[0]!;
    } else {
      shown = given[0]!;
    }
    if (a.code === 'khan_cap' && given[0] === 'co') urgent = true;
    lines.push(`${a.label}: ${shown}`);
  }

  const text = blank(p.description) ? '' : cleanText(p.description);
  const serviceName = open311ServiceName(service.code);
  const description = [text || serviceName, ...lines].join('\n');
  const title = text ? titleFrom(text) : serviceName;

  return ok({
    channel: 'open311',
    sourceId,
    category: service.code,
    categoryText: service.code,
    title,
    description,
    ...locate(position, address, ctx.wards),
    address,
    media,
    reporter: { name, phone },
    urgent,
    createdAt: ctx.receivedAt,
    receivedAt: ctx.receivedAt,
    agent: null,
  });
}
