/**
 * `node --import tsx bench/open-data.ts [--rows 1000000] [--devices 1000]`: a million hourly observations
 * through /open-data/observations.csv and through a background export, with memory measured (issue 14:
 * "an export of 1,000,000 observations streams with bounded memory").
 *
 * A real IOC starts in-process on the embedded database (PGlite + TimescaleDB: the continuous aggregates
 * need the extension, which this machine's PostgreSQL lacks). `--rows` readings are written in SQL, one per
 * device and hour, so the hourly rollup has as many rows; the rollup is refreshed as its policy would. Then
 * the CSV is read over HTTP as a client would (counting lines, keeping nothing), and the same range is
 * exported to a file. RSS (the whole process: server, WASM database and client) is sampled every 20 ms.
 */
import { parseArgs } from 'node:util';
import { startIoc } from '../ioc-server/test/support/start-ioc.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, devices: { type: 'string', default: '1000' } },
});
const ROWS = Number(values.rows);
const DEVICES = Number(values.devices);
const HOURS = Math.ceil(ROWS / DEVICES);
const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;

const ioc = await startIoc();
const db = ioc.app.db;
try {
  // The last hour before now that the rollup's policy has materialised (end_offset 1 hour).
  const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000);
  const start = new Date(end.getTime() - HOURS * 3_600_000);
  const t0 = performance.now();
  for (let d = 0; d < DEVICES; d += 50) {
    await db.query(
      `INSERT INTO observations (ts, device_id, metric, value, unit)
       SELECT ts, 'bench-aqi-' || lpad(n::text, 4, '0'), 'aqi', 40 + (n % 60) + extract(hour FROM ts)::int % 24, 'AQI'
       FROM generate_series($1::int, $2::int) AS n,
            generate_series($3::timestamptz, $4::timestamptz - INTERVAL '1 hour', INTERVAL '1 hour') AS ts
       ON CONFLICT DO NOTHING`,
      [d, Math.min(d + 49, DEVICES - 1), start, end],
    );
  }
  const t1 = performance.now();
  await db.exec(`CALL refresh_continuous_aggregate('observations_1h', NULL, now() - INTERVAL '1 hour')`);
  const t2 = performance.now();
  const [{ n } = { n: 0 }] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM observations_1h WHERE bucket >= $1 AND bucket < $2`,
    [start, end],
  );
  console.log(
    `seeded ${n.toLocaleString('vi-VN')} hourly rows (${DEVICES} devices × ${HOURS} h): insert ${((t1 - t0) / 1000).toFixed(1)} s, refresh ${((t2 - t1) / 1000).toFixed(1)} s`,
  );

  const sampleRss = () => {
    let peak = process.memoryUsage().rss;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    return () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    };
  };
  const query = `from=${encodeURIComponent(start.toISOString())}&to=${encodeURIComponent(end.toISOString())}`;

  global.gc?.();
  const before = process.memoryUsage().rss;
  const stop = sampleRss();
  const s0 = performance.now();
  const res = await fetch(`${ioc.baseUrl}/open-data/observations.csv?${query}`);
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  let bytes = 0;
  let lines = 0;
  let firstByteMs = 0;
  for await (const chunk of res.body!) {
    if (!firstByteMs) firstByteMs = performance.now() - s0;
    bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
  }
  const s1 = performance.now();
  const peak = stop();
  global.gc?.();
  const after = process.memoryUsage().rss;
  const rows = lines - 1;
  console.log(`\nGET /open-data/observations.csv (${rows.toLocaleString('vi-VN')} rows, ${MiB(bytes)}):`);
  console.table({
    'rows/s': Math.round(rows / ((s1 - s0) / 1000)).toLocaleString('en'),
    'first byte ms': Math.round(firstByteMs),
    'total s': ((s1 - s0) / 1000).toFixed(1),
    'RSS before': MiB(before),
    'RSS peak': MiB(peak),
    'RSS after': MiB(after),
    'peak − before': MiB(peak - before),
  });
  if (rows !== n) throw new Error(`the CSV has ${rows} rows, the rollup ${n}`);

  const eBefore = process.memoryUsage().rss;
  const eStop = sampleRss();
  const e0 = performance.now();
  const post = await fetch(`${ioc.baseUrl}/open-data/exports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dataset: 'observations', from: start.toISOString(), to: end.toISOString() }),
  });
  const job = (await post.json()) as { id: string };
  let state: { state: string; rowsWritten: number; estimatedTotal: number | null; bytes: number };
  let progress = '';
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    state = (await (await fetch(`${ioc.baseUrl}/open-data/exports/${job.id}`)).json()) as typeof state;
    progress += ` ${state.rowsWritten}`;
    if (state.state !== 'queued' && state.state !== 'running') break;
  }
  const e1 = performance.now();
  const ePeak = eStop();
  console.log(
    `\nPOST /open-data/exports → ${state.state}; progress seen (rows written, each second):${progress}`,
  );
  console.table({
    'rows written': state.rowsWritten.toLocaleString('en'),
    'estimated total': state.estimatedTotal?.toLocaleString('en') ?? 'null',
    'file size': MiB(state.bytes),
    'rows/s': Math.round(state.rowsWritten / ((e1 - e0) / 1000)).toLocaleString('en'),
    'RSS before': MiB(eBefore),
    'RSS peak': MiB(ePeak),
    'peak − before': MiB(ePeak - eBefore),
  });
} finally {
  await ioc.close();
}
