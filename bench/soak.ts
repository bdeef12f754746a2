/**
 * `npm run soak -- --minutes N [--speed 600] [--clients 200] [--interval S]`: the IOC as its own process
 * (ioc-server/src/server.ts, embedded TimescaleDB and broker) under the simulator at high speed, with
 * `--clients` /live clients subscribed to every layer, sampled every S seconds (default: 10 s, or N s for
 * runs over 10 minutes, so about 60 samples): RSS, heap used and event-loop delay p99 of the server (from its
 * /metrics: prom-client's defaults with prefix `ioc_`, the p99 over the interval since the last scrape), the
 * size of its data folder on disk, the ingest lag (a reading's ts to a /live client applying it, as the
 * clients measure it, and the server's ioc_ingest_to_emit_seconds), and what it stored. Prints a table,
 * writes the samples (JSON) and a chart (SVG, and PNG through Chromium when there is one) under
 * artifacts/soak/<run>/, and fits a least-squares slope to each series over the second half of the run,
 * where start-up (migrations, first snapshots, JIT) is over, with a verdict for memory.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { io, type Socket } from 'socket.io-client';
import {
  LAYER_IDS,
  LIVE_PROTOCOL_VERSION,
  type LayerDelta,
  type LiveClientToServer,
  type LiveServerToClient,
  type SubscribeAck,
} from '@hue-ioc/layers';
import { freePort } from '../ioc-server/test/support/free-port.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    speed: { type: 'string', default: '600' },
    clients: { type: 'string', default: '200' },
    interval: { type: 'string' },
    png: { type: 'boolean', default: true },
    /** Re-analyse and re-chart the samples.json of an earlier run instead of running. */
    from: { type: 'string' },
  },
});
let minutes = Number(values.minutes);
let speed = Number(values.speed);
let clientCount = Number(values.clients);
const intervalS = values.interval ? Number(values.interval) : Math.max(10, Math.round(minutes));
for (const [name, v] of Object.entries({ minutes, speed, clients: clientCount, interval: intervalS }))
  if (!(v > 0)) throw new Error(`--${name} must be a positive number`);

interface Sample {
  t: number; // minutes since the clients connected
  rssMb: number;
  heapMb: number;
  /** V8's external memory (Buffers, ArrayBuffers; where the embedded database's WebAssembly memory shows). */
  externalMb: number;
  eldP99Ms: number;
  dbMb: number;
  lagP50Ms: number | null;
  lagP95Ms: number | null;
  emitP95Ms: number | null;
  /** Mean of ioc_ingest_to_emit_seconds over the interval (its p95 is a bucket bound: ≤ 250 ms is the tick). */
  emitMeanMs: number | null;
  stored: number;
  storedPerS: number;
  connections: number;
  /** Open incidents (new … reopened) at the sample, and cases the desk and the unit handled since the last. */
  openIncidents?: number;
  handled?: number;
  /** Entries held by the bounded /live resume buffers (hub history + in-process event log, all layers). */
  buffered?: number;
}

/** What the /live clients saw. */
interface LiveCounts {
  deltas: number;
  gaps: number;
  disconnects: number;
  refused: number;
}

