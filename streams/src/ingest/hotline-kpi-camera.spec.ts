import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { WardIndex } from '../geo/wards.ts';
import { normaliseHotlineTicket } from './hotline.normalise.ts';
import { normaliseKpiSample } from './kpi.normalise.ts';
import { normaliseCameraMessage, parseCameraTopic } from './camera.normalise.ts';
import type { Position } from './common.ts';

const GEO_DIR = resolve(import.meta.dirname, '../../../geo');
const receivedAt = new Date('2026-10-28T01:30:00Z'); // 08:30 in Huế
const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

let wards: WardIndex;
beforeAll(async () => {
  wards = await WardIndex.load(GEO_DIR);
});
const code = (short: string) => wards.byShortName(short)?.code;

describe('normaliseHotlineTicket', () => {
  const ticket = () => ({
    ticket_id: 'TD1075-20261028-0042',
    summary: 'Người dân phản ánh đèn chiếu sáng kiệt 12 Phan Đình Phùng không sáng từ 3 hôm nay.',
    caller_phone: '0914 555 012',
    address: 'kiet 12 Phan Dinh Phung, phuong Thuan Hoa',
    created_at: '2026-10-28T08:26:00+07:00',
    agent: 'dtv.lethu',
  });
  const run = (body: unknown) => normaliseHotlineTicket(body, { receivedAt, wards });

  it('places a ticket without coordinates by its address and reads the category from the summary', () => {
    const r = run(ticket());
    expect(r).toEqual({
      ok: true,
      value: {
        channel: 'hotline',
        sourceId: 'TD1075-20261028-0042',
        category: 'lighting',
        categoryText: null,
        title: 'Người dân phản ánh đèn chiếu sáng kiệt 12 Phan Đình Phùng không sáng từ 3 hôm nay.',
        description: 'Người dân phản ánh đèn chiếu sáng kiệt 12 Phan Đình Phùng không sáng từ 3 hôm nay.',
        position: null,
        wardCode: code('Thuận Hóa'),
        wardVia: 'address',
        address: 'kiet 12 Phan Dinh Phung, phuong Thuan Hoa',
        media: [],
        reporter: { name: null, phone: '+84914555012' },
        urgent: false,
        createdAt: new Date('2026-10-28T01:26:00Z'),
        receivedAt,
        agent: 'dtv.lethu',
      },
    });
  });

  it('uses the pin when the agent placed one, and the category the agent chose', () => {
    const r = run({
      ...ticket(),
      lat: 16.463,
      lon: 107.585,
      category: 'Điện, chiếu sáng công cộng',
      address: '12 Lê Lợi',
    });
    expect(r.ok && r.value).toMatchObject({
      position: [107.585, 16.463],
      wardCode: code('Thuận Hóa'),
      wardVia: 'position',
      category: 'lighting',
    });
  });

  it('leaves the ward empty when neither pin nor address names one', () => {
    const r = run({ ...ticket(), address: 'gần cầu Trường Tiền' });
    expect(r.ok && r.value).toMatchObject({ wardCode: null, wardVia: null, position: null });
  });

  it.each([
    [{ lat: 16.463 }, 'IOC_INGEST_SCHEMA', /\/lon/],
    [{ lat: 10.78, lon: 106.7 }, 'IOC_INGEST_OUT_OF_AREA', /outside/],
    [{ caller_phone: '113' }, 'IOC_INGEST_PHONE', /\/caller_phone/],
    [{ caller_phone: undefined }, 'IOC_INGEST_SCHEMA', /caller_phone/],
    [{ address: '' }, 'IOC_INGEST_SCHEMA', /\/address/],
    [{ agent: 'a'.repeat(65) }, 'IOC_INGEST_SCHEMA', /\/agent/],
    [{ summary: 's'.repeat(2001) }, 'IOC_INGEST_SCHEMA', /\/summary/],
    [{ created_at: '2026-10-28T09:00:00+07:00' }, 'IOC_INGEST_TIME', /future/],
  ])('%j → %s', (patch, rejectCode, reason) => {
    const r = run({ ...ticket(), ...patch });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reject.code).toBe(rejectCode);
      expect(r.reject.reason).toMatch(reason);
    }
  });
});

