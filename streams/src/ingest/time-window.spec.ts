import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolve } from 'node:path';
import { WardIndex } from '../geo/wards.ts';
import { normaliseSensorMessage } from '../sensors/normalise.ts';
import { normaliseCameraMessage } from './camera.normalise.ts';
import { normaliseHotlineTicket } from './hotline.normalise.ts';
import { normaliseHueSReport } from './hue-s.normalise.ts';
import { normaliseKpiSample } from './kpi.normalise.ts';
import {
  canonicalIsoMs,
  canonicalIsoMsBytes,
  DEFAULT_TIME_WINDOW,
  isoString,
  isoTimeMs,
  timeWindow,
  type TimeWindow,
} from './time-window.ts';
import type { Result } from '../reject.ts';

/**
 * Issue 11: timestamps of 1900 and of year 1 were accepted on every channel. Each channel refuses a time
 * more than 30 days old or 5 minutes ahead of its receiving clock (IOC_INGEST_TIME), and takes the window
 * the server configures.
 */
const GEO_DIR = resolve(import.meta.dirname, '../../../geo');
const receivedAt = new Date('2026-11-27T03:00:00Z'); // 10:00 in Huế
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
let wards: WardIndex;
beforeAll(async () => {
  wards = await WardIndex.load(GEO_DIR);
});

const ago = (ms: number) => new Date(receivedAt.getTime() - ms).toISOString();
const DAY = 86_400_000;

/** Each channel as `(ts, window?) → result`, with an otherwise valid message of that channel. */
const CHANNELS: Record<string, (ts: string, window?: TimeWindow) => Result<unknown>> = {
  'MQTT reading': (ts, w) =>
    normaliseSensorMessage('hue/sensors/water_level/kim-long', enc({ ts, value: 2.31 }), receivedAt, w),
  'camera event': (ts, w) =>
    normaliseCameraMessage('hue/cameras/cam-dong-ba/events', enc({ ts, type: 'flooding', confidence: 0.9 }), {
      receivedAt,
      ...(w ? { timeWindow: w } : {}),
    }),
  'camera status': (ts, w) =>
    normaliseCameraMessage('hue/cameras/cam-dong-ba/status', enc({ ts, online: false }), {
      receivedAt,
      ...(w ? { timeWindow: w } : {}),
    }),
  'Hue-S report': (ts, w) =>
    normaliseHueSReport(
      {
        id: 'HUES-2026-118734',
        category: 'Thoát nước, ngập úng',
        description: 'Nước ngập khoảng 30cm trước chợ Đông Ba.',
        lat: 16.4722,
        lon: 107.5878,
        media: [],
        reporter: {},
        created_at: ts,
      },
      { receivedAt, wards, ...(w ? { timeWindow: w } : {}) },
    ),
  'hotline ticket': (ts, w) =>
    normaliseHotlineTicket(
      {
        ticket_id: 'TD1075-20261127-0042',
        summary: 'Đèn chiếu sáng kiệt 12 Phan Đình Phùng không sáng.',
        caller_phone: '0914 555 012',
        address: 'kiệt 12 Phan Đình Phùng, phường Thuận Hóa',
        created_at: ts,
        agent: 'dtv.lethu',
      },
      { receivedAt, wards, ...(w ? { timeWindow: w } : {}) },
    ),
  'KPI sample': (ts, w) =>
    normaliseKpiSample(
      { kpi: 'ty_le_xu_ly_dung_han', scope: { level: 'province', code: '46' }, value: 96.1, ts },
      { receivedAt, wards, ...(w ? { timeWindow: w } : {}) },
    ),
};

describe.each(Object.entries(CHANNELS))('%s: the time window', (_name, run) => {
  it('accepts now, 29 days ago and 4 minutes ahead', () => {
    for (const ts of [ago(0), ago(29 * DAY), ago(-4 * 60_000)]) expect(run(ts)).toMatchObject({ ok: true });
  });

  it.each(['1900-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '1970-01-01T00:00:00Z'])(
    'refuses %s as IOC_INGEST_TIME',
    (ts) => {
      const r = run(ts);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reject.code).toBe('IOC_INGEST_TIME');
        expect(r.reject.reason).toMatch(/more than 30 days old/);
      }
    },
  );

  it('refuses 31 days ago and 6 minutes ahead', () => {
    expect(run(ago(31 * DAY))).toMatchObject({ ok: false, reject: { code: 'IOC_INGEST_TIME' } });
    const ahead = run(ago(-6 * 60_000));
    expect(ahead).toMatchObject({ ok: false, reject: { code: 'IOC_INGEST_TIME' } });
    expect(!ahead.ok && ahead.reject.reason).toMatch(/more than 5 minutes in the future/);
  });

  it('takes the window it is given', () => {
    const year = timeWindow(365, 60);
    expect(run(ago(200 * DAY), year)).toMatchObject({ ok: true });
    expect(run(ago(-2 * 60_000), year)).toMatchObject({ ok: false, reject: { code: 'IOC_INGEST_TIME' } });
    expect(run(ago(2 * DAY), timeWindow(1, 300))).toMatchObject({ ok: false });
  });
});

it('defaults to 30 days back and 5 minutes ahead', () => {
  expect(DEFAULT_TIME_WINDOW).toEqual(timeWindow(30, 300));
});

