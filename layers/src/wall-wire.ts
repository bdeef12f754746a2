import type { Feature, LayerId, Position } from './feature.ts';
import { isoStringMs } from './iso-time.ts';

/**
 * The `wall` encoding of a layer snapshot (`auth.encoding: 'wall'` on `/live`): the features as one binary
 * buffer of typed columns, sent as a socket.io binary attachment (`LayerSnapshot.packed`). What the wall
 * draws travels; free text (WALL_TEXT_FIELDS: an incident's title) does not: it is replaced by a
 * placeholder (`''`) and fetched on demand with `layer:text`. Every other value round-trips exactly as JSON
 * would carry it, except positions, which are quantised to 1e-6° (about 0.1 m; a coordinate given with at
 * most six decimals comes back as the same double).
 *
 * Layout (little-endian; `varuint` is LEB128, at most 8 bytes; `str` is a varuint byte length + UTF-8 of
 * JSON text, so that any JavaScript string survives):
 * - magic `IOCW`, format version u8 (1), feature count n (varuint);
 * - ids: each id is split into a prefix and its trailing digits (at most 15): a dictionary of
 *   (prefix str, digit count u8), one `ints` stream of dictionary indexes, then n zigzag varint deltas of
 *   the numeric part (`IOC-2611-000123` after `IOC-2611-000122` costs one byte);
 * - positions: u8 mode (0 none, 1 all, 2 a presence bitmap follows), then longitude and latitude as two
 *   `ints` streams of round(x·1e6) over the features that have one (3 bytes each within 16°);
 * - props: column count (varuint), then per property key: key str, presence u8 (0 every feature has it,
 *   1 a bitmap of ceil(n/8) bytes follows), kind u8 and its body:
 *   - 0 `dict` (strings, booleans, arrays, objects, mixed): entry count, entries as JSON str, then an
 *     `ints` stream of indexes (a constant column costs nothing per feature: status, category, agency and
 *     channel lists are dictionary-coded);
 *   - 1 `number`: decimals u8 (0–6: a value v travels as the integer v·10^decimals when that is exact,
 *     so a rain rate of 12.3 is a small integer), then an `ints` stream (null allowed);
 *   - 2 `time` (ISO-8601 strings as `Date#toISOString` writes them): unit u8 (0 ms, 1 whole seconds),
 *     then an `ints` stream of the epoch time in that unit (null allowed);
 *   - 3 `omitted` (text fetched on demand): the placeholder as JSON str, nothing per feature;
 * - raw: count, then (index varuint, JSON str) for features whose props are not a plain object.
 *
 * An `ints` stream is width u8 (0–6 bytes), hasNull u8, base f64, then one unsigned integer of `width`
 * bytes per value: base + raw (− 1 when hasNull; raw 0 is null). Widths are the smallest that fit, so a
 * priority costs one byte and a time within six months of the others three.
 *
 * The decoder treats its input as hostile (fuzz-safe): every count is checked against the bytes left
 * before anything is allocated, every index against its dictionary, and anything wrong throws a
 * WallDecodeError saying where; it never loops or allocates beyond what the buffer's length allows.
 */

export const WALL_WIRE_VERSION = 1;
/** Positions travel as integers of 1e-6° (about 0.11 m at Huế's latitude; a wall needs about 1 m). */
export const WALL_POSITION_SCALE = 1e6;
/** More than any layer holds (a decoder refuses a larger count before allocating anything). */
export const WALL_MAX_FEATURES = 5_000_000;

/** Per layer, the props that do not travel in a `wall` snapshot, with their placeholder. */
export const WALL_TEXT_FIELDS: Readonly<Partial<Record<LayerId, Readonly<Record<string, string>>>>> = {
  incidents: { title: '' },
};

export class WallDecodeError extends Error {
  constructor(message: string) {
    super(`wall snapshot: ${message}`);
    this.name = 'WallDecodeError';
  }
}

const MAGIC = [0x49, 0x4f, 0x43, 0x57]; // "IOCW"
const KIND_DICT = 0;
const KIND_NUMBER = 1;
const KIND_TIME = 2;
const KIND_OMITTED = 3;
const MAX_DIGITS = 15;
const POW256 = [1, 2 ** 8, 2 ** 16, 2 ** 24, 2 ** 32, 2 ** 40, 2 ** 48];
/** A feature without the column's key, in a column's per-feature dictionary indexes. */
const ABSENT = 0xffffffff;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

