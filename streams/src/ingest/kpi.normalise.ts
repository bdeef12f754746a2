import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { fail, ok, type Result } from '../reject.ts';
import type { WardIndex } from '../geo/wards.ts';
import { checkSchema, parseTime } from './common.ts';
import { KpiSampleSchema, type KpiSamplePayload, type KpiScopeLevel } from './kpi.schema.ts';

const check = TypeCompiler.Compile(KpiSampleSchema);

/** GSO code of Thành phố Huế, the only province-level scope. */
export const PROVINCE_CODE = '46';

export interface NormalisedKpiSample {
  channel: 'kpi';
  /** `${kpi}:${level}:${code}:${ts}`: a re-sent sample replaces nothing and is recognised. */
  sourceId: string;
  kpi: string;
  scope: { level: KpiScopeLevel; code: string };
  value: number;
  target: number | null;
  ts: Date;
}

export interface KpiContext {
  receivedAt: Date;
  wards: WardIndex;
  /** Agencies are data an admin edits; without this, any well-formed agency id is accepted. */
  isKnownAgency?: (id: string) => boolean;
}

export function normaliseKpiSample(body: unknown, ctx: KpiContext): Result<NormalisedKpiSample> {
  const schema = checkSchema(check, body, 'KPI sample');
  if (!schema.ok) return schema;
  const p = Value.Clone(body) as KpiSamplePayload;
  const ts = parseTime(p.ts, '/ts', ctx.receivedAt);
  if (!ts.ok) return ts;
  const { level, code } = p.scope;
  if (level === 'province' && code !== PROVINCE_CODE) {
    return fail('IOC_INGEST_SCOPE', `/scope/code "${code}" is not Thành phố Huế (${PROVINCE_CODE})`, {
      path: '/scope/code',
    });
  }
  if (level === 'ward' && !ctx.wards.byCode(code)) {
    return fail('IOC_INGEST_SCOPE', `/scope/code "${code}" is not one of the 40 wards of 2025`, {
      path: '/scope/code',
    });
  }
  if (level === 'agency' && ctx.isKnownAgency && !ctx.isKnownAgency(code)) {
    return fail('IOC_INGEST_SCOPE', `/scope/code "${code}" is not a known agency`, { path: '/scope/code' });
  }
  return ok({
    channel: 'kpi',
    sourceId: `${p.kpi}:${level}:${code}:${ts.value.toISOString()}`,
    kpi: p.kpi,
    scope: { level, code },
    value: p.value,
    target: p.target ?? null,
    ts: ts.value,
  });
}
