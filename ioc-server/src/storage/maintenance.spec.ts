import { describe, expect, it } from 'vitest';
import { silentLogger } from '@hue-ioc/streams';
import { EmbeddedJobRunner } from './maintenance.ts';
import type { Db } from './db.ts';

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
});