class Writer {
  buf = new Uint8Array(1 << 16);
  view = new DataView(this.buf.buffer);
  at = 0;

  room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + bytes) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.at++] = v;
  }
  f64(v: number): void {
    this.room(8);
    this.view.setFloat64(this.at, v, true);
    this.at += 8;
  }
  varuint(v: number): void {
    this.room(8);
    while (v >= 0x80) {
      this.buf[this.at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.at++] = v;
  }
  str(s: string): void {
    const bytes = utf8.encode(s);
    this.varuint(bytes.length);
    this.room(bytes.length);
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }
  /**
   * Unsigned integers of `width` bytes, little-endian: `values[i]`, or with `idx` `values[idx[i]]` (0 where
   * it is ABSENT), so that a dictionary column needs no per-feature array.
   */
  uints(values: ArrayLike<number>, count: number, width: number, idx?: Uint32Array): void {
    if (width === 0) return;
    this.room(count * width);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < count; i++) {
      let v: number;
      if (idx === undefined) v = values[i]!;
      else {
        const e = idx[i]!;
        v = e === ABSENT ? 0 : values[e]!;
      }
      // Byte stores keep the low 8 bits; values of more than 4 bytes (< 2^48) are split at 2^32.
      const lo = v >>> 0;
      buf[at] = lo;
      if (width > 1) buf[at + 1] = lo >>> 8;
      if (width > 2) buf[at + 2] = lo >>> 16;
      if (width > 3) buf[at + 3] = lo >>> 24;
      if (width > 4) {
        const hi = (v - lo) / 4294967296;
        buf[at + 4] = hi;
        if (width > 5) buf[at + 5] = hi >>> 8;
      }
      at += width;
    }
    this.at = at;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}

class Reader {
  at = 0;
  readonly view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get left(): number {
    return this.buf.length - this.at;
  }
  need(bytes: number, what: string): void {
    if (bytes > this.left)
      throw new WallDecodeError(`truncated: ${what} needs ${bytes} bytes at byte ${this.at}`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.at++]!;
  }
  f64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.at, true);
    this.at += 8;
    return v;
  }
  varuint(what: string): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8(what);
      v += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (v > Number.MAX_SAFE_INTEGER) break;
        return v;
      }
      mul *= 0x80;
    }
    throw new WallDecodeError(`${what}: bad varuint at byte ${this.at}`);
  }
  /** A count of items that each take at least one byte: never more than the bytes left. */
  count(what: string, max = Number.MAX_SAFE_INTEGER): number {
    const n = this.varuint(what);
    if (n > this.left || n > max)
      throw new WallDecodeError(`${what}: count ${n} exceeds what the buffer holds`);
    return n;
  }
  str(what: string): string {
    const len = this.varuint(what);
    this.need(len, what);
    const s = this.buf.subarray(this.at, this.at + len);
    this.at += len;
    try {
      return fromUtf8.decode(s);
    } catch {
      throw new WallDecodeError(`${what}: invalid UTF-8`);
    }
  }
  /** A string written as JSON text (lone surrogates survive, which UTF-8 would replace). */
  jstr(what: string): string {
    const v = this.json(what);
    if (typeof v !== 'string') throw new WallDecodeError(`${what}: expected a string`);
    return v;
  }
  json(what: string): unknown {
    const text = this.str(what);
    try {
      return JSON.parse(text);
    } catch {
      throw new WallDecodeError(`${what}: invalid JSON`);
    }
  }
}

const widthFor = (max: number): number => {
  let w = 0;
  while (w < 6 && max >= POW256[w + 1]!) w++;
  return max === 0 ? 0 : w + 1;
};

/**
 * An `ints` stream of `count` values (null allowed when `nullable`): integers, all safe. Returns false
 * (writing nothing) when their range does not fit six bytes.
 */
function writeInts(w: Writer, values: ArrayLike<number | null>, count: number): boolean {
  let min = Infinity;
  let max = -Infinity;
  let hasNull = false;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      hasNull = true;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const head = writeIntsHeader(w, min, max, hasNull);
  if (!head) return false;
  const raw = head.range < 2 ** 32 ? new Uint32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const v = values[i];
    raw[i] = v === null || v === undefined ? 0 : v - head.min + head.shift;
  }
  w.uints(raw, count, head.width);
  return true;
}

/**
 * The header of an `ints` stream whose values lie in [min, max] (none when min is Infinity), with nulls
 * when `hasNull`: width, hasNull, base. Null (nothing written) when the range does not fit six bytes.
 */
