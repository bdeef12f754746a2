import type { SensorReading } from '@hue-ioc/streams';
import { insertUnnest, type Queryable } from './db.ts';

export interface LatestObservation {
  device_id: string;
  metric: string;
  value: number;
  unit: string | null;
  ts: Date;
}

export class ObservationRepository {
  constructor(private readonly db: Queryable) {}

  /** One statement per batch; a re-delivered reading (same device, metric, ts) is skipped. Returns rows stored. */
  async insertBatch(q: Queryable, readings: readonly SensorReading[]): Promise<number> {
    return insertUnnest(
      q,
      'observations',
      [
        { name: 'ts', type: 'timestamptz' },
        { name: 'device_id', type: 'text' },
        { name: 'metric', type: 'text' },
        { name: 'value', type: 'float8' },
        { name: 'unit', type: 'text' },
      ],
      readings.map((r) => [r.ts, r.deviceId, r.metric, r.value, r.unit]),
      'ON CONFLICT DO NOTHING',
    );
  }

  /** The newest reading per device and metric within `days`, to rebuild the live layer after a restart. */
  async latest(days = 7): Promise<LatestObservation[]> {
    return this.db.query<LatestObservation>(
      `SELECT DISTINCT ON (device_id, metric) device_id, metric, value, unit, ts
       FROM observations WHERE ts > now() - make_interval(days => $1)
       ORDER BY device_id, metric, ts DESC`,
      [days],
    );
  }
}