const ROOT = resolve(import.meta.dirname, '..');
const runId = new Date().toISOString().replace(/[:.]/g, '-');
const outDir = join(ROOT, 'artifacts', 'soak', runId);
await mkdir(outDir, { recursive: true });
/** Runs the server, the clients and the sampling; resolves with the samples once the server has stopped. */
async function soak(): Promise<{ samples: Sample[]; live: LiveCounts }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hue-ioc-soak-'));
  const token = `soak-display-${Math.random().toString(36).slice(2, 10)}`;
  const port = await freePort();
  const mqttPort = await freePort();
  const base = `http://127.0.0.1:${port}`;

  // ── the server, as its own process ───────────────────────────────────────────────────────────────────
  const log = createWriteStream(join(outDir, 'server.log'));
  const server = spawn(process.execPath, ['--import', 'tsx', 'ioc-server/src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      MQTT_PORT: String(mqttPort),
      MQTT_BIND: '127.0.0.1',
      SIMULATOR: 'on',
      SIMULATOR_SPEED: String(speed),
      DEMO: 'on',
      DEMO_DISPLAY_TOKEN: token,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      NODE_ID: `soak-${process.pid}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  let serverExit: string | null = null;
  server.on('exit', (code, signal) => {
    serverExit = `server exited (code ${code}, signal ${signal})`;
  });

  async function stopServer(): Promise<void> {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  }
  process.on('SIGINT', () => {
    void stopServer().then(() => process.exit(130));
  });

  const startedAt = Date.now();
  for (;;) {
    if (serverExit) throw new Error(`${serverExit} before it was ready; see ${join(outDir, 'server.log')}`);
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() - startedAt > 240_000) throw new Error('the server was not ready within 240 s');
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(
    `server ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s on ${base} (data ${dataDir})`,
  );

  // ── the /live clients ────────────────────────────────────────────────────────────────────────────────
  type Client = Socket<LiveServerToClient, LiveClientToServer>;
  const lags: number[] = []; // ms from a reading's ts to a client applying its delta, since the last sample
  const live: LiveCounts = { deltas: 0, gaps: 0, disconnects: 0, refused: 0 };
  const clients: Client[] = [];
  for (let i = 0; i < clientCount; i++) {
    const socket: Client = io(`${base}/live`, {
      auth: { token, protocol: LIVE_PROTOCOL_VERSION },
      transports: ['websocket'],
      reconnectionDelay: 1000,
      forceNew: true,
    });
    const seqs = new Map<string, number>();
    const subscribe = async (layer: (typeof LAYER_IDS)[number]) => {
      const since = seqs.get(layer);
      const ack: SubscribeAck = await socket
        .timeout(30_000)
        .emitWithAck('subscribe', since === undefined ? { layer } : { layer, since })
        .catch(() => ({ ok: false, error: { code: 'IOC_INTERNAL', message: 'timeout' } }) as SubscribeAck);
      if (ack.ok) seqs.set(layer, ack.seq);
      else live.refused++;
    };
    socket.on('connect', () => {
      for (const layer of LAYER_IDS) void subscribe(layer);
    });
    socket.on('disconnect', () => live.disconnects++);
    socket.on('layer:snapshot', (s) => seqs.set(s.layer, s.seq));
    socket.on('layer:delta', (d: LayerDelta) => {
      const last = seqs.get(d.layer);
      if (last !== undefined && d.from !== last) {
        live.gaps++;
        void subscribe(d.layer);
        return;
      }
      seqs.set(d.layer, d.seq);
      live.deltas++;
      // Every client measures; one in ten keeps its lags, which is plenty and keeps this process light.
      if (d.layer === 'sensors' && i % 10 === 0) {
        const now = Date.now();
        for (const f of d.upserts) {
          const at = (f.props as { observedAt?: string | null }).observedAt;
          if (at) lags.push(now - Date.parse(at));
        }
      }
    });
    clients.push(socket);
    if (i % 20 === 19) await new Promise((r) => setTimeout(r, 100)); // do not open 200 websockets at once
  }

  // ── the desk and the unit: they work the cases as a control room does ───────────────────────────────
  // Without them the open cases grow without bound (nobody closes anything) and so do the incidents layer
  // and every snapshot: a growth the city would never see. The supervisor verifies and assigns the oldest
  // new cases to Sở Xây dựng (the demo agency account's unit), the unit accepts and resolves them, and the
  // supervisor closes the resolved ones after calling back: every case through the state table over REST.
  const desk = await loginSession(base, 'supervisor');
  const unit = await loginSession(base, 'agency');
  let handled = 0;
  let working = true;
  const work = (async () => {
    while (working) {
      try {
        handled += await handleSome(base, desk, unit);
      } catch {
        // a refused step (a case changed under us) is retried on the next round
      }
      await new Promise((r) => setTimeout(r, 3000));
    }
  })();

  // ── sampling ─────────────────────────────────────────────────────────────────────────────────────────

  /** Prometheus text: value of `name` summed over the series whose labels match `where`. */
  function metric(text: string, name: string, where: (labels: string) => boolean = () => true): number {
    let sum = 0;
    for (const l of text.split('\n')) {
      if (!l.startsWith(name)) continue;
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)/.exec(l);
      if (m && m[1] === name && where(m[2] ?? '')) sum += Number(m[3]);
    }
    return sum;
  }

  /** Histogram buckets (cumulative counts by upper bound) of `name`. */
  function buckets(text: string, name: string): Map<number, number> {
    const out = new Map<number, number>();
    for (const l of text.split('\n')) {
      const m = new RegExp(`^${name}_bucket\\{.*le="([^"]+)".*\\} (\\S+)`).exec(l);
      if (m) {
        const le = m[1] === '+Inf' ? Infinity : Number(m[1]);
        out.set(le, (out.get(le) ?? 0) + Number(m[2]));
      }
    }
    return out;
  }

  /** The p-quantile of what a histogram counted between two scrapes (the bucket's upper bound). */
  function quantileBetween(prev: Map<number, number>, cur: Map<number, number>, p: number): number | null {
    const les = [...cur.keys()].sort((a, b) => a - b);
    const total = (cur.get(Infinity) ?? 0) - (prev.get(Infinity) ?? 0);
    if (total <= 0) return null;
    for (const le of les) if ((cur.get(le) ?? 0) - (prev.get(le) ?? 0) >= p * total) return le;
    return Infinity;
  }

  function quantile(xs: number[], p: number): number | null {
    if (xs.length === 0) return null;
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  }

  async function folderBytes(dir: string): Promise<number> {
    let n = 0;
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) n += await folderBytes(p);
      else if (e.isFile()) n += (await stat(p)).size;
    }
    return n;
  }

  const STORED = 'ioc_ingest_messages_total';
  const samples: Sample[] = [];
  const t0 = Date.now();
  let prevEmit = new Map<number, number>();
  let prevStored = 0;
  let prevEmitSum = 0;
  let prevEmitCount = 0;
  let prevAt = t0;
  // A first scrape resets the event-loop histogram, so the first sample covers one interval only.
  await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => {
    const text = await r.text();
    prevEmit = buckets(text, 'ioc_ingest_to_emit_seconds');
    prevStored = metric(text, STORED, (l) => l.includes('outcome="stored"'));
    prevEmitSum = metric(text, 'ioc_ingest_to_emit_seconds_sum');
    prevEmitCount = metric(text, 'ioc_ingest_to_emit_seconds_count');
  });
  lags.length = 0;
  const fmt = (v: number | null, d = 0) => (v === null ? '–' : v === Infinity ? '>max' : v.toFixed(d));
  console.log(
    `\n${clientCount} /live clients, simulator ×${speed}, a sample every ${intervalS} s for ${minutes} min\n` +
      '   min   RSS MB  heap MB  ext MB  ELD p99 ms  DB MB  lag p50/p95 ms  emit mean/p95 ms   stored  msg/s  sockets   open  handled',
  );
  while (Date.now() - t0 < minutes * 60_000) {
    await new Promise((r) => setTimeout(r, Math.min(intervalS * 1000, t0 + minutes * 60_000 - Date.now())));
    if (serverExit) throw new Error(`${serverExit} during the soak; see ${join(outDir, 'server.log')}`);
    const text = await (
      await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })
    ).text();
    const now = Date.now();
    const emit = buckets(text, 'ioc_ingest_to_emit_seconds');
    const stored = metric(text, STORED, (l) => l.includes('outcome="stored"'));
    const emitP95 = quantileBetween(prevEmit, emit, 0.95);
    const emitSum = metric(text, 'ioc_ingest_to_emit_seconds_sum');
    const emitCount = metric(text, 'ioc_ingest_to_emit_seconds_count');
    const s: Sample = {
      t: (now - t0) / 60_000,
      rssMb: metric(text, 'ioc_process_resident_memory_bytes') / 2 ** 20,
      heapMb: metric(text, 'ioc_nodejs_heap_size_used_bytes') / 2 ** 20,
      externalMb: metric(text, 'ioc_nodejs_external_memory_bytes') / 2 ** 20,
      eldP99Ms: metric(text, 'ioc_nodejs_eventloop_lag_p99_seconds') * 1000,
      dbMb: (await folderBytes(dataDir)) / 2 ** 20,
      lagP50Ms: quantile(lags, 0.5),
      lagP95Ms: quantile(lags, 0.95),
      emitP95Ms: emitP95 === null ? null : emitP95 * 1000,
      emitMeanMs:
        emitCount > prevEmitCount ? ((emitSum - prevEmitSum) / (emitCount - prevEmitCount)) * 1000 : null,
      stored,
      storedPerS: (stored - prevStored) / ((now - prevAt) / 1000),
      connections: metric(text, 'ioc_live_connections'),
      buffered: metric(text, 'ioc_live_history_entries'),
      openIncidents: await openCount(base, desk),
      handled,
    };
    handled = 0;
    samples.push(s);
    lags.length = 0;
    prevEmit = emit;
    prevStored = stored;
    prevEmitSum = emitSum;
    prevEmitCount = emitCount;
    prevAt = now;
    console.log(
      [
        s.t.toFixed(1).padStart(6),
        s.rssMb.toFixed(0).padStart(8),
        s.heapMb.toFixed(0).padStart(8),
        s.externalMb.toFixed(0).padStart(7),
        s.eldP99Ms.toFixed(1).padStart(11),
        s.dbMb.toFixed(0).padStart(6),
        `${fmt(s.lagP50Ms)}/${fmt(s.lagP95Ms)}`.padStart(15),
        `${fmt(s.emitMeanMs)}/≤${fmt(s.emitP95Ms)}`.padStart(15),
        String(s.stored).padStart(8),
        s.storedPerS.toFixed(0).padStart(6),
        String(s.connections).padStart(8),
        String(s.openIncidents ?? '–').padStart(6),
        String(s.handled ?? '–').padStart(8),
      ].join(' '),
    );
  }

  working = false;
  await work;
  const disconnectsDuringRun = live.disconnects;
  for (const c of clients) c.close();
  await stopServer();
  await rm(dataDir, { recursive: true, force: true });
  return { samples, live: { ...live, disconnects: disconnectsDuringRun } };
}