function writeIntsHeader(
  w: Writer,
  min: number,
  max: number,
  hasNull: boolean,
): { min: number; shift: number; range: number; width: number } | null {
  if (min === Infinity) min = max = 0;
  const shift = hasNull ? 1 : 0;
  const range = max - min + shift;
  if (!(range < 2 ** 48)) return null;
  const width = widthFor(range);
  w.u8(width);
  w.u8(shift);
  w.f64(min);
  return { min, shift, range, width };
}

/** Reads an `ints` stream; null entries are NaN in the result. */
function readInts(r: Reader, count: number, what: string): Float64Array {
  const width = r.u8(what);
  if (width > 6) throw new WallDecodeError(`${what}: width ${width} is more than 6 bytes`);
  const shift = r.u8(what);
  if (shift > 1) throw new WallDecodeError(`${what}: bad null flag ${shift}`);
  const base = r.f64(what);
  if (!Number.isFinite(base)) throw new WallDecodeError(`${what}: base is not a finite number`);
  // Width 0 streams take no bytes: bounded by `count`, which the caller checked against the buffer.
  r.need(count * width, what);
  const out = new Float64Array(count);
  const buf = r.buf;
  let at = r.at;
  for (let i = 0; i < count; i++) {
    let v = 0;
    for (let b = 0; b < width; b++) v += buf[at++]! * POW256[b]!;
    out[i] = shift === 1 && v === 0 ? NaN : base + v - shift;
  }
  r.at = at;
  return out;
}

/** The smallest number of decimals (0–6) at which every value is an exact integer, or -1. */
function decimalsOf(values: readonly (number | null)[]): number {
  for (let d = 0; d <= 6; d++) {
    const scale = 10 ** d;
    let ok = true;
    for (const v of values) {
      if (v === null) continue;
      const s = Math.round(v * scale);
      if (!Number.isSafeInteger(s) || s / scale !== v) {
        ok = false;
        break;
      }
    }
    if (ok) return d;
  }
  return -1;
}

const P2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const P3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const DAY_MS = 86_400_000;
/** Years 0000–9999, the range of a four-digit ISO year. */
const MIN_ISO_MS = -62_167_219_200_000;
const MAX_ISO_MS = 253_402_300_799_999;

/**
 * `new Date(ms).toISOString()`, several times faster for a column of times (toISOString was most of a
 * 100k-incident decode): the date part is computed once per day, the time of day from tables.
 */