describe('normaliseKpiSample', () => {
  const run = (body: unknown, isKnownAgency?: (id: string) => boolean) =>
    normaliseKpiSample(body, { receivedAt, wards, isKnownAgency });

  it('accepts province, ward and agency samples', () => {
    expect(
      run({
        kpi: 'ty_le_xu_ly_dung_han',
        scope: { level: 'province', code: '46' },
        value: 0.981,
        target: 0.95,
        ts: '2026-10-28T00:00:00+07:00',
      }),
    ).toEqual({
      ok: true,
      value: {
        channel: 'kpi',
        sourceId: 'ty_le_xu_ly_dung_han:province:46:2026-10-27T17:00:00.000Z',
        kpi: 'ty_le_xu_ly_dung_han',
        scope: { level: 'province', code: '46' },
        value: 0.981,
        target: 0.95,
        ts: new Date('2026-10-27T17:00:00Z'),
      },
    });
    const ward = run({
      kpi: 'ty_le_hai_long',
      scope: { level: 'ward', code: code('Vỹ Dạ') },
      value: 0.92,
      ts: '2026-10-28T00:00:00+07:00',
    });
    expect(ward.ok && ward.value.target).toBeNull();
    expect(
      run({
        kpi: 'ho_so_dung_han',
        scope: { level: 'agency', code: 'hepco' },
        value: 97.5,
        ts: '2026-10-28T08:00:00+07:00',
      }).ok,
    ).toBe(true);
  });

  it.each([
    [{ kpi: 'Reports On Time' }, 'IOC_INGEST_SCHEMA'],
    [{ scope: { level: 'district', code: '474' } }, 'IOC_INGEST_SCHEMA'],
    [{ scope: { level: 'province', code: '48' } }, 'IOC_INGEST_SCOPE'],
    [{ scope: { level: 'ward', code: '19780' } }, 'IOC_INGEST_SCOPE'], // Phường Đúc: merged into Thuận Hóa in 2025
    [{ scope: { level: 'agency', code: 'so-giao-thong-van-tai' } }, 'IOC_INGEST_SCOPE'],
    [{ value: '98%' }, 'IOC_INGEST_SCHEMA'],
    [{ ts: '2026-10-29T00:00:00+07:00' }, 'IOC_INGEST_TIME'],
    [{ ts: '1900-01-01T00:00:00Z' }, 'IOC_INGEST_TIME'],
    // An id outside layers' KPI_CATALOGUE: a feed's typo ("hso" for "ho_so") or an undefined indicator.
    [{ kpi: 'hso_dung_han' }, 'IOC_INGEST_UNKNOWN_KPI'],
    [{ kpi: 'reports.on_time_rate' }, 'IOC_INGEST_UNKNOWN_KPI'],
    [{ kpi: 'constructor' }, 'IOC_INGEST_UNKNOWN_KPI'],
  ])('%j → %s', (patch, rejectCode) => {
    const base = {
      kpi: 'ty_le_xu_ly_dung_han',
      scope: { level: 'province', code: '46' },
      value: 0.98,
      ts: '2026-10-28T00:00:00+07:00',
    };
    const r = run({ ...base, ...patch }, (id) => ['hepco', 'so-xay-dung'].includes(id));
    expect(!r.ok && r.reject.code).toBe(rejectCode);
  });
});