const saved = values.from
  ? (JSON.parse(await readFile(resolve(values.from), 'utf8')) as {
      samples: Sample[];
      live: LiveCounts;
      minutes: number;
      speed: number;
      clients: number;
    })
  : null;
if (saved) ({ minutes, speed, clients: clientCount } = saved);
const { samples, live } = saved ?? (await soak());

// ── trends ───────────────────────────────────────────────────────────────────────────────────────────
/**
 * Least squares y = a + b·t over the points, with the standard error of b. Successive samples are not
 * independent (a GC cycle or a burst of the simulator spans several), so the error is widened by the lag-1
 * autocorrelation r of the residuals, as for an AR(1) series: × √((1 + r) / (1 − r)).
 */
function fit(
  points: [number, number][],
): { slope: number; se: number; intercept: number; r1: number } | null {
  const n = points.length;
  if (n < 4) return null;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  if (sxx === 0) return null;
  const slope = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / sxx;
  const intercept = my - slope * mx;
  const res = points.map((p) => p[1] - intercept - slope * p[0]);
  const sse = res.reduce((s, e) => s + e * e, 0);
  const r1 = sse === 0 ? 0 : res.slice(1).reduce((s, e, k) => s + e * res[k]!, 0) / sse;
  const r = Math.min(0.95, Math.max(0, r1));
  const se = Math.sqrt(sse / (n - 2) / sxx) * Math.sqrt((1 + r) / (1 - r));
  return { slope, se, intercept, r1 };
}

