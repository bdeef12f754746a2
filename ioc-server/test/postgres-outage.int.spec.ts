import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { silentLogger, type InboundMessage } from '@hue-ioc/streams';
import { openPostgresDb } from '../src/storage/postgres.db.ts';
import { insertUnnest, isDatabaseUnavailable, type Db } from '../src/storage/db.ts';
import { MIGRATIONS_DIR, splitStatements } from '../src/storage/migrate.ts';
import { DeadLetterRepository } from '../src/storage/dead-letter.repository.ts';
import { FileSpool } from '../src/storage/file-spool.ts';
import { ResilientBatchSink } from '../src/ingest/resilient-batch.ts';
import { systemClock } from '../src/ingest/ports.ts';
import { createMetrics } from '../src/metrics.ts';
import { TcpProxy } from './support/tcp-proxy.ts';

/**
 * The `pg` Db through a TCP proxy the test cuts (issue 11, "Database outage"), against the machine's
 * PostgreSQL (IOC_TEST_DATABASE_URL). Plain PostgreSQL 15 here has no TimescaleDB, so the migrations do
 * not run: this exercises the Db contract across a cut — queries and transactions fail as "unavailable",
 * quickly, whether the server refuses or a host drops packets; nothing half-committed; the pool comes back
 * by itself — and a writer that spools through the outage and stores everything exactly once.
 * IOC_CHAOS_OUTAGE_S sets the outage of the last test (default 5 s).
 */
const realUrl = process.env.IOC_TEST_DATABASE_URL;
const OUTAGE_S = Number(process.env.IOC_CHAOS_OUTAGE_S ?? 5);

