import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CATEGORY_CODES, ERROR_CATALOGUE, HUE_BBOX, inBox, isErrorCode, SENSOR_KINDS } from '@hue-ioc/layers';
import {
  MAX_WEBHOOK_BODY_BYTES,
  normaliseCameraMessage,
  normaliseHotlineTicket,
  normaliseHueSReport,
  normaliseKpiSample,
  normaliseSensorMessage,
  parseJsonBody,
  signBody,
  verifySignature,
  WardIndex,
  type Result,
} from './index.ts';
import {
  cameraEvent,
  cameraId,
  cameraStatus,
  deviceId,
  hostileBytes,
  hostileKey,
  hostileString,
  hostileValue,
  hotlineTicket,
  hueSReport,
  kpiSample,
  mutated,
  sensorKind,
  sensorPayload,
} from '../test/support/hostile.ts';
import { fuzz, fuzzSettings, fuzzTimeout, outcome, printFuzzCounts } from '../test/support/fuzz.ts';

/**
 * Fuzz of streams' validators, in process (issue 11, build item 7): every pure function an entry point
 * hands its input to — MQTT sensor and camera messages (topic and payload bytes), the Hue-S, hotline and KPI
 * webhook bodies (bytes → parseJsonBody → normalise, as the route does), and the signature check — with
 * random, truncated, oversized, wrong-type, wrong-encoding, deeply nested, prototype- and injection-shaped
 * inputs. Properties: never throws; answers a Result whose reject carries a 4xx code of the error catalogue
 * and a reason that serialises; what it accepts is what the contract says (ids, finite numbers, times not
 * ahead of the clock, positions in Huế, cleaned text); pure (same answer twice, input untouched); and
 * Object.prototype untouched. Most of the CI's fixed-seed cases run here; the end-to-end fuzz of the same
 * entry points through the broker, HTTP and /live is ioc-server/test/fuzz.int.spec.ts.
 */
const settings = fuzzSettings();
const ENTRIES = 7;
const timeout = fuzzTimeout(settings, ENTRIES, 120_000);
const GEO_DIR = resolve(import.meta.dirname, '../../geo');
let wards: WardIndex;
const WARD_CODES = new Set<string>();

beforeAll(async () => {
  wards = await WardIndex.load(GEO_DIR);
  for (const w of wards.wards) WARD_CODES.add(w.code);
});
afterAll(() => printFuzzCounts('fuzz, streams in process'));

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
const ARRAY_PROTOTYPE_NAMES = Object.getOwnPropertyNames(Array.prototype).sort().join(',');
const MAX_FUTURE_MS = 5 * 60_000;
/** Every channel refuses times older than this (streams' DEFAULT_TIME_WINDOW; issue 11). */
const MAX_AGE_MS = 30 * 86_400_000;

/** What every answer of a validator must be, whatever it was given. */
function expectCodedResult(r: Result<unknown>): void {
  expect(typeof r.ok).toBe('boolean');
  if (!r.ok) {
    expect(isErrorCode(r.reject.code), `code ${r.reject.code}`).toBe(true);
    const status = ERROR_CATALOGUE[r.reject.code].status;
    expect(status >= 400 && status < 500, `${r.reject.code} is a ${status}`).toBe(true);
    expect(typeof r.reject.reason).toBe('string');
    expect(r.reject.reason.length).toBeGreaterThan(0);
    // It goes to dead_letters (reason text, details jsonb) and into a 400 body.
    expect(() => JSON.stringify(r.reject)).not.toThrow();
  }
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(PROTOTYPE_NAMES);
  expect(Object.getOwnPropertyNames(Array.prototype).sort().join(',')).toBe(ARRAY_PROTOTYPE_NAMES);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

/**
 * Deep equality with an explicit stack: an accepted parse may be nested far deeper than the call stack
 * allows (JSON.parse is iterative; JSON.stringify, structuredClone and util.isDeepStrictEqual are not).
 */
function same(a: unknown, b: unknown): boolean {
  const stack: [unknown, unknown][] = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    if (Object.is(x, y)) continue;
    if (x instanceof Date && y instanceof Date) {
      if (x.getTime() !== y.getTime()) return false;
      continue;
    }
    if (x instanceof Uint8Array && y instanceof Uint8Array) {
      if (!Buffer.from(x).equals(Buffer.from(y))) return false;
      continue;
    }
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length) return false;
    for (const k of kx) {
      if (!Object.hasOwn(y, k)) return false;
      stack.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]]);
    }
  }
  return true;
}

