import type { SensorReading } from '@hue-ioc/streams';
import type { Queryable } from './db.ts';

const NO_DEVICES: ReadonlyMap<string, Date> = new Map();

const INSERT = `INSERT INTO observations (ts, device_id, metric, value, unit)
  SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::text[])
  ON CONFLICT DO NOTHING`;

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
    return this.insertBatchAndTouch(q, readings, NO_DEVICES);
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
    if (lastSeen.size === 0) {
      // Readings only (the last-seen times are written every so often: StoredObservationSink).
      const rows = await q.query<{ n: number }>(
        `WITH ins AS (${INSERT} RETURNING 1) SELECT count(*)::int AS n FROM ins`,
        [ts, device, metric, value, unit],
      );
      return rows[0]?.n ?? 0;
    }
    const [row] = await q.query<{ n: number }>(
      `WITH ins AS (${INSERT} RETURNING 1
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
