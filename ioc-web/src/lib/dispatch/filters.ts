import {
  CATEGORY_CODES,
  INCIDENT_STATUSES,
  OPEN_INCIDENT_STATUSES,
  PLAIN_LINE,
  isFinishedStatus,
  type CategoryCode,
  type Channel,
  type IncidentSort,
  type IncidentStatus,
  type IncidentSummary,
} from '@hue-ioc/layers';

/**
 * The queue's filters, and their one text form: the query string of GET /api/incidents (IncidentQuerySchema
 * in layers). The page's URL, the saved views and the API call all use the same string, so a view that is
 * bookmarked, shared or saved asks the server exactly what the screen showed.
 */
export interface QueueFilter {
  /** Several at once (`status=new&status=verified`); none means every state. */
  status: IncidentStatus[];
  category: CategoryCode[];
  ward: string[];
  agency: string[];
  priority: number[];
  channel: Channel[];
  overdue: boolean;
  /** Sắp đến hạn: open cases due within this many hours. */
  dueWithinHours: number | null;
  q: string;
  sort: IncidentSort;
}

export const CHANNELS: readonly Channel[] = ['hue_s', 'hotline', 'camera', 'sensor', 'open311'];
export const SORTS: readonly IncidentSort[] = ['due', '-due', 'priority', 'received', '-received'];
export const PRIORITIES: readonly number[] = [1, 2, 3, 4];

/** What /dispatch shows with nothing chosen: every open case, the nearest deadline first. */
export function defaultFilter(): QueueFilter {
  return {
    status: [...OPEN_INCIDENT_STATUSES],
    category: [],
    ward: [],
    agency: [],
    priority: [],
    channel: [],
    overdue: false,
    dueWithinHours: null,
    q: '',
    sort: 'due',
  };
}

const WARD_CODE = /^[0-9]{5}$/;
const AGENCY_ID = /^.{1,100}$/su;

function pick<T extends string | number>(values: string[], ok: (v: string) => T | undefined): T[] {
  const out: T[] = [];
  for (const v of values) {
    const x = ok(v);
    if (x !== undefined && !out.includes(x)) out.push(x);
  }
  return out.slice(0, 20); // the schema's maxItems
}

const oneOf =
  <T extends string>(list: readonly T[]) =>
  (v: string): T | undefined =>
    (list as readonly string[]).includes(v) ? (v as T) : undefined;

/**
 * Reads a filter back from a query string. What the schema would refuse is dropped rather than sent (a
 * hand-edited or old bookmark still opens a queue); `status` absent means the default open states,
 * `status=all` every state.
 */
export function paramsToFilter(params: URLSearchParams): QueueFilter {
  const d = defaultFilter();
  const statuses = params.getAll('status');
  const hours = Number(params.get('dueWithinHours'));
  const q = (params.get('q') ?? '').trim().slice(0, 200);
  return {
    status: statuses.length === 0 ? d.status : pick(statuses, oneOf(INCIDENT_STATUSES)),
    category: pick(params.getAll('category'), oneOf(CATEGORY_CODES)),
    ward: pick(params.getAll('ward'), (v) => (WARD_CODE.test(v) ? v : undefined)),
    agency: pick(params.getAll('agency'), (v) => (AGENCY_ID.test(v) ? v : undefined)),
    priority: pick(params.getAll('priority'), (v) => {
      const n = Number(v);
      return PRIORITIES.includes(n) ? n : undefined;
    }),
    channel: pick(params.getAll('channel'), oneOf(CHANNELS)),
    overdue: params.get('overdue') === 'true',
    dueWithinHours: Number.isInteger(hours) && hours >= 1 && hours <= 720 ? hours : null,
    // Control characters are refused by the schema (PlainLine): a query with one would be a 400.
    q: PLAIN_LINE.test(q) ? q : '',
    sort: oneOf(SORTS)(params.get('sort') ?? '') ?? d.sort,
  };
}

function sameSet<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/**
 * The query string of a filter, in a fixed order (so equal filters give equal strings). The default open
 * states are written out for the API (`forApi`) and left out of the page's URL; every state is `status=all`
 * in the URL and no `status` at all for the API.
 */
