import { defaultFilter, filterToParams, paramsToFilter, type QueueFilter } from './filters';

/**
 * Saved views of the queue. Three are built in (Mới tiếp nhận, Quá hạn, Sắp đến hạn); a supervisor saves
 * others (a ward, a unit, any filter) in this browser's localStorage. A view is stored as the filter's
 * query string, the same text the URL and the API use, so a view saved by an older build still reads.
 */
export interface SavedView {
  id: string;
  /** A built-in view's name comes from the dictionary (`builtIn` is its key); a saved one's is the user's. */
  name: string;
  builtIn: BuiltInViewId | null;
  query: string;
}

export type BuiltInViewId = 'new' | 'overdue' | 'dueSoon';

export const STORAGE_KEY = 'ioc.dispatch.views.v1';
const MAX_VIEWS = 30;

function builtIn(id: BuiltInViewId, f: Partial<QueueFilter>): SavedView {
  return {
    id: `builtin:${id}`,
    name: id,
    builtIn: id,
    query: filterToParams({ ...defaultFilter(), ...f }).toString(),
  };
}

export const BUILT_IN_VIEWS: readonly SavedView[] = [
  builtIn('new', { status: ['new'], sort: 'received' }),
  builtIn('overdue', { overdue: true, sort: 'due' }),
  // One working day ahead, by the clock: what the desk should chase before the end of the shift.
  builtIn('dueSoon', { dueWithinHours: 24, sort: 'due' }),
];

type ViewStorage = Pick<Storage, 'getItem' | 'setItem'>;

function isStored(v: unknown): v is { id: string; name: string; query: string } {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.id === 'string' && typeof o.name === 'string' && typeof o.query === 'string';
}

/** The user's own views (a broken or foreign entry in storage is skipped, never thrown on). */
export function loadUserViews(storage: ViewStorage | null): SavedView[] {
  if (!storage) return [];
  try {
    const raw: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]');
    if (!Array.isArray(raw)) return [];
    return raw
      .filter(isStored)
      .filter((v) => !v.id.startsWith('builtin:'))
      .slice(0, MAX_VIEWS)
      .map((v) => ({ id: v.id, name: v.name.slice(0, 80), builtIn: null, query: v.query }));
  } catch {
    return [];
  }
}

function store(storage: ViewStorage | null, views: readonly SavedView[]): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(views.map(({ id, name, query }) => ({ id, name, query }))));
  } catch {
    // storage full or disabled (private window): the view lasts as long as the page
  }
}

/** Every view: the built-in ones first, then the user's in the order saved. */
export function allViews(storage: ViewStorage | null): SavedView[] {
  return [...BUILT_IN_VIEWS, ...loadUserViews(storage)];
}

/**
 * Saves the filter under a name; a view of the same name (ignoring case) is replaced. Returns the user's
 * views as stored.
 */
export function saveView(
  storage: ViewStorage | null,
  name: string,
  filter: QueueFilter,
  makeId: () => string = () => `v${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
): SavedView[] {
  const clean = name.trim().slice(0, 80);
  if (!clean) return loadUserViews(storage);
  const views = loadUserViews(storage);
  const same = views.findIndex((v) => v.name.toLocaleLowerCase('vi') === clean.toLocaleLowerCase('vi'));
  const view: SavedView = {
    id: same >= 0 ? views[same]!.id : makeId(),
    name: clean,
    builtIn: null,
    query: filterToParams(filter).toString(),
  };
  const next = same >= 0 ? views.with(same, view) : [...views, view].slice(-MAX_VIEWS);
  store(storage, next);
  return next;
}

export function deleteView(storage: ViewStorage | null, id: string): SavedView[] {
  const next = loadUserViews(storage).filter((v) => v.id !== id);
  store(storage, next);
  return next;
}

export function viewFilter(view: SavedView): QueueFilter {
  return paramsToFilter(new URLSearchParams(view.query));
}

/** The view the filter is exactly, if any (its button is shown pressed). */
export function activeView(views: readonly SavedView[], filter: QueueFilter): SavedView | undefined {
  const q = filterToParams(filter).toString();
  return views.find((v) => filterToParams(viewFilter(v)).toString() === q);
}
