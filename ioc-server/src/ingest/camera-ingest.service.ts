import {
  normaliseCameraMessage,
  type InboundMessage,
  type Logger,
  type NormalisedCameraEvent,
  type NormalisedCameraStatus,
  type WardIndex,
} from '@hue-ioc/streams';
import type { CameraProps, Feature } from '@hue-ioc/layers';
import type { Db } from '../storage/db.ts';
import type { DeadLetter, DeadLetterRepository } from '../storage/dead-letter.repository.ts';
import type { DeviceRepository, DeviceRow } from '../storage/device.repository.ts';
import type { LayerHub } from '../live/layer-hub.ts';
import type { IncidentService } from '../incidents/incident.service.ts';
import { cameraInput } from '../incidents/inputs.ts';
import { CAMERA_CONFIDENCE_THRESHOLDS } from '../incidents/labels.ts';
import type { Metrics } from '../metrics.ts';

export interface CameraIngestDeps {
  db: Db;
  devices: DeviceRepository;
  deadLetters: DeadLetterRepository;
  incidents: IncidentService;
  hub: LayerHub;
  wards: WardIndex;
  metrics: Metrics;
  logger: Logger;
}

/**
 * `hue/cameras/{id}/events` and `/status`: every detection is stored in camera_events; one above its
 * type's confidence threshold opens or joins an incident; status and the last detection drive the
 * `cameras` layer. Unknown cameras are registered without a position, as sensors are.
 */
export class CameraIngestService {
  private readonly cameras = new Map<string, DeviceRow>();

  constructor(private readonly deps: CameraIngestDeps) {}

  async load(): Promise<void> {
    const rows = (await this.deps.devices.list()).filter((d) => d.kind === 'camera');
    const features: Feature<CameraProps>[] = [];
    for (const d of rows) {
      this.cameras.set(d.id, d);
      if (!this.deps.hub.get('cameras', d.id)) features.push(this.feature(d, null));
    }
    if (features.length > 0) await this.deps.hub.apply('cameras', features);
  }

  readonly handleBatch = async (batch: readonly InboundMessage[]): Promise<void> => {
    const events: NormalisedCameraEvent[] = [];
    const statuses: NormalisedCameraStatus[] = [];
    const rejects: DeadLetter[] = [];
    const unknown = new Set<string>();
    for (const m of batch) {
      const r = normaliseCameraMessage(m.topic, m.payload, {
        receivedAt: m.receivedAt,
        wards: this.deps.wards,
        camera: (id) => {
          const d = this.cameras.get(id);
          if (!d) unknown.add(id);
          return { position: d && d.lon !== null && d.lat !== null ? [d.lon, d.lat] : null };
        },
      });
      if (!r.ok) {
        rejects.push({
          source: 'mqtt',
          reasonCode: r.reject.code,
          reason: r.reject.reason,
          topic: m.topic.slice(0, 512),
          payload: m.payload,
          details: r.reject.details,
          receivedAt: m.receivedAt,
        });
        continue;
      }
      if (r.value.kind === 'event') events.push(r.value);
      else statuses.push(r.value);
    }

    const fresh = await this.deps.db.transaction(async (tx) => {
      if (unknown.size > 0) {
        const registered = await this.deps.devices.autoRegister(
          tx,
          [...unknown].map((id) => ({
            id,
            kind: 'camera',
            unit: '',
            expectedIntervalS: 300,
            thresholds: [],
          })),
        );
        for (const d of registered) this.cameras.set(d.id, d);
      }
      await this.deps.deadLetters.insertBatch(tx, rejects);
      if (events.length === 0) return new Set<string>();
      const inserted = await tx.query<{ camera_id: string; type: string; ts: Date }>(
        `INSERT INTO camera_events (ts, camera_id, type, confidence, snapshot_url)
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::text[])
         ON CONFLICT DO NOTHING RETURNING camera_id, type, ts`,
        [
          events.map((e) => e.ts),
          events.map((e) => e.cameraId),
          events.map((e) => e.type),
          events.map((e) => e.confidence),
          events.map((e) => e.snapshotUrl),
        ],
      );
      return new Set(inserted.map((r) => `${r.camera_id}:${r.type}:${r.ts.toISOString()}`));
    });
    for (const r of rejects) {
      this.deps.metrics.deadLetters.inc({ source: 'mqtt', reason: r.reasonCode });
      this.deps.logger.warn(
        { topic: r.topic, code: r.reasonCode, reason: r.reason },
        'camera message rejected to dead_letters',
      );
    }

    const changed = new Map<string, Feature<CameraProps>>();
    const current = (id: string) =>
      changed.get(id) ??
      (this.deps.hub.get('cameras', id) as Feature<CameraProps> | undefined) ??
      this.feature(this.cameras.get(id)!, null);
    for (const s of statuses) {
      const cur = current(s.cameraId);
      if (cur.props.statusAt && Date.parse(cur.props.statusAt) > s.ts.getTime()) continue;
      changed.set(s.cameraId, {
        ...cur,
        props: { ...cur.props, online: s.online, statusAt: s.ts.toISOString() },
      });
    }
    for (const e of events) {
      if (!fresh.has(e.sourceId)) continue; // a re-delivery
      let incidentId: string | null = null;
      if (e.confidence >= CAMERA_CONFIDENCE_THRESHOLDS[e.type]) {
        const name = this.cameras.get(e.cameraId)?.name ?? e.cameraId;
        const result = await this.deps.incidents.ingest(cameraInput(e, name, new Date()));
        incidentId = result.incidentId;
        await this.deps.db.query(
          `UPDATE camera_events SET incident_id = $1 WHERE camera_id = $2 AND type = $3 AND ts = $4`,
          [incidentId, e.cameraId, e.type, e.ts],
        );
      }
      const cur = current(e.cameraId);
      if (cur.props.lastEvent && Date.parse(cur.props.lastEvent.ts) > e.ts.getTime()) continue;
      changed.set(e.cameraId, {
        ...cur,
        props: {
          ...cur.props,
          online: true,
          lastEvent: { type: e.type, confidence: e.confidence, ts: e.ts.toISOString(), incidentId },
        },
      });
    }
    this.deps.metrics.ingestMessages.inc(
      { source: 'camera', outcome: 'stored' },
      events.length + statuses.length,
    );
    if (changed.size > 0) await this.deps.hub.apply('cameras', [...changed.values()]);
  };

  feature(d: DeviceRow, status: { online: boolean; at: Date } | null): Feature<CameraProps> {
    return {
      id: d.id,
      position: d.lon !== null && d.lat !== null ? [d.lon, d.lat] : null,
      props: {
        name: d.name,
        wardCode: d.ward_code,
        online: status?.online ?? false,
        statusAt: status?.at.toISOString() ?? null,
        lastEvent: null,
      },
    };
  }
}