function isoTimes() {
  const days = new Map<number, string>();
  return (ms: number): string => {
    if (!(ms >= MIN_ISO_MS && ms <= MAX_ISO_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
    const day = Math.floor(ms / DAY_MS);
    let prefix = days.get(day);
    if (prefix === undefined) days.set(day, (prefix = new Date(day * DAY_MS).toISOString().slice(0, 11)));
    let t = ms - day * DAY_MS;
    const milli = t % 1000;
    t = (t - milli) / 1000;
    const sec = t % 60;
    t = (t - sec) / 60;
    const min = t % 60;
    const hour = (t - min) / 60;
    return `${prefix}${P2[hour]}:${P2[min]}:${P2[sec]}.${P3[milli]}Z`;
  };
}

/**
 * A prop value as a time column takes it: epoch ms of an ISO string exactly as `Date#toISOString` writes it,
 * null for null, undefined for anything else (it travels as text, unchanged: `2026-02-31…` too).
 */
function isoTime(v: unknown): number | null | undefined {
  if (v === null) return null;
  return typeof v === 'string' ? isoStringMs(v) : undefined;
}

interface StringListNode {
  e: number;
  next: Map<string, StringListNode> | null;
}

const isStringList = (v: unknown): v is string[] => {
  if (!Array.isArray(v)) return false;
  for (let k = 0; k < v.length; k++) if (typeof v[k] !== 'string') return false;
  return true;
};

/**
 * One props column as features are read: each value's index in the column's dictionary of distinct values
 * (strings and numbers by value, anything else by its JSON text), ABSENT where a feature lacks the key. One
 * pass over the features, one Map lookup per value; the kind is chosen afterwards from the distinct values.
 */
class ColumnBuilder {
  idx: Uint32Array;
  values: unknown[] = [];
  readonly strings = new Map<string, number>();
  readonly numbers = new Map<number, number>();
  readonly others = new Map<string, number>();
  /** Lists of strings, a trie by their elements (`e`: the list ending here, -1 when none has yet). */
  readonly lists: StringListNode = { e: -1, next: null };
  present = 0;
  /**
   * Times first: while every value is a canonical ISO time (or null) the column holds epoch ms per
   * feature (NaN for null) and no dictionary — a column of distinct timestamps would otherwise build a
   * Map of 100k strings. The first other value turns it into a dictionary column.
   */
  ms: Float64Array | null = null;
  /** Until the first value that is not a time; `ms` is allocated at the first time. */
  timesOnly = true;
  constructor(
    readonly key: string,
    readonly n: number,
    readonly omitted = false,
  ) {
    this.idx = new Uint32Array(n).fill(ABSENT);
  }
  /** A column that does not travel (WallEncodeOptions.omit): only which features have it. */
  mark(i: number): void {
    this.idx[i] = 0;
    this.present++;
  }
  add(i: number, v: unknown): void {
    if (this.timesOnly) {
      const t = isoTime(v);
      if (t !== undefined) {
        (this.ms ??= new Float64Array(this.n))[i] = t === null ? NaN : t;
        this.idx[i] = 0;
        this.present++;
        return;
      }
      this.toValues();
    }
    let e: number | undefined;
    if (typeof v === 'string') {
      e = this.strings.get(v);
      if (e === undefined) this.strings.set(v, (e = this.values.push(v) - 1));
    } else if (typeof v === 'number') {
      e = this.numbers.get(v);
      if (e === undefined) this.numbers.set(v, (e = this.values.push(v) - 1));
    } else if (isStringList(v)) {
      // Lists of strings (an incident's channels: ['hue_s'], ['hue_s', 'hotline']) by their strings, one
      // Map lookup per string: JSON.stringify per feature was the encoder's largest cost.
      let node = this.lists;
      for (const s of v) {
        const next = (node.next ??= new Map());
        let child = next.get(s);
        if (child === undefined) next.set(s, (child = { e: -1, next: null }));
        node = child;
      }
      if (node.e < 0) node.e = this.values.push(v.slice()) - 1;
      e = node.e;
    } else {
      const json = JSON.stringify(v) ?? 'null';
      e = this.others.get(json);
      if (e === undefined) this.others.set(json, (e = this.values.push(JSON.parse(json)) - 1));
    }
    this.idx[i] = e;
    this.present++;
  }
  /** Replays the times seen so far as dictionary values. */
  private toValues(): void {
    const ms = this.ms;
    this.timesOnly = false;
    this.ms = null;
    // Mostly the first value of a column that holds no times (a status): nothing to replay.
    if (!ms) return;
    const format = isoTimes();
    const present = this.present;
    for (let r = 0; r < this.n; r++) {
      if (this.idx[r] === ABSENT) continue;
      this.add(r, Number.isNaN(ms[r]!) ? null : format(ms[r]!));
    }
    this.present = present;
  }
  /**
   * A times column as a dictionary when it has few distinct values (the due times of a batch), else null;
   * fills `values` and `idx` then. Gives up past `limit` distinct values (a dictionary cannot win there).
   */
  timesAsDict(limit: number): boolean {
    const ms = this.ms!;
    const idx = this.idx;
    // Distinct times in an open-addressing table of Float64Array keys (a Map of numbers boxes every
    // epoch ms it looks up): at most min(limit, present) keys, at most half full. NaN (null) apart.
    let bits = 4;
    while (2 ** bits < 2 * Math.min(limit, this.present)) bits++;
    const mask = 2 ** bits - 1;
    const slotTime = new Float64Array(mask + 1);
    const slotEntry = new Int32Array(mask + 1).fill(-1);
    const times: number[] = [];
    let nullEntry = -1;
    for (let i = 0; i < this.n; i++) {
      if (idx[i] === ABSENT) continue;
      const t = ms[i]!;
      let e: number;
      if (Number.isNaN(t)) {
        if (nullEntry < 0) {
          if (times.length >= limit) return false;
          nullEntry = times.push(t) - 1;
        }
        e = nullEntry;
      } else {
        // Epoch ms are integers: their two 32-bit halves, mixed (Fibonacci hashing takes the top bits).
        let h = Math.imul((t | 0) ^ Math.imul((t / 4294967296) | 0, 0x85ebca6b), 0x9e3779b1) >>> (32 - bits);
        for (;;) {
          const s = slotEntry[h]!;
          if (s < 0) {
            if (times.length >= limit) return false;
            e = slotEntry[h] = times.push(t) - 1;
            slotTime[h] = t;
            break;
          }
          if (slotTime[h] === t) {
            e = s;
            break;
          }
          h = (h + 1) & mask;
        }
      }
      idx[i] = e;
    }
    const format = isoTimes();
    this.values = times.map((t) => (Number.isNaN(t) ? null : format(t)));
    return true;
  }
}

/** An `ints` stream of `table[idx[i]]` per feature (NaN is null; absent features write 0). */
function writeMapped(w: Writer, idx: Uint32Array, table: Float64Array, n: number): boolean {
  let min = Infinity;
  let max = -Infinity;
  let hasNull = false;
  for (const v of table) {
    if (Number.isNaN(v)) hasNull = true;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const head = writeIntsHeader(w, min, max, hasNull);
  if (!head) return false;
  const rawOf = new Float64Array(table.length);
  for (let e = 0; e < table.length; e++)
    rawOf[e] = Number.isNaN(table[e]!) ? 0 : table[e]! - head.min + head.shift;
  w.uints(rawOf, n, head.width, idx);
  return true;
}

/**
 * The body of a `time` column after its kind: the unit (whole seconds when every time is), then an `ints`
 * stream of the times (NaN is null; absent features write 0). False, having written the unit, when their
 * range does not fit six bytes.
 */
function writeTimes(w: Writer, ms: Float64Array, idx: Uint32Array, n: number): boolean {
  let seconds = true;
  for (let i = 0; i < n && seconds; i++) {
    const t = ms[i]!;
    if (idx[i] !== ABSENT && !Number.isNaN(t) && t % 1000 !== 0) seconds = false;
  }
  const unit = seconds ? 1000 : 1;
  w.u8(seconds ? 1 : 0);
  let min = Infinity;
  let max = -Infinity;
  let hasNull = false;
  for (let i = 0; i < n; i++) {
    if (idx[i] === ABSENT) continue;
    const v = ms[i]! / unit;
    if (Number.isNaN(v)) hasNull = true;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const head = writeIntsHeader(w, min, max, hasNull);
  if (!head) return false;
  const raw = head.range < 2 ** 32 ? new Uint32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = ms[i]! / unit;
    raw[i] = idx[i] === ABSENT || Number.isNaN(v) ? 0 : v - head.min + head.shift;
  }
  w.uints(raw, n, head.width);
  return true;
}

/**
 * One props column, in the kind that takes the fewest bytes: a column of few distinct values (a status, the
 * due times of a batch of imports) is a dictionary even when its values are numbers or times, which also
 * lets the decoder share one value per distinct value instead of building one per feature.
 */
function writeColumn(w: Writer, c: ColumnBuilder, n: number): void {
  if (c.ms) {
    // Epoch integers cost at most 6 bytes a feature; a dictionary of 27-byte strings can only win below
    // n/5 distinct values.
    const ms = c.ms;
    if (!c.timesAsDict(Math.max(2, Math.floor(n / 5)))) {
      const mark = w.at;
      w.u8(KIND_TIME);
      if (writeTimes(w, ms, c.idx, n)) return;
      w.at = mark;
      // Beyond six bytes (times millennia apart): as text.
      c.timesAsDict(Infinity);
    }
    c.ms = null;
  }
  const { values, idx } = c;
  const entries = values.map((v) => JSON.stringify(v) ?? 'null');
  let entryBytes = 0;
  for (const e of entries) entryBytes += e.length + 1;
  const dictBytes = entryBytes + n * widthFor(values.length - 1);
  const writeDict = () => {
    w.u8(KIND_DICT);
    w.varuint(entries.length);
    for (const e of entries) w.str(e);
    const table = new Float64Array(values.length);
    for (let e = 0; e < table.length; e++) table[e] = e;
    writeMapped(w, idx, table, n);
  };
  if (values.length <= 1) return writeDict();
  // Numbers as scaled integers, times as epoch integers, when that is smaller than the dictionary.
  const numeric = values.every((v) => v === null || typeof v === 'number');
  const stringy = !numeric && values.every((v) => v === null || typeof v === 'string');
  let table: Float64Array | null = null;
  let head: number[] = [];
  if (numeric) {
    const nums = values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null));
    const d = decimalsOf(nums);
    if (d >= 0) {
      const scale = 10 ** d;
      table = Float64Array.from(nums, (v) => (v === null ? NaN : Math.round(v * scale)));
      head = [KIND_NUMBER, d];
    }
  } else if (stringy) {
    const ms = new Float64Array(values.length);
    let ok = true;
    for (let e = 0; e < values.length && ok; e++) {
      const t = isoTime(values[e]);
      if (t === undefined) ok = false;
      else ms[e] = t === null ? NaN : t;
    }
    if (ok) {
      const seconds = ms.every((v) => Number.isNaN(v) || v % 1000 === 0);
      table = seconds ? ms.map((v) => v / 1000) : ms;
      head = [KIND_TIME, seconds ? 1 : 0];
    }
  }
  if (table) {
    let min = Infinity;
    let max = -Infinity;
    let hasNull = false;
    for (const v of table) {
      if (Number.isNaN(v)) hasNull = true;
      else {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    if (min === Infinity) min = max = 0;
    if (n * widthFor(max - min + (hasNull ? 1 : 0)) < dictBytes) {
      const mark = w.at;
      for (const b of head) w.u8(b);
      if (writeMapped(w, idx, table, n)) return;
      w.at = mark;
    }
  }
  writeDict();
}

export interface WallEncodeOptions {
  /** Props left out (text fetched on demand), with the placeholder the decoder puts in their place. */
  omit?: Readonly<Record<string, string>>;
}

/** Encodes features in the `wall` form described above. */
export function encodeWallFeatures<P>(
  features: readonly Feature<P>[],
  opts: WallEncodeOptions = {},
): Uint8Array {
  const n = features.length;
  const w = new Writer();
  for (const b of MAGIC) w.u8(b);
  w.u8(WALL_WIRE_VERSION);
  w.varuint(n);

  // Ids: prefix dictionary + numeric tail, delta-coded.
  const prefixes = new Map<string, number>();
  const prefixIdx = new Uint32Array(n);
  const tails = new Float64Array(n);
  const prefixList: [string, number][] = [];
  // The previous id's prefix is tried first (a layer's ids mostly share one): no slice, no Map lookup.
  let lastPrefix = '';
  let lastDigits = -1;
  let lastK = 0;
  for (let i = 0; i < n; i++) {
    const id = features[i]!.id;
    let end = id.length;
    let tail = 0;
    let mul = 1;
    while (end > 0 && id.length - end < MAX_DIGITS) {
      const c = id.charCodeAt(end - 1);
      if (c < 48 || c > 57) break;
      tail += (c - 48) * mul;
      mul *= 10;
      end--;
    }
    const digits = id.length - end;
    let k: number | undefined;
    if (digits === lastDigits && end === lastPrefix.length && id.startsWith(lastPrefix)) k = lastK;
    else {
      const prefix = id.slice(0, end);
      const key = `${digits}:${prefix}`;
      k = prefixes.get(key);
      if (k === undefined) {
        prefixes.set(key, (k = prefixList.length));
        prefixList.push([prefix, digits]);
      }
      lastPrefix = prefix;
      lastDigits = digits;
      lastK = k;
    }
    prefixIdx[i] = k;
    tails[i] = tail;
  }
  w.varuint(prefixList.length);
  for (const [prefix, digits] of prefixList) {
    w.str(JSON.stringify(prefix));
    w.u8(digits);
  }
  writeInts(w, prefixIdx, n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const d = tails[i]! - prev;
    prev = tails[i]!;
    w.varuint(d >= 0 ? d * 2 : -d * 2 - 1);
  }

  // Positions, quantised.
  const lon = new Float64Array(n);
  const lat = new Float64Array(n);
  const hasPosition = new Uint8Array(n);
  let placed = 0;
  for (let i = 0; i < n; i++) {
    const p = features[i]!.position;
    if (p && Number.isFinite(p[0]) && Number.isFinite(p[1])) {
      hasPosition[i] = 1;
      lon[placed] = Math.round(p[0] * WALL_POSITION_SCALE);
      lat[placed++] = Math.round(p[1] * WALL_POSITION_SCALE);
    }
  }
  const mode = placed === 0 ? 0 : placed === n ? 1 : 2;
  w.u8(mode);
  if (mode === 2) w.bytes(bitmap(n, (i) => hasPosition[i] === 1));
  if (mode !== 0) {
    writeInts(w, lon, placed);
    writeInts(w, lat, placed);
  }

  // Props, one column per key in first-seen order. Features of a layer share their keys' order, so the
  // column of the j-th key is looked up in the previous feature's list before the Map.
  const omit = opts.omit ?? {};
  const columns = new Map<string, ColumnBuilder>();
  let byPosition: ColumnBuilder[] = [];
  const raw: number[] = [];
  // for-in walks the prototype too: a plain object's is Object.prototype, which has no enumerable keys
  // unless something added one; only then is every key checked to be the object's own.
  const inherited = Object.keys(Object.prototype).length > 0;
  for (let i = 0; i < n; i++) {
    const props = features[i]!.props;
    if (!isPlainObject(props)) {
      raw.push(i);
      continue;
    }
    let j = 0;
    for (const k in props) {
      const v = props[k];
      if (v === undefined || (inherited && !Object.hasOwn(props, k))) continue;
      let c = byPosition[j];
      if (c === undefined || c.key !== k) {
        c = columns.get(k);
        if (!c) columns.set(k, (c = new ColumnBuilder(k, n, Object.hasOwn(omit, k))));
        byPosition[j] = c;
      }
      j++;
      if (c.omitted) c.mark(i);
      else c.add(i, v);
    }
    if (j < byPosition.length) byPosition = byPosition.slice(0, j);
  }
  w.varuint(columns.size);
  for (const c of columns.values()) {
    w.str(JSON.stringify(c.key));
    const full = c.present === n;
    w.u8(full ? 0 : 1);
    if (!full) w.bytes(bitmap(n, (i) => c.idx[i] !== ABSENT));
    if (c.omitted) {
      w.u8(KIND_OMITTED);
      w.str(JSON.stringify(omit[c.key]));
    } else writeColumn(w, c, n);
  }
  w.varuint(raw.length);
  for (const i of raw) {
    w.varuint(i);
    w.str(JSON.stringify(features[i]!.props ?? null) ?? 'null');
  }
  return w.result();
}

function bitmap(n: number, has: (i: number) => boolean): Uint8Array {
  const out = new Uint8Array(Math.ceil(n / 8));
  for (let i = 0; i < n; i++) if (has(i)) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

function readBitmap(r: Reader, n: number, what: string): Uint8Array {
  const len = Math.ceil(n / 8);
  r.need(len, what);
  const out = r.buf.subarray(r.at, r.at + len);
  r.at += len;
  return out;
}

const hasBit = (bits: Uint8Array | null, i: number) =>
  bits === null || (bits[i >> 3]! & (1 << (i & 7))) !== 0;

/** A dictionary entry shared by every feature that has it: frozen, so no feature can change another's. */
function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

export interface DecodedWallFeatures<P> {
  features: Feature<P>[];
  /** Props that did not travel (their placeholder is in every feature): fetch them with `layer:text`. */
  omitted: string[];
}

const asBytes = (data: unknown): Uint8Array => {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new WallDecodeError('expected binary data (ArrayBuffer or Uint8Array)');
};

/** Decodes a `wall` buffer; throws WallDecodeError on anything that is not one. */
export function decodeWallFeatures<P = unknown>(data: unknown): DecodedWallFeatures<P> {
  const r = new Reader(asBytes(data));
  for (const b of MAGIC)
    if (r.u8('magic') !== b) throw new WallDecodeError('not a wall snapshot (bad magic)');
  const version = r.u8('version');
  if (version !== WALL_WIRE_VERSION) throw new WallDecodeError(`unsupported format version ${version}`);
  // Every feature takes at least one byte (its id's delta varint): a larger count is a lie.
  const n = r.count('feature count', WALL_MAX_FEATURES);

  const prefixCount = r.count('id prefixes');
  const prefixes: { prefix: string; digits: number }[] = [];
  for (let k = 0; k < prefixCount; k++) {
    const prefix = r.jstr('id prefix');
    const digits = r.u8('id digits');
    if (digits > MAX_DIGITS) throw new WallDecodeError(`id digits ${digits} over ${MAX_DIGITS}`);
    prefixes.push({ prefix, digits });
  }
  const prefixIdx = readInts(r, n, 'id prefix indexes');
  const ids = new Array<string>(n);
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const z = r.varuint('id delta');
    tail += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    const p = prefixes[prefixIdx[i]!];
    if (!p) throw new WallDecodeError(`id prefix index ${prefixIdx[i]} of feature ${i} out of range`);
    if (p.digits === 0) ids[i] = p.prefix;
    else {
      if (!Number.isSafeInteger(tail) || tail < 0 || tail >= 10 ** p.digits)
        throw new WallDecodeError(`id number ${tail} of feature ${i} does not fit ${p.digits} digits`);
      ids[i] = p.prefix + String(tail).padStart(p.digits, '0');
    }
  }

  const mode = r.u8('position mode');
  if (mode > 2) throw new WallDecodeError(`bad position mode ${mode}`);
  const posBits = mode === 2 ? readBitmap(r, n, 'position bitmap') : null;
  const positions = new Array<Position | null>(n).fill(null);
  if (mode !== 0) {
    let placed = 0;
    for (let i = 0; i < n; i++) if (mode === 1 || hasBit(posBits, i)) placed++;
    const lon = readInts(r, placed, 'longitudes');
    const lat = readInts(r, placed, 'latitudes');
    let j = 0;
    for (let i = 0; i < n; i++) {
      if (mode === 2 && !hasBit(posBits, i)) continue;
      const x = lon[j]! / WALL_POSITION_SCALE;
      const y = lat[j++]! / WALL_POSITION_SCALE;
      if (!(Math.abs(x) <= 180 && Math.abs(y) <= 90))
        throw new WallDecodeError(`position of feature ${i} outside WGS84`);
      positions[i] = [x, y];
    }
  }

  const colCount = r.count('column count');
  const keys: string[] = [];
  const columns: { key: string; present: Uint8Array | null; get: (i: number) => unknown }[] = [];
  const omitted: string[] = [];
  for (let c = 0; c < colCount; c++) {
    const key = r.jstr('column key');
    if (keys.includes(key)) throw new WallDecodeError(`column ${JSON.stringify(key)} twice`);
    keys.push(key);
    const presence = r.u8('presence');
    if (presence > 1) throw new WallDecodeError(`bad presence flag ${presence}`);
    const present = presence === 1 ? readBitmap(r, n, 'presence bitmap') : null;
    const kind = r.u8('column kind');
    const what = `column ${JSON.stringify(key.slice(0, 40))}`;
    if (kind === KIND_OMITTED) {
      const placeholder = deepFreeze(r.json(what));
      omitted.push(key);
      columns.push({ key, present, get: () => placeholder });
    } else if (kind === KIND_DICT) {
      const entryCount = r.count(what);
      const entries: unknown[] = [];
      for (let e = 0; e < entryCount; e++) entries.push(deepFreeze(r.json(what)));
      const idx = readInts(r, n, what);
      for (let i = 0; i < n; i++)
        if (hasBit(present, i) && !(idx[i]! < entries.length))
          throw new WallDecodeError(`${what}: index ${idx[i]} of feature ${i} out of range`);
      columns.push({ key, present, get: (i) => entries[idx[i]!] });
    } else if (kind === KIND_NUMBER) {
      const d = r.u8(what);
      if (d > 6) throw new WallDecodeError(`${what}: ${d} decimals`);
      const scale = 10 ** d;
      const v = readInts(r, n, what);
      columns.push({ key, present, get: (i) => (Number.isNaN(v[i]!) ? null : v[i]! / scale) });
    } else if (kind === KIND_TIME) {
      const unit = r.u8(what);
      if (unit > 1) throw new WallDecodeError(`${what}: bad time unit ${unit}`);
      const mul = unit === 1 ? 1000 : 1;
      const v = readInts(r, n, what);
      const format = isoTimes();
      const iso = (i: number): string | null => {
        const ms = v[i]! * mul;
        if (Number.isNaN(ms)) return null;
        if (!(Math.abs(ms) <= 8.64e15))
          throw new WallDecodeError(`${what}: time of feature ${i} out of range`);
        return format(ms);
      };
      columns.push({ key, present, get: iso });
    } else throw new WallDecodeError(`${what}: unknown kind ${kind}`);
  }

  const rawCount = r.count('raw count');
  const raw = new Map<number, unknown>();
  for (let k = 0; k < rawCount; k++) {
    const i = r.varuint('raw index');
    if (i >= n) throw new WallDecodeError(`raw index ${i} out of range`);
    raw.set(i, r.json('raw props'));
  }
  if (r.left !== 0) throw new WallDecodeError(`${r.left} unexpected bytes at the end`);

  // A key named "__proto__" must stay a plain property (defineProperty), never set a prototype.
  const special = columns.some((c) => c.key === '__proto__');
  const features = new Array<Feature<P>>(n);
  for (let i = 0; i < n; i++) {
    let props: unknown;
    if (raw.has(i)) props = raw.get(i);
    else {
      const o: Record<string, unknown> = {};
      for (const c of columns) {
        if (!hasBit(c.present, i)) continue;
        if (special && c.key === '__proto__')
          Object.defineProperty(o, c.key, {
            value: c.get(i),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else o[c.key] = c.get(i);
      }
      props = o;
    }
    features[i] = { id: ids[i]!, position: positions[i]!, props: props as P };
  }
  return { features, omitted };
}
