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
      peak_value: number | null;
    }>(
      `SELECT device_id, level, since, incident_id, peak_value FROM device_alarms WHERE device_id = ANY($1::text[])`,
      [[...deviceIds]],
    );
    return new Map(
      rows.map((r) => [
        r.device_id,
        {
          deviceId: r.device_id,
          level: r.level,
          since: r.since,
          incidentId: r.incident_id,
          peak: r.peak_value,
        },
      ]),
    );
  }

  async putMany(alarms: readonly DeviceAlarm[]): Promise<void> {
    if (alarms.length === 0) return;
    await this.db.query(
      `INSERT INTO device_alarms (device_id, level, since, peak_value, incident_id, updated_at)
       SELECT d, l, s, p, i, now()
       FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::float8[], $5::text[]) AS u(d, l, s, p, i)
       ON CONFLICT (device_id) DO UPDATE SET level = EXCLUDED.level, since = EXCLUDED.since,
         peak_value = EXCLUDED.peak_value, incident_id = EXCLUDED.incident_id, updated_at = now()`,
      [
        alarms.map((a) => a.deviceId),
        alarms.map((a) => a.level),
        alarms.map((a) => a.since),
        alarms.map((a) => a.peak),
        alarms.map((a) => a.incidentId),
      ],
    );
  }
}
