/** One line of the incident panel's list; its title comes from `layer:text` (wall snapshots omit it). */
export interface UrgentIncident {
  id: string;
  version: number;
  priority: number;
  overdue: boolean;
  agencyId: string | null;
}

/** A candidate line with its deadline (ms; Infinity for none) as the list is ordered. */
export interface UrgentCandidate {
  line: UrgentIncident;
  due: number;
}

/**
 * The panel's order: < 0 when (priority, overdue, due, id) goes before `b` — highest priority first, then
 * overdue, then the nearest deadline, then the id.
 */
export function urgentBefore(
  priority: number,
  overdue: boolean,
  due: number,
  id: string,
  b: UrgentCandidate,
): number {
  return (
    priority - b.line.priority ||
    Number(b.line.overdue) - Number(overdue) ||
    (due === b.due ? 0 : due < b.due ? -1 : 1) ||
    (id < b.line.id ? -1 : id > b.line.id ? 1 : 0)
  );
}
