import {
  normaliseCameraMessage,
  type InboundMessage,
  type NormalisedCameraEvent,
  type NormalisedCameraStatus,
  type TimeWindow,
  type WardIndex,
} from '@hue-ioc/streams';
import type { CamerasLayer } from '../live/cameras-layer.ts';
import { cameraInput } from '../incidents/inputs.ts';
import { CAMERA_CONFIDENCE_THRESHOLDS } from '../incidents/labels.ts';
import type { Metrics } from '../metrics.ts';
import {
  deadLetterOf,
  type CameraEventSink,
  type Clock,
  type DeadLetter,
  type IncidentSink,
} from './ports.ts';

export interface CameraIngestDeps {
  events: CameraEventSink;
  incidents: IncidentSink;
  layer: CamerasLayer;
  wards: WardIndex;
  clock: Clock;
  metrics: Metrics;
  /** How old or far ahead an event's or status's ts may be (config INGEST_MAX_AGE_DAYS / INGEST_MAX_SKEW_S). */
  timeWindow?: TimeWindow;
}

/**
 * `hue/cameras/{id}/events` and `/status`: validate and normalise (streams) → store detections and rejects
 * in one transaction (CameraEventSink) → a detection above its type's confidence threshold opens or joins
 * an incident (IncidentSink) → status and the last detection drive the `cameras` layer. Unknown cameras
 * are registered without a position, as sensors are.
 */
export class CameraIngestService {
  constructor(private readonly deps: CameraIngestDeps) {}

  readonly handleBatch = async (batch: readonly InboundMessage[]): Promise<void> => {
    const { layer } = this.deps;
    const events: NormalisedCameraEvent[] = [];
    const statuses: NormalisedCameraStatus[] = [];
    const rejects: DeadLetter[] = [];
    const unknown = new Set<string>();
    for (const m of batch) {
      const r = normaliseCameraMessage(m.topic, m.payload, {
        receivedAt: m.receivedAt,
        wards: this.deps.wards,
        ...(this.deps.timeWindow ? { timeWindow: this.deps.timeWindow } : {}),
        camera: (id) => {
          const d = layer.camera(id);
          if (!d) unknown.add(id);
          return { position: d && d.lon !== null && d.lat !== null ? [d.lon, d.lat] : null };
        },
      });
      if (!r.ok) rejects.push(deadLetterOf('mqtt', r.reject, m));
      else if (r.value.kind === 'event') events.push(r.value);
      else statuses.push(r.value);
    }

    const { fresh, registered } = await this.deps.events.storeBatch({
      events,
      newCameras: [...unknown],
      rejects,
    });
    layer.register(registered);

    const detections: { event: NormalisedCameraEvent; incidentId: string | null }[] = [];
    for (const e of events) {
      if (!fresh.has(e.sourceId)) continue; // a re-delivery
      let incidentId: string | null = null;
      if (e.confidence >= CAMERA_CONFIDENCE_THRESHOLDS[e.type]) {
        const name = layer.camera(e.cameraId)?.name ?? e.cameraId;
        const result = await this.deps.incidents.ingest(cameraInput(e, name, this.deps.clock.now()));
        incidentId = result.incidentId;
        await this.deps.events.linkIncident(e, incidentId);
      }
      detections.push({ event: e, incidentId });
    }
    this.deps.metrics.ingestMessages.inc(
      { source: 'camera', outcome: 'stored' },
      events.length + statuses.length,
    );
    await layer.apply(statuses, detections);
  };
}
