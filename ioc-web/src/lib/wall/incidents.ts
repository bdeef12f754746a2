import { INCIDENT_STATUSES, type Feature, type IncidentProps, type IncidentStatus } from '@hue-ioc/layers';
import { isOpenIncident, isOverdue, type PlacedIncident } from '@hue-ioc/layers/deck';
import { FeatureTable, type LayerChanges } from '../live/layer-sync';
import { isoMs } from './iso-time';
import { urgentBefore, type UrgentCandidate, type UrgentIncident } from './urgent-order';

function isStringOrNull(v: unknown): v is string | null {
  return v === null || typeof v === 'string';
}

/** Checks the props the wall reads: one malformed feature is left out instead of breaking the page. */
export function isIncidentFeature(f: Feature<unknown>): f is Feature<IncidentProps> {
  const p = f.props as Partial<Record<keyof IncidentProps, unknown>> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    (INCIDENT_STATUSES as readonly unknown[]).includes(p.status) &&
    typeof p.priority === 'number' &&
    typeof p.category === 'string' &&
    typeof p.title === 'string' &&
    isStringOrNull(p.dueAt) &&
    isStringOrNull(p.agencyId) &&
    Array.isArray(p.channels)
  );
}

/** Open incidents with a position, in the layer's order (a full scan: WallIncidents keeps them per delta). */
export function openIncidentsOf(features: ReadonlyMap<string, Feature<unknown>>): PlacedIncident[] {
  const out: PlacedIncident[] = [];
  for (const f of features.values()) {
    if (f.position && isIncidentFeature(f) && isOpenIncident(f.props)) out.push(f as PlacedIncident);
  }
  return out;
}

export interface IncidentCounts {
  byStatus: ReadonlyMap<IncidentStatus, number>;
  open: number;
  overdue: number;
  urgent: number;
  /** Agencies with open incidents: open and overdue, most overdue first. */
  byAgency: readonly { agencyId: string | null; open: number; overdue: number }[];
}

type AgencyCount = IncidentCounts['byAgency'][number];

const AGENCY_ORDER = new Intl.Collator('vi', { numeric: true });

/** Most overdue first, then most open; ties by agency id (ubnd-3 before ubnd-27; none last): a stable order. */
function byUrgency(x: AgencyCount, y: AgencyCount): number {
  if (y.overdue !== x.overdue) return y.overdue - x.overdue;
  if (y.open !== x.open) return y.open - x.open;
  if (x.agencyId === y.agencyId) return 0;
  if (x.agencyId === null) return 1;
  if (y.agencyId === null) return -1;
  return AGENCY_ORDER.compare(x.agencyId, y.agencyId);
}

/**
 * Counts for the wall's panel, from every open incident (with or without a position). A full scan: the wall
 * keeps the same counts per delta in WallIncidents (this is what they are tested against).
 */
export function countIncidents(features: ReadonlyMap<string, Feature<unknown>>, now: number): IncidentCounts {
  const byStatus = new Map<IncidentStatus, number>();
  const agencies = new Map<string | null, { agencyId: string | null; open: number; overdue: number }>();
  let open = 0;
  let overdue = 0;
  let urgent = 0;
  for (const f of features.values()) {
    if (!isIncidentFeature(f) || !isOpenIncident(f.props)) continue;
    const p = f.props;
    byStatus.set(p.status, (byStatus.get(p.status) ?? 0) + 1);
    open++;
    if (p.priority === 1) urgent++;
    const late = isOverdue(p, now);
    if (late) overdue++;
    let a = agencies.get(p.agencyId);
    if (!a) agencies.set(p.agencyId, (a = { agencyId: p.agencyId, open: 0, overdue: 0 }));
    a.open++;
    if (late) a.overdue++;
  }
  const byAgency = [...agencies.values()].sort(byUrgency);
  // Statuses in the order of the handling process (DOMAIN.md), not of arrival.
  const ordered = new Map(
    INCIDENT_STATUSES.flatMap((s) => (byStatus.has(s) ? [[s, byStatus.get(s) ?? 0] as const] : [])),
  );
  return { byStatus: ordered, open, overdue, urgent, byAgency };
}

/** supercluster settings for the wall: at city zoom and closer every incident is drawn on its own. */
export const CLUSTER_MAX_ZOOM = 11;
/**
 * Above this many open incidents the wall clusters at every zoom it uses (up to street level), whatever the
 * scene's layers: tens of thousands of single icons are unreadable on a wall, and drawing them stalled a
 * software-rendered page for over a minute at 100k (npm run bench:wall-delta).
 */