/** Runs `f` twice on its input (bytes or text): the same answer, no exception, the input untouched. */
function pure<T extends Uint8Array | string>(input: T, f: (x: T) => Result<unknown>): Result<unknown> {
  const before = typeof input === 'string' ? input : Uint8Array.from(input);
  let first: Result<unknown>;
  try {
    first = f(input);
  } catch (e) {
    throw new Error(`threw ${(e as Error)?.stack ?? String(e)}`);
  }
  expectCodedResult(first);
  outcome(first.ok ? 'accepted' : first.reject.code.replace('IOC_INGEST_', ''));
  expect(same(input, before), 'the input was changed').toBe(true);
  expect(same(f(input), first), 'a second call answers the same').toBe(true);
  return first;
}

/** Free text as stored: NFC, no control characters but tab and line ends, trimmed, not blank. */
function expectCleanText(s: string | null, what: string): void {
  if (s === null) return;
  expect(s, what).toBe(s.normalize('NFC'));
  expect(/(?![\t\n\r])\p{Cc}/u.test(s), `${what} has a control character: ${JSON.stringify(s)}`).toBe(false);
  expect(s.trim(), what).toBe(s);
}

const expectTime = (t: Date, receivedAt: Date, what: string) => {
  expect(Number.isNaN(t.getTime()), `${what} is a valid time`).toBe(false);
  expect(t.getTime() - receivedAt.getTime(), `${what} is at most 5 minutes ahead`).toBeLessThanOrEqual(
    MAX_FUTURE_MS,
  );
  expect(receivedAt.getTime() - t.getTime(), `${what} is at most 30 days old`).toBeLessThanOrEqual(
    MAX_AGE_MS,
  );
};

