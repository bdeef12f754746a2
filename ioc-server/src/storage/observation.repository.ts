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

  /**
   * A batch's readings and its devices' last-seen times in ONE statement (a data-modifying CTE runs exactly
   * once, to completion, and the statement is atomic on its own): the usual MQTT batch — no new device, no
   * reject — needs no BEGIN/COMMIT and no second round trip. Returns rows stored (re-deliveries skipped).
   */
  async insertBatchAndTouch(
    q: Queryable,
    readings: readonly SensorReading[],
    lastSeen: ReadonlyMap<string, Date>,
  ): Promise<number> {
    if (readings.length === 0 && lastSeen.size === 0) return 0;
    const n = readings.length;
    const ts = new Array<Date>(n);
    const device = new Array<string>(n);
    const metric = new Array<string>(n);
    const value = new Array<number>(n);
    const unit = new Array<string | null>(n);
    for (let i = 0; i < n; i++) {
      const r = readings[i]!;
      ts[i] = r.ts;
      device[i] = r.deviceId;
      metric[i] = r.metric;
      value[i] = r.value;
      unit[i] = r.unit ?? null;
    }
    const [row] = await q.query<{ n: number }>(
      `WITH ins AS (
         INSERT INTO observations (ts, device_id, metric, value, unit)
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::text[])
         ON CONFLICT DO NOTHING RETURNING 1
       ), seen AS (
         UPDATE devices d SET last_seen_at = GREATEST(d.last_seen_at, s.ts)
         FROM unnest($6::text[], $7::timestamptz[]) AS s(id, ts) WHERE d.id = s.id
         RETURNING 1
       )
       SELECT count(*)::int AS n FROM ins`,
      [ts, device, metric, value, unit, [...lastSeen.keys()], [...lastSeen.values()]],
    );
    return row?.n ?? 0;
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