/**
 * isoTimeMs reads the canonical forms digit by digit (issue 15); it must answer what `Date` and the
 * calendar check answered before it, for every string: the same instant, or NaN alike.
 */
describe('isoTimeMs', () => {
  const before = (iso: string): number => {
    const t = new Date(iso).getTime();
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
    if (Number.isNaN(t) || !m) return NaN;
    const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
    const probe = new Date(Date.UTC(y, mo - 1, d));
    return probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d && h < 24 && mi < 60 ? t : NaN;
  };
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const shaped = fc
    .tuple(
      fc.oneof(fc.integer({ min: 1960, max: 2500 }), fc.integer({ min: 0, max: 9999 })),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 61 }),
      fc.constantFrom('', '.000', '.999', '.5', '.12', '.1234', '.123456789', '.', '.12a'),
      fc.oneof(
        fc.constantFrom('Z', 'z', '', ' Z', 'Z ', '+0700', '+07', 'GMT'),
        fc
          .tuple(
            fc.constantFrom('+', '-', '−'),
            fc.integer({ min: 0, max: 25 }),
            fc.integer({ min: 0, max: 61 }),
          )
          .map(([s, h, m]) => `${s}${p(h)}:${p(m)}`),
      ),
    )
    .map(([y, mo, d, h, mi, s, f, z]) => `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${f}${z}`);
  /** Mostly in range, so that the digit-by-digit path is taken often (and its edges: 29 February, 23:59). */
  const inRange = fc
    .tuple(
      fc.integer({ min: 1970, max: 2500 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 31 }),
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 59 }),
      fc.constantFrom('', '.000', '.999', '.123'),
      fc.constantFrom('Z', '+07:00', '-00:00', '+23:59', '-12:30', '+14:00'),
    )
    .map(([y, mo, d, h, mi, s, f, z]) => `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${f}${z}`);
  const mutated = fc
    .tuple(shaped, fc.nat(), fc.constantFrom('', '0', '9', ':', '-', 'T', ' ', 'Z', '٣'))
    .map(([t, at, ch]) => {
      const i = at % (t.length + 1);
      return t.slice(0, i) + ch + t.slice(i + 1);
    });

  it('answers as Date and the calendar check did, for any string', () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof(inRange, shaped, mutated, fc.string()), (iso) => {
        const want = before(iso);
        expect(Object.is(isoTimeMs(iso), want), `${iso}: ${isoTimeMs(iso)} vs ${want}`).toBe(true);
        const c = canonicalIsoMs(iso);
        // The bytes reader of the MQTT fast path answers as the text one, with the time inside a payload.
        const bytes = new TextEncoder().encode(`{"ts":"${iso}"}`);
        expect(Object.is(canonicalIsoMsBytes(bytes, 7, bytes.length - 2), c), iso).toBe(true);
        if (!Number.isNaN(c)) {
          fast++;
          expect(c, iso).toBe(want);
        }
      }),
      { numRuns: 10_000, seed: 15 },
    );
    expect(fast).toBeGreaterThan(2000);
  });

  it('reads the canonical forms itself, within a longer text too', () => {
    for (const t of [
      '2026-11-27T07:55:00Z',
      '2026-11-27T07:55:00.123Z',
      '2026-11-27T14:55:00+07:00',
      '2026-11-27T14:55:00.123+07:00',
      '2028-02-29T23:59:59.999-23:59',
    ])
      expect(canonicalIsoMs(t), t).toBe(Date.parse(t));
    expect(canonicalIsoMs('{"ts":"2026-11-27T07:55:00Z"}', 7, 27)).toBe(Date.parse('2026-11-27T07:55:00Z'));
    // Left to Date (and refused there where it must be): other forms, impossible dates, before 1970.
    for (const t of [
      '2026-11-27T07:55Z',
      '2026-02-29T00:00:00Z',
      '2026-11-27T24:00:00Z',
      '1969-12-31T23:59:59Z',
    ])
      expect(canonicalIsoMs(t), t).toBeNaN();
    expect(isoTimeMs('2026-11-27T07:55Z')).toBe(Date.parse('2026-11-27T07:55Z'));
    expect(isoTimeMs('2026-02-30T07:55:00Z')).toBeNaN();
  });
});

describe('isoString', () => {
  it('writes what toISOString writes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 253_402_300_799_999 }),
          fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
          // Around the ends of months, leap days and centuries.
          fc
            .tuple(
              fc.integer({ min: 1970, max: 9999 }),
              fc.integer({ min: 0, max: 12 }),
              fc.integer({ min: -2, max: 1 }),
            )
            .map(([y, m, d]) => Math.max(0, Date.UTC(y, m, d, 23, 59, 59, 999))),
          fc.constantFrom(-1, -86_400_001, 253_402_300_800_000, 8.64e15, 0.5, 1e12 + 0.25),
          // The last day of a 400-year cycle: 29 February of 2000, 2400, 8000.
          fc.constantFrom(2000, 2400, 8000).map((y) => Date.UTC(y, 1, 29, 12)),
        ),
        (ms) => {
          expect(isoString(ms), String(ms)).toBe(new Date(ms).toISOString());
        },
      ),
      { numRuns: 5000, seed: 15 },
    );
    expect(() => isoString(NaN)).toThrow(RangeError);
  });
});
