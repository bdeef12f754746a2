import type { Logger } from '@hue-ioc/streams';
import type { Db } from './db.ts';

interface Job {
  job_id: number;
  proc_name: string;
  hypertable_name: string | null;
  interval_s: number;
}

/**
 * The relational tables that change in place (a case moves through its states): what autovacuum keeps
 * fresh on a real PostgreSQL. Without it the embedded database's planner statistics never change and the
 * visibility map is never set, so the queue's counts read the heap instead of the index (issue 12).
 */
export const VACUUMED_TABLES = ['incidents', 'incident_sources', 'outbox', 'attachments'] as const;

/** How often the embedded database gets its autovacuum stand-in. */
export const VACUUM_EVERY_MS = 10 * 60_000;

/**
 * TimescaleDB policies (continuous-aggregate refresh, compression, retention) are jobs run by its
 * background scheduler. The embedded PGlite build has no background workers, so we run the same jobs on
 * their own schedule_interval with `CALL run_job(id)`. A real TimescaleDB runs them itself. PGlite has no
 * autovacuum either: `VACUUM (ANALYZE)` of the tables that change in place runs every VACUUM_EVERY_MS
 * (cheap once done: it skips pages the visibility map marks all-visible).
 */
export class EmbeddedJobRunner {
  private timer: NodeJS.Timeout | undefined;
  private readonly lastRun = new Map<number, number>();
  private lastVacuum: number | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(checkEveryMs = 30_000): void {
    this.timer = setInterval(() => void this.runDue(), checkEveryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Runs every policy job whose interval has passed since we last ran it. */
  runDue(): Promise<void> {
    this.running = this.running.then(async () => {
      let jobs: Job[];
      try {
        jobs = await this.db.query<Job>(
          `SELECT job_id, proc_name, hypertable_name, extract(epoch FROM schedule_interval)::int AS interval_s
           FROM timescaledb_information.jobs WHERE job_id >= 1000 ORDER BY job_id`,
        );
      } catch (e) {
        // The database unavailable: try at the next check. A rejection here was unhandled (the timer
        // drops the promise) and left `running` rejected, so no job ran again (issue 11's outage test).
        this.logger.warn({ err: (e as Error).message }, 'timescaledb jobs not listed; will try again');
        return;
      }
      if (this.lastVacuum === undefined || this.now() - this.lastVacuum >= VACUUM_EVERY_MS) {
        this.lastVacuum = this.now();
        await this.vacuum();
      }
      for (const job of jobs) {
        const last = this.lastRun.get(job.job_id);
        if (last !== undefined && this.now() - last < job.interval_s * 1000) continue;
        this.lastRun.set(job.job_id, this.now());
        try {
          await this.db.exec(`CALL run_job(${Number(job.job_id)})`);
        } catch (e) {
          this.logger.warn(
            { job: job.job_id, proc: job.proc_name, table: job.hypertable_name, err: (e as Error).message },
            'timescaledb job failed',
          );
        }
      }
    });
    return this.running;
  }

  /** VACUUM (ANALYZE) of each table that exists (a migration may not have made it yet). */
  async vacuum(): Promise<void> {
    for (const table of VACUUMED_TABLES) {
      try {
        const [exists] = await this.db.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [
          table,
        ]);
        if (exists?.t) await this.db.exec(`VACUUM (ANALYZE) ${table}`);
      } catch (e) {
        this.logger.warn({ table, err: (e as Error).message }, 'vacuum failed; will try again');
      }
    }
  }
}
