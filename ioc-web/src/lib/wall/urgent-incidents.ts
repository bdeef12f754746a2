import type { Feature, IncidentProps } from '@hue-ioc/layers';
import { isOpenIncident } from '@hue-ioc/layers/deck';
import { isIncidentFeature } from './incidents';

/** One line of the incident panel's list; its title comes from `layer:text` (wall snapshots omit it). */
export interface UrgentIncident {
  id: string;
  version: number;
  priority: number;
  overdue: boolean;
  agencyId: string | null;
}

/**
 * The `count` open incidents the panel lists: highest priority first, then overdue, then the nearest
 * deadline. One pass over the layer keeping the best `count` (no sort of 100,000 features).
 */
export function urgentIncidents(
  features: ReadonlyMap<string, Feature<unknown>>,
  now: number,
  count: number,
): UrgentIncident[] {
  const best: { line: UrgentIncident; due: number }[] = [];
  const before = (a: { line: UrgentIncident; due: number }, b: { line: UrgentIncident; due: number }) =>
    a.line.priority - b.line.priority ||
    Number(b.line.overdue) - Number(a.line.overdue) ||
    a.due - b.due ||
    (a.line.id < b.line.id ? -1 : a.line.id > b.line.id ? 1 : 0);
  for (const f of features.values()) {
    if (!isIncidentFeature(f) || !isOpenIncident(f.props)) continue;
    const p: IncidentProps = f.props;
    const due = p.dueAt === null ? Infinity : Date.parse(p.dueAt);
    const entry = {
      line: {
        id: f.id,
        version: p.version,
        priority: p.priority,
        overdue: Number.isFinite(due) && due < now,
        agencyId: p.agencyId,
      },
      due: Number.isFinite(due) ? due : Infinity,
    };
    if (best.length === count && before(entry, best[count - 1]!) >= 0) continue;
    let at = best.length;
    while (at > 0 && before(entry, best[at - 1]!) < 0) at--;
    best.splice(at, 0, entry);
    if (best.length > count) best.pop();
  }
  return best.map((b) => b.line);
}
