import type { Feature, IncidentProps } from '@hue-ioc/layers';
import { isOpenIncident } from '@hue-ioc/layers/deck';
import { isIncidentFeature } from './incidents';
import { urgentBefore, type UrgentCandidate, type UrgentIncident } from './urgent-order';

export type { UrgentIncident } from './urgent-order';

/**
 * The `count` open incidents the panel lists, in `urgentBefore` order, from the layer's features: one
 * pass keeping the best `count` (no sort of 100,000 features), nothing allocated for an incident that does
 * not make the list (a lower priority than the list's last is skipped before its deadline is parsed). A full
 * scan of the features (~60 ms on a 100,000-incident wall): the wall reads the same list from the numbers
 * WallIncidents keeps (`WallIncidents.urgent`), which is tested against this.
 */
export function urgentIncidents(
  features: ReadonlyMap<string, Feature<unknown>>,
  now: number,
  count: number,
): UrgentIncident[] {
  if (count <= 0) return [];
  const best: UrgentCandidate[] = [];
  for (const f of features.values()) {
    if (!isIncidentFeature(f) || !isOpenIncident(f.props)) continue;
    const p: IncidentProps = f.props;
    const last = best.length === count ? best[count - 1]! : null;
    if (last && p.priority > last.line.priority) continue;
    const parsed = p.dueAt === null ? NaN : Date.parse(p.dueAt);
    const due = Number.isFinite(parsed) ? parsed : Infinity;
    const overdue = due < now;
    if (last && urgentBefore(p.priority, overdue, due, f.id, last) >= 0) continue;
    let at = best.length;
    while (at > 0 && urgentBefore(p.priority, overdue, due, f.id, best[at - 1]!) < 0) at--;
    best.splice(at, 0, {
      line: { id: f.id, version: p.version, priority: p.priority, overdue, agencyId: p.agencyId },
      due,
    });
    if (best.length > count) best.pop();
  }
  return best.map((b) => b.line);
}
