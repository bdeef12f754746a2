import type { CameraSeed, DeviceSeed } from '@hue-ioc/streams';
import type { Queryable } from './db.ts';

export interface DeviceRow {
  id: string;
  kind: string;
  name: string;
  lon: number | null;
  lat: number | null;
  ward_code: string | null;
  thresholds: number[];
  unit: string | null;
  expected_interval_s: number;
  metadata: Record<string, unknown>;
  auto_registered: boolean;
  last_seen_at: Date | null;
}

const COLUMNS = `id, kind, name, lon, lat, ward_code, thresholds, unit, expected_interval_s, metadata, auto_registered, last_seen_at`;

export class DeviceRepository {
  constructor(private readonly db: Queryable) {}

  async list(q: Queryable = this.db): Promise<DeviceRow[]> {
    return q.query<DeviceRow>(`SELECT ${COLUMNS} FROM devices ORDER BY kind, id`);
  }

  /**
   * Seeds the reference stations. An existing device keeps what an admin configured; one that was
   * auto-registered from an unknown topic before the seed ran gets its reference position and levels.
   */
  async seed(seeds: readonly DeviceSeed[]): Promise<void> {
    for (const s of seeds) {
      await this.db.query(
        `INSERT INTO devices (id, kind, name, lon, lat, ward_code, thresholds, unit, expected_interval_s, metadata)
         VALUES ($1, $2, $3, $4, $5, $6, $7::float8[], $8, $9, $10::jsonb)
         ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, lon = EXCLUDED.lon, lat = EXCLUDED.lat,
           ward_code = EXCLUDED.ward_code, thresholds = EXCLUDED.thresholds, unit = EXCLUDED.unit,
           expected_interval_s = EXCLUDED.expected_interval_s, metadata = EXCLUDED.metadata,
           auto_registered = false, updated_at = now()
         WHERE devices.auto_registered`,
        [
          s.id,
          s.kind,
          s.name,
          s.position[0],
          s.position[1],
          s.wardCode,
          s.thresholds,
          s.unit,
          s.expectedIntervalS,
          JSON.stringify(s.metadata),
        ],
      );
    }
  }

  /** Seeds the reference cameras (kind `camera`), with the same rule as `seed`. */
  async seedCameras(seeds: readonly CameraSeed[]): Promise<void> {
    for (const c of seeds) {
      await this.db.query(
        `INSERT INTO devices (id, kind, name, lon, lat, ward_code, expected_interval_s)
         VALUES ($1, 'camera', $2, $3, $4, $5, 300)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, lon = EXCLUDED.lon, lat = EXCLUDED.lat,
           ward_code = EXCLUDED.ward_code, auto_registered = false, updated_at = now()
         WHERE devices.auto_registered`,
        [c.id, c.name, c.position[0], c.position[1], c.wardCode],
      );
    }
  }

  /** Registers devices first heard on a topic: kind from the topic, no position until configured. */
  async autoRegister(
    q: Queryable,
    devices: readonly {
      id: string;
      kind: string;
      unit: string;
      expectedIntervalS: number;
      thresholds: number[];
    }[],
  ): Promise<DeviceRow[]> {
    if (devices.length === 0) return [];
    // Thresholds travel as array literals and are cast back: arrays of arrays do not unnest into rows.
    await q.query(
      `INSERT INTO devices (id, kind, name, unit, expected_interval_s, thresholds, auto_registered)
       SELECT id, kind, id, unit, interval_s, thresholds::float8[], true
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int4[], $5::text[]) AS x(id, kind, unit, interval_s, thresholds)
       ON CONFLICT (id) DO NOTHING`,
      [
        devices.map((d) => d.id),
        devices.map((d) => d.kind),
        devices.map((d) => d.unit),
        devices.map((d) => d.expectedIntervalS),
        devices.map((d) => `{${d.thresholds.join(',')}}`),
      ],
    );
    return q.query<DeviceRow>(`SELECT ${COLUMNS} FROM devices WHERE id = ANY($1::text[])`, [
      devices.map((d) => d.id),
    ]);
  }
}
