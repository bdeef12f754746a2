import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_SENSOR_PAYLOAD_BYTES,
  normaliseSensorMessage,
  parseSensorTopic,
  readCanonicalReading,
} from './normalise.ts';

const now = new Date('2026-11-27T08:00:00Z');
const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

describe('normaliseSensorMessage', () => {
  it('accepts a single reading with the kind defaults', () => {
    const r = normaliseSensorMessage(
      'hue/sensors/water_level/kim-long',
      enc({ ts: '2026-11-27T14:55:00+07:00', value: 2.31 }),
      now,
    );
    expect(r).toEqual({
      ok: true,
      value: [
        {
          deviceId: 'kim-long',
          kind: 'water_level',
          metric: 'water_level',
          value: 2.31,
          unit: 'm',
          ts: new Date('2026-11-27T07:55:00Z'),
        },
      ],
    });
  });

  it('refuses a unit holding a control character or a half surrogate at validation (issue 11), keeps µg/m³', () => {
    for (const unit of ['m\u0000', '\u001b[0m', 'mm\ud800']) {
      const r = normaliseSensorMessage(
        'hue/sensors/water_level/kim-long',
        enc({ ts: '2026-11-27T07:55:00Z', value: 2.3, unit }),
        now,
      );
      expect(r.ok, JSON.stringify(unit)).toBe(false);
      expect(!r.ok && r.reject.code).toBe('IOC_INGEST_SCHEMA');
    }
    const ok = normaliseSensorMessage(
      'hue/sensors/air_quality/aq-hung-vuong',
      enc({ ts: '2026-11-27T07:55:00Z', values: { pm2_5: 24.1 }, unit: 'µg/m³' }),
      now,
    );
    expect(ok.ok).toBe(true);
  });

  it('accepts several metrics in `values`', () => {
    const r = normaliseSensorMessage(
      'hue/sensors/air_quality/aq-hung-vuong',
      enc({ ts: '2026-11-27T07:55:00Z', values: { aqi: 72, pm2_5: 24.1 } }),
      now,
    );
    expect(r.ok && r.value.map((x) => [x.metric, x.value, x.unit])).toEqual([
      ['aqi', 72, 'VN_AQI'],
      ['pm2_5', 24.1, ''],
    ]);
  });

  it.each([
    ['hue/sensors/water_level/kim-long', 'not json', 'IOC_INGEST_JSON'],
    ['hue/sensors/water_level/kim-long', '{"ts":"2026-11-27T07:55:00Z"}', 'IOC_INGEST_SCHEMA'],
    ['hue/sensors/water_level/kim-long', '{"ts":"2026-11-27T07:55:00Z","value":"2.3"}', 'IOC_INGEST_SCHEMA'],
    ['hue/sensors/water_level/kim-long', '{"ts":"27/11/2026 14:55","value":2.3}', 'IOC_INGEST_SCHEMA'],
    [
      'hue/sensors/water_level/kim-long',
      '{"ts":"2026-11-27T07:55:00Z","value":2.3,"extra":1}',
      'IOC_INGEST_SCHEMA',
    ],
    ['hue/sensors/water_level/kim-long', '{"ts":"2026-11-27T07:55:00Z","values":{}}', 'IOC_INGEST_SCHEMA'],
    [
      'hue/sensors/water_level/kim-long',
      '{"ts":"2026-11-27T07:55:00Z","values":{"Bad Metric":1}}',
      'IOC_INGEST_SCHEMA',
    ],
    ['hue/sensors/water_level/kim-long', '{"ts":"2026-11-27T09:00:00Z","value":2.3}', 'IOC_INGEST_TIME'],
    ['hue/sensors/water_level/kim-long', '{"ts":"2026-02-30T07:55:00Z","value":2.3}', 'IOC_INGEST_TIME'],
    ['hue/sensors/water_level/kim-long', '[]', 'IOC_INGEST_SCHEMA'],
    ['hue/sensors/water_level/kim-long', 'null', 'IOC_INGEST_SCHEMA'],
    ['hue/sensors/radiation/x1', '{"ts":"2026-11-27T07:55:00Z","value":2.3}', 'IOC_INGEST_UNKNOWN_KIND'],
    [
      'hue/sensors/water_level/Kim Long!',
      '{"ts":"2026-11-27T07:55:00Z","value":2.3}',
      'IOC_INGEST_DEVICE_ID',
    ],
    ['hue/cameras/cam-1/events', '{}', 'IOC_INGEST_TOPIC'],
  ])('%s %s → %s', (topic, payload, code) => {
    const r = normaliseSensorMessage(topic, enc(payload), now);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reject.code).toBe(code);
      expect(r.reject.reason.length).toBeGreaterThan(10);
    }
  });

  it('refuses invalid UTF-8 and oversized payloads before parsing', () => {
    const bad = normaliseSensorMessage(
      'hue/sensors/rain/rain-a-luoi',
      new Uint8Array([0x7b, 0xff, 0x7d]),
      now,
    );
    expect(!bad.ok && bad.reject.code).toBe('IOC_INGEST_JSON');
    const big = normaliseSensorMessage(
      'hue/sensors/rain/rain-a-luoi',
      new Uint8Array(MAX_SENSOR_PAYLOAD_BYTES + 1),
      now,
    );
    expect(!big.ok && big.reject.code).toBe('IOC_INGEST_TOO_LARGE');
  });

  it('names the wrong field in the reason', () => {
    const r = normaliseSensorMessage('hue/sensors/rain/rain-a-luoi', enc({ ts: 'yesterday', value: 1 }), now);
    expect(!r.ok && r.reject.reason).toMatch(/\/ts/);
  });
});