/**
 * Memory "grows" when it would add half of its own mean in a day (the slope, per hour, over mean / 48):
 * a replica that starts at 550 MB and grows like that (11 MB/h) needs a restart within days, which a wall
 * running for weeks and ingest that must not stop cannot have; slower drift is what GC and the allocator's
 * pages move in a day. The verdict also says whether the run could tell (the slope's 95 % interval, ±2
 * autocorrelation-widened standard errors, against the threshold), and that a second half under 15 minutes
 * is too short to tell a leak from warm-up: the embedded database's buffers and V8's old space fill for the
 * first tens of minutes, as the tables do. Run an hour for the verdict that counts.
 */
function verdict(slopePerH: number, sePerH: number, mean: number, spanMin: number): string {
  const threshold = mean / 48;
  const short =
    spanMin < 15
      ? `; a ${spanMin.toFixed(0)}-minute second half cannot tell a leak from warm-up: run ≥ 30 min`
      : '';
  const t = `threshold ${threshold.toFixed(1)}/h${short}`;
  if (slopePerH - 2 * sePerH > threshold) return `${short ? 'growing?' : 'GROWING'} (${t})`;
  if (slopePerH + 2 * sePerH <= threshold) return `no growth trend (${t})`;
  if (slopePerH <= threshold) return `no growth trend within the noise (${t})`;
  return `inconclusive: above the threshold but within the noise (${t})`;
}

