import { describe, expect, it } from 'vitest';
import { silentLogger } from '@hue-ioc/streams';
import { EmbeddedJobRunner } from './maintenance.ts';
import type { Db } from './db.ts';
import { openPgliteDb } from './pglite.db.ts';

describe('EmbeddedJobRunner', () => {
  it('a database that cannot list the jobs is tried again at the next check, not left failed', async () => {
    let down = true;
    const ran: string[] = [];
    const db = {
      kind: 'pglite',
      query: async () => {
        if (down)
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        return [
          { job_id: 1000, proc_name: 'policy_retention', hypertable_name: 'observations', interval_s: 86400 },
        ];
      },
      exec: async (sql: string) => void ran.push(sql),
    } as unknown as Db;
    const warned: string[] = [];
    const runner = new EmbeddedJobRunner(db, {
      ...silentLogger,
      warn: (_o: object, msg?: string) => void warned.push(msg ?? ''),
    });
    await expect(runner.runDue()).resolves.toBeUndefined();
    expect(warned).toEqual(['timescaledb jobs not listed; will try again']);
    down = false;
    await runner.runDue();
    expect(ran).toEqual(['CALL run_job(1000)']);
    await expect(runner.stop()).resolves.toBeUndefined();
  });

  // Starts an embedded TimescaleDB: a few seconds, more on a loaded machine.
  it('stands in for autovacuum on the embedded database: the visibility map and the statistics of incidents', async () => {
    const db = await openPgliteDb(null);
    try {
      await db.exec(`CREATE TABLE incidents (id text PRIMARY KEY, status text NOT NULL)`);
      await db.query(`INSERT INTO incidents SELECT 'I-' || g, 'closed' FROM generate_series(1, 20000) g`);
      const before = await db.query<{ allvisible: number; tuples: number }>(
        `SELECT relallvisible::int AS allvisible, reltuples::int AS tuples FROM pg_class WHERE relname = 'incidents'`,
      );
      expect(before[0]!.allvisible).toBe(0);
      await new EmbeddedJobRunner(db, silentLogger).vacuum();
      const after = await db.query<{ allvisible: number; tuples: number }>(
        `SELECT relallvisible::int AS allvisible, reltuples::int AS tuples FROM pg_class WHERE relname = 'incidents'`,
      );
      expect(after[0]!.allvisible).toBeGreaterThan(0);
      expect(after[0]!.tuples).toBe(20000);
    } finally {
      await db.close();
    }
  }, 60_000);
});
