import {
  SENSOR_KINDS,
  alarmLevelFor,
  sensorStateFor,
  type Feature,
  type SensorKind,
  type SensorProps,
} from '@hue-ioc/layers';
import { canonicalIsoMs, isoString, SENSOR_KIND_DEFAULTS } from '@hue-ioc/streams';
import type { LayerSink } from '../ingest/ports.ts';
import type { DeviceRow } from '../storage/device.repository.ts';
import type { LatestObservation } from '../storage/observation.repository.ts';
import type { AlertsLayer } from './alerts-layer.ts';

/** How long past its expected interval a device may stay silent before it shows as offline. */
export const OFFLINE_AFTER_INTERVALS = 3;

interface Device {
  row: DeviceRow;
  /** The metric shown on the map (the kind's main one). */
  metric: string;
  /** The applyReadings call `newest` belongs to. */
  batch: number;
  newest: Reading | null;
}

interface Reading {
  deviceId: string;
  metric: string;
  value: number;
  unit: string | null;
  ts: Date;
}

/**
 * The one writer of the `sensors` layer: one feature per device with its latest main reading and alarm
 * level; a device going offline or back is handed to the alerts layer (`offline:<device>`).
 * The current feature is read from the layer (the event log's state, shared by all nodes), so a node that
 * did not ingest a reading still judges freshness and ordering the same way. Older readings never replace
 * newer ones (devices re-send and arrive out of order).
 */
