import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { kpiDefinition, kpiValueProblem, type KpiUnit } from '@hue-ioc/layers';
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
  /**
   * The KPI catalogue an admin extends (the server's kpi_catalogue table, cached): an id's unit and whether
   * it takes samples, or undefined when unknown. Absent: layers' KPI_CATALOGUE, every entry active.
   */
  catalogue?: (id: string) => { unit: KpiUnit; active: boolean } | undefined;
}

const seedCatalogue = (id: string) => {
  const d = kpiDefinition(id);
  return d ? { unit: d.unit, active: true } : undefined;
};

export function normaliseKpiSample(body: unknown, ctx: KpiContext): Result<NormalisedKpiSample> {
  const schema = checkSchema(check, body, 'KPI sample');
  if (!schema.ok) return schema;
  const p = Value.Clone(body) as KpiSamplePayload;
  // Only the indicators the IOC knows (the KPI catalogue): an unknown id is a feed's typo or a new
  // indicator nobody has defined (label, unit, direction), and would be a tile no one can read. The id is
  // looked up as given (a Map, so `__proto__` or `constructor` is just an unknown id).
  const entry = (ctx.catalogue ?? seedCatalogue)(p.kpi);
  if (!entry) {
    return fail('IOC_INGEST_UNKNOWN_KPI', `/kpi "${p.kpi}" is not in the KPI catalogue`, { path: '/kpi' });
  }
  if (!entry.active) {
    return fail('IOC_INGEST_KPI_INACTIVE', `/kpi "${p.kpi}" is deactivated in the KPI catalogue`, {
      path: '/kpi',
    });
  }
  // The value must mean something in its unit: a share outside 0–100, a negative or fractional count.
  for (const [path, v] of [
    ['/value', p.value],
    ['/target', p.target],
  ] as const) {
    if (v === undefined) continue;
    const problem = kpiValueProblem(entry.unit, v);
    if (problem) return fail('IOC_INGEST_KPI_RANGE', `${path} ${v} ${problem}`, { path, unit: entry.unit });
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
