import { describe, expect, it } from 'vitest';
import type { LayerDelta } from '@hue-ioc/layers';
import { Ticker } from './ticker.ts';

const incident = (id: string, priority: number) => ({
  id,
  position: [107.59, 16.46] as [number, number],
  props: {
    version: 1,
    status: 'new',
    category: 'drainage',
    priority,
    title: 'Ngập sâu trước 12 Lê Lợi',
    wardCode: '19789',
    agencyId: 'hepco',
    dueAt: null,
    createdAt: '',
    updatedAt: '',
    channels: ['hue_s'],
  },
});
const alert = (level: number) => ({
  id: 'alarm:kim-long',
  position: [107.553, 16.462] as [number, number],
  props: {
    kind: 'sensor_alarm',
    deviceId: 'kim-long',
    deviceKind: 'water_level',
    name: 'Trạm Kim Long (sông Hương)',
    level,
    value: 2.3,
    unit: 'm',
    since: '2026-11-27T07:00:00.000Z',
    incidentId: null,
    wardCode: null,
  },
});
const delta = (layer: 'incidents' | 'alerts', upserts: unknown[], removes: string[] = []): LayerDelta => ({
  layer,
  from: 0,
  seq: 1,
  serverTime: Date.parse('2026-11-27T08:00:00Z'),
  changedAt: Date.parse('2026-11-27T08:00:00Z'),
  upserts: upserts as LayerDelta['upserts'],
  removes,
});

describe('Ticker', () => {
  it('announces a burst of new incidents by its most urgent lines and one line for the rest', () => {
    const t = new Ticker();
    const burst = Array.from({ length: 1200 }, (_, i) =>
      incident(`IOC-2611-${String(i).padStart(6, '0')}`, i === 700 ? 1 : i === 900 ? 2 : 3),
    );
    const items = t.onDelta({ ...delta('incidents', burst), seq: 77 });
    expect(items).toHaveLength(5);
    expect(items[0]).toMatchObject({ id: 'incident:IOC-2611-000700', level: 3 });
    expect(items[1]).toMatchObject({ id: 'incident:IOC-2611-000900', level: 2 });
    expect(items[4]).toEqual(
      expect.objectContaining({ id: 'incidents:77', text: 'Và 1.196 phản ánh mới khác', level: 0 }),
    );
    // They are all known now: none is announced again.
    expect(t.onDelta(delta('incidents', burst.slice(0, 10)))).toEqual([]);
  });

  it('announces new incidents once, in Vietnamese and English, not updates of known ones', () => {
    const t = new Ticker();
    t.prime([incident('IOC-2611-000001', 3)], []);
    expect(t.onDelta(delta('incidents', [incident('IOC-2611-000001', 3)]))).toEqual([]);
    const [item] = t.onDelta(delta('incidents', [incident('IOC-2611-000002', 1)]));
    expect(item).toMatchObject({
      kind: 'incident',
      level: 3,
      text: 'Hue-S: Thoát nước, ngập úng — Ngập sâu trước 12 Lê Lợi',
    });
    expect(item!.textEn).toMatch(/^Hue-S: Drainage/);
    expect(t.onDelta(delta('incidents', [incident('IOC-2611-000002', 1)]))).toEqual([]);
  });

  it('never throws on a feature that is not shaped as it expects', () => {
    const t = new Ticker();
    expect(() =>
      t.onDelta(delta('incidents', [{ id: 'x', position: null, props: { round: 1 } }])),
    ).not.toThrow();
    expect(() =>
      t.onDelta(delta('alerts', [{ id: 'y', position: null, props: { kind: 'sensor_alarm', level: 2 } }])),
    ).not.toThrow();
  });

  it('announces alarms only when they rise', () => {
    const t = new Ticker();
    expect(t.onDelta(delta('alerts', [alert(2)]))[0]).toMatchObject({
      kind: 'alarm',
      level: 2,
      text: 'Trạm Kim Long (sông Hương) vượt báo động II: 2,3 m',
    });
    expect(t.onDelta(delta('alerts', [alert(1)]))).toEqual([]);
    expect(t.onDelta(delta('alerts', [alert(3)]))[0]).toMatchObject({ level: 3 });
    expect(t.latest()).toHaveLength(2);
  });

  it('says who warned and what when an inbound CAP warning arrives or rises, once', () => {
    const t = new Ticker();
    const warning = (level: number) => ({
      id: 'cap:chain-1',
      position: [107.58, 16.45] as [number, number],
      props: {
        kind: 'cap_warning',
        deviceId: 'canhbao@nchmf.gov.vn',
        deviceKind: 'cap',
        name: 'Cảnh báo lũ trên sông Hương, báo động II',
        level,
        value: null,
        unit: null,
        since: '2026-12-01T15:00:00.000Z',
        incidentId: null,
        wardCode: null,
        hazard: 'flood',
        expires: null,
        nameEn: null,
      },
    });
    expect(t.onDelta(delta('alerts', [warning(2)]))).toEqual([
      expect.objectContaining({
        kind: 'alarm',
        level: 2,
        text: 'Cảnh báo của canhbao@nchmf.gov.vn: Cảnh báo lũ trên sông Hương, báo động II',
      }),
    ]);
    expect(t.onDelta(delta('alerts', [warning(2)]))).toEqual([]);
    expect(t.onDelta(delta('alerts', [warning(3)]))[0]).toMatchObject({ level: 3 });
  });
});
