import { ckmeans } from 'simple-statistics';
import type { Briefing, BriefingHeadline, BriefingTextInput, BriefingTextPeriodKind } from '@hue-ioc/layers';

/**
 * The briefing page's view of `GET /api/briefing` (issue 13): the query it asks, the summary's narrow input,
 * and how a headline's change reads (arrow, and whether it is good news). Pure, so the page, the print
 * view and the tests agree.
 */

export interface BriefingSelection {
  period: BriefingTextPeriodKind;
  /** `province`, `ward:<GSO code>` or `agency:<id>`. */
  scope: string;
  /** YYYY-MM-DD, inclusive, with period=custom. */
  from?: string;
  to?: string;
}

export const DEFAULT_SELECTION: BriefingSelection = { period: '7d', scope: 'province' };

const PERIODS: readonly BriefingTextPeriodKind[] = ['today', '7d', '30d', 'month', 'custom'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const SCOPE = /^(province|ward:[0-9]{5}|agency:[A-Za-z0-9_.-]{1,64})$/;

/** The selection a URL asks for (`?period=&scope=&from=&to=`); anything malformed falls back to the default. */
export function selectionFromUrl(params: URLSearchParams): BriefingSelection {
  const period = params.get('period') as BriefingTextPeriodKind | null;
  const scope = params.get('scope');
  const from = params.get('from');
  const to = params.get('to');
  const out: BriefingSelection = {
    period: period && PERIODS.includes(period) ? period : DEFAULT_SELECTION.period,
    scope: scope && SCOPE.test(scope) ? scope : DEFAULT_SELECTION.scope,
  };
  if (out.period === 'custom') {
    if (from && to && DAY.test(from) && DAY.test(to) && from <= to) {
      out.from = from;
      out.to = to;
    } else out.period = DEFAULT_SELECTION.period;
  }
  return out;
}

/** The query string of `GET /api/briefing` and of the page's own URL for a selection. */
export function selectionQuery(s: BriefingSelection): Record<string, string> {
  const q: Record<string, string> = { period: s.period };
  if (s.scope !== 'province') q.scope = s.scope;
  if (s.period === 'custom' && s.from && s.to) {
    q.from = s.from;
    q.to = s.to;
  }
  return q;
}

export const headlineOf = (b: Briefing, id: string): BriefingHeadline | undefined =>
  b.headline.find((h) => h.id === id);

/** The summary's input from the API's answer (layers/src/briefing-text.ts). */
export function summaryInput(b: Briefing): BriefingTextInput {
  const figure = (id: string) => {
    const h = headlineOf(b, id);
    return { value: h?.value ?? null, previous: h?.previous ?? null };
  };
  const received = figure('received');
  const worst = [...b.agencies].sort((x, y) => y.overdue - x.overdue)[0];
  return {
    period: { kind: b.period.kind, from: b.period.from, to: b.period.to },
    ...(b.scope.level === 'province' ? {} : { scopeName: { vi: b.scope.name, en: b.scope.name } }),
    received: { value: received.value ?? 0, previous: received.previous },
    onTimeRate: figure('ty_le_xu_ly_dung_han'),
    ...(figure('handled').value === null ? {} : { handled: figure('handled').value! }),
    satisfaction: figure('ty_le_hai_long'),
    overdueNow: figure('overdue_now').value ?? 0,
    mostOverdueUnit: worst && worst.overdue > 0 ? { name: worst.name, overdue: worst.overdue } : null,
    alarms: b.alarms
      .filter((a) => a.kind === 'water_level')
      .map((a) => ({ gauge: a.name, level: a.level as 1 | 2 | 3 })),
  };
}

export type Tone = 'good' | 'bad' | 'neutral';

/**
 * A headline's change: the arrow says which way the number moved, the tone whether that is good news for
 * this indicator. Below the summary's thresholds (1 point for rates, 5 % for counts) it is neutral.
 */
export function changeOf(h: BriefingHeadline): { arrow: '▲' | '▼' | '▶'; tone: Tone } | null {
  if (h.change === null || h.value === null || h.previous === null) return null;
  const small = h.unit === '%' ? Math.abs(h.change) < 1 : h.changePct !== null && Math.abs(h.changePct) < 5;
  if (h.change === 0 || small) return { arrow: '▶', tone: 'neutral' };
  const up = h.change > 0;
  return { arrow: up ? '▲' : '▼', tone: up === (h.goodDirection === 'up') ? 'good' : 'bad' };
}

/** Whether a value meets its target, by the indicator's good direction; null without a target. */
export function meetsTarget(h: Pick<BriefingHeadline, 'value' | 'target' | 'goodDirection'>): boolean | null {
  if (h.value === null || h.target === null) return null;
  return h.goodDirection === 'up' ? h.value >= h.target : h.value <= h.target;
}

/**
 * Up to five blue classes for the choropleth, by natural breaks (Jenks, through simple-statistics' ckmeans:
 * optimal 1-D k-means): wards with close values share a class and a gap between values is where a class
 * ends. Equal-count breaks cut through runs of near-equal rates and drew legends like "< 85 / ≥ 85 / ≥ 86".
 * Each class is the range of the values in it, so the legend says what is really there and never overlaps.
 * Without repeats: a day when every ward has 0 is one class, not five.
 */
export function choroplethClasses(values: readonly (number | null)[]): { min: number; max: number }[] {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return [];
  const distinct = new Set(present).size;
  // The fewest classes (at most five) that explain 92 % of the spread (goodness of variance fit): five
  // classes for three groups of close values would split a group and bring the overlap back.
  const mean = present.reduce((a, v) => a + v, 0) / present.length;
  const total = present.reduce((a, v) => a + (v - mean) ** 2, 0);
  let clusters: number[][] = [present];
  for (let k = 1; k <= Math.min(5, distinct); k++) {
    clusters = ckmeans(present, k);
    const within = clusters.reduce((a, c) => {
      const m = c.reduce((x, v) => x + v, 0) / c.length;
      return a + c.reduce((x, v) => x + (v - m) ** 2, 0);
    }, 0);
    if (total === 0 || 1 - within / total >= 0.92) break;
  }
  return clusters.map((c) => ({ min: c[0]!, max: c[c.length - 1]! }));
}

/** The lower bound of every class but the first: a value `v` is in class i when breaks[i-1] ≤ v < breaks[i]. */
export function choroplethBreaks(classes: readonly { min: number; max: number }[]): number[] {
  return classes.slice(1).map((c) => c.min);
}

/** The legend's words for a class: its range, or its one value when the range prints as one. */
export function classLabel(c: { min: number; max: number }, format: (v: number) => string): string {
  const lo = format(c.min);
  const hi = format(c.max);
  return lo === hi ? lo : `${lo}–${hi}`;
}

export const CHOROPLETH_COLORS = ['#15304a', '#1d4d74', '#2a6fa0', '#4b94c8', '#8cc4ea'] as const;
/**
 * On paper (print, the PDF) the ramp turns round, as on every printed map: low is light, high is dark, on
 * white (ColorBrewer "Blues", which prints and photocopies in order). The screen's dark ramp printed as a
 * dark block where the classes could not be told apart.
 */
export const PAPER_CHOROPLETH_COLORS = ['#deebf7', '#9ecae1', '#6baed6', '#3182bd', '#08519c'] as const;
export const PAPER_MAP = { sea: '#ffffff', noValue: '#f2f2f2', wardLine: '#7a7a7a' } as const;

export function choroplethClass(value: number, breaks: readonly number[]): number {
  let i = 0;
  while (i < breaks.length && value >= breaks[i]!) i++;
  return i;
}

/** The colour of class `cls` of `breaks.length + 1`, spread over the whole ramp. */
export function choroplethColor(cls: number, breaks: readonly number[], paper = false): string {
  const ramp = paper ? PAPER_CHOROPLETH_COLORS : CHOROPLETH_COLORS;
  return ramp[choroplethIndex(cls, breaks)]!;
}

/** The ramp position of class `cls` of `breaks.length + 1` (the same on screen and on paper). */
export function choroplethIndex(cls: number, breaks: readonly number[]): number {
  const n = breaks.length;
  return n === 0 ? 0 : Math.round((cls * (CHOROPLETH_COLORS.length - 1)) / n);
}

/** A round top for a count axis: 1, 2, 4, 5 × 10ⁿ (at least 2), so that its half is a whole number. */
export function niceMax(v: number): number {
  if (v <= 2) return 2;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 4, 5, 10]) if (m * p >= v && (m * p) % 2 === 0) return m * p;
  return 10 * p;
}

/** The ward indicators the map can show. */
export const WARD_INDICATORS = ['received', 'overdue', 'onTimeRate', 'satisfaction'] as const;
export type WardIndicator = (typeof WARD_INDICATORS)[number];
