import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { CameraProps } from '@hue-ioc/layers';
import { normaliseHueSReport, referenceCameraSeeds, WardIndex, type InboundMessage } from '@hue-ioc/streams';
import { CameraIngestService } from './camera-ingest.service.ts';
import { CamerasLayer } from '../live/cameras-layer.ts';
import { reportInput } from '../incidents/inputs.ts';
import { createMetrics } from '../metrics.ts';
import {
  deviceRow,
  ManualClock,
  MemoryCameraEventSink,
  MemoryDeadLetterSink,
  MemoryLayer,
  memoryIncidentService,
} from '../../test/support/memory-ports.ts';

/**
 * The camera pipeline on memory ports: MQTT batch → streams (validate, normalise, dedupe key) →
 * CameraEventSink (detections, new cameras and the batch's dead letters together) → incident stream for a
 * confident detection → `cameras` layer. No database, no broker.
 */
const GEO_DIR = resolve(import.meta.dirname, '../../../geo');
let wards: WardIndex;
beforeAll(async () => {
  wards = await WardIndex.load(GEO_DIR);
});

async function setup() {
  const clock = new ManualClock('2026-11-27T01:00:00Z'); // 08:00 in Huế
  const deadLetters = new MemoryDeadLetterSink();
  const events = new MemoryCameraEventSink(deadLetters);
  const cameras = new MemoryLayer<CameraProps>();
  const layer = new CamerasLayer(cameras);
  await layer.load(
    referenceCameraSeeds(wards).map((c) =>
      deviceRow({
        id: c.id,
        kind: 'camera',
        name: c.name,
        lon: c.position[0],
        lat: c.position[1],
        ward_code: c.wardCode,
      }),
    ),
  );
  const incidents = memoryIncidentService(clock);
  const metrics = createMetrics();
  const service = new CameraIngestService({
    events,
    incidents: incidents.service,
    layer,
    wards,
    clock,
    metrics,
  });
  const msg = (topic: string, payload: unknown): InboundMessage => ({
    topic,
    payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    receivedAt: clock.now(),
    duplicate: false,
  });
  const ago = (s: number) => new Date(clock.now().getTime() - s * 1000).toISOString();
  return { clock, deadLetters, events, cameras, incidents, service, msg, ago };
}

