import type { IncidentChanged, IncidentStatus, IncidentSummary } from '@hue-ioc/layers';
import { compareFor, matchesFilter, type QueueFilter } from './filters';
import { isNewerOrSame } from './newest';

/**
 * The queue as loaded so far (pages of GET /api/incidents) and how a case that changed on /live is placed
 * in it. The arrays are replaced, never mutated (the virtual list redraws what changed).
 */
export interface QueueState {
  items: readonly IncidentSummary[];
  /** More pages after the last loaded item. */
  hasMore: boolean;
  /** As the server counted the filter's matches (adjusted by what /live added or dropped). */
  total: number;
}

export type Placement = 'inserted' | 'updated' | 'moved' | 'removed' | 'ignored';

/** First index whose item sorts after `item` (binary search over a sorted array). */
function insertionIndex(
  items: readonly IncidentSummary[],
  item: IncidentSummary,
  cmp: (a: IncidentSummary, b: IncidentSummary) => number,
): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(items[mid]!, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Puts the case as it is now into the queue: in place when it stays where it was, moved when its sort key
 * changed, dropped when it no longer matches the filter, inserted when it is new to the queue. A case that
 * sorts after the last loaded row while more pages remain is left for its page (inserting it would show it
 * twice once that page arrives). An older version than the row's is ignored (events may pass each other).
 */
export function placeIncident(
  state: QueueState,
  item: IncidentSummary,
  filter: QueueFilter,
  nowMs: number,
): { state: QueueState; placement: Placement } {
  const cmp = compareFor(filter.sort);
  const at = state.items.findIndex((x) => x.id === item.id);
  const current = at >= 0 ? state.items[at] : undefined;
  if (current && !isNewerOrSame(current, item)) return { state, placement: 'ignored' };
  const fits = matchesFilter(item, filter, nowMs);
  if (!current && !fits) return { state, placement: 'ignored' };
  if (current && !fits) {
    return {
      state: { ...state, items: state.items.toSpliced(at, 1), total: Math.max(0, state.total - 1) },
      placement: 'removed',
    };
  }
  const without = current ? state.items.toSpliced(at, 1) : state.items;
  const to = insertionIndex(without, item, cmp);
  if (!current && state.hasMore && to >= without.length) return { state, placement: 'ignored' };
  if (current && to === at) {
    return { state: { ...state, items: state.items.with(at, item) }, placement: 'updated' };
  }
  return {
    state: {
      ...state,
      items: without.toSpliced(to, 0, item),
      total: current ? state.total : state.total + 1,
    },
    placement: current ? 'moved' : 'inserted',
  };
}

/** Appends a page (a row the queue already holds, e.g. inserted live, is not shown twice). */
export function appendPage(
  state: QueueState,
  page: readonly IncidentSummary[],
  hasMore: boolean,
  total: number,
): QueueState {
  const have = new Set(state.items.map((x) => x.id));
  return { items: [...state.items, ...page.filter((x) => !have.has(x.id))], hasMore, total };
}

/**
 * The row with what `incident:changed` says (status, priority, unit, deadline, version) when that is all
 * that changed that the row shows; null when the row is not held, or is newer.
 */
export function patchFromChange(
  items: readonly IncidentSummary[],
  change: IncidentChanged,
): IncidentSummary | null {
  const row = items.find((x) => x.id === change.id);
  if (!row || row.version >= change.version) return null;
  return {
    ...row,
    version: change.version,
    ...(change.status !== undefined ? { status: change.status as IncidentStatus } : {}),
    ...(change.priority !== undefined ? { priority: change.priority } : {}),
    ...(change.agencyId !== undefined ? { agencyId: change.agencyId } : {}),
    ...(change.dueAt !== undefined ? { dueAt: change.dueAt } : {}),
    ...(change.updatedAt !== undefined ? { updatedAt: change.updatedAt } : {}),
  };
}

/** The index to move to from `index` for a key (j/k, arrows, Home/End, PageUp/PageDown); null for other keys. */
export function moveSelection(key: string, index: number, count: number, page = 10): number | null {
  if (count === 0) return null;
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case 'j':
    case 'ArrowDown':
      return index < 0 ? 0 : clamp(index + 1);
    case 'k':
    case 'ArrowUp':
      return index < 0 ? 0 : clamp(index - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    case 'PageDown':
      return clamp(index + page);
    case 'PageUp':
      return clamp(index - page);
    default:
      return null;
  }
}
