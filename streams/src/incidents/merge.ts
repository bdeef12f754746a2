import type { Position } from '../ingest/common.ts';
import type { CameraEventType, CategoryCode } from './taxonomy.ts';

/**
 * What a source says beyond its category: a camera analytics detection or a sensor alarm. Reports from people
 * carry only their category.
 */
export type MergeSignal = CategoryCode | `camera:${CameraEventType}` | `alarm:${string}`;

export interface SourceRef {
  channel: string;
  sourceId: string;
}

/** A new report, ticket, camera event or alarm that may belong to an open incident. */
export interface MergeCandidate extends SourceRef {
  category: CategoryCode;
  signal?: MergeSignal;
  position: Position | null;
  /** When it happened (the report's created_at, the detection's ts). */
  at: Date;
}

export interface IncidentSource extends SourceRef {
  signal?: MergeSignal;
  position?: Position | null;
  at: Date;
}

export interface OpenIncident {
  id: string;
  category: CategoryCode;
  position: Position | null;
  sources: readonly IncidentSource[];
}

/**
 * Signals that describe the same thing on the ground, whatever their category: a flooded street is reported by
 * citizens (drainage), seen by a camera and measured by a water-level or rain gauge. Data, edited like the
 * routing table.
 */
export interface CompatibilityGroup {
  id: string;
  signals: readonly MergeSignal[];
}

export const MERGE_COMPATIBILITY: readonly CompatibilityGroup[] = [
  { id: 'flooding', signals: ['drainage', 'camera:flooding', 'alarm:water_level', 'alarm:rain'] },
  { id: 'traffic', signals: ['traffic', 'camera:accident', 'camera:congestion', 'camera:illegal_parking'] },
  { id: 'roadside_order', signals: ['urban_order', 'camera:illegal_parking'] },
  { id: 'waste', signals: ['environment', 'camera:littering'] },
  { id: 'public_order', signals: ['security', 'camera:fire_smoke', 'camera:crowd'] },
];

export interface MergeOptions {
  /** Default 150 m. */
  maxDistanceM?: number;
  /** Default 120 min, measured to the nearest source of the incident. */
  windowMinutes?: number;
  compatibility?: readonly CompatibilityGroup[];
}

export interface MergeReason {
  distanceM: number;
  minutesApart: number;
  /** `same_category`, `same_signal` (two detections of one kind) or `compatible:<group id>`. */
  rule: string;
}

export type MergeDecision =
  | { kind: 'duplicate'; incidentId: string }
  | { kind: 'merge'; incidentId: string; reason: MergeReason }
  | { kind: 'new' };

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (d: number): number => (d * Math.PI) / 180;

/** Great-circle distance in metres between two [lon, lat] points (haversine, mean Earth radius). */
export function haversineM(a: Position, b: Position): number {
  const dLat = rad(b[1] - a[1]);
  const dLon = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Why a candidate may join an incident, or undefined. `other` is a catch-all, not a kind of problem: two
 * "other" reports are not the same matter because they sit side by side.
 */
function compatibilityRule(
  candidate: MergeCandidate,
  incident: OpenIncident,
  groups: readonly CompatibilityGroup[],
): string | undefined {
  if (candidate.category === incident.category && candidate.category !== 'other') return 'same_category';
  const signals = (category: CategoryCode, extra: (MergeSignal | undefined)[]): Set<MergeSignal> =>
    new Set<MergeSignal>(
      [category, ...extra].filter((s): s is MergeSignal => s !== undefined && s !== 'other'),
    );
  const mine = signals(candidate.category, [candidate.signal]);
  const theirs = signals(
    incident.category,
    incident.sources.map((s) => s.signal),
  );
  if ([...mine].some((s) => theirs.has(s))) return 'same_signal';
  const group = groups.find(
    (g) => g.signals.some((s) => mine.has(s)) && g.signals.some((s) => theirs.has(s)),
  );
  return group ? `compatible:${group.id}` : undefined;
}

/** The distance to the nearest located part of the incident: its pin or any of its sources. */
function distanceTo(position: Position, incident: OpenIncident): number {
  const points = [incident.position, ...incident.sources.map((s) => s.position ?? null)].filter(
    (p): p is Position => p !== null,
  );
  return points.length === 0 ? Infinity : Math.min(...points.map((p) => haversineM(position, p)));
}

/** Minutes from `at` to the incident's span of source times (0 inside it). */
function minutesTo(at: Date, incident: OpenIncident): number {
  if (incident.sources.length === 0) return Infinity;
  const times = incident.sources.map((s) => s.at.getTime());
  const first = Math.min(...times);
  const last = Math.max(...times);
  const t = at.getTime();
  const ms = t < first ? first - t : t > last ? t - last : 0;
  return ms / 60_000;
}

/**
 * Whether a new report, ticket, camera event or alarm belongs to an open incident: a re-delivery of a source
 * the incident already has (same channel and source id) is a duplicate; otherwise the nearest open incident with
 * a compatible category within `maxDistanceM` and `windowMinutes` absorbs it. Pure; the caller decides what to
 * do with a merge (attach the source, write a `merged` event) and checks closed incidents for duplicates itself.
 */
export function findMergeTarget(
  candidate: MergeCandidate,
  openIncidents: readonly OpenIncident[],
  options: MergeOptions = {},
): MergeDecision {
  const maxDistanceM = options.maxDistanceM ?? 150;
  const windowMinutes = options.windowMinutes ?? 120;
  const groups = options.compatibility ?? MERGE_COMPATIBILITY;

  for (const incident of openIncidents) {
    if (incident.sources.some((s) => s.channel === candidate.channel && s.sourceId === candidate.sourceId)) {
      return { kind: 'duplicate', incidentId: incident.id };
    }
  }
  if (!candidate.position) return { kind: 'new' };

  let best: { incidentId: string; distanceM: number; minutesApart: number; rule: string } | undefined;
  for (const incident of openIncidents) {
    const rule = compatibilityRule(candidate, incident, groups);
    if (!rule) continue;
    const distanceM = distanceTo(candidate.position, incident);
    if (distanceM > maxDistanceM) continue;
    const minutesApart = minutesTo(candidate.at, incident);
    if (minutesApart > windowMinutes) continue;
    // Nearest first, then closest in time, then the lowest id, so the choice does not depend on list order.
    const better =
      !best ||
      distanceM < best.distanceM ||
      (distanceM === best.distanceM &&
        (minutesApart < best.minutesApart ||
          (minutesApart === best.minutesApart && incident.id < best.incidentId)));
    if (better) best = { incidentId: incident.id, distanceM, minutesApart, rule };
  }
  if (!best) return { kind: 'new' };
  // Rounded for the people who read the reason (the timeline's "merged" event).
  return {
    kind: 'merge',
    incidentId: best.incidentId,
    reason: {
      distanceM: Math.round(best.distanceM * 10) / 10,
      minutesApart: Math.round(best.minutesApart * 10) / 10,
      rule: best.rule,
    },
  };
}

/** The incident with the candidate attached as one more source (a new object; the input is not changed). */
export function attachSource(incident: OpenIncident, candidate: MergeCandidate): OpenIncident {
  const source: IncidentSource = {
    channel: candidate.channel,
    sourceId: candidate.sourceId,
    position: candidate.position,
    at: candidate.at,
  };
  if (candidate.signal) source.signal = candidate.signal;
  return { ...incident, sources: [...incident.sources, source] };
}
