/**
 * The older micro-benchmarks of bench/run.ts, kept as rows run only when named (`npm run bench -- insert
 * webhooks`): batched vs row-by-row inserts into the embedded TimescaleDB, and signed Hue-S webhooks one at
 * a time vs a bare HTTP round trip to the same server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signBody } from '@hue-ioc/streams';
import { openPgliteDb } from '../../ioc-server/src/storage/pglite.db.ts';
import { migrate } from '../../ioc-server/src/storage/migrate.ts';
import { ObservationRepository } from '../../ioc-server/src/storage/observation.repository.ts';
import { startIoc } from '../../ioc-server/test/support/start-ioc.ts';
import type { BenchRow } from '../lib/bench.ts';

async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export const insertRow: BenchRow = {
  name: 'insert',
  title: 'batched insert',
  method: '5,000 readings into the embedded TimescaleDB: one unnest INSERT vs one INSERT per row',
  runs: 1,
  extra: true,
  targets: [],
  async run() {
    const dir = await mkdtemp(join(tmpdir(), 'hue-bench-'));
    const db = await openPgliteDb(dir);
    try {
      await migrate(db);
      const repo = new ObservationRepository(db);
      const n = 5000;
      const t0 = Date.now() - 2 * n * 1000;
      const readings = (offset: number) =>
        Array.from({ length: n }, (_, i) => ({
          deviceId: 'kim-long',
          kind: 'water_level' as const,
          metric: 'water_level',
          value: 0.5 + (i % 100) / 100,
          unit: 'm',
          ts: new Date(t0 + (offset + i) * 1000),
        }));
      const perRow = await timeIt(async () => {
        for (const r of readings(0))
          await db.query(
            `INSERT INTO observations (ts, device_id, metric, value, unit) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
            [r.ts, r.deviceId, r.metric, r.value, r.unit],
          );
      });
      const batched = await timeIt(() => repo.insertBatch(db, readings(n)));
      return [
        {
          label: 'ms unnest batch of 5,000',
          value: batched,
          baseline: { label: 'ms row by row', value: perRow },
        },
      ];
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export const webhooksRow: BenchRow = {
  name: 'webhooks',
  title: 'signed webhooks',
  method:
    '400 signed Hue-S reports one at a time (validation, merge lookup, routing, storage) vs GET /healthz round trips',
  runs: 1,
  extra: true,
  targets: [],
  async run() {
    const secret = 'bench-secret-46-hue';
    const ioc = await startIoc({
      overrides: {
        ingestSecrets: { hueS: secret, hotline: secret, kpi: secret, open311: secret, cap: secret },
      },
    });
    try {
      const n = 400;
      const baseline = await timeIt(async () => {
        for (let i = 0; i < n; i++) await (await fetch(`${ioc.baseUrl}/healthz`)).json();
      });
      const ours = await timeIt(async () => {
        for (let i = 0; i < n; i++) {
          const body = JSON.stringify({
            id: `bench-${process.pid}-${i}`,
            category: 'Môi trường, rác thải',
            description: `Rác thải tồn đọng điểm số ${i}`,
            lat: 16.44 + (i % 20) * 0.003,
            lon: 107.56 + Math.floor(i / 20) * 0.003,
            media: [],
            reporter: {},
            created_at: new Date().toISOString(),
          });
          const res = await fetch(`${ioc.baseUrl}/api/ingest/hue-s`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...signBody(secret, body, Math.floor(Date.now() / 1000)),
            },
            body,
          });
          if (res.status >= 300) throw new Error(`webhook answered ${res.status}`);
          await res.json();
        }
      });
      return [
        {
          label: 'reports/s',
          value: n / (ours / 1000),
          baseline: { label: 'GET /healthz req/s', value: n / (baseline / 1000) },
        },
      ];
    } finally {
      await ioc.close();
    }
  },
};
