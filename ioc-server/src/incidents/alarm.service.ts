import { ALARM_HYSTERESIS, nextAlarmLevel, type CategoryCode, type Logger } from '@hue-ioc/streams';
import { alarmSentence, type SensorKind } from '@hue-ioc/layers';
import type { AlarmStore, Clock, DeviceAlarm, IncidentSink } from '../ingest/ports.ts';
import type { DeviceRow } from '../storage/device.repository.ts';
import type { AlertsLayer, SensorAlarm } from '../live/alerts-layer.ts';

/** What a sensor alarm is about, for the incident it opens (DOMAIN.md categories). */
const ALARM_CATEGORY: Readonly<Record<SensorKind, CategoryCode>> = {
  water_level: 'drainage',
  rain: 'drainage',
  air_quality: 'environment',
  traffic: 'traffic',
};

export interface AlarmReading {
  device: DeviceRow;
  value: number;
  unit: string | null;
  ts: Date;
}

/** A device's alarm level changed (BĐ I–III for river gauges): what CAP out publishes from (src/cap). */
export interface AlarmLevelChange {
  device: DeviceRow;
  from: number;
  to: number;
  value: number;
  unit: string | null;
  ts: Date;
  incidentId: string | null;
}

export interface AlarmServiceDeps {
  store: AlarmStore;
  incidents: IncidentSink;
  alerts: AlertsLayer;
  clock: Clock;
  logger: Logger;
}

/**
 * Threshold alarms with hysteresis for every sensor (BĐ I–III for the river gauges, QĐ 05/2020/QĐ-TTg;
 * the kind's bands otherwise). A rise opens an incident, or joins the open one for the same place, with
 * each new level as another source (so BĐ I → II → III is one incident whose priority climbs); the
 * `alerts` layer shows every sensor in alarm until it falls back below its band.
 */
export class AlarmService {
  /**
   * Devices known to be out of alarm. Most readings are normal: for those the store is not asked.
   * (With several nodes, another node may raise a device's alarm; this node forgets the device as soon
   * as it sees a reading at or above a threshold, so the store decides again.)
   */
  private readonly quiet = new Set<string>();

  private readonly listeners: ((change: AlarmLevelChange) => Promise<void>)[] = [];

  constructor(private readonly deps: AlarmServiceDeps) {}

  /** Calls `fn` after each level change is stored (the batch's states are written first); its failure is logged and never fails the readings. */
  onLevelChange(fn: (change: AlarmLevelChange) => Promise<void>): void {
    this.listeners.push(fn);
  }

  async onReadings(readings: readonly AlarmReading[]): Promise<void> {
    // The newest reading per device decides; older ones in the same batch are history.
    const newest = new Map<string, AlarmReading>();
    for (const r of readings) {
      if (r.device.thresholds.length === 0) continue;
      const cur = newest.get(r.device.id);
      if (!cur || r.ts > cur.ts) newest.set(r.device.id, r);
    }
    for (const [id, r] of newest) {
      const belowAll = r.value < (r.device.thresholds[0] ?? Infinity);
      if (belowAll && this.quiet.has(id)) newest.delete(id);
      else if (!belowAll) this.quiet.delete(id);
    }
    if (newest.size === 0) return;
    const prev = await this.deps.store.get([...newest.keys()]);
    const raised: SensorAlarm[] = [];
    const cleared: string[] = [];
    // Written together after the loop (one statement per batch), and only what changed: a device that
    // stays in alarm at the same level below its peak costs no write.
    const writes: DeviceAlarm[] = [];
    const changes: AlarmLevelChange[] = [];
    for (const r of newest.values()) {
      const before = prev.get(r.device.id);
      const beforeLevel = before?.level ?? 0;
      const kind = r.device.kind as SensorKind;
      const level = nextAlarmLevel(beforeLevel, r.value, r.device.thresholds, ALARM_HYSTERESIS[kind] ?? 0);
      if (level === 0 && r.value < (r.device.thresholds[0] ?? Infinity)) this.quiet.add(r.device.id);
      if (level === beforeLevel && level === 0) continue;
      let incidentId = before?.incidentId ?? null;
      const since = level === beforeLevel && before ? before.since : r.ts;
      if (level > beforeLevel) {
        const outcome = await this.deps.incidents.ingest({
          channel: 'sensor',
          sourceId: `${r.device.id}:level${level}:${r.ts.toISOString()}`,
          category: ALARM_CATEGORY[kind] ?? 'other',
          signal: `alarm:${kind}`,
          title: alarmTitle(r.device, level, r.value, r.unit),
          description:
            `${alarmTitle(r.device, level, r.value, r.unit)}. Ngưỡng: ${r.device.thresholds.join(' / ')} ${r.unit ?? ''}`.trim(),
          position: r.device.lon !== null && r.device.lat !== null ? [r.device.lon, r.device.lat] : null,
          wardCode: r.device.ward_code,
          address: null,
          media: [],
          reporter: null,
          ...(kind === 'water_level' || kind === 'rain' ? { alarmLevel: level as 1 | 2 | 3 } : {}),
          occurredAt: r.ts,
          receivedAt: this.deps.clock.now(),
        });
        incidentId = outcome.incidentId;
        this.deps.logger.info(
          { device: r.device.id, level, value: r.value, incident: incidentId },
          'sensor alarm raised',
        );
      }
      const next: DeviceAlarm = {
        deviceId: r.device.id,
        level,
        since,
        incidentId: level === 0 ? null : incidentId,
        peak: level === 0 ? null : Math.max(before?.peak ?? -Infinity, r.value),
      };
      const same =
        before !== undefined &&
        before.level === next.level &&
        before.since.getTime() === next.since.getTime() &&
        before.incidentId === next.incidentId &&
        before.peak === next.peak;
      if (!same) writes.push(next);
      if (level !== beforeLevel)
        changes.push({
          device: r.device,
          from: beforeLevel,
          to: level,
          value: r.value,
          unit: r.unit,
          ts: r.ts,
          incidentId: next.incidentId,
        });
      if (level === 0) cleared.push(r.device.id);
      else raised.push({ device: r.device, level, value: r.value, unit: r.unit, since, incidentId });
    }
    await this.deps.store.putMany(writes);
    for (const change of changes) {
      for (const fn of this.listeners) {
        await fn(change).catch((err: unknown) =>
          this.deps.logger.error(
            { err, device: change.device.id, level: change.to },
            'alarm level listener failed',
          ),
        );
      }
    }
    await this.deps.alerts.alarms(raised, cleared);
  }
}

export function alarmTitle(device: DeviceRow, level: number, value: number, unit: string | null): string {
  return alarmSentence(device.kind, device.name, level, value, unit).vi;
}
