import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { fail, ok, type Result } from '../reject.ts';
import {
  checkHttpUrl,
  checkPosition,
  checkSchema,
  cleanText,
  locate,
  normaliseVietnamesePhone,
  parseTime,
  type IngestContext,
} from './common.ts';
import { HueSReportSchema, type HueSReportPayload } from './hue-s.schema.ts';
import { categoryOfReport, titleFrom, type NormalisedReport, type ReportMedia } from './report.ts';

const check = TypeCompiler.Compile(HueSReportSchema);

/** Validates a Hue-S webhook body and normalises it. Pure: the caller stores it and dead-letters the reject. */
export function normaliseHueSReport(body: unknown, ctx: IngestContext): Result<NormalisedReport> {
  const schema = checkSchema(check, body, 'Hue-S report');
  if (!schema.ok) return schema;
  const p = Value.Clone(body) as HueSReportPayload;

  const createdAt = parseTime(p.created_at, '/created_at', ctx.receivedAt, ctx.timeWindow);
  if (!createdAt.ok) return createdAt;
  const position = checkPosition(p.lon, p.lat, '/lon,/lat');
  if (!position.ok) return position;

  const media: ReportMedia[] = [];
  for (const [i, m] of p.media.entries()) {
    const url = checkHttpUrl(m.url, `/media/${i}/url`);
    if (!url.ok) return url;
    media.push({ url: url.value, type: m.type });
  }

  let phone: string | null = null;
  if (p.reporter.phone !== undefined && p.reporter.phone.trim() !== '') {
    const r = normaliseVietnamesePhone(p.reporter.phone, '/reporter/phone');
    if (!r.ok) return r;
    phone = r.value;
  }

  const description = cleanText(p.description);
  if (description === '')
    return fail('IOC_INGEST_SCHEMA', 'Hue-S report /description is blank', [
      { path: '/description', message: 'blank' },
    ]);
  const title =
    p.title !== undefined && cleanText(p.title) !== '' ? cleanText(p.title) : titleFrom(description);
  const address = p.address !== undefined && cleanText(p.address) !== '' ? cleanText(p.address) : null;
  const categoryText = cleanText(p.category);
  const name =
    p.reporter.name !== undefined && cleanText(p.reporter.name) !== '' ? cleanText(p.reporter.name) : null;

  return ok({
    channel: 'hue_s',
    sourceId: p.id,
    category: categoryOfReport(categoryText, title, description),
    categoryText,
    title,
    description,
    ...locate(position.value, address, ctx.wards),
    address,
    media,
    reporter: { name, phone },
    urgent: p.urgent === true,
    createdAt: createdAt.value,
    receivedAt: ctx.receivedAt,
    agent: null,
  });
}