/*
 * The window the trends are fitted over: the second half of the run, and not before the bounded /live
 * resume buffers (EVENT_LOG_ENTRIES, LIVE_HISTORY_ENTRIES per layer) have levelled off — while they fill,
 * memory grows by design, which is not a leak (a run at speed 600 fills the sensors' 10,000 entries in
 * about 40 minutes). Levelled off: within 1 % of the run's final fill.
 */
const finalFill = samples.at(-1)?.buffered ?? 0;
const fullAt = samples.find((s) => (s.buffered ?? 0) >= 0.99 * finalFill)?.t ?? 0;
const fitFrom = Math.max(minutes / 2, fullAt);
const half = samples.filter((s) => s.t >= fitFrom);
const series: { key: keyof Sample; label: string; unit: string; memory?: boolean }[] = [
  { key: 'rssMb', label: 'RSS', unit: 'MB', memory: true },
  { key: 'heapMb', label: 'heap used', unit: 'MB', memory: true },
  { key: 'externalMb', label: 'external', unit: 'MB' },
  { key: 'eldP99Ms', label: 'event-loop delay p99', unit: 'ms' },
  { key: 'dbMb', label: 'DB size on disk', unit: 'MB' },
  { key: 'lagP95Ms', label: 'ingest lag p95 (client)', unit: 'ms' },
  { key: 'emitMeanMs', label: 'ingest→emit mean (server)', unit: 'ms' },
  { key: 'storedPerS', label: 'stored', unit: 'msg/s' },
];
const trends = series.map((s) => {
  const pts = half.flatMap((x) => {
    const v = x[s.key] as number | null;
    return v === null || !Number.isFinite(v) ? [] : [[x.t / 60, v] as [number, number]];
  });
  const f = fit(pts);
  const mean = pts.reduce((a, p) => a + p[1], 0) / Math.max(1, pts.length);
  return {
    ...s,
    mean,
    fit: f,
    verdict: s.memory && f ? verdict(f.slope, f.se, mean, (half.at(-1)?.t ?? 0) - (half[0]?.t ?? 0)) : null,
  };
});
console.log(
  `\nresume buffers: ${finalFill.toLocaleString('en')} entries at the end, level from ${fullAt.toFixed(1)} min` +
    (fullAt > minutes / 2 ? ' (after half-time: the fit starts there)' : '') +
    (fitFrom > minutes - 15 ? ' — under 15 minutes left to fit: run longer or lower EVENT_LOG_ENTRIES' : ''),
);
console.log(`\nfrom ${fitFrom.toFixed(1)} min (${half.length} samples): least-squares slope`);
for (const t of trends) {
  const slope = t.fit
    ? `${t.fit.slope >= 0 ? '+' : ''}${t.fit.slope.toFixed(1)} ± ${(2 * t.fit.se).toFixed(1)} ${t.unit}/h`
    : '–';
  console.log(
    `  ${t.label.padEnd(26)} mean ${t.mean.toFixed(1).padStart(8)} ${t.unit.padEnd(5)} slope ${slope}${t.verdict ? `  → ${t.verdict}` : ''}`,
  );
}
console.log(
  `\n/live: ${live.deltas} deltas applied by ${clientCount} clients, ${live.gaps} gaps (re-subscribed), ` +
    `${live.disconnects} disconnects during the run, ${live.refused} refused subscribes`,
);

