import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { fail, ok, type Result } from '../reject.ts';
import {
  checkPosition,
  checkSchema,
  cleanText,
  locate,
  normaliseVietnamesePhone,
  parseTime,
  type IngestContext,
  type Position,
} from './common.ts';
import { HotlineTicketSchema, type HotlineTicketPayload } from './hotline.schema.ts';
import { categoryOfReport, titleFrom, type NormalisedReport } from './report.ts';

const check = TypeCompiler.Compile(HotlineTicketSchema);

/** Validates a ticket of Tổng đài 19001075 and normalises it; the ward comes from the pin, else from the address. */
export function normaliseHotlineTicket(body: unknown, ctx: IngestContext): Result<NormalisedReport> {
  const schema = checkSchema(check, body, 'hotline ticket');
  if (!schema.ok) return schema;
  const p = Value.Clone(body) as HotlineTicketPayload;

  if ((p.lat === undefined) !== (p.lon === undefined)) {
    return fail('IOC_INGEST_SCHEMA', 'hotline ticket /lat and /lon must come together', [
      { path: p.lat === undefined ? '/lat' : '/lon', message: 'missing' },
    ]);
  }
  const createdAt = parseTime(p.created_at, '/created_at', ctx.receivedAt, ctx.timeWindow);
  if (!createdAt.ok) return createdAt;
  let position: Position | null = null;
  if (p.lat !== undefined && p.lon !== undefined) {
    const r = checkPosition(p.lon, p.lat, '/lon,/lat');
    if (!r.ok) return r;
    position = r.value;
  }
  const phone = normaliseVietnamesePhone(p.caller_phone, '/caller_phone');
  if (!phone.ok) return phone;

  const summary = cleanText(p.summary);
  if (summary === '')
    return fail('IOC_INGEST_SCHEMA', 'hotline ticket /summary is blank', [
      { path: '/summary', message: 'blank' },
    ]);
  const address = cleanText(p.address);
  const categoryText =
    p.category !== undefined && cleanText(p.category) !== '' ? cleanText(p.category) : null;

  return ok({
    channel: 'hotline',
    sourceId: p.ticket_id,
    category: categoryOfReport(categoryText, summary),
    categoryText,
    title: titleFrom(summary),
    description: summary,
    ...locate(position, address === '' ? null : address, ctx.wards),
    address: address === '' ? null : address,
    media: [],
    reporter: { name: null, phone: phone.value },
    urgent: p.urgent === true,
    createdAt: createdAt.value,
    receivedAt: ctx.receivedAt,
    agent: cleanText(p.agent),
  });
}