export class SensorsLayer {
  private readonly devices = new Map<string, Device>();
  /** Numbers the calls of applyReadings, so that a device's `batch` says whether `newest` is this call's. */
  private batches = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sensors: LayerSink<SensorProps>,
    private readonly alerts: AlertsLayer,
    private readonly now: () => number = Date.now,
  ) {}

  hasDevice(id: string): boolean {
    return this.devices.has(id);
  }

  device(id: string): DeviceRow | undefined {
    return this.devices.get(id)?.row;
  }

  isMainMetric(deviceId: string, metric: string): boolean {
    return this.devices.get(deviceId)?.metric === metric;
  }

  private setDevice(row: DeviceRow): void {
    this.devices.set(row.id, { row, metric: mainMetric(row), batch: 0, newest: null });
  }

  private current(id: string): Feature<SensorProps> | undefined {
    return this.sensors.get(id);
  }

  /**
   * Loads devices and their latest stored readings. A feature is published only where it adds something
   * to what the log already holds (another node, or this one before a restart, may know newer values).
   */
  async load(all: readonly DeviceRow[], latest: readonly LatestObservation[]): Promise<void> {
    // Cameras are devices too, but they have a layer of their own.
    const devices = all.filter((d) => (SENSOR_KINDS as readonly string[]).includes(d.kind));
    for (const d of devices) this.setDevice(d);
    const newest = new Map<string, Reading>();
    for (const row of latest) {
      const d = this.devices.get(row.device_id)?.row;
      if (d && row.metric === mainMetric(d))
        newest.set(d.id, {
          deviceId: d.id,
          metric: row.metric,
          value: row.value,
          unit: row.unit,
          ts: row.ts,
        });
    }
    const features: Feature<SensorProps>[] = [];
    for (const { row: d } of this.devices.values()) {
      const cur = this.current(d.id);
      const reading = newest.get(d.id);
      const curTs = cur?.props.observedAt ? timeOf(cur.props.observedAt) : -Infinity;
      const useReading = reading && reading.ts.getTime() > curTs ? reading : null;
      const next = this.feature(d, useReading ?? readingOf(cur));
      if (!cur || JSON.stringify(cur) !== JSON.stringify(next)) features.push(next);
    }
    const strays = this.sensors
      .features()
      .filter((f) => !this.devices.has(f.id) && !(SENSOR_KINDS as readonly string[]).includes(f.props.kind));
    if (features.length > 0 || strays.length > 0)
      await this.sensors.apply(
        features,
        strays.map((f) => f.id),
      );
  }

  async upsertDevices(devices: readonly DeviceRow[]): Promise<void> {
    for (const d of devices) this.setDevice(d);
    await this.sensors.apply(devices.map((d) => this.feature(d, readingOf(this.current(d.id)))));
  }

  /** Applies stored readings; resolves once the changes are in the event log. */
  async applyReadings(readings: readonly Reading[]): Promise<void> {
    // The newest main reading of each device, kept on the device itself: one lookup per reading (a map of
    // this batch's newest cost two more, issue 15). Synchronous up to the features, so calls cannot mix.
    const batch = ++this.batches;
    const touched: Device[] = [];
    for (const r of readings) {
      const d = this.devices.get(r.deviceId);
      if (!d || r.metric !== d.metric) continue;
      if (d.batch !== batch) {
        d.batch = batch;
        d.newest = r;
        touched.push(d);
      } else if (r.ts.getTime() > d.newest!.ts.getTime()) d.newest = r;
    }
    const features: Feature<SensorProps>[] = [];
    for (const d of touched) {
      const r = d.newest!;
      d.newest = null;
      const cur = this.current(d.row.id)?.props.observedAt;
      // Not older, and not the same reading again: a batch stored again (a retry, a re-delivery, the
      // spool after an outage) must not send /live clients a reading they already have (issue 11).
      if (cur && timeOf(cur) >= r.ts.getTime()) continue;
      features.push(this.feature(d.row, r));
    }
    if (features.length > 0) await this.sensors.apply(features);
    await this.alerts.syncOffline(features, this.now());
  }

  /** Re-evaluates offline state from the shared layer state; changed features are re-published. */
  async sweepOffline(): Promise<void> {
    const features: Feature<SensorProps>[] = [];
    for (const f of this.sensors.features()) {
      const state = stateOf(f.props, this.now());
      if (state !== f.props.state) features.push({ ...f, props: { ...f.props, state } });
    }
    if (features.length > 0) await this.sensors.apply(features);
    await this.alerts.syncOffline(features, this.now());
  }

  startOfflineSweep(everyMs = 15_000): void {
    this.timer = setInterval(() => void this.sweepOffline().catch(() => undefined), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  feature(d: DeviceRow, reading: Reading | null): Feature<SensorProps> {
    const props: SensorProps = {
      kind: d.kind,
      name: d.name,
      wardCode: d.ward_code,
      metric: reading?.metric ?? null,
      value: reading?.value ?? null,
      unit: reading?.unit ?? d.unit,
      observedAt: reading ? isoString(reading.ts.getTime()) : null,
      alarmLevel: reading ? alarmLevelFor(reading.value, d.thresholds) : 0,
      state: 'unknown',
      thresholds: d.thresholds,
      expectedIntervalS: d.expected_interval_s,
    };
    props.state = stateAt(props, reading ? reading.ts.getTime() : null, this.now());
    return { id: d.id, position: d.lon !== null && d.lat !== null ? [d.lon, d.lat] : null, props };
  }
}

function mainMetric(d: DeviceRow): string {
  return SENSOR_KIND_DEFAULTS[d.kind as SensorKind]?.metric ?? d.kind;
}

function readingOf(f: Feature<SensorProps> | undefined): Reading | null {
  if (!f || f.props.value === null || f.props.observedAt === null || f.props.metric === null) return null;
  return {
    deviceId: f.id,
    metric: f.props.metric,
    value: f.props.value,
    unit: f.props.unit,
    ts: new Date(f.props.observedAt),
  };
}

/** A device never heard from is "unknown"; one silent past 3 intervals is "offline". */
function stateOf(p: SensorProps, now: number): SensorProps['state'] {
  return stateAt(p, p.observedAt === null ? null : timeOf(p.observedAt), now);
}

/** stateOf with the time of `p.observedAt` already known (the reading's own, not parsed back). */
function stateAt(p: SensorProps, observedMs: number | null, now: number): SensorProps['state'] {
  if (observedMs === null) return 'unknown';
  const online = now - observedMs <= p.expectedIntervalS * 1000 * OFFLINE_AFTER_INTERVALS;
  return sensorStateFor(p.alarmLevel, online, p.value !== null);
}

/**
 * `Date.parse` of a feature's `observedAt`, which `toISOString` wrote: read digit by digit (a
 * `Date.parse` per device per batch showed in the CPU per message, issue 15), `Date.parse` otherwise.
 */
function timeOf(iso: string): number {
  const ms = canonicalIsoMs(iso);
  return Number.isNaN(ms) ? Date.parse(iso) : ms;
}
