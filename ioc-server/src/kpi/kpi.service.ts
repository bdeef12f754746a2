import type { KpiUpdate } from '@hue-ioc/layers';
import type { NormalisedKpiSample } from '@hue-ioc/streams';
import type { Db } from '../storage/db.ts';

export interface KpiLatest {
  kpi: string;
  scope_level: 'province' | 'ward' | 'agency';
  scope_code: string;
  value: number;
  target: number | null;
  ts: Date;
}

/** KPI samples from public-service systems: stored idempotently, announced live as `kpi:update`. */
export class KpiService {
  private readonly listeners = new Set<(u: KpiUpdate) => void>();

  constructor(private readonly db: Db) {}

  /** Follows the samples this node stores (the /live gateway announces them); returns the unsubscribe. */
  onUpdate(listener: (u: KpiUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True when stored, false when the same sample (kpi, scope, ts) was already there. */
  async store(s: NormalisedKpiSample): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO kpi_samples (ts, kpi, scope_level, scope_code, value, target) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [s.ts, s.kpi, s.scope.level, s.scope.code, s.value, s.target],
    );
    if (rows.length === 0) return false;
    const update: KpiUpdate = {
      kpi: s.kpi,
      scope: s.scope,
      value: s.value,
      target: s.target,
      ts: s.ts.toISOString(),
    };
    for (const listener of this.listeners) listener(update);
    return true;
  }

  /** Hourly values of the last 24 h per KPI and scope, from the continuous aggregate (real-time). */
  async series24h(): Promise<Map<string, { t: Date; v: number }[]>> {
    const rows = await this.db.query<{
      kpi: string;
      scope_level: string;
      scope_code: string;
      bucket: Date;
      value: number;
    }>(
      `SELECT kpi, scope_level, scope_code, bucket, value FROM kpi_samples_1h
       WHERE bucket > now() - INTERVAL '24 hours' ORDER BY bucket`,
    );
    const out = new Map<string, { t: Date; v: number }[]>();
    for (const r of rows) {
      const key = `${r.kpi}|${r.scope_level}|${r.scope_code}`;
      let list = out.get(key);
      if (!list) out.set(key, (list = []));
      list.push({ t: r.bucket, v: r.value });
    }
    return out;
  }

  /** The newest value of every KPI and scope. */
  async latest(): Promise<KpiLatest[]> {
    return this.db.query<KpiLatest>(
      `SELECT DISTINCT ON (kpi, scope_level, scope_code) kpi, scope_level, scope_code, value, target, ts
       FROM kpi_samples WHERE ts > now() - INTERVAL '90 days' ORDER BY kpi, scope_level, scope_code, ts DESC`,
    );
  }
}