// ── chart ────────────────────────────────────────────────────────────────────────────────────────────
const W = 960;
const PANEL = 150;
const M = { top: 30, right: 210, bottom: 28, left: 60 };
const panels: {
  title: string;
  unit: string;
  lines: { key: keyof Sample; label: string; color: string }[];
}[] = [
  {
    title: 'Memory of the server process',
    unit: 'MB',
    lines: [
      { key: 'rssMb', label: 'RSS', color: '#1f77b4' },
      { key: 'heapMb', label: 'heap used', color: '#ff7f0e' },
      { key: 'externalMb', label: 'external', color: '#7f7f7f' },
    ],
  },
  { title: 'Event-loop delay p99', unit: 'ms', lines: [{ key: 'eldP99Ms', label: 'p99', color: '#d62728' }] },
  {
    title: 'Ingest lag',
    unit: 'ms',
    lines: [
      { key: 'lagP50Ms', label: 'ts → client p50', color: '#2ca02c' },
      { key: 'lagP95Ms', label: 'ts → client p95', color: '#98df8a' },
      { key: 'emitMeanMs', label: 'log → emit mean', color: '#9467bd' },
    ],
  },
  {
    title: 'Embedded TimescaleDB on disk',
    unit: 'MB',
    lines: [{ key: 'dbMb', label: 'DATA_DIR', color: '#8c564b' }],
  },
  {
    title: '/live resume buffers (bounded)',
    unit: 'entries',
    lines: [{ key: 'buffered', label: 'hub + event log', color: '#bcbd22' }],
  },
  {
    title: 'Messages stored',
    unit: 'msg/s',
    lines: [{ key: 'storedPerS', label: 'stored/s', color: '#17becf' }],
  },
];
const H = M.top + panels.length * (PANEL + M.bottom + 20) + 10;
const x = scaleLinear()
  .domain([0, Math.max(minutes, samples.at(-1)?.t ?? minutes)])
  .range([M.left, W - M.right]);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const parts: string[] = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
  `<rect width="${W}" height="${H}" fill="white"/>`,
  `<text x="${M.left}" y="18" font-size="14" font-weight="bold">${esc(`Soak ${runId}: ${clientCount} /live clients, simulator ×${speed}, ${minutes} min`)}</text>`,
];
panels.forEach((p, i) => {
  const top = M.top + i * (PANEL + M.bottom + 20);
  const vals = p.lines
    .flatMap((l) => samples.map((s) => s[l.key] as number | null))
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const y = scaleLinear()
    .domain([0, Math.max(1, ...vals) * 1.1])
    .nice()
    .range([top + PANEL, top + 14]);
  parts.push(`<text x="${M.left}" y="${top + 8}" font-weight="bold">${esc(`${p.title} (${p.unit})`)}</text>`);
  for (const t of y.ticks(4)) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y(t) + 4}" text-anchor="end" fill="#555">${t}</text>`);
  }
  for (const t of x.ticks(10)) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${top + PANEL}" y2="${top + PANEL + 4}" stroke="#555"/>`);
    parts.push(`<text x="${x(t)}" y="${top + PANEL + 16}" text-anchor="middle" fill="#555">${t}</text>`);
  }
  parts.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${top + PANEL}" y2="${top + PANEL}" stroke="#555"/>`,
  );
  parts.push(
    `<line x1="${x(fitFrom)}" x2="${x(fitFrom)}" y1="${top + 14}" y2="${top + PANEL}" stroke="#bbb" stroke-dasharray="2,3"/>`,
  );
  p.lines.forEach((l, j) => {
    const path = line<Sample>()
      .defined((s) => s[l.key] !== null && Number.isFinite(s[l.key] as number))
      .x((s) => x(s.t))
      .y((s) => y(s[l.key] as number))(samples);
    if (path) parts.push(`<path d="${path}" fill="none" stroke="${l.color}" stroke-width="1.8"/>`);
    const trend = trends.find((t) => t.key === l.key)?.fit;
    if (trend && half.length > 0) {
      const a = half[0]!.t;
      const b = half.at(-1)!.t;
      parts.push(
        `<line x1="${x(a)}" x2="${x(b)}" y1="${y(trend.intercept + (trend.slope * a) / 60)}" y2="${y(trend.intercept + (trend.slope * b) / 60)}" stroke="${l.color}" stroke-width="1" stroke-dasharray="5,3"/>`,
      );
    }
    const ly = top + 24 + j * 16;
    parts.push(
      `<line x1="${W - M.right + 12}" x2="${W - M.right + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${l.color}" stroke-width="2"/>`,
    );
    const slope = trend ? ` ${trend.slope >= 0 ? '+' : ''}${trend.slope.toFixed(1)}/h` : '';
    parts.push(`<text x="${W - M.right + 34}" y="${ly}">${esc(l.label + slope)}</text>`);
  });
});
parts.push(
  `<text x="${M.left}" y="${H - 6}" fill="#555">${esc('minutes since the clients connected; dashed: least-squares fit over the second half (slope per hour in the legend)')}</text>`,
  '</svg>',
);
const svgPath = join(outDir, 'soak.svg');
await writeFile(svgPath, parts.join('\n'));
await writeFile(
  join(outDir, 'samples.json'),
  JSON.stringify({ minutes, speed, clients: clientCount, intervalS, samples, trends, live }, null, 2),
);
console.log(`\nchart: ${svgPath}`);

