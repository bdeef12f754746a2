import type { AlertProps, Feature, SensorProps } from '@hue-ioc/layers';
import type { LayerSink } from '../ingest/ports.ts';
import type { DeviceRow } from '../storage/device.repository.ts';

/** A sensor in alarm, as the `alerts` layer shows it. */
export interface SensorAlarm {
  device: DeviceRow;
  level: number;
  value: number;
  unit: string | null;
  since: Date;
  incidentId: string | null;
}

/**
 * The one writer of the `alerts` layer. Two kinds of alert share it, each with its own id space so neither
 * writer overwrites the other: `alarm:<device>` (a threshold alarm, BĐ I–III for river gauges, from the
 * alarm service) and `offline:<device>` (a device silent past 3 intervals, from the sensors layer).
 */
export class AlertsLayer {
  constructor(private readonly sink: LayerSink<AlertProps>) {}

  /** Raises or updates the alarms in `raised` and clears those of the devices in `cleared`. */
  async alarms(raised: readonly SensorAlarm[], cleared: readonly string[]): Promise<void> {
    if (raised.length === 0 && cleared.length === 0) return;
    await this.sink.apply(
      raised.map(alarmFeature),
      cleared.map((deviceId) => `alarm:${deviceId}`),
    );
  }

  /** Whether the layer holds a feature with this id. */
  has(id: string): boolean {
    return this.sink.get(id) !== undefined;
  }

  /**
   * Inbound CAP warnings over Huế (src/cap): `cap:<chain>` ids, one per warning and its Updates. `keep` lists
   * every warning still in force: any other `cap:` feature is removed (cancelled, expired, or left over in
   * the event log from before a restart).
   */
  async capWarnings(
    upserts: readonly Feature<AlertProps>[],
    removes: readonly string[],
    keep?: ReadonlySet<string>,
  ) {
    const stale = keep
      ? this.sink
          .features()
          .filter((f) => f.id.startsWith('cap:') && !keep.has(f.id))
          .map((f) => f.id)
      : [];
    const gone = [...new Set([...removes, ...stale])].filter((id) => this.sink.get(id) !== undefined);
    if (upserts.length === 0 && gone.length === 0) return;
    await this.sink.apply(upserts, gone);
  }

  /**
   * Follows the sensors' state: a device that went offline gets a `device_offline` alert until it reports
   * again (a gauge that stops talking during a flood is news for the wall).
   */
  async syncOffline(changed: readonly Feature<SensorProps>[], now: number): Promise<void> {
    const raise: Feature<AlertProps>[] = [];
    const clear: string[] = [];
    for (const f of changed) {
      const id = `offline:${f.id}`;
      const has = this.sink.get(id) !== undefined;
      if (f.props.state === 'offline' && !has) {
        raise.push({
          id,
          position: f.position,
          props: {
            kind: 'device_offline',
            deviceId: f.id,
            deviceKind: f.props.kind,
            name: f.props.name,
            level: 0,
            value: f.props.value,
            unit: f.props.unit,
            since: f.props.observedAt ?? new Date(now).toISOString(),
            incidentId: null,
            wardCode: f.props.wardCode,
          },
        });
      } else if (f.props.state !== 'offline' && has) clear.push(id);
    }
    if (raise.length > 0 || clear.length > 0) await this.sink.apply(raise, clear);
  }
}

function alarmFeature(a: SensorAlarm): Feature<AlertProps> {
  const d = a.device;
  return {
    id: `alarm:${d.id}`,
    position: d.lon !== null && d.lat !== null ? [d.lon, d.lat] : null,
    props: {
      kind: 'sensor_alarm',
      deviceId: d.id,
      deviceKind: d.kind,
      name: d.name,
      level: a.level,
      value: a.value,
      unit: a.unit,
      since: a.since.toISOString(),
      incidentId: a.incidentId,
      wardCode: d.ward_code,
    },
  };
}