const topicSegment = fc.oneof(
  { weight: 3, arbitrary: hostileString({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.constantFrom('+', '#', '', ' ', 'sensors', 'hue') },
);

/** Bytes the way a webhook route reads them, parsed as it parses them. */
const body = (message: fc.Arbitrary<unknown>) =>
  hostileBytes(
    fc.oneof(
      { weight: 2, arbitrary: message },
      { weight: 5, arbitrary: mutated(message) },
      { weight: 2, arbitrary: hostileValue() },
    ),
    {
      maxBytes: MAX_WEBHOOK_BODY_BYTES + 1,
    },
  );

const parsedThen = (bytes: Uint8Array, normalise: (v: unknown) => Result<unknown>): Result<unknown> => {
  const parsed = parseJsonBody(bytes, MAX_WEBHOOK_BODY_BYTES);
  return parsed.ok ? normalise(parsed.value) : parsed;
};

describe('fuzz: streams validators in process', () => {
  it(
    'MQTT hue/sensors/{kind}/{deviceId}: normaliseSensorMessage over hostile topics and payload bytes',
    async () => {
      const topic = fc.oneof(
        { weight: 6, arbitrary: fc.tuple(sensorKind, deviceId).map(([k, d]) => `hue/sensors/${k}/${d}`) },
        { weight: 2, arbitrary: fc.tuple(sensorKind, topicSegment).map(([k, d]) => `hue/sensors/${k}/${d}`) },
        { weight: 1, arbitrary: fc.tuple(topicSegment, deviceId).map(([k, d]) => `hue/sensors/${k}/${d}`) },
        {
          weight: 1,
          arbitrary: fc.array(topicSegment, { maxLength: 6 }).map((p) => ['hue', 'sensors', ...p].join('/')),
        },
      );
      const payload = hostileBytes(
        fc.oneof(
          { weight: 2, arbitrary: sensorPayload },
          { weight: 5, arbitrary: mutated(sensorPayload) },
          { weight: 2, arbitrary: hostileValue() },
        ),
      );
      await fuzz(
        'mqtt:sensors (normaliseSensorMessage)',
        fc.property(topic, payload, (t, p) => {
          const receivedAt = new Date();
          const r = pure(p, (bytes) => normaliseSensorMessage(t, bytes, receivedAt));
          if (!r.ok) return;
          const readings = r.value as ReturnType<typeof normaliseSensorMessage> extends Result<infer R>
            ? R
            : never;
          expect(readings.length).toBeGreaterThan(0);
          for (const x of readings) {
            expect(`hue/sensors/${x.kind}/${x.deviceId}`).toBe(t);
            expect(SENSOR_KINDS).toContain(x.kind);
            expect(x.deviceId).toMatch(/^[a-z0-9][a-z0-9_-]{0,63}$/);
            expect(x.metric).toMatch(/^[a-z][a-z0-9_]{0,39}$/);
            expect(Number.isFinite(x.value) && Math.abs(x.value) <= 1e9, `value ${x.value}`).toBe(true);
            expect(typeof x.unit).toBe('string');
            expectTime(x.ts, receivedAt, 'ts');
          }
        }),
        { settings, runs: 3000, entries: ENTRIES },
      );
    },
    timeout,
  );

  it(
    'MQTT hue/cameras/{id}/events|status: normaliseCameraMessage over hostile topics and payload bytes',
    async () => {
      const topic = fc.oneof(
        {
          weight: 6,
          arbitrary: fc
            .tuple(cameraId, fc.constantFrom('events', 'status'))
            .map(([c, s]) => `hue/cameras/${c}/${s}`),
        },
        {
          weight: 2,
          arbitrary: fc
            .tuple(topicSegment, fc.constantFrom('events', 'status'))
            .map(([c, s]) => `hue/cameras/${c}/${s}`),
        },
        { weight: 1, arbitrary: fc.tuple(cameraId, topicSegment).map(([c, s]) => `hue/cameras/${c}/${s}`) },
      );
      const payload = hostileBytes(
        fc.oneof(
          { weight: 2, arbitrary: fc.oneof(cameraEvent, cameraStatus) },
          { weight: 5, arbitrary: mutated(fc.oneof(cameraEvent, cameraStatus)) },
          { weight: 2, arbitrary: hostileValue() },
        ),
      );
      // The registry the server passes: known cameras by id (a Map, as the cameras layer holds them).
      const registry = new Map([['cam-truong-tien', { position: [107.5881, 16.4684] as [number, number] }]]);
      await fuzz(
        'mqtt:cameras (normaliseCameraMessage)',
        fc.property(topic, payload, fc.boolean(), (t, p, withRegistry) => {
          const receivedAt = new Date();
          const ctx = withRegistry
            ? { receivedAt, wards, camera: (id: string) => registry.get(id) ?? { position: null } }
            : { receivedAt };
          const r = pure(p, (bytes) => normaliseCameraMessage(t, bytes, ctx));
          if (!r.ok) return;
          const m = r.value as Extract<ReturnType<typeof normaliseCameraMessage>, { ok: true }>['value'];
          expect(t).toBe(`hue/cameras/${m.cameraId}/${m.kind === 'event' ? 'events' : 'status'}`);
          expect(m.cameraId).toMatch(/^[a-z0-9][a-z0-9_-]{0,63}$/);
          expectTime(m.ts, receivedAt, 'ts');
          if (m.kind === 'event') {
            expect(CATEGORY_CODES).toContain(m.category);
            expect(m.confidence >= 0 && m.confidence <= 1).toBe(true);
            if (m.snapshotUrl !== null) expect(m.snapshotUrl).toMatch(/^https?:\/\//);
            if (m.wardCode !== null) expect(WARD_CODES.has(m.wardCode)).toBe(true);
          }
        }),
        { settings, runs: 1500, entries: ENTRIES },
      );
    },
    timeout,
  );

  const expectReport = (r: Result<unknown>, receivedAt: Date) => {
    if (!r.ok) return;
    const n = r.value as Extract<ReturnType<typeof normaliseHueSReport>, { ok: true }>['value'];
    expect(n.sourceId).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/);
    expect(CATEGORY_CODES).toContain(n.category);
    for (const [what, s] of [
      ['title', n.title],
      ['description', n.description],
      ['address', n.address],
      ['categoryText', n.categoryText],
      ['reporter.name', n.reporter.name],
    ] as const)
      expectCleanText(s, what);
    expect(n.description.length).toBeGreaterThan(0);
    expect(n.title.length).toBeGreaterThan(0);
    if (n.position)
      expect(inBox(HUE_BBOX, n.position[0], n.position[1]), `position ${n.position}`).toBe(true);
    if (n.wardCode !== null) expect(WARD_CODES.has(n.wardCode), `ward ${n.wardCode}`).toBe(true);
    if (n.reporter.phone !== null) expect(n.reporter.phone).toMatch(/^\+84\d{9,10}$/);
    for (const m of n.media) expect(m.url).toMatch(/^https?:\/\//);
    expectTime(n.createdAt, receivedAt, 'created_at');
    expect(n.receivedAt).toBe(receivedAt);
  };

  it(
    'POST /api/ingest/hue-s body: parseJsonBody → normaliseHueSReport',
    async () => {
      await fuzz(
        'webhook:hue-s (normaliseHueSReport)',
        fc.property(body(hueSReport), (bytes) => {
          const receivedAt = new Date();
          const r = pure(bytes, (b) => parsedThen(b, (v) => normaliseHueSReport(v, { receivedAt, wards })));
          expectReport(r, receivedAt);
        }),
        { settings, runs: 2000, entries: ENTRIES },
      );
    },
    timeout,
  );

  it(
    'POST /api/ingest/hotline body: parseJsonBody → normaliseHotlineTicket',
    async () => {
      await fuzz(
        'webhook:hotline (normaliseHotlineTicket)',
        fc.property(body(hotlineTicket), (bytes) => {
          const receivedAt = new Date();
          const r = pure(bytes, (b) =>
            parsedThen(b, (v) => normaliseHotlineTicket(v, { receivedAt, wards })),
          );
          expectReport(r, receivedAt);
        }),
        { settings, runs: 1500, entries: ENTRIES },
      );
    },
    timeout,
  );

  it(
    'POST /api/ingest/kpi body: parseJsonBody → normaliseKpiSample',
    async () => {
      const agencies = new Set(['so-xay-dung', 'cong-an-tinh']);
      await fuzz(
        'webhook:kpi (normaliseKpiSample)',
        fc.property(body(kpiSample), fc.boolean(), (bytes, withAgencies) => {
          const receivedAt = new Date();
          const ctx = withAgencies
            ? { receivedAt, wards, isKnownAgency: (id: string) => agencies.has(id) }
            : { receivedAt, wards };
          const r = pure(bytes, (b) => parsedThen(b, (v) => normaliseKpiSample(v, ctx)));
          if (!r.ok) return;
          const s = r.value as Extract<ReturnType<typeof normaliseKpiSample>, { ok: true }>['value'];
          expect(s.kpi).toMatch(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){0,3}$/);
          expect(Number.isFinite(s.value) && Math.abs(s.value) <= 1e12).toBe(true);
          if (s.target !== null) expect(Number.isFinite(s.target)).toBe(true);
          if (s.scope.level === 'ward') expect(WARD_CODES.has(s.scope.code)).toBe(true);
          if (s.scope.level === 'province') expect(s.scope.code).toBe('46');
          if (s.scope.level === 'agency' && withAgencies) expect(agencies.has(s.scope.code)).toBe(true);
          expectTime(s.ts, receivedAt, 'ts');
        }),
        { settings, runs: 1200, entries: ENTRIES },
      );
    },
    timeout,
  );

  it(
    'parseJsonBody: bytes and strings against JSON.parse of the strict UTF-8 decoding, with the size limit',
    async () => {
      const input = fc.oneof(
        hostileBytes(fc.oneof(hostileValue(), mutated(hueSReport)), { maxBytes: 4096 }),
        hostileString({ maxLength: 5000 }),
      );
      await fuzz(
        'parseJsonBody',
        fc.property(input, fc.constantFrom(16, 1024, 4096, MAX_WEBHOOK_BODY_BYTES), (payload, max) => {
          const r = pure(payload, (p) => parseJsonBody(p, max));
          const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
          let expected: { ok: true; value: unknown } | { ok: false; code: string };
          if (bytes.byteLength > max) expected = { ok: false, code: 'IOC_INGEST_TOO_LARGE' };
          else {
            try {
              expected = {
                ok: true,
                // A lone surrogate (from a JSON escape) is U+FFFD in values and keys: the native
                // String.prototype.toWellFormed is the oracle for the implementation's own replacement.
                value: toWellFormedDeep(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))),
              };
            } catch {
              expected = { ok: false, code: 'IOC_INGEST_JSON' };
            }
          }
          expect(r.ok).toBe(expected.ok);
          if (r.ok && expected.ok) expect(same(r.value, expected.value)).toBe(true);
          if (!r.ok && !expected.ok) expect(r.reject.code).toBe(expected.code);
        }),
        { settings, runs: 1000, entries: ENTRIES },
      );
    },
    timeout,
  );

  it(
    'verifySignature: good, tampered, expired, mis-signed and hostile X-Timestamp / X-Signature headers',
    async () => {
      const secret = fc.oneof(
        fc.constantFrom('hue-demo-secret', 'bí-mật-hotline-19001075'),
        hostileString({ maxLength: 64 }).filter((s) => s.length > 0),
      );
      const header = fc.oneof(
        fc.constantFrom(
          undefined,
          null,
          '',
          ' ',
          'sha256=',
          'sha1=abc',
          `sha256=${'0'.repeat(64)}`,
          `sha256=${'g'.repeat(64)}`,
          '-1',
          '1e3',
          '99999999999999',
        ),
        hostileString({ maxLength: 100 }),
        fc.array(hostileString({ maxLength: 80 }), { maxLength: 3 }),
      );
      const mode = fc.constantFrom('good', 'rotated', 'body', 'signature', 'secret', 'skew', 'headers');
      await fuzz(
        'webhook signature (verifySignature)',
        fc.property(
          secret,
          fc.oneof(hostileBytes(mutated(hueSReport), { maxBytes: 2048 }), hostileString({ maxLength: 2000 })),
          mode,
          fc.integer({ min: -900, max: 900 }),
          header,
          header,
          fc.nat(),
          (key, raw, m, skewS, hTs, hSig, flip) => {
            const now = new Date();
            const signed = signBody(key, raw, Math.floor(now.getTime() / 1000) - (m === 'skew' ? skewS : 0));
            const rawBytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
            let body: string | Uint8Array = raw;
            let sig: unknown = signed['X-Signature'];
            let ts: unknown = signed['X-Timestamp'];
            let secrets: string | string[] = key;
            if (m === 'rotated') secrets = ['an-older-secret-46', key];
            if (m === 'body') {
              const b = Uint8Array.from(rawBytes);
              if (b.length === 0) body = new Uint8Array([0x20]);
              else {
                b[flip % b.length]! ^= 1 << (flip % 8);
                body = b;
              }
            }
            if (m === 'signature') {
              const hex = signed['X-Signature'].slice(7).split('');
              const i = flip % 64;
              hex[i] = hex[i] === '0' ? '1' : '0';
              sig = `sha256=${hex.join('')}`;
            }
            if (m === 'secret') secrets = `${key}x`;
            if (m === 'headers') {
              ts = hTs;
              sig = hSig;
            }
            let r: ReturnType<typeof verifySignature>;
            try {
              r = verifySignature({
                secret: secrets,
                timestamp: ts as string,
                signature: sig as string,
                rawBody: body,
                now,
              });
            } catch (e) {
              throw new Error(`threw ${(e as Error).stack}`);
            }
            expectCodedResult(r);
            outcome(`${m}: ${r.ok ? 'accepted' : r.reject.code.replace('IOC_INGEST_SIGNATURE_', '')}`);
            if (!r.ok)
              expect([
                'IOC_INGEST_SIGNATURE_MISSING',
                'IOC_INGEST_SIGNATURE_INVALID',
                'IOC_INGEST_SIGNATURE_EXPIRED',
              ]).toContain(r.reject.code);
            if (m === 'good' || m === 'rotated') expect(r.ok).toBe(true);
            if (m === 'skew')
              expect(r.ok ? 'ok' : r.reject.code).toBe(
                // The skew as verifySignature sees it: from now (ms) to the whole second signed.
                Math.abs(now.getTime() / 1000 - (Math.floor(now.getTime() / 1000) - skewS)) <= 300
                  ? 'ok'
                  : 'IOC_INGEST_SIGNATURE_EXPIRED',
              );
            if (m === 'body' || m === 'signature' || m === 'secret')
              expect(r.ok ? 'ok' : r.reject.code).toBe('IOC_INGEST_SIGNATURE_INVALID');
            if (m === 'headers' && r.ok) {
              // Only a genuine signature passes: a hostile header can match only by being the right one.
              expect(sig).toBe(signed['X-Signature']);
            }
          },
        ),
        { settings, runs: 1000, entries: ENTRIES },
      );
    },
    timeout,
  );

  it('covers the hostile key families it claims (a sample of the generators)', () => {
    // A sanity check of the generators themselves: the families the issue names occur in a sample.
    const keys = fc.sample(hostileKey(), { numRuns: 2000, seed: settings.seed });
    for (const k of ['__proto__', 'constructor', 'toString']) expect(keys).toContain(k);
    const strings = fc.sample(hostileString(), { numRuns: 3000, seed: settings.seed });
    expect(strings.some((s) => s.includes('\u0000'))).toBe(true);
    expect(strings.some((s) => /[\ud800-\udbff](?![\udc00-\udfff])/.test(s))).toBe(true);
    expect(strings.some((s) => s.includes("'; DROP TABLE"))).toBe(true);
    expect(strings.some((s) => s.includes('${'))).toBe(true);
    expect(strings.some((s) => s.includes('../'))).toBe(true);
    expect(strings.some((s) => s.includes('\r\n'))).toBe(true);
    expect(strings.some((s) => s.length > 65_536)).toBe(true);
    const bytes = fc.sample(hostileBytes(hostileValue()), { numRuns: 2000, seed: settings.seed });
    expect(
      bytes.some((b) => {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(b);
          return false;
        } catch {
          return true;
        }
      }),
    ).toBe(true);
    expect(bytes.some((b) => b.length > 5000 && b[0] === 0x5b && b[1] === 0x5b)).toBe(true);
  });
});

/**
 * JSON.parse's value with every string and key made well-formed (ES2024 toWellFormed, native in Node 20);
 * iterative, as the fuzz nests thousands deep.
 */
function toWellFormedDeep(root: unknown): unknown {
  const wf = (x: string) => (x as unknown as { toWellFormed(): string }).toWellFormed();
  const copy = (v: unknown): unknown =>
    typeof v === 'string'
      ? wf(v)
      : Array.isArray(v)
        ? new Array(v.length)
        : v !== null && typeof v === 'object'
          ? {}
          : v;
  const out = copy(root);
  const stack: [unknown, unknown][] = [[root, out]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()!;
    if (from === null || typeof from !== 'object') continue;
    for (const [k, x] of Object.entries(from)) {
      const c = copy(x);
      Object.defineProperty(to, Array.isArray(from) ? k : wf(k), {
        value: c,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      stack.push([x, c]);
    }
  }
  return out;
}