export function filterToParams(f: QueueFilter, opts: { forApi?: boolean } = {}): URLSearchParams {
  const p = new URLSearchParams();
  const everyState = f.status.length === 0 || sameSet(f.status, INCIDENT_STATUSES);
  const defaultStates = sameSet(f.status, OPEN_INCIDENT_STATUSES);
  if (opts.forApi) {
    if (!everyState) for (const s of f.status) p.append('status', s);
  } else if (everyState) {
    p.append('status', 'all');
  } else if (!defaultStates) {
    for (const s of f.status) p.append('status', s);
  }
  for (const c of f.category) p.append('category', c);
  for (const w of f.ward) p.append('ward', w);
  for (const a of f.agency) p.append('agency', a);
  for (const n of f.priority) p.append('priority', String(n));
  for (const c of f.channel) p.append('channel', c);
  if (f.overdue) p.set('overdue', 'true');
  if (f.dueWithinHours !== null) p.set('dueWithinHours', String(f.dueWithinHours));
  if (f.q.trim()) p.set('q', f.q.trim());
  if (opts.forApi || f.sort !== 'due') p.set('sort', f.sort);
  return p;
}

export function sameFilter(a: QueueFilter, b: QueueFilter): boolean {
  return filterToParams(a).toString() === filterToParams(b).toString();
}

/** Lower case without diacritics ("Ngập" → "ngap", "đường" → "duong"): the server's search text does the same. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

const OVERDUE = new Set(['overdue', 'escalated']);

/**
 * Whether a case the server announced belongs in the queue as filtered (a case that changed on /live is
 * placed or dropped without asking for the whole queue again). The server's list is the truth: this is
 * only used for cases that arrive or change while the queue is open.
 */
export function matchesFilter(item: IncidentSummary, f: QueueFilter, nowMs: number): boolean {
  if (item.mergedInto) return false;
  if (f.status.length > 0 && !f.status.includes(item.status)) return false;
  if (f.category.length > 0 && !(f.category as string[]).includes(item.category)) return false;
  if (f.ward.length > 0 && !(item.wardCode && f.ward.includes(item.wardCode))) return false;
  if (f.agency.length > 0 && !(item.agencyId && f.agency.includes(item.agencyId))) return false;
  if (f.priority.length > 0 && !f.priority.includes(item.priority)) return false;
  if (f.channel.length > 0 && !item.channels.some((c) => (f.channel as string[]).includes(c))) return false;
  const due = item.dueAt ? Date.parse(item.dueAt) : null;
  const open = !isFinishedStatus(item.status);
  if (f.overdue && !(open && (OVERDUE.has(item.slaState) || (due !== null && due < nowMs)))) return false;
  if (f.dueWithinHours !== null) {
    if (!open || due === null || due < nowMs || due > nowMs + f.dueWithinHours * 3_600_000) return false;
  }
  if (f.q.trim()) {
    const hay = fold([item.id, item.title, item.description, item.address ?? ''].join(' '));
    if (
      !fold(f.q)
        .split(/\s+/)
        .filter(Boolean)
        .every((w) => hay.includes(w))
    )
      return false;
  }
  return true;
}

const time = (iso: string | null): number => (iso ? Date.parse(iso) : NaN);

/** Nulls (no deadline) after every deadline, whichever the direction. */
function byDue(a: IncidentSummary, b: IncidentSummary, dir: 1 | -1): number {
  const x = time(a.dueAt);
  const y = time(b.dueAt);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
  return (x - y) * dir;
}

/** The order of the queue for a sort, as the server's (ties by received, then id, so the order is total). */
export function compareFor(sort: IncidentSort): (a: IncidentSummary, b: IncidentSummary) => number {
  const received = (a: IncidentSummary, b: IncidentSummary) =>
    time(a.createdAt) - time(b.createdAt) || a.id.localeCompare(b.id);
  switch (sort) {
    case 'due':
      return (a, b) => byDue(a, b, 1) || received(a, b);
    case '-due':
      return (a, b) => byDue(a, b, -1) || received(a, b);
    case 'priority':
      return (a, b) => a.priority - b.priority || byDue(a, b, 1) || received(a, b);
    case 'received':
      return received;
    case '-received':
      return (a, b) => received(b, a);
  }
}
