/**
 * Looks inside the durable-ingest path: the IOC in this process on a private Mosquitto, readings from a
 * publisher process.
 *
 *   node --import tsx bench/profile-ingest.ts [--n 20000]                 a burst: the stored rate
 *   node --import tsx bench/profile-ingest.ts --rate 3000 --seconds 8     a steady rate: publish → committed
 *                                                                         p50/p99 and the worst 250 ms windows
 *   … --profile FILE.cpuprofile   a CPU profile of this process during the burst/rate only (Chrome DevTools)
 *   … --queries                   time and count every SQL statement (PGlite runs one at a time: times add up)
 *   … --slow 50                   print each statement slower than 50 ms, with its time into the run
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import type { Db, Tx } from '../ioc-server/src/storage/db.ts';
import { privateMosquitto } from './lib/mosquitto.ts';
import { registerDevices, startBenchIoc, storedOf } from './lib/ioc.ts';
import { ingestRate } from './rows/ingest.ts';
import { sleep, until } from './lib/bench.ts';
import { startChild } from './lib/proc.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '20000' },
    devices: { type: 'string', default: '200' },
    rate: { type: 'string', default: '0' },
    seconds: { type: 'string', default: '8' },
    profile: { type: 'string' },
    queries: { type: 'boolean', default: false },
    slow: { type: 'string', default: '0' },
  },
});
const n = Number(values.n);
const devices = Number(values.devices);
const rate = Number(values.rate);
const slowMs = Number(values.slow);
let t0 = performance.now();

const timing = new Map<string, { n: number; ms: number }>();
const record = (sql: unknown, t: number): void => {
  const ms = performance.now() - t;
  const k = String(sql).replace(/\s+/g, ' ').slice(0, 90);
  const e = timing.get(k) ?? { n: 0, ms: 0 };
  e.n++;
  e.ms += ms;
  timing.set(k, e);
  if (slowMs > 0 && ms >= slowMs)
    console.log(`  slow ${ms.toFixed(0)} ms at ${((t - t0) / 1000).toFixed(2)} s: ${k}`);
};
/** Wraps the server's Db (one object every repository holds) so each statement is timed. */
function timeQueries(db: Db): void {
  const timed = (q: Tx['query'], prefix: string): Tx['query'] =>
    async function <T>(sql: string, params?: readonly unknown[]) {
      const t = performance.now();
      try {
        return await q<T>(sql, params);
      } finally {
        record(prefix + sql, t);
      }
    };
  const mutable = db as { -readonly [K in keyof Db]: Db[K] };
  const query = db.query.bind(db);
  const transaction = db.transaction.bind(db);
  mutable.query = timed(query, '');
  mutable.transaction = <T>(fn: (tx: Tx) => Promise<T>) => {
    const started = performance.now();
    return transaction((tx) =>
      fn({ ...tx, query: timed(tx.query.bind(tx), 'tx: '), exec: tx.exec.bind(tx) }),
    ).finally(() => record('(whole transaction)', started));
  };
}

const broker = await privateMosquitto();
const ioc = await startBenchIoc({ mqttUrl: broker.url });
const tag = `p${process.pid}`;
await registerDevices(broker.url, tag, devices);
await until(async () => (await storedOf(ioc, tag)).n >= devices, 30_000, 100);
await sleep(300);
if (values.queries || slowMs > 0) timeQueries(ioc.app.db);

const session = values.profile ? new Session() : null;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}
timing.clear();
t0 = performance.now();
if (rate > 0) {
  const since = new Date();
  const seconds = Number(values.seconds);
  const { child } = await startChild(
    'mqtt-publisher.ts',
    { url: broker.url, prefix: tag, devices, mode: 'rate', n: 0, rate, seconds, inflight: 0 },
    { limitMs: (seconds + 60) * 1000 },
  );
  child.send({ type: 'go' });
  const done = await child.next('done', (seconds + 30) * 1000);
  await child.stop();
  const sent = done.sent as number;
  await until(async () => (await storedOf(ioc, tag)).n >= sent + devices, 30_000, 100);
  const rows = await ioc.app.db.query<{ at: number; ms: number }>(
    `SELECT (extract(epoch FROM ts) * 1000)::float8 AS at, (extract(epoch FROM received_at - ts) * 1000)::float8 AS ms
     FROM observations WHERE device_id LIKE $1 AND ts >= $2 ORDER BY ts`,
    [`${tag}-%`, since],
  );
  const ms = rows.map((r) => r.ms).sort((a, b) => a - b);
  const pct = (p: number) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))] ?? NaN;
  console.log(
    `${rate} msg/s for ${seconds} s: ${rows.length}/${sent} committed, p50 ${pct(50).toFixed(0)} ms, p90 ${pct(90).toFixed(0)}, p99 ${pct(99).toFixed(0)}, max ${pct(100).toFixed(0)}`,
  );
  const start = rows[0]?.at ?? 0;
  const windows = new Map<number, number>();
  for (const r of rows) {
    const w = Math.floor((r.at - start) / 250);
    windows.set(w, Math.max(windows.get(w) ?? 0, r.ms));
  }
  console.log(
    'worst 250 ms windows (s into the run: max ms):',
    [...windows]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([w, m]) => `${(w / 4).toFixed(2)}: ${m.toFixed(0)}`)
      .join(', '),
  );
} else {
  const r = await ingestRate({ url: broker.url, stored: (p) => storedOf(ioc, p) }, tag, {
    n,
    devices,
    inflight: 1000,
    timeoutMs: 120_000,
    already: devices,
  });
  console.log(`${Math.round(r.rate)} msg/s (${r.stored} in ${r.seconds.toFixed(2)} s)`);
}
if (session && values.profile) {
  const { profile } = await session.post('Profiler.stop');
  await writeFile(values.profile, JSON.stringify(profile));
  console.log(`profile: ${values.profile}`);
}
if (values.queries)
  for (const [k, v] of [...timing].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
    console.log(v.ms.toFixed(0).padStart(7), String(v.n).padStart(6), k);
await ioc.close();
await broker.close();
process.exit(0);