export const CLUSTER_EVERYWHERE_ABOVE = 20_000;
export const CLUSTER_MAX_ZOOM_LARGE = 16;

/** The deepest zoom that clusters for a wall of `open` placed incidents. */
export function clusterMaxZoom(open: number): number {
  return open > CLUSTER_EVERYWHERE_ABOVE ? CLUSTER_MAX_ZOOM_LARGE : CLUSTER_MAX_ZOOM;
}

/**
 * What the wall keeps of each open incident (placed or not), as numbers in one Float64Array, ENTRY_STRIDE per
 * entry: no object per incident for the garbage collector to trace on a 100,000-incident wall, and an
 * update reads and writes one entry's few adjacent numbers.
 */
const ENTRY_STRIDE = 7;
/** Index in INCIDENT_STATUSES; -1 for a free entry. */
const E_STATUS = 0;
const E_PRIORITY = 1;
/** Index in the agency table (#agencyIds). */
const E_AGENCY = 2;
/** hạn xử lý (deadline) in ms; NaN when there is none. */
const E_DUE = 3;
/** Its row in `points`; -1 without a position. */
const E_SLOT = 4;
/** The feature's `version` (the panel's list says which version it shows). */
const E_VERSION = 5;
/** Its row in the FeatureTable the wall was reset from; -1 without one. */
const E_ROW = 6;

/** Columns of the placed open incidents, row i = `points[i]` (copies, safe to transfer to a worker). */
export interface IncidentColumns {
  readonly points: readonly PlacedIncident[];
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly priority: Float64Array;
  readonly due: Float64Array;
}

/** The open placed incidents as deck.gl binary attributes (row i = `points[i]`), a new object per change. */
export interface IncidentAttributes {
  readonly length: number;
  /** lon, lat per row. */
  readonly position: Float64Array;
  readonly priority: Float64Array;
}

const STATUS_INDEX: ReadonlyMap<IncidentStatus, number> = new Map(INCIDENT_STATUSES.map((s, i) => [s, i]));

const dueOf = (p: IncidentProps): number => (p.dueAt === null ? NaN : isoMs(p.dueAt));

/**
 * The wall's incidents, kept per delta at the cost of what the delta touched (issue 15: the wall's handler
 * rebuilt a 100,000-row list and recounted everything on every delta, 33 ms):
 * - the open incidents with a position in stable rows (`points`; an update keeps its row, a new one is
 *   appended, a closed one's row takes the last row), with their coordinates, priority and deadline in
 *   typed columns for the cluster worker;
 * - the panel's counts (by status, open, urgent, overdue, by agency), updated per change; overdue depends
 *   on the clock, so `setNow` recounts it once a minute.
 * `version` changes with every change of the incidents; `counts` and `snapshot` are cached.
 */
export class WallIncidents {
  /** Every open incident by id → its entry (in #entries). */
  readonly #open = new Map<string, number>();
  /**
   * Reset from a FeatureTable (LayerSync's): its row → the entry there (-1: none), so that a delta's upserts
   * find their entries by row, not by id (a lookup in a 100,000-entry map per upsert, issue 15).
   */
  #table: FeatureTable<unknown> | null = null;
  #entryOfRow = new Int32Array(0);
  #entries = new Float64Array(1024 * ENTRY_STRIDE);
  /** Per entry, the incident's id (the Map's key string, not a copy). */
  readonly #entryId: string[] = [];
  /** Entries in use or freed (the high-water mark), and the freed ones, reused first. */
  #entryCount = 0;
  readonly #freeEntries: number[] = [];
  readonly #points: PlacedIncident[] = [];
  #lon = new Float64Array(1024);
  #lat = new Float64Array(1024);
  #priority = new Float64Array(1024);
  #due = new Float64Array(1024);
  /** Per row of `points`, its entry. */
  #rowEntry = new Int32Array(1024);
  /** Open incidents per status, by the status's index in INCIDENT_STATUSES. */
  readonly #byStatus = new Int32Array(INCIDENT_STATUSES.length);
  /** Agencies seen (a table that only grows: the units are a catalogue), with their open and overdue counts. */
  readonly #agencyIndex = new Map<string | null, number>();
  readonly #agencyIds: (string | null)[] = [];
  #agencyOpen = new Int32Array(64);
  #agencyOverdue = new Int32Array(64);
  #urgent = 0;
  #overdue = 0;
  #now: number;
  #version = 0;
  #counts: { version: number; counts: IncidentCounts } | null = null;
  #snapshot: { version: number; points: readonly PlacedIncident[] } | null = null;
  #attributes: { version: number; attributes: IncidentAttributes } | null = null;