describe('CameraIngestService on memory ports', () => {
  it('opens an incident for a confident detection, links it, and shows it on the camera', async () => {
    const { service, events, cameras, incidents, msg, ago } = await setup();
    const ts = ago(30);
    await service.handleBatch([
      msg('hue/cameras/cam-le-loi/events', { ts, type: 'flooding', confidence: 0.91 }),
      // Below littering's 0.85: stored and shown, nobody dispatched.
      msg('hue/cameras/cam-dong-ba/events', { ts, type: 'littering', confidence: 0.6 }),
    ]);

    expect(incidents.store.rows.size).toBe(1);
    const [incident] = [...incidents.store.rows.values()];
    expect(incident).toMatchObject({ category: 'drainage', ward_code: '19789' });
    expect(incident!.title).toBe('Ngập nước — Lê Lợi – Đội Cung');
    expect(incident!.sources).toEqual([
      { channel: 'camera', sourceId: `cam-le-loi:flooding:${ts}`, at: ts, signal: 'camera:flooding' },
    ]);
    expect(events.events.get(`cam-le-loi:flooding:${ts}`)!.incidentId).toBe(incident!.id);
    expect(events.events.get(`cam-dong-ba:littering:${ts}`)!.incidentId).toBeNull();

    expect(cameras.get('cam-le-loi')!.props).toMatchObject({
      online: true,
      lastEvent: { type: 'flooding', confidence: 0.91, ts, incidentId: incident!.id },
    });
    expect(cameras.get('cam-dong-ba')!.props.lastEvent).toMatchObject({
      type: 'littering',
      incidentId: null,
    });
  });

  it('joins a citizen report of flooding at the same corner, and ignores a re-delivered detection', async () => {
    const { service, incidents, cameras, msg, ago, clock } = await setup();
    const report = normaliseHueSReport(
      {
        id: 'HS-20261127-0752',
        category: 'Thoát nước, ngập úng',
        description: 'Nước ngập ngang bánh xe ở ngã tư Lê Lợi – Đội Cung.',
        lon: 107.5905,
        lat: 16.4631,
        media: [],
        reporter: {},
        created_at: ago(600),
      },
      { receivedAt: clock.now(), wards },
    );
    if (!report.ok) throw new Error(report.reject.reason);
    const { incidentId } = await incidents.service.ingest(reportInput(report.value));

    const detection = msg('hue/cameras/cam-le-loi/events', {
      ts: ago(20),
      type: 'flooding',
      confidence: 0.88,
    });
    await service.handleBatch([detection]);
    const row = incidents.store.rows.get(incidentId)!;
    expect(row.sources.map((s) => s.channel)).toEqual(['hue_s', 'camera']);
    expect(incidents.store.eventsOf(incidentId).at(-1)).toMatchObject({
      type: 'source_added',
      data: { channel: 'camera', reason: { rule: 'same_category' } }, // a flooding camera is drainage
    });
    const applied = cameras.applied.length;

    await service.handleBatch([{ ...detection, duplicate: true }]);
    expect(incidents.store.rows.get(incidentId)!.sources).toHaveLength(2);
    expect(cameras.applied).toHaveLength(applied);
  });

  it('puts status on the layer, never letting an older heartbeat replace a newer one', async () => {
    const { service, cameras, msg, ago } = await setup();
    expect(cameras.get('cam-truong-tien')!.props).toMatchObject({ online: false, statusAt: null });
    await service.handleBatch([msg('hue/cameras/cam-truong-tien/status', { ts: ago(10), online: true })]);
    expect(cameras.get('cam-truong-tien')!.props).toMatchObject({ online: true, statusAt: ago(10) });
    await service.handleBatch([
      msg('hue/cameras/cam-truong-tien/status', { ts: ago(5), online: false }),
      msg('hue/cameras/cam-truong-tien/status', { ts: ago(60), online: true }), // late
    ]);
    expect(cameras.get('cam-truong-tien')!.props).toMatchObject({ online: false, statusAt: ago(5) });
  });

  it('registers an unknown camera without a position, and dead-letters a malformed message while the rest goes on', async () => {
    const { service, events, deadLetters, cameras, incidents, msg, ago } = await setup();
    await service.handleBatch([
      msg('hue/cameras/cam-thuan-an-beach/status', { ts: ago(15), online: true }),
      msg('hue/cameras/cam-ngo-mon/events', { ts: ago(15), type: 'stampede', confidence: 0.99 }),
      msg('hue/cameras/cam-ngo-mon/events', '{"ts":'),
      msg('hue/cameras/cam-ngo-mon/events', { ts: ago(14), type: 'crowd', confidence: 0.83 }),
    ]);

    expect(events.cameras.get('cam-thuan-an-beach')).toMatchObject({ kind: 'camera', auto_registered: true });
    expect(cameras.get('cam-thuan-an-beach')).toMatchObject({
      position: null,
      props: { name: 'cam-thuan-an-beach', online: true, statusAt: ago(15) },
    });

    expect(deadLetters.letters.map((l) => [l.source, l.reasonCode, l.topic])).toEqual([
      ['mqtt', 'IOC_INGEST_SCHEMA', 'hue/cameras/cam-ngo-mon/events'],
      ['mqtt', 'IOC_INGEST_JSON', 'hue/cameras/cam-ngo-mon/events'],
    ]);
    expect(deadLetters.letters[0]!.reason).toMatch(/type/);
    // The valid crowd detection in the same batch still opened its incident.
    expect([...incidents.store.rows.values()].map((r) => r.title)).toEqual(['Tụ tập đông người — Ngọ Môn']);
  });
});
