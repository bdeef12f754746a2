import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { KPI_CATALOGUE, kpiDefinition } from '@hue-ioc/layers';
import { fail, ok, type Result } from '../reject.ts';
import type { WardIndex } from '../geo/wards.ts';
import { checkSchema, parseTime } from './common.ts';
import type { TimeWindow } from './time-window.ts';
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
  /** How old or far ahead `ts` may be; DEFAULT_TIME_WINDOW when absent. */
  timeWindow?: TimeWindow;
}

export function normaliseKpiSample(body: unknown, ctx: KpiContext): Result<NormalisedKpiSample> {
  const schema = checkSchema(check, body, 'KPI sample');
  if (!schema.ok) return schema;
  const p = Value.Clone(body) as KpiSamplePayload;
  // Only the indicators the IOC knows (layers' KPI_CATALOGUE): an unknown id is a feed's typo or a new
  // indicator nobody has defined (label, unit, direction), and would be a tile no one can read.
  if (!kpiDefinition(p.kpi)) {
    return fail(
      'IOC_INGEST_UNKNOWN_KPI',
      `/kpi "${p.kpi}" is not in the KPI catalogue (${KPI_CATALOGUE.map((k) => k.id).join(', ')})`,
      { path: '/kpi' },
    );
  }
  const ts = parseTime(p.ts, '/ts', ctx.receivedAt, ctx.timeWindow);
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