if (values.png) {
  try {
    const { launchChromium } = await import('../ioc-web/tests/support/chromium.ts');
    const browser = await launchChromium({ webgl: false });
    const page = await browser.newPage({ viewport: { width: W, height: H } });
    await page.goto(`file://${svgPath}`);
    await page.screenshot({ path: join(outDir, 'soak.png') });
    await browser.close();
    console.log(`       ${join(outDir, 'soak.png')}`);
  } catch (e) {
    console.log(`(no PNG: ${(e as Error).message.split('\n')[0]})`);
  }
}
process.exit(0);

// ── the desk's REST client ───────────────────────────────────────────────────────────────────────────────

interface DeskSession {
  cookie: string;
  csrf: string;
}

/** Logs in as a demo account (DEMO=on: password hue-demo) like the console does. */
async function loginSession(base: string, username: string): Promise<DeskSession> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ username, password: process.env.DEMO_PASSWORD ?? 'hue-demo' }),
  });
  if (res.status !== 200) throw new Error(`soak: login ${username}: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const me = (await (await fetch(`${base}/api/auth/me`, { headers: { cookie } })).json()) as {
    csrfToken: string;
  };
  return { cookie, csrf: me.csrfToken };
}

async function api<T>(
  base: string,
  s: DeskSession,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      cookie: s.cookie,
      origin: base,
      ...(body !== undefined ? { 'content-type': 'application/json', 'x-ioc-csrf': s.csrf } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as T & { error?: { code: string } };
  if (res.status >= 400) throw new Error(`soak: ${method} ${path}: ${json.error?.code ?? res.status}`);
  return json;
}

type Item = { id: string; version: number; status: string };

async function openCount(base: string, s: DeskSession): Promise<number> {
  // A function body, not a module constant: the soak runs in a top-level await above this line.
  const open = ['new', 'verified', 'assigned', 'in_progress', 'returned', 'extended', 'reopened'];
  const q = open.map((st) => `status=${st}`).join('&');
  return (await api<{ total: number }>(base, s, 'GET', `/api/incidents?${q}&limit=1`)).total;
}

/** One round: up to 20 cases one step each along new → verified → assigned → in_progress → resolved → closed. */
async function handleSome(base: string, desk: DeskSession, unit: DeskSession): Promise<number> {
  let n = 0;
  const list = (s: DeskSession, status: string) =>
    api<{ items: Item[] }>(base, s, 'GET', `/api/incidents?status=${status}&sort=received&limit=20`).then(
      (p) => p.items,
    );
  for (const c of await list(desk, 'new'))
    await api(base, desk, 'POST', `/api/incidents/${c.id}/status`, {
      expectedVersion: c.version,
      status: 'verified',
    });
  for (const c of await list(desk, 'verified'))
    await api(base, desk, 'POST', `/api/incidents/${c.id}/assign`, {
      expectedVersion: c.version,
      agencyId: 'so-xay-dung',
    });
  for (const c of await list(unit, 'assigned'))
    await api(base, unit, 'POST', `/api/incidents/${c.id}/status`, {
      expectedVersion: c.version,
      status: 'in_progress',
    });
  for (const c of await list(unit, 'in_progress'))
    await api(base, unit, 'POST', `/api/incidents/${c.id}/status`, {
      expectedVersion: c.version,
      status: 'resolved',
      reply: 'Đơn vị đã kiểm tra và xử lý xong.',
    });
  for (const c of await list(desk, 'resolved')) {
    await api(base, desk, 'POST', `/api/incidents/${c.id}/status`, {
      expectedVersion: c.version,
      status: 'closed',
      reason: 'Đã gọi lại người dân xác nhận',
    });
    n++;
  }
  return n;
}
