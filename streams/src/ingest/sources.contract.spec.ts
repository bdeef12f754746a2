import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { WardIndex } from '../geo/wards.ts';
import { normaliseSensorMessage } from '../sensors/normalise.ts';
import type { Result } from '../reject.ts';
import { normaliseHueSReport } from './hue-s.normalise.ts';
import { normaliseHotlineTicket } from './hotline.normalise.ts';
import { normaliseKpiSample } from './kpi.normalise.ts';
import { normaliseCameraMessage } from './camera.normalise.ts';

/**
 * One contract every source adapter passes (STYLE.md: one suite, every implementation): a valid input
 * normalises; each kind of invalid input is a coded reject with a reason; the same input twice gives the
 * same idempotency key (so the server's unique key makes the re-delivery a no-op); an input older than
 * one already seen still normalises with its own time (out of order is not an error).
 */
const GEO_DIR = resolve(import.meta.dirname, '../../../geo');
const receivedAt = new Date('2026-11-27T03:00:00Z'); // 10:00 in Huế
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
let wards: WardIndex;
beforeAll(async () => {
  wards = await WardIndex.load(GEO_DIR);
});

interface Adapter {
  name: string;
  run: (input: Record<string, unknown>) => Result<unknown>;
  valid: (at: string) => Record<string, unknown>;
  /** The key the server dedupes on. */
  key: (value: unknown) => string;
  time: (value: unknown) => Date;
  invalid: [string, (v: Record<string, unknown>) => Record<string, unknown>, string][];
}

const adapters: Adapter[] = [
  {
    name: 'Hue-S webhook',
    run: (b) => normaliseHueSReport(b, { receivedAt, wards }),
    valid: (at) => ({
      id: 'HS-2026-118842',
      category: 'Môi trường, rác thải',
      description: 'Rác thải đổ trộm ven sông Như Ý, bốc mùi.',
      lat: 16.4557,
      lon: 107.6168,
      media: [{ url: 'https://hue-s.vn/m/118842.jpg', type: 'image' }],
      reporter: { name: 'Trần Thị Bình', phone: '0935 112 233' },
      created_at: at,
    }),
    key: (v) => (v as { sourceId: string }).sourceId,
    time: (v) => (v as { createdAt: Date }).createdAt,
    invalid: [
      ['missing description', ({ description: _, ...v }) => v, 'IOC_INGEST_SCHEMA'],
      ['latitude outside Huế', (v) => ({ ...v, lat: 21.03, lon: 105.85 }), 'IOC_INGEST_OUT_OF_AREA'],
      [
        'media url not http(s)',
        (v) => ({ ...v, media: [{ url: 'javascript:alert(1)', type: 'image' }] }),
        'IOC_INGEST_URL',
      ],
      ['time in the future', (v) => ({ ...v, created_at: '2026-11-27T12:00:00+07:00' }), 'IOC_INGEST_TIME'],
      ['unknown field', (v) => ({ ...v, extra: 1 }), 'IOC_INGEST_SCHEMA'],
    ],
  },
  {
    name: 'hotline ticket',
    run: (b) => normaliseHotlineTicket(b, { receivedAt, wards }),
    valid: (at) => ({
      ticket_id: 'TD1075-20261127-0107',
      summary: 'Ổ gà lớn trước số 45 Hùng Vương, xe máy dễ ngã.',
      caller_phone: '0914 555 012',
      address: '45 Hùng Vương, phường Thuận Hóa',
      created_at: at,
      agent: 'dtv.lethu',
    }),
    key: (v) => (v as { sourceId: string }).sourceId,
    time: (v) => (v as { createdAt: Date }).createdAt,
    invalid: [
      ['bad phone', (v) => ({ ...v, caller_phone: '12' }), 'IOC_INGEST_PHONE'],
      ['missing agent', ({ agent: _, ...v }) => v, 'IOC_INGEST_SCHEMA'],
      ['time not ISO', (v) => ({ ...v, created_at: '27/11/2026' }), 'IOC_INGEST_SCHEMA'],
    ],
  },
  {
    name: 'KPI sample',
    run: (b) => normaliseKpiSample(b, { receivedAt, wards }),
    valid: (at) => ({
      kpi: 'ty_le_xu_ly_dung_han',
      scope: { level: 'province', code: '46' },
      value: 96.4,
      target: 95,
      ts: at,
    }),
    key: (v) => (v as { sourceId: string }).sourceId,
    time: (v) => (v as { ts: Date }).ts,
    invalid: [
      [
        'province that is not Huế',
        (v) => ({ ...v, scope: { level: 'province', code: '01' } }),
        'IOC_INGEST_SCOPE',
      ],
      ['value not a number', (v) => ({ ...v, value: '96' }), 'IOC_INGEST_SCHEMA'],
    ],
  },
  {
    name: 'camera event (MQTT)',
    run: (b) => normaliseCameraMessage('hue/cameras/cam-truong-tien/events', enc(b), { receivedAt, wards }),
    valid: (at) => ({ ts: at, type: 'congestion', confidence: 0.87 }),
    key: (v) => (v as { sourceId: string }).sourceId,
    time: (v) => (v as { ts: Date }).ts,
    invalid: [
      ['unknown event type', (v) => ({ ...v, type: 'alien' }), 'IOC_INGEST_SCHEMA'],
      ['confidence above 1', (v) => ({ ...v, confidence: 1.5 }), 'IOC_INGEST_SCHEMA'],
    ],
  },
  {
    name: 'sensor reading (MQTT)',
    run: (b) => normaliseSensorMessage('hue/sensors/water_level/kim-long', enc(b), receivedAt),
    valid: (at) => ({ ts: at, value: 2.31, unit: 'm' }),
    key: (v) => {
      const [r] = v as { deviceId: string; metric: string; ts: Date }[];
      return `${r!.deviceId}:${r!.metric}:${r!.ts.toISOString()}`;
    },
    time: (v) => (v as { ts: Date }[])[0]!.ts,
    invalid: [
      ['value as text', (v) => ({ ...v, value: '2.31' }), 'IOC_INGEST_SCHEMA'],
      ['time in the future', (v) => ({ ...v, ts: '2026-11-27T12:00:00+07:00' }), 'IOC_INGEST_TIME'],
    ],
  },
];

describe.each(adapters)('source adapter contract: $name', (a) => {
  const now = '2026-11-27T09:55:00+07:00';
  const earlier = '2026-11-27T09:20:00+07:00';

  it('normalises a valid input', () => {
    const r = a.run(a.valid(now));
    expect(r.ok).toBe(true);
    if (r.ok) expect(a.time(r.value).toISOString()).toBe('2026-11-27T02:55:00.000Z');
  });

  it.each(a.invalid)('refuses %s with a coded reason', (_name, spoil, code) => {
    const r = a.run(spoil(a.valid(now)));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reject.code).toBe(code);
      expect(r.reject.reason.length).toBeGreaterThan(10);
    }
  });

  it('gives the same idempotency key to a re-delivery', () => {
    const first = a.run(a.valid(now));
    const again = a.run(a.valid(now));
    expect(first.ok && again.ok && a.key(first.value) === a.key(again.value)).toBe(true);
  });

  it('takes an input older than one already seen, with its own time', () => {
    const newer = a.run(a.valid(now));
    const older = a.run(a.valid(earlier));
    expect(newer.ok && older.ok).toBe(true);
    if (newer.ok && older.ok)
      expect(a.time(older.value).getTime()).toBeLessThan(a.time(newer.value).getTime());
  });
});