describe('normaliseCameraMessage', () => {
  const cameras: Record<string, Position | null> = {
    'cam-ngatu-ga': [107.5786, 16.4566],
    'cam-dong-ba': [107.5878, 16.4722],
    'cam-moi': null,
  };
  const ctx = () => ({
    receivedAt,
    wards,
    camera: (id: string) => (id in cameras ? { position: cameras[id] ?? null } : undefined),
  });

  it('parses the topics', () => {
    expect(parseCameraTopic('hue/cameras/cam-dong-ba/events')).toEqual({
      ok: true,
      value: { cameraId: 'cam-dong-ba', stream: 'events' },
    });
    expect(parseCameraTopic('hue/cameras/cam-dong-ba/status')).toEqual({
      ok: true,
      value: { cameraId: 'cam-dong-ba', stream: 'status' },
    });
    expect(parseCameraTopic('hue/cameras/cam-dong-ba/frames')).toMatchObject({
      ok: false,
      reject: { code: 'IOC_INGEST_TOPIC' },
    });
    expect(parseCameraTopic('hue/cameras/Cam Dong Ba/events')).toMatchObject({
      ok: false,
      reject: { code: 'IOC_INGEST_DEVICE_ID' },
    });
  });

  it('normalises a flooding detection with the camera’s position, ward and an idempotency key', () => {
    const r = normaliseCameraMessage(
      'hue/cameras/cam-dong-ba/events',
      enc({
        ts: '2026-10-28T08:20:00+07:00',
        type: 'flooding',
        confidence: 0.87,
        snapshot_url: 'https://cam.hue.gov.vn/snap/dong-ba/1730078400.jpg',
      }),
      ctx(),
    );
    expect(r).toEqual({
      ok: true,
      value: {
        kind: 'event',
        channel: 'camera',
        sourceId: 'cam-dong-ba:flooding:2026-10-28T01:20:00.000Z',
        cameraId: 'cam-dong-ba',
        type: 'flooding',
        category: 'drainage',
        confidence: 0.87,
        snapshotUrl: 'https://cam.hue.gov.vn/snap/dong-ba/1730078400.jpg',
        ts: new Date('2026-10-28T01:20:00Z'),
        position: [107.5878, 16.4722],
        wardCode: code('Phú Xuân'),
      },
    });
  });

  it('gives a re-delivery with another offset the same source id', () => {
    const a = normaliseCameraMessage(
      'hue/cameras/cam-ngatu-ga/events',
      enc({ ts: '2026-10-28T08:20:00+07:00', type: 'accident', confidence: 0.7 }),
      ctx(),
    );
    const b = normaliseCameraMessage(
      'hue/cameras/cam-ngatu-ga/events',
      enc({ ts: '2026-10-28T01:20:00Z', type: 'accident', confidence: 0.7 }),
      ctx(),
    );
    expect(
      a.ok &&
        b.ok &&
        a.value.kind === 'event' &&
        b.value.kind === 'event' &&
        a.value.sourceId === b.value.sourceId,
    ).toBe(true);
  });

  it('normalises a status heartbeat', () => {
    expect(
      normaliseCameraMessage(
        'hue/cameras/cam-moi/status',
        enc({ ts: '2026-10-28T08:29:00+07:00', online: false }),
        ctx(),
      ),
    ).toEqual({
      ok: true,
      value: {
        kind: 'status',
        channel: 'camera',
        cameraId: 'cam-moi',
        online: false,
        ts: new Date('2026-10-28T01:29:00Z'),
      },
    });
  });

  it.each([
    [
      'hue/cameras/cam-x/events',
      { ts: '2026-10-28T08:20:00+07:00', type: 'flooding', confidence: 0.9 },
      'IOC_INGEST_UNKNOWN_DEVICE',
    ],
    [
      'hue/cameras/cam-dong-ba/events',
      { ts: '2026-10-28T08:20:00+07:00', type: 'earthquake', confidence: 0.9 },
      'IOC_INGEST_SCHEMA',
    ],
    [
      'hue/cameras/cam-dong-ba/events',
      { ts: '2026-10-28T08:20:00+07:00', type: 'flooding', confidence: 1.2 },
      'IOC_INGEST_SCHEMA',
    ],
    [
      'hue/cameras/cam-dong-ba/events',
      {
        ts: '2026-10-28T08:20:00+07:00',
        type: 'flooding',
        confidence: 0.9,
        snapshot_url: 'file:///etc/passwd',
      },
      'IOC_INGEST_URL',
    ],
    [
      'hue/cameras/cam-dong-ba/events',
      { ts: '2026-10-28T09:20:00+07:00', type: 'flooding', confidence: 0.9 },
      'IOC_INGEST_TIME',
    ],
    [
      'hue/cameras/cam-dong-ba/status',
      { ts: '2026-10-28T08:20:00+07:00', online: 'yes' },
      'IOC_INGEST_SCHEMA',
    ],
    ['hue/cameras/cam-dong-ba/status', 'not json', 'IOC_INGEST_JSON'],
  ])('%s %j → %s', (topic, payload, rejectCode) => {
    const r = normaliseCameraMessage(topic, enc(payload), ctx());
    expect(!r.ok && r.reject.code).toBe(rejectCode);
  });

  it('accepts any well-formed camera without a registry, with no position', () => {
    const r = normaliseCameraMessage(
      'hue/cameras/cam-x/events',
      enc({ ts: '2026-10-28T08:20:00+07:00', type: 'littering', confidence: 0.6 }),
      { receivedAt },
    );
    expect(r.ok && r.value).toMatchObject({ position: null, wardCode: null, category: 'environment' });
  });
});
