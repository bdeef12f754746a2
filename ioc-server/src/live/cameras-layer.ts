import type { CameraProps, Feature } from '@hue-ioc/layers';
import type { NormalisedCameraEvent, NormalisedCameraStatus } from '@hue-ioc/streams';
import type { LayerSink } from '../ingest/ports.ts';
import type { DeviceRow } from '../storage/device.repository.ts';

/**
 * The one writer of the `cameras` layer, and the registry of known cameras (where each stands, its name).
 * A feature per camera: online state from `…/status` heartbeats and the last detection from `…/events`.
 * The current feature is read from the shared layer state, and an older status or detection (cameras
 * re-send, MQTT re-delivers) never replaces a newer one.
 */
export class CamerasLayer {
  private readonly cameras = new Map<string, DeviceRow>();

  constructor(private readonly sink: LayerSink<CameraProps>) {}

  camera(id: string): DeviceRow | undefined {
    return this.cameras.get(id);
  }

  /** Loads the cameras among `devices`; publishes those the log does not hold yet. */
  async load(devices: readonly DeviceRow[]): Promise<void> {
    const features: Feature<CameraProps>[] = [];
    for (const d of devices) {
      if (d.kind !== 'camera') continue;
      this.cameras.set(d.id, d);
      if (!this.sink.get(d.id)) features.push(this.feature(d));
    }
    if (features.length > 0) await this.sink.apply(features);
  }

  /** Cameras registered from their topic: known from now on, shown with their first status or detection. */
  register(devices: readonly DeviceRow[]): void {
    for (const d of devices) this.cameras.set(d.id, d);
  }

  /** Applies stored statuses and newly stored detections (with the incident each opened or joined). */
  async apply(
    statuses: readonly NormalisedCameraStatus[],
    events: readonly { event: NormalisedCameraEvent; incidentId: string | null }[],
  ): Promise<void> {
    const changed = new Map<string, Feature<CameraProps>>();
    const current = (id: string): Feature<CameraProps> | undefined => {
      const known = changed.get(id) ?? this.sink.get(id);
      if (known) return known;
      const d = this.cameras.get(id);
      return d && this.feature(d);
    };
    for (const s of statuses) {
      const cur = current(s.cameraId);
      if (!cur) continue;
      if (cur.props.statusAt && Date.parse(cur.props.statusAt) > s.ts.getTime()) continue;
      changed.set(s.cameraId, {
        ...cur,
        props: { ...cur.props, online: s.online, statusAt: s.ts.toISOString() },
      });
    }
    for (const { event: e, incidentId } of events) {
      const cur = current(e.cameraId);
      if (!cur) continue;
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
    if (changed.size > 0) await this.sink.apply([...changed.values()]);
  }

  feature(d: DeviceRow): Feature<CameraProps> {
    return {
      id: d.id,
      position: d.lon !== null && d.lat !== null ? [d.lon, d.lat] : null,
      props: { name: d.name, wardCode: d.ward_code, online: false, statusAt: null, lastEvent: null },
    };
  }
}