describe('parseSensorTopic', () => {
  it('reads kind and device id', () => {
    expect(parseSensorTopic('hue/sensors/traffic/traffic-an-cuu')).toEqual({
      ok: true,
      value: { kind: 'traffic', deviceId: 'traffic-an-cuu' },
    });
  });
});

/**
 * The fast path (readCanonicalReading, issue 15) must accept only what the full path accepts, and give
 * the same readings. A leading space is JSON whitespace that the fast path does not take, so
 * `' ' + text` is the same message through JSON.parse and the schema check: both must answer alike.
 */
describe('normaliseSensorMessage, canonical fast path', () => {
  const receivedAt = new Date('2026-11-27T08:00:00Z');
  const topic = 'hue/sensors/rain/rain-a-luoi';
  const full = (text: string) => normaliseSensorMessage(topic, enc(` ${text}`), receivedAt);
  const fast = (text: string) => normaliseSensorMessage(topic, enc(text), receivedAt);

  const tsText = fc.oneof(
    // What toISOString writes, in and out of the 30-day / 5-minute window.
    fc
      .integer({ min: -40 * 86_400_000, max: 10 * 60_000 })
      .map((d) => new Date(receivedAt.getTime() + d).toISOString()),
    // Canonical shapes with any digits: months 13, 30 February, hour 24, year 1969, offsets.
    fc
      .tuple(
        fc.integer({ min: 1960, max: 2030 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        fc.constantFrom('', '.000', '.5', '.123', '.1234', '.123456789'),
        fc.constantFrom('Z', 'z', '+07:00', '-00:00', '+23:59', '+24:00', '+07:60', '+0700', '+07'),
      )
      .map(([y, mo, d, h, mi, s, f, z]) => `${y}-${p2(mo)}-${p2(d)}T${p2(h)}:${p2(mi)}:${p2(s)}${f}${z}`),
    fc.constantFrom('2026-11-27T07:55Z', '2026-11-27 07:55:00Z', '2026-11-27T07:55:00', 'yesterday', ''),
  );
  const numberText = fc.oneof(
    // Readings as gauges send them: a few decimals.
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.integer({ min: -1e7, max: 1e7 }), fc.integer({ min: 0, max: 4 }))
        .map(([n, k]) => JSON.stringify(n / 10 ** k)),
    },
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => JSON.stringify(v)),
    fc.double({ min: -1e10, max: 1e10, noNaN: true }).map((v) => JSON.stringify(v)),
    fc.integer({ min: -2e9, max: 2e9 }).map(String),
    fc
      .tuple(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 999_999 }))
      .map(([a, b]) => `${a}.${b}`),
    fc.constantFrom(
      '-0',
      '0',
      '-0.0',
      '01',
      '1.',
      '.5',
      '1.50',
      '-',
      '1e3',
      '1E-2',
      '123456789012345',
      '1234567890123456',
      '0.12345678901234',
      '0.123456789012345',
      '1000000000',
      '1000000000.5',
      '-1000000000',
      '"2.3"',
      'null',
      'true',
      'NaN',
      'Infinity',
    ),
  );
  const unitText = fc.option(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('m', 'mm/h', 'µg/m³', 'VN_AQI', 'xe/phút') },
      fc.constantFrom(
        'm',
        'mm/h',
        'µg/m³',
        'xe/phút',
        '',
        'm\u0000',
        '\u001b[0m',
        'mm\ud800',
        '😀',
        'm\u0085',
        '\ufeffm',
        'm\u007f',
        'm\ufeff',
        'a"b',
      ),
      fc.string({ maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
    ),
    { nil: undefined },
  );
  const canonicalText = fc
    .tuple(tsText, numberText, unitText)
    .map(
      ([ts, v, u]) =>
        `{"ts":${JSON.stringify(ts)},"value":${v}${u === undefined ? '' : `,"unit":${JSON.stringify(u)}`}}`,
    );
  /** The same texts, then one character inserted, removed or replaced anywhere, or raw (unescaped) units. */
  const text = fc.oneof(
    { weight: 3, arbitrary: canonicalText },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          canonicalText,
          fc.nat(),
          fc.constantFrom('', ' ', '"', '\\', ',', '}', '{', '0', '-', 'e', '\u0000', 'é', '\ud83d'),
          fc.constantFrom(0, 1),
        )
        .map(([t, at, ch, cut]) => {
          const i = at % (t.length + 1);
          return t.slice(0, i) + ch + t.slice(i + cut);
        }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tsText, numberText, fc.string({ unit: 'binary', maxLength: 18 }))
        .map(([ts, v, u]) => `{"ts":"${ts}","value":${v},"unit":"${u}"}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"ts":"2026-11-27T07:55:00.000Z","value":2.3,"value":4}',
        '{"ts":"2026-11-27T07:55:00.000Z","value":2.3,"unit":"m","unit":"cm"}',
        '{"ts":"2026-11-27T07:55:00.000Z","value":2.3,"__proto__":1}',
        '{"ts":"2026-11-27T07:55:00.000Z","value":2.3,"constructor":1}',
        '{"ts":"2026-11-27T07:55:00.000Z","value":2.3}\u0000',
        '{"ts":"2026-11-27T07:55:00.000Z","value":2.3} ',
        '{"ts":"2026-11-27T07:55:00.000Z","values":{"rain_rate":2.3}}',
        '{"ts":"2026-11-27T07:55:00.000Z","value":2.3,"unit":"\\u006d"}',
      ),
    },
  );

  it('answers exactly as JSON.parse and the schema check do', () => {
    let accepted = 0;
    let viaFastPath = 0;
    fc.assert(
      fc.property(text, (t) => {
        if (readCanonicalReading(enc(t))) viaFastPath++;
        const a = fast(t);
        const b = full(t);
        expect(a.ok, t).toBe(b.ok);
        if (a.ok && b.ok) {
          accepted++;
          expect(a.value, t).toEqual(b.value);
          expect(Object.is(a.value[0]!.value, b.value[0]!.value), t).toBe(true);
        } else if (!a.ok && !b.ok) expect(a.reject.code, t).toBe(b.reject.code);
      }),
      { numRuns: 20_000, seed: 15 },
    );
    // Both sides were exercised: texts the fast path read (in or out of the window) and ones it left.
    expect(accepted).toBeGreaterThan(1000);
    expect(viaFastPath).toBeGreaterThan(1000);
  });

  it('reads every decimal it takes to the double JSON.parse gives', () => {
    const decimal = fc
      .tuple(
        fc.boolean(),
        fc.stringMatching(/^[0-9]{1,20}$/),
        fc.option(fc.stringMatching(/^[0-9]{0,20}$/), { nil: undefined }),
      )
      .map(([minus, int, frac]) => `${minus ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`);
    let read = 0;
    fc.assert(
      fc.property(decimal, (n) => {
        const t = `{"ts":"2026-11-27T07:55:00.000Z","value":${n}}`;
        const c = readCanonicalReading(enc(t));
        let parsed: number | undefined;
        try {
          parsed = (JSON.parse(t) as { value: number }).value;
        } catch {
          parsed = undefined;
        }
        if (c === null) return;
        read++;
        expect(parsed, n).not.toBeUndefined();
        expect(Object.is(c.value, parsed), `${n}: ${c.value} vs ${parsed}`).toBe(true);
      }),
      { numRuns: 20_000, seed: 15 },
    );
    expect(read).toBeGreaterThan(2000);
  });

  it('takes what devices send and nothing it cannot vouch for', () => {
    const c = (t: string) => readCanonicalReading(enc(t)) && { ...readCanonicalReading(enc(t))! };
    expect(c('{"ts":"2026-11-27T07:55:00.000Z","value":2.31}')).toEqual({
      ms: Date.parse('2026-11-27T07:55:00.000Z'),
      value: 2.31,
      unit: undefined,
    });
    expect(c('{"ts":"2026-11-27T14:55:00+07:00","value":-0.5,"unit":"µg/m³"}')).toEqual({
      ms: Date.parse('2026-11-27T07:55:00Z'),
      value: -0.5,
      unit: 'µg/m³',
    });
    for (const t of [
      '{"ts":"2026-11-27T07:55:00Z", "value":2.31}',
      '{"value":2.31,"ts":"2026-11-27T07:55:00Z"}',
      '{"ts":"2026-11-27T07:55:00Z","value":2.31e0}',
      '{"ts":"2026-11-27T07:55:00Z","value":2.31,"unit":"m\\u0000"}',
      '{"ts":"2026-11-27T07:55:00Z","value":2.31,"unit":""}',
      '{"ts":"2026-02-30T07:55:00Z","value":2.31}',
      '{"ts":"2026-11-27T07:55:00Z","value":1234567890123456}',
    ])
      expect(readCanonicalReading(enc(t)), t).toBeNull();
    // One real payload of the simulator, through the whole function: the fast path's readings.
    const r = normaliseSensorMessage(
      'hue/sensors/water_level/kim-long',
      enc('{"ts":"2026-11-27T07:55:00.000Z","value":2.31}'),
      now,
    );
    expect(r).toEqual({
      ok: true,
      value: [
        {
          deviceId: 'kim-long',
          kind: 'water_level',
          metric: 'water_level',
          value: 2.31,
          unit: 'm',
          ts: new Date('2026-11-27T07:55:00Z'),
        },
      ],
    });
  });
});

describe('parseSensorTopic, cached', () => {
  it('answers the same for a topic seen before, frozen, and stays bounded past its size', () => {
    const first = parseSensorTopic('hue/sensors/rain/rain-a-luoi');
    expect(parseSensorTopic('hue/sensors/rain/rain-a-luoi')).toEqual(first);
    expect(first.ok && Object.isFrozen(first.value)).toBe(true);
    for (let i = 0; i < 10_000; i++) parseSensorTopic(`hue/sensors/rain/r-${i}`);
    expect(parseSensorTopic('hue/sensors/rain/rain-a-luoi')).toEqual(first);
    expect(parseSensorTopic('hue/sensors/rain/Bad').ok).toBe(false);
    expect(parseSensorTopic('hue/sensors/rain/a/b').ok).toBe(false);
    expect(parseSensorTopic('hue/sensors//a').ok && 'kind').toBe(false);
    expect(!parseSensorTopic('hue/sensors//a').ok && parseSensorTopic('hue/sensors//a')).toMatchObject({
      reject: { code: 'IOC_INGEST_UNKNOWN_KIND' },
    });
  });
});

const p2 = (n: number) => String(n).padStart(2, '0');
