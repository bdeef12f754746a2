import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import {
  haversineM,
  normaliseHotlineTicket,
  normaliseHueSReport,
  WardIndex,
  type NormalisedReport,
  type Result,
} from '@hue-ioc/streams';
import { reportInput } from './inputs.ts';
import { ManualClock, memoryIncidentService } from '../../test/support/memory-ports.ts';

/**
 * The incident pipeline on memory ports: the streams pipeline (validate, normalise) → the incident stream
 * (dedupe by source id, merge, enrich) → IncidentStore and the `incidents` layer. No database.
 */
const GEO_DIR = resolve(import.meta.dirname, '../../../geo');
let wards: WardIndex;
beforeAll(async () => {
  wards = await WardIndex.load(GEO_DIR);
});

// Lê Lợi – Đội Cung (Phường Thuận Hóa), where a reference camera stands.
const LE_LOI: [number, number] = [107.5902, 16.4633];
/** `m` metres east of a point at Huế's latitude. */
const east = ([lon, lat]: [number, number], m: number): [number, number] => [
  lon + m / (111_320 * Math.cos((lat * Math.PI) / 180)),
  lat,
];
// Friday 27 Nov 2026, 08:00 in Huế: a working day.
const T0 = new Date('2026-11-27T01:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

const unwrap = (r: Result<NormalisedReport>): NormalisedReport => {
  if (!r.ok) throw new Error(`${r.reject.code}: ${r.reject.reason}`);
  return r.value;
};

function hueS(id: string, position: [number, number], createdMin: number) {
  return unwrap(
    normaliseHueSReport(
      {
        id,
        category: 'Thoát nước, ngập úng',
        description: 'Ngập sâu khoảng 30cm trước số 12 Lê Lợi sau mưa lớn, xe máy chết máy nhiều.',
        lon: position[0],
        lat: position[1],
        address: '12 Lê Lợi, phường Thuận Hóa',
        media: [{ url: 'https://hue-s.example.vn/media/abc.jpg', type: 'image' }],
        reporter: { name: 'Nguyễn Văn An', phone: '0905123456' },
        created_at: at(createdMin).toISOString(),
      },
      { receivedAt: at(createdMin + 1), wards },
    ),
  );
}

function hotline(ticketId: string, position: [number, number], createdMin: number) {
  return unwrap(
    normaliseHotlineTicket(
      {
        ticket_id: ticketId,
        category: 'ngập úng',
        summary: 'Người dân gọi báo đường Lê Lợi ngập, nước tràn vào nhà.',
        caller_phone: '0234 3822 123',
        address: 'Lê Lợi, Thuận Hóa',
        lon: position[0],
        lat: position[1],
        created_at: at(createdMin).toISOString(),
        agent: 'tongdai-07',
      },
      { receivedAt: at(createdMin + 1), wards },
    ),
  );
}

function setup() {
  const clock = new ManualClock(at(1));
  return { clock, ...memoryIncidentService(clock) };
}

describe('IncidentService on memory ports', () => {
  it('merges a hotline ticket 80 m and 10 min after a Hue-S report into one incident, with the reason', async () => {
    const { clock, store, layer, metrics, service } = setup();
    const first = await service.ingest(reportInput(hueS('HS-20261127-0815', LE_LOI, 0)));
    expect(first).toEqual({ outcome: 'created', incidentId: 'IOC-2611-000001' });

    clock.advance(10 * 60_000);
    const ticket = await service.ingest(reportInput(hotline('TD1075-20261127-0031', east(LE_LOI, 80), 10)));
    expect(ticket).toMatchObject({ outcome: 'merged', incidentId: 'IOC-2611-000001' });
    const reason = (ticket as { reason: { distanceM: number; minutesApart: number; rule: string } }).reason;
    expect(reason.distanceM).toBeGreaterThan(75);
    expect(reason.distanceM).toBeLessThan(85);
    expect(reason.minutesApart).toBe(10);
    expect(reason.rule).toBe('same_category');

    const row = store.rows.get('IOC-2611-000001')!;
    expect(row.sources.map((s) => s.channel)).toEqual(['hue_s', 'hotline']);
    expect(row).toMatchObject({ version: 2, category: 'drainage', ward_code: '19789', status: 'new' });
    // The routing table's choice is a suggestion until the desk assigns the case (issue 12).
    expect(row.agency_id).toBeNull();
    expect(row.suggested_agency_id).toBeTruthy();
    expect(row.due_at!.getTime()).toBeGreaterThan(T0.getTime());
    expect(store.eventsOf(row.id).map((e) => e.type)).toEqual(['created', 'source_added']);

    // The layer carries both channels at version 2, and no personal data.
    const f = layer.get(row.id)!;
    expect(f.props).toMatchObject({ version: 2, channels: ['hue_s', 'hotline'], wardCode: '19789' });
    expect(JSON.stringify([...layer.state.values()])).not.toMatch(/0905123456|Nguyễn Văn An|3822/);
    expect(await metrics.registry.getSingleMetricAsString('ioc_incident_inputs_total')).toMatch(
      /channel="hotline",outcome="merged"\} 1/,
    );
  });

  it('treats a re-delivery of a source id as a no-op, also after that source was merged', async () => {
    const { store, layer, metrics, service } = setup();
    const report = hueS('HS-20261127-0815', LE_LOI, 0);
    const { incidentId } = await service.ingest(reportInput(report));
    await service.ingest(reportInput(hotline('TD1075-20261127-0031', east(LE_LOI, 80), 10)));
    const applied = layer.applied.length;

    expect(await service.ingest(reportInput(report))).toEqual({ outcome: 'duplicate', incidentId });
    expect(await service.ingest(reportInput(hotline('TD1075-20261127-0031', east(LE_LOI, 80), 10)))).toEqual({
      outcome: 'duplicate',
      incidentId,
    });
    expect(store.rows.size).toBe(1);
    expect(store.rows.get(incidentId)!).toMatchObject({ version: 2 });
    expect(store.eventsOf(incidentId)).toHaveLength(2);
    expect(layer.applied).toHaveLength(applied); // nothing re-published
    const counts = await metrics.registry.getSingleMetricAsString('ioc_incident_inputs_total');
    expect(counts).toMatch(/channel="hue_s",outcome="duplicate"\} 1/);
    expect(counts).toMatch(/channel="hotline",outcome="duplicate"\} 1/);
  });

  it('keeps a report of the same kind 2 km away a separate incident', async () => {
    const { store, service } = setup();
    const near = await service.ingest(reportInput(hueS('HS-20261127-0815', LE_LOI, 0)));
    const farAt = east(LE_LOI, 2000);
    const far = await service.ingest(reportInput(hueS('HS-20261127-0822', farAt, 7)));
    expect(far.outcome).toBe('created');
    expect(far.incidentId).not.toBe(near.incidentId);
    expect(haversineM(LE_LOI, farAt)).toBeGreaterThan(1990);
    expect(store.rows.size).toBe(2);
    expect(store.rows.get(far.incidentId)!.sources.map((s) => s.sourceId)).toEqual(['HS-20261127-0822']);
  });

  it('leaves the store as it was when a decision fails half way', async () => {
    const { store, service } = setup();
    await service.ingest(reportInput(hueS('HS-20261127-0815', LE_LOI, 0)));
    const tx = store.transaction.bind(store);
    store.transaction = (fn) =>
      tx(async (t) => fn({ ...t, addEvent: () => Promise.reject(new Error('disk full')) }));
    await expect(
      service.ingest(reportInput(hotline('TD1075-20261127-0031', east(LE_LOI, 80), 10))),
    ).rejects.toThrow('disk full');
    store.transaction = tx;
    expect(store.rows.get('IOC-2611-000001')!.sources).toHaveLength(1);
    // The next input is decided normally (the queue survived the failure).
    const again = await service.ingest(reportInput(hotline('TD1075-20261127-0031', east(LE_LOI, 80), 10)));
    expect(again.outcome).toBe('merged');
  });
});
