import type { AlarmStore, DeviceAlarm } from '../ingest/ports.ts';
import type { Queryable } from './db.ts';

/** Sensors' alarm states (device_alarms), one row per device. */
export class DeviceAlarmRepository implements AlarmStore {
  constructor(private readonly db: Queryable) {}

  async get(deviceIds: readonly string[]): Promise<Map<string, DeviceAlarm>> {
    const rows = await this.db.query<{
      device_id: string;
      level: number;
      since: Date;
      incident_id: string | null;
    }>(`SELECT device_id, level, since, incident_id FROM device_alarms WHERE device_id = ANY($1::text[])`, [
      [...deviceIds],
    ]);
    return new Map(
      rows.map((r) => [
        r.device_id,
        { deviceId: r.device_id, level: r.level, since: r.since, incidentId: r.incident_id },
      ]),
    );
  }

  async put(a: DeviceAlarm, value: number): Promise<void> {
    await this.db.query(
      `INSERT INTO device_alarms (device_id, level, since, peak_value, incident_id, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (device_id) DO UPDATE SET level = EXCLUDED.level, since = EXCLUDED.since,
         peak_value = CASE WHEN EXCLUDED.level = 0 THEN NULL ELSE GREATEST(device_alarms.peak_value, EXCLUDED.peak_value) END,
         incident_id = EXCLUDED.incident_id, updated_at = now()`,
      [a.deviceId, a.level, a.since, value, a.incidentId],
    );
  }
}
