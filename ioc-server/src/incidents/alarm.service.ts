import { ALARM_HYSTERESIS, nextAlarmLevel, type CategoryCode, type Logger } from '@hue-ioc/streams';
import { alarmSentence, type AlertProps, type Feature, type SensorKind } from '@hue-ioc/layers';
import type { Db } from '../storage/db.ts';
import type { DeviceRow } from '../storage/device.repository.ts';
import type { LayerHub } from '../live/layer-hub.ts';
import type { IncidentService } from './incident.service.ts';

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

/**
 * Threshold alarms with hysteresis for every sensor (BĐ I–III for the river gauges, QĐ 05/2020/QĐ-TTg;
 * the kind's bands otherwise). A rise opens an incident, or joins the open one for the same place, with
 * each new level as another source (so BĐ I → II → III is one incident whose priority climbs); the
 * `alerts` layer shows every sensor in alarm until it falls back below its band.
 */
export class AlarmService {
  /**
   * Devices known to be out of alarm. Most readings are normal: for those the database is not asked.
   * (With several nodes, another node may raise a device's alarm; this node forgets the device as soon
   * as it sees a reading at or above a threshold, so the database decides again.)
   */
  private readonly quiet = new Set<string>();

  constructor(private readonly deps: { db: Db; hub: LayerHub; incidents: IncidentService; logger: Logger }) {}

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
    const prevRows = await this.deps.db.query<{
      device_id: string;
      level: number;
      since: Date;
      incident_id: string | null;
    }>(`SELECT device_id, level, since, incident_id FROM device_alarms WHERE device_id = ANY($1::text[])`, [
      [...newest.keys()],
    ]);
    const prev = new Map(prevRows.map((r) => [r.device_id, r]));
    const alerts: Feature<AlertProps>[] = [];
    const cleared: string[] = [];
    for (const r of newest.values()) {
      const before = prev.get(r.device.id);
      const beforeLevel = before?.level ?? 0;
      const kind = r.device.kind as SensorKind;
      const level = nextAlarmLevel(beforeLevel, r.value, r.device.thresholds, ALARM_HYSTERESIS[kind] ?? 0);
      if (level === 0 && r.value < (r.device.thresholds[0] ?? Infinity)) this.quiet.add(r.device.id);
      if (level === beforeLevel && level === 0) continue;
      let incidentId = before?.incident_id ?? null;
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
          receivedAt: new Date(),
        });
        incidentId = outcome.incidentId;
        this.deps.logger.info(
          { device: r.device.id, level, value: r.value, incident: incidentId },
          'sensor alarm raised',
        );
      }
      await this.deps.db.query(
        `INSERT INTO device_alarms (device_id, level, since, peak_value, incident_id, updated_at)
         VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (device_id) DO UPDATE SET level = EXCLUDED.level, since = EXCLUDED.since,
           peak_value = CASE WHEN EXCLUDED.level = 0 THEN NULL ELSE GREATEST(device_alarms.peak_value, EXCLUDED.peak_value) END,
           incident_id = EXCLUDED.incident_id, updated_at = now()`,
        [r.device.id, level, since, r.value, level === 0 ? null : incidentId],
      );
      if (level === 0) cleared.push(`alarm:${r.device.id}`);
      else {
        alerts.push({
          id: `alarm:${r.device.id}`,
          position: r.device.lon !== null && r.device.lat !== null ? [r.device.lon, r.device.lat] : null,
          props: {
            kind: 'sensor_alarm',
            deviceId: r.device.id,
            deviceKind: r.device.kind,
            name: r.device.name,
            level,
            value: r.value,
            unit: r.unit,
            since: since.toISOString(),
            incidentId,
            wardCode: r.device.ward_code,
          },
        });
      }
    }
    if (alerts.length > 0 || cleared.length > 0) await this.deps.hub.apply('alerts', alerts, cleared);
  }
}

export function alarmTitle(device: DeviceRow, level: number, value: number, unit: string | null): string {
  return alarmSentence(device.kind, device.name, level, value, unit).vi;
}
