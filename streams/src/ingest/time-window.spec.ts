import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { WardIndex } from '../geo/wards.ts';
import { normaliseSensorMessage } from '../sensors/normalise.ts';
import { normaliseCameraMessage } from './camera.normalise.ts';
import { normaliseHotlineTicket } from './hotline.normalise.ts';
import { normaliseHueSReport } from './hue-s.normalise.ts';
import { normaliseKpiSample } from './kpi.normalise.ts';
import { DEFAULT_TIME_WINDOW, timeWindow, type TimeWindow } from './time-window.ts';
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