  constructor(now: number) {
    this.#now = now;
  }

  /** Bumped by every change of the incidents. */
  get version(): number {
    return this.#version;
  }

  /** Open incidents with a position. */
  get size(): number {
    return this.#points.length;
  }

  /** The open placed incidents in their rows: live, changed in place (read it, do not keep it). */
  get points(): readonly PlacedIncident[] {
    return this.#points;
  }

  /** The open placed incident with this id, as now. */
  get(id: string): PlacedIncident | undefined {
    const e = this.#open.get(id);
    if (e === undefined) return undefined;
    const slot = this.#entries[e * ENTRY_STRIDE + E_SLOT]!;
    return slot >= 0 ? this.#points[slot] : undefined;
  }

  /** A copy of `points` at this version (a new array per change: deck.gl compares data by reference). */
  snapshot(): readonly PlacedIncident[] {
    if (this.#snapshot?.version !== this.#version)
      this.#snapshot = { version: this.#version, points: this.#points.slice() };
    return this.#snapshot.points;
  }

  /**
   * The rows as binary attributes for deck.gl (copies at this version, made on first use): a layer fed
   * these uploads the buffers as they are, with no accessor call per incident.
   */
  attributes(): IncidentAttributes {
    if (this.#attributes?.version !== this.#version) {
      const n = this.#points.length;
      const position = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        position[2 * i] = this.#lon[i]!;
        position[2 * i + 1] = this.#lat[i]!;
      }
      const attributes = { length: n, position, priority: this.#priority.slice(0, n) };
      this.#attributes = { version: this.#version, attributes };
    }
    return this.#attributes.attributes;
  }

  /** Copies of the typed columns for the cluster index. */
  columns(): IncidentColumns {
    const n = this.#points.length;
    return {
      points: this.#points.slice(),
      lon: this.#lon.slice(0, n),
      lat: this.#lat.slice(0, n),
      priority: this.#priority.slice(0, n),
      due: this.#due.slice(0, n),
    };
  }

  /** Starts again from a snapshot's features. */
  reset(features: ReadonlyMap<string, Feature<unknown>>): void {
    this.#open.clear();
    this.#entryId.length = 0;
    this.#entryCount = 0;
    this.#freeEntries.length = 0;
    this.#points.length = 0;
    this.#byStatus.fill(0);
    this.#agencyOpen.fill(0);
    this.#agencyOverdue.fill(0);
    this.#urgent = 0;
    this.#overdue = 0;
    this.#counts = null;
    if (features instanceof FeatureTable) {
      this.#table = features;
      this.#entryOfRow = new Int32Array(features.rowCount).fill(-1);
      features.forEachRow((f, row) => this.#upsert(f, row));
    } else {
      this.#table = null;
      for (const f of features.values()) this.#upsert(f, -1);
    }
    this.#version++;
  }

  /**
   * Applies what a delta changed (LayerSync's `changes`: the removes first, as applied). Changes of the
   * FeatureTable the wall was reset from are applied by row.
   */
  apply(changes: LayerChanges<unknown>): void {
    for (const id of changes.removed) {
      const e = this.#open.get(id);
      if (e !== undefined) this.#drop(id, e);
    }
    const { upserted } = changes;
    const rows = changes.rows && changes.rows.table === this.#table ? changes.rows.upserted : null;
    for (let i = 0; i < upserted.length; i++) this.#upsert(upserted[i]!, rows ? rows[i]! : -1);
    if (changes.removed.length + changes.upserted.length > 0) this.#version++;
  }

  /** The clock overdue is counted at (pass it rounded to the minute: a change recounts every incident). */
  setNow(now: number): void {
    if (now === this.#now) return;
    this.#now = now;
    this.#overdue = 0;
    this.#agencyOverdue.fill(0);
    const entries = this.#entries;
    for (let o = 0; o < this.#entryCount * ENTRY_STRIDE; o += ENTRY_STRIDE) {
      if (entries[o + E_STATUS]! < 0 || !(entries[o + E_DUE]! < now)) continue;
      this.#overdue++;
      this.#agencyOverdue[entries[o + E_AGENCY]!]!++;
    }
    this.#counts = null;
  }

  counts(): IncidentCounts {
    if (this.#counts?.version === this.#version) return this.#counts.counts;
    const byAgency: AgencyCount[] = [];
    this.#agencyIds.forEach((agencyId, a) => {
      const open = this.#agencyOpen[a]!;
      if (open > 0) byAgency.push({ agencyId, open, overdue: this.#agencyOverdue[a]! });
    });
    byAgency.sort(byUrgency);
    // Statuses in the order of the handling process (DOMAIN.md), not of arrival.
    const byStatus = new Map<IncidentStatus, number>();
    INCIDENT_STATUSES.forEach((s, i) => {
      const n = this.#byStatus[i]!;
      if (n > 0) byStatus.set(s, n);
    });
    const counts = {
      byStatus,
      open: this.#open.size,
      overdue: this.#overdue,
      urgent: this.#urgent,
      byAgency,
    };
    this.#counts = { version: this.#version, counts };
    return counts;
  }

  /**
   * The `count` open incidents the panel lists (urgentIncidents' list, in its order), from the numbers kept
   * here: a pass over typed entries, no feature read (urgentIncidents' pass over 100,000 features took
   * ~60 ms of the wall's main thread every few seconds, bench wall-delta).
   */
  urgent(now: number, count: number): UrgentIncident[] {
    if (count <= 0) return [];
    const best: UrgentCandidate[] = [];
    const entries = this.#entries;
    for (let e = 0; e < this.#entryCount; e++) {
      const o = e * ENTRY_STRIDE;
      if (entries[o + E_STATUS]! < 0) continue;
      const priority = entries[o + E_PRIORITY]!;
      const last = best.length === count ? best[count - 1]! : null;
      if (last && priority > last.line.priority) continue;
      const d = entries[o + E_DUE]!;
      const due = Number.isFinite(d) ? d : Infinity;
      const overdue = due < now;
      const id = this.#entryId[e]!;
      if (last && urgentBefore(priority, overdue, due, id, last) >= 0) continue;
      let at = best.length;
      while (at > 0 && urgentBefore(priority, overdue, due, id, best[at - 1]!) < 0) at--;
      const agencyId = this.#agencyIds[entries[o + E_AGENCY]!]!;
      best.splice(at, 0, {
        line: { id, version: entries[o + E_VERSION]!, priority, overdue, agencyId },
        due,
      });
      if (best.length > count) best.pop();
    }
    return best.map((b) => b.line);
  }

  /** `row`: the feature's row in #table, or -1 (then it is looked up by id). */
  #upsert(f: Feature<unknown>, row: number): void {
    let e: number | undefined;
    if (row < 0) e = this.#open.get(f.id);
    else if (row < this.#entryOfRow.length && this.#entryOfRow[row]! >= 0) e = this.#entryOfRow[row];
    if (!isIncidentFeature(f) || !isOpenIncident(f.props)) {
      if (e !== undefined) this.#drop(f.id, e);
      return;
    }
    const p = f.props;
    const status = STATUS_INDEX.get(p.status)!;
    const placed = f.position ? (f as PlacedIncident) : null;
    if (e === undefined) {
      const at = this.#newEntry();
      const o = at * ENTRY_STRIDE;
      const due = dueOf(p);
      const entries = this.#entries;
      entries[o + E_STATUS] = status;
      entries[o + E_PRIORITY] = p.priority;
      entries[o + E_AGENCY] = this.#agencyOf(p.agencyId);
      entries[o + E_DUE] = due;
      entries[o + E_SLOT] = placed ? this.#append(placed, due, at) : -1;
      entries[o + E_VERSION] = p.version;
      entries[o + E_ROW] = row;
      if (row >= 0) this.#setEntryOfRow(row, at);
      this.#entryId[at] = f.id;
      this.#open.set(f.id, at);
      this.#tally(o, 1);
      return;
    }
    const o = e * ENTRY_STRIDE;
    const entries = this.#entries;
    // Parsed again even when unchanged: isoMs costs less than reading the string kept from before (a cache
    // miss per upsert on a 100,000-incident wall, bench wall-delta).
    const due = dueOf(p);
    const was = entries[o + E_AGENCY]!;
    const agency = this.#agencyIds[was] === p.agencyId ? was : this.#agencyOf(p.agencyId);
    if (
      entries[o + E_STATUS] !== status ||
      entries[o + E_PRIORITY] !== p.priority ||
      was !== agency ||
      !Object.is(entries[o + E_DUE], due)
    ) {
      this.#tally(o, -1);
      entries[o + E_STATUS] = status;
      entries[o + E_PRIORITY] = p.priority;
      entries[o + E_AGENCY] = agency;
      entries[o + E_DUE] = due;
      this.#tally(o, 1);
    }
    entries[o + E_VERSION] = p.version;
    // Still on the map: same row, new values.
    const slot = entries[o + E_SLOT]!;
    if (placed && slot >= 0) this.#write(slot, placed, due);
    else if (placed) entries[o + E_SLOT] = this.#append(placed, due, e);
    else if (slot >= 0) {
      this.#removeSlot(slot);
      entries[o + E_SLOT] = -1;
    }
  }

  #drop(id: string, e: number): void {
    const o = e * ENTRY_STRIDE;
    this.#tally(o, -1);
    const slot = this.#entries[o + E_SLOT]!;
    if (slot >= 0) this.#removeSlot(slot);
    const row = this.#entries[o + E_ROW]!;
    if (row >= 0) this.#entryOfRow[row] = -1;
    this.#entries[o + E_STATUS] = -1;
    this.#entryId[e] = '';
    this.#freeEntries.push(e);
    this.#open.delete(id);
  }

  /** Row `row` of #table is in entry `entry`. */
  #setEntryOfRow(row: number, entry: number): void {
    if (row >= this.#entryOfRow.length) {
      const grown = new Int32Array(Math.max(row + 1, this.#entryOfRow.length * 2, 1024)).fill(-1);
      grown.set(this.#entryOfRow);
      this.#entryOfRow = grown;
    }
    this.#entryOfRow[row] = entry;
  }

  /** A free entry (a freed one first). */
  #newEntry(): number {
    const free = this.#freeEntries.pop();
    if (free !== undefined) return free;
    const e = this.#entryCount++;
    if (this.#entryCount * ENTRY_STRIDE > this.#entries.length) {
      const grown = new Float64Array(this.#entries.length * 2);
      grown.set(this.#entries);
      this.#entries = grown;
    }
    return e;
  }

  /** The agency's index in the table (added on first sight). */
  #agencyOf(agencyId: string | null): number {
    let a = this.#agencyIndex.get(agencyId);
    if (a === undefined) {
      a = this.#agencyIds.length;
      this.#agencyIds.push(agencyId);
      this.#agencyIndex.set(agencyId, a);
      if (a >= this.#agencyOpen.length) {
        const grow = (xs: Int32Array) => {
          const ys = new Int32Array(xs.length * 2);
          ys.set(xs);
          return ys;
        };
        this.#agencyOpen = grow(this.#agencyOpen);
        this.#agencyOverdue = grow(this.#agencyOverdue);
      }
    }
    return a;
  }

  #append(f: PlacedIncident, due: number, entry: number): number {
    const slot = this.#points.length;
    this.#grow(slot + 1);
    this.#points.push(f);
    this.#write(slot, f, due);
    this.#rowEntry[slot] = entry;
    return slot;
  }

  #write(slot: number, f: PlacedIncident, due: number): void {
    this.#points[slot] = f;
    this.#lon[slot] = f.position[0];
    this.#lat[slot] = f.position[1];
    this.#priority[slot] = f.props.priority;
    this.#due[slot] = due;
  }

  /** The last row takes the freed one, so rows stay dense. */
  #removeSlot(slot: number): void {
    const last = this.#points.length - 1;
    const moved = this.#points[last]!;
    this.#points.pop();
    if (slot === last) return;
    this.#write(slot, moved, this.#due[last]!);
    const e = this.#rowEntry[last]!;
    this.#rowEntry[slot] = e;
    this.#entries[e * ENTRY_STRIDE + E_SLOT] = slot;
  }

  #grow(n: number): void {
    if (n <= this.#lon.length) return;
    const size = Math.max(n, this.#lon.length * 2);
    const grown = <A extends Float64Array | Int32Array>(a: A, b: A): A => {
      b.set(a);
      return b;
    };
    this.#lon = grown(this.#lon, new Float64Array(size));
    this.#lat = grown(this.#lat, new Float64Array(size));
    this.#priority = grown(this.#priority, new Float64Array(size));
    this.#due = grown(this.#due, new Float64Array(size));
    this.#rowEntry = grown(this.#rowEntry, new Int32Array(size));
  }

  /** Adds (1) or takes out (-1) the entry at offset `o` in the counts. */
  #tally(o: number, by: 1 | -1): void {
    const entries = this.#entries;
    this.#byStatus[entries[o + E_STATUS]!]! += by;
    if (entries[o + E_PRIORITY] === 1) this.#urgent += by;
    const a = entries[o + E_AGENCY]!;
    this.#agencyOpen[a]! += by;
    if (entries[o + E_DUE]! < this.#now) {
      this.#overdue += by;
      this.#agencyOverdue[a]! += by;
    }
  }
}