describe.skipIf(!realUrl)('postgres.db through a cut TCP proxy', () => {
  const name = `hue_ioc_outage_${process.pid}_${Date.now()}`;
  let proxy: TcpProxy;
  let db: Db;
  let spoolDir: string;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: realUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const target = new URL(realUrl!);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    const url = new URL(realUrl!);
    url.host = `127.0.0.1:${proxy.port}`;
    url.pathname = `/${name}`;
    db = await openPostgresDb(url.toString(), 4);
    // The readings' idempotency key as in 0002_hypertables (device, metric, ts), and dead_letters as 0001
    // declares it (the statement itself, not a copy).
    await db.exec(`CREATE TABLE readings (ts timestamptz NOT NULL, device_id text NOT NULL, metric text NOT NULL,
      value float8 NOT NULL, UNIQUE (device_id, metric, ts))`);
    const core = splitStatements(await readFile(join(MIGRATIONS_DIR, '0001_core.sql'), 'utf8'));
    await db.exec(core.find((s) => /CREATE TABLE IF NOT EXISTS dead_letters/.test(s))!);
    spoolDir = await mkdtemp(join(tmpdir(), 'hue-ioc-pg-spool-'));
  });
  afterAll(async () => {
    await db?.close();
    await proxy?.close();
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: realUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  /** The resets reach the pool's idle connections on the next turns of the event loop, as they would. */
  const settle = () => new Promise((r) => setTimeout(r, 100));

  /** How a call fails (or not) and how long it took. */
  const outcome = async (call: () => Promise<unknown>) => {
    const t0 = Date.now();
    try {
      await call();
      return { ok: true as const, ms: Date.now() - t0 };
    } catch (e) {
      return { ok: false as const, unavailable: isDatabaseUnavailable(e), ms: Date.now() - t0 };
    }
  };

  it('server gone: queries and transactions fail fast as unavailable, an open transaction commits nothing, the pool comes back', async () => {
    expect(await db.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    // A transaction in progress when the server goes.
    const inFlight = db.transaction(async (tx) => {
      await insertUnnest(
        tx,
        'readings',
        [
          { name: 'ts', type: 'timestamptz' },
          { name: 'device_id', type: 'text' },
          { name: 'metric', type: 'text' },
          { name: 'value', type: 'float8' },
        ],
        [[new Date('2026-11-27T01:00:00Z'), 'kim-long', 'water_level', 2.34]],
      );
      await proxy.cut('refuse');
      await tx.query('SELECT 1');
    });
    expect(await outcome(() => inFlight)).toMatchObject({ ok: false, unavailable: true });
    for (const call of [() => db.query('SELECT 1'), () => db.transaction((tx) => tx.query('SELECT 1'))]) {
      const r = await outcome(call);
      expect(r).toMatchObject({ ok: false, unavailable: true });
      expect(r.ms).toBeLessThan(2000);
    }
    await proxy.restore();
    await settle();
    expect(await db.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(await db.query(`SELECT * FROM readings WHERE device_id = 'kim-long'`)).toEqual([]);
    // Every pooled connection works again (none broken left in the pool).
    await Promise.all(Array.from({ length: 8 }, () => db.transaction((tx) => tx.query('SELECT 1'))));
  });

  it('a host that drops packets: a query fails as unavailable within the connect timeout, not after minutes', async () => {
    await proxy.cut('blackhole');
    await settle();
    // No idle connection left: this one has to connect, and the connect is never answered.
    const r = await outcome(() => db.query('SELECT 1'));
    expect(r).toMatchObject({ ok: false, unavailable: true });
    expect(r.ms).toBeGreaterThan(4000);
    expect(r.ms).toBeLessThan(8000);
    await proxy.restore();
    await settle();
    expect(await db.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  }, 20_000);

  it('dead letters keep NUL, lone surrogates and any bytes on PostgreSQL too', async () => {
    const repo = new DeadLetterRepository(db);
    await repo.insertBatch(db, [
      {
        source: 'mqtt',
        reasonCode: 'IOC_INGEST_SCHEMA',
        reason: 'payload does not match: /\u0000 Unexpected property; /\ud800 too',
        topic: 'hue/sensors/rain/phu-\u0000',
        payload: new Uint8Array([0x7b, 0x00, 0xff, 0x7d]),
        details: [{ path: '/\u0000', message: 'Unexpected property' }, { '\udc00': '\u0000' }],
        receivedAt: new Date('2026-11-27T01:00:00Z'),
      },
    ]);
    const [row] = await repo.recent(1);
    expect(row!.reason).toBe('payload does not match: /\\u0000 Unexpected property; /\\ud800 too');
    expect(row!.topic).toBe('hue/sensors/rain/phu-\\u0000');
    expect(Buffer.from(row!.payload_base64!, 'base64')).toEqual(Buffer.from([0x7b, 0x00, 0xff, 0x7d]));
    expect(row!.details).toEqual({
      escaped: true,
      details: [{ path: '/\\u0000', message: 'Unexpected property' }, { '\\udc00': '\\u0000' }],
    });
  });

  it(`readings written through a ${OUTAGE_S} s outage are all stored once: spooled while it lasts, drained after`, async () => {
    const spool = await FileSpool.open(spoolDir, 16 * 1024 * 1024, silentLogger);
    const sink = new ResilientBatchSink({
      pipeline: 'mqtt',
      store: async (batch) => {
        const rows = batch.map((m) => {
          const p = JSON.parse(m.payload.toString()) as { ts: string; value: number };
          return [new Date(p.ts), m.topic.split('/').at(-1)!, 'water_level', p.value];
        });
        await db.transaction((tx) =>
          insertUnnest(
            tx,
            'readings',
            [
              { name: 'ts', type: 'timestamptz' },
              { name: 'device_id', type: 'text' },
              { name: 'metric', type: 'text' },
              { name: 'value', type: 'float8' },
            ],
            rows,
            'ON CONFLICT DO NOTHING',
          ),
        );
      },
      deadLetter: async () => {
        throw new Error('no reading of this test is poison');
      },
      isUnavailable: isDatabaseUnavailable,
      spool,
      clock: systemClock,
      logger: silentLogger,
      metrics: createMetrics(),
      timing: { drainMinMs: 100, drainMaxMs: 500 },
    });
    const base = Date.parse('2026-11-27T01:00:00Z');
    let sent = 0;
    let acked = 0;
    let maxSpooled = 0;
    const rate = 50;
    const writer = async (untilMs: number) => {
      while (Date.now() < untilMs) {
        const batch: InboundMessage[] = Array.from({ length: 5 }, () => {
          const i = sent++;
          return {
            topic: `hue/sensors/water_level/tram-${i % 40}`,
            payload: Buffer.from(
              JSON.stringify({ ts: new Date(base + i * 1000).toISOString(), value: i / 100 }),
            ),
            receivedAt: new Date(),
            duplicate: false,
          };
        });
        await sink.handle(batch);
        acked += batch.length;
        maxSpooled = Math.max(maxSpooled, spool.messages);
        await new Promise((r) => setTimeout(r, (1000 / rate) * 5));
      }
    };
    const t0 = Date.now();
    const writing = writer(t0 + (OUTAGE_S + 4) * 1000);
    await new Promise((r) => setTimeout(r, 1500));
    await proxy.cut('refuse');
    await new Promise((r) => setTimeout(r, OUTAGE_S * 1000));
    await proxy.restore();
    await writing;
    for (let i = 0; i < 200 && spool.messages > 0; i++) await new Promise((r) => setTimeout(r, 100));
    await sink.stop();
    const [count] = await db.query<{ n: number; keys: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT (device_id, ts))::int AS keys FROM readings WHERE device_id LIKE 'tram-%'`,
    );
    // The fault table's row (README of issue 11): published, stored, duplicates.
    console.log(
      `| pg through a cut proxy (refuse) | ${OUTAGE_S} s | ${rate} readings/s | ${acked} | ${count!.n} | - | ${count!.n - count!.keys} |`,
    );
    expect(maxSpooled).toBeGreaterThan(0);
    expect(spool.messages).toBe(0);
    expect(acked).toBe(sent);
    expect(count).toEqual({ n: sent, keys: sent });
  }, 60_000);
});
