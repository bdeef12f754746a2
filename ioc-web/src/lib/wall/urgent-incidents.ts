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
 * deadline. One pass over the layer keeping the best `count` (no sort of 100,000 features), and nothing
 * allocated for an incident that does not make the list: a lower priority than the list's last is
 * skipped before its deadline is even parsed (the pass runs beside the wall's delta handling, and its
 * garbage used to land as GC pauses inside the handlers; issue 15, bench wall-delta).
 */
export function urgentIncidents(
  features: ReadonlyMap<string, Feature<unknown>>,
  now: number,
  count: number,
): UrgentIncident[] {
  if (count <= 0) return [];
  const best: { line: UrgentIncident; due: number }[] = [];
  /** < 0 when (priority, overdue, due, id) goes before `b`. */
  const before = (
    priority: number,
    overdue: boolean,
    due: number,
    id: string,
    b: { line: UrgentIncident; due: number },
  ) =>
    priority - b.line.priority ||
    Number(b.line.overdue) - Number(overdue) ||
    (due === b.due ? 0 : due < b.due ? -1 : 1) ||
    (id < b.line.id ? -1 : id > b.line.id ? 1 : 0);
  for (const f of features.values()) {
    if (!isIncidentFeature(f) || !isOpenIncident(f.props)) continue;
    const p: IncidentProps = f.props;
    const last = best.length === count ? best[count - 1]! : null;
    if (last && p.priority > last.line.priority) continue;
    const parsed = p.dueAt === null ? NaN : Date.parse(p.dueAt);
    const due = Number.isFinite(parsed) ? parsed : Infinity;
    const overdue = due < now;
    if (last && before(p.priority, overdue, due, f.id, last) >= 0) continue;
    let at = best.length;
    while (at > 0 && before(p.priority, overdue, due, f.id, best[at - 1]!) < 0) at--;
    best.splice(at, 0, {
      line: { id: f.id, version: p.version, priority: p.priority, overdue, agencyId: p.agencyId },
      due,
    });
    if (best.length > count) best.pop();
  }
  return best.map((b) => b.line);
}
