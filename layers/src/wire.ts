import type { Feature, Position } from './feature.ts';

/**
 * A columnar form of a feature list for the wire: ids, longitudes and latitudes as arrays, and each
 * property as one array, so keys are written once per snapshot instead of once per feature. Values are
 * kept as they are (nested objects stay objects). `undefined` props are not representable (as in JSON).
 */
export interface ColumnarFeatures {
  ids: string[];
  /** null where a feature has no position. */
  lon: (number | null)[];
  lat: (number | null)[];
  props: Record<string, unknown[]>;
  /** Per property, the indexes of features that do not have it at all (as opposed to having null). */
  absent?: Record<string, number[]>;
  /** Features whose props were not a plain object, kept as they were, by index. */
  raw?: Record<number, unknown>;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

export function encodeColumnar<P>(features: readonly Feature<P>[]): ColumnarFeatures {
  const n = features.length;
  // Prototype-less maps: property names come from data ("valueOf", "__proto__" are just names here).
  const out: ColumnarFeatures = {
    ids: new Array<string>(n),
    lon: new Array(n),
    lat: new Array(n),
    props: Object.create(null) as Record<string, unknown[]>,
  };
  const ABSENT = null;
  const present = Object.create(null) as Record<string, boolean[]>;
  features.forEach((f, i) => {
    out.ids[i] = f.id;
    out.lon[i] = f.position ? f.position[0] : null;
    out.lat[i] = f.position ? f.position[1] : null;
    if (!isPlainObject(f.props)) {
      (out.raw ??= {})[i] = f.props;
      return;
    }
    for (const [k, v] of Object.entries(f.props)) {
      const col = (out.props[k] ??= new Array(n).fill(ABSENT));
      col[i] = v;
      (present[k] ??= new Array<boolean>(n).fill(false))[i] = true;
    }
  });
  // A key missing on some features (not just null) is recorded as a sparse list of where it is absent.
  for (const [k, flags] of Object.entries(present)) {
    const missing = flags.flatMap((p, i) => (p || out.raw?.[i] !== undefined ? [] : [i]));
    if (missing.length > 0) (out.absent ??= Object.create(null) as Record<string, number[]>)[k] = missing;
  }
  return out;
}

export function decodeColumnar<P = unknown>(c: ColumnarFeatures): Feature<P>[] {
  const keys = Object.keys(c.props);
  const absent = new Map(
    keys.map((k) => [k, new Set(c.absent && Object.hasOwn(c.absent, k) ? c.absent[k] : [])]),
  );
  return c.ids.map((id, i) => {
    const lon = c.lon[i];
    const lat = c.lat[i];
    const position: Position | null =
      lon === null || lon === undefined || lat === null || lat === undefined ? null : [lon, lat];
    if (c.raw && i in c.raw) return { id, position, props: c.raw[i] as P };
    const props: Record<string, unknown> = {};
    for (const k of keys) {
      if (absent.get(k)!.has(i)) continue;
      // defineProperty: a key named "__proto__" stays a plain property, never a prototype.
      Object.defineProperty(props, k, {
        value: c.props[k]![i],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return { id, position, props: props as P };
  });
}
