import {
  alarmLevelFor,
  sensorStateFor,
  type Feature,
  type SensorKind,
  type SensorProps,
} from '@hue-ioc/layers';
import { SENSOR_KIND_DEFAULTS } from '@hue-ioc/streams';
import type { DeviceRow } from '../storage/device.repository.ts';
import type { LayerHub } from './layer-hub.ts';

interface Shown {
  metric: string;
  value: number;
  unit: string | null;
  ts: Date;
}

/** How long past its expected interval a device may stay silent before it shows as offline. */
const OFFLINE_AFTER_INTERVALS = 3;

/**
 * Keeps the `sensors` layer: one feature per device with its latest main reading and alarm level.
 * Older readings never replace newer ones (devices re-send and arrive out of order).
 */
export class SensorsLayer {
  private readonly devices = new Map<string, DeviceRow>();
  private readonly shown = new Map<string, Shown>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hub: LayerHub,
    private readonly now: () => number = Date.now,
  ) {}

  hasDevice(id: string): boolean {
    return this.devices.has(id);
  }

  /** Loads devices and their latest readings (after a restart) and publishes every feature. */
  load(devices: readonly DeviceRow[], latest: readonly (Shown & { device_id: string })[]): void {
    for (const d of devices) this.devices.set(d.id, d);
    for (const row of latest) {
      const d = this.devices.get(row.device_id);
      if (d && row.metric === this.mainMetric(d)) this.shown.set(d.id, { ...row });
    }
    this.hub.apply('sensors', [...this.devices.values()].map((d) => this.feature(d)));
  }

  upsertDevices(devices: readonly DeviceRow[]): void {
    for (const d of devices) this.devices.set(d.id, d);
    this.hub.apply('sensors', devices.map((d) => this.feature(d)));
  }

  /** Applies stored readings; returns the devices whose feature changed. */
  applyReadings(readings: readonly { deviceId: string; metric: string; value: number; unit: string; ts: Date }[]): string[] {
    const changed = new Set<string>();
    for (const r of readings) {
      const d = this.devices.get(r.deviceId);
      if (!d) continue;
      d.last_seen_at = !d.last_seen_at || r.ts > d.last_seen_at ? r.ts : d.last_seen_at;
      if (r.metric !== this.mainMetric(d)) continue;
      const current = this.shown.get(d.id);
      if (current && current.ts > r.ts) continue;
      this.shown.set(d.id, { metric: r.metric, value: r.value, unit: r.unit, ts: r.ts });
      changed.add(d.id);
    }
    const features: Feature<SensorProps>[] = [];
    for (const id of changed) features.push(this.feature(this.devices.get(id)!));
    if (features.length > 0) this.hub.apply('sensors', features);
    return [...changed];
  }

  /** Re-evaluates offline state; devices that went silent (or came back) are re-published. */
  sweepOffline(): void {
    const features: Feature<SensorProps>[] = [];
    for (const d of this.devices.values()) {
      const next = this.feature(d);
      const prev = this.hub.get('sensors', d.id) as Feature<SensorProps> | undefined;
      if (!prev || prev.props.state !== next.props.state) features.push(next);
    }
    if (features.length > 0) this.hub.apply('sensors', features);
  }

  startOfflineSweep(everyMs = 15_000): void {
    this.timer = setInterval(() => this.sweepOffline(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private mainMetric(d: DeviceRow): string {
    return SENSOR_KIND_DEFAULTS[d.kind as SensorKind]?.metric ?? d.kind;
  }

  feature(d: DeviceRow): Feature<SensorProps> {
    const shown = this.shown.get(d.id);
    const lastSeen = d.last_seen_at?.getTime() ?? shown?.ts.getTime();
    const online = lastSeen !== undefined && this.now() - lastSeen <= d.expected_interval_s * 1000 * OFFLINE_AFTER_INTERVALS;
    const alarmLevel = shown ? alarmLevelFor(shown.value, d.thresholds) : 0;
    return {
      id: d.id,
      position: d.lon !== null && d.lat !== null ? [d.lon, d.lat] : null,
      props: {
        kind: d.kind,
        name: d.name,
        wardCode: d.ward_code,
        metric: shown?.metric ?? null,
        value: shown?.value ?? null,
        unit: shown?.unit ?? d.unit,
        observedAt: shown?.ts.toISOString() ?? null,
        alarmLevel,
        // A device never heard from is "unknown", not "offline".
        state: lastSeen === undefined ? 'unknown' : sensorStateFor(alarmLevel, online, shown !== undefined),
        thresholds: d.thresholds,
      },
    };
  }
}
