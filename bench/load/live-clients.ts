/**
 * Load generator (child process): `n` real socket.io `/live` clients (websocket transport, display token,
 * protocol 1) following `layers`. Modes: `latency` records, per sensor feature in a delta, now − its
 * `observedAt` (the publisher's wall-clock time of publishing); `count` counts features and bytes delivered;
 * `idle` only holds the connections. `join` (one command) measures a new wall's cold join: from connect to the
 * last snapshot, with the bytes received.
 */
import { io as ioClient, type Socket } from 'socket.io-client';
import { decodeWallFeatures, LIVE_PROTOCOL_VERSION } from '@hue-ioc/layers';
import { childSide } from '../lib/proc.ts';

interface Config {
  baseUrl: string;
  token: string;
  n: number;
  layers: string[];
  encoding: 'json' | 'columnar' | 'wall';
  mode: 'latency' | 'count' | 'idle';
  /** Clients opened at once while connecting (bounded, so the server is not stormed). */
  concurrency?: number;
}

const side = childSide<Config>();
const c = side.config;
const sockets: Socket[] = [];
let latencies: number[] = [];
let features = 0;
let deltas = 0;
let bytes = 0;

function open(cfg: { encoding: string; onBytes?: (n: number) => void }): Socket {
  const s = ioClient(`${c.baseUrl}/live`, {
    auth: { token: c.token, protocol: LIVE_PROTOCOL_VERSION, encoding: cfg.encoding },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  if (cfg.onBytes) {
    const onBytes = cfg.onBytes;
    s.io.on('open', () => {
      (s.io.engine as unknown as { on(e: string, f: (d: unknown) => void): void }).on('data', (d) =>
        onBytes(typeof d === 'string' ? Buffer.byteLength(d) : (d as ArrayBuffer).byteLength),
      );
    });
  }
  return s;
}

async function connectOne(): Promise<void> {
  const s = open({
    encoding: c.encoding,
    ...(c.mode === 'count' ? { onBytes: (n: number) => (bytes += n) } : {}),
  });
  sockets.push(s);
  if (c.mode === 'latency')
    s.on('layer:delta', (d: { upserts: { props: { observedAt?: string } }[] }) => {
      const now = Date.now();
      for (const f of d.upserts) if (f.props.observedAt) latencies.push(now - Date.parse(f.props.observedAt));
    });
  if (c.mode === 'count')
    s.on('layer:delta', (d: { upserts: unknown[] }) => {
      deltas++;
      features += d.upserts.length;
    });
  await new Promise<void>((resolve, reject) => {
    s.once('connect_error', reject);
    s.once('connect', async () => {
      try {
        for (const layer of c.layers) await s.timeout(60_000).emitWithAck('subscribe', { layer });
        resolve();
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}

interface JoinResult {
  /** Connect to the last byte of the last snapshot (socket.io fires the event once every attachment is in). */
  ms: number;
  /** Decoding the `wall` snapshots into features, as the wall does before drawing (0 for JSON encodings). */
  decodeMs: number;
  bytes: number;
  features: number;
  /** The panel's first `layer:text` (titles of `textIds` incidents): bytes received for it, and its ms. */
  textBytes: number;
  textMs: number;
}

/**
 * A new wall: connects, subscribes to every layer, resolves when the last snapshot arrived (and, with
 * `textIds` > 0, once the titles of that many incidents came back, counted separately).
 */
async function coldJoin(layers: string[], encoding: string, textIds: number): Promise<JoinResult> {
  let got = 0;
  let received = 0;
  let n = 0;
  let decodeMs = 0;
  let firstIncidents: string[] = [];
  const t0 = performance.now();
  const s = open({ encoding, onBytes: (b) => (received += b) });
  // Decoded after the last one arrived: decoding the first on arrival would delay reading the second.
  const arrived: {
    layer: string;
    features: { id: string }[];
    columns?: { ids: string[] };
    packed?: Uint8Array;
  }[] = [];
  const snapshots = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('cold join took over 120 s')), 120_000);
    s.on('layer:snapshot', (snap: (typeof arrived)[number]) => {
      arrived.push(snap);
      if (++got === layers.length) {
        clearTimeout(timer);
        resolve(performance.now() - t0);
      }
    });
    s.once('connect_error', reject);
    s.once('connect', () => {
      for (const layer of layers) s.emit('subscribe', { layer }, () => undefined);
    });
  });
  const ms = await snapshots;
  for (const snap of arrived) {
    let ids: string[];
    if (snap.packed) {
      const started = performance.now();
      ids = decodeWallFeatures(snap.packed).features.map((f) => f.id);
      decodeMs += performance.now() - started;
    } else ids = snap.columns ? snap.columns.ids : snap.features.map((f) => f.id);
    n += ids.length;
    if (snap.layer === 'incidents') firstIncidents = ids.slice(0, textIds);
  }
  const before = received;
  const t1 = performance.now();
  if (firstIncidents.length > 0)
    await s.timeout(10_000).emitWithAck('layer:text', { layer: 'incidents', ids: firstIncidents });
  const textMs = performance.now() - t1;
  s.close();
  return { ms, decodeMs, bytes: before, features: n, textBytes: received - before, textMs };
}

side.on('join', async (m) => {
  const r = await coldJoin(
    m.layers as string[],
    (m.encoding as string) ?? 'wall',
    (m.textIds as number) ?? 0,
  );
  side.send({ type: 'joined', ...r });
});
/** CPU time (user + system, ms) this process used since the last report: is the load generator the limit? */
let cpuMark = process.cpuUsage();
side.on('report', () => {
  const cpu = process.cpuUsage(cpuMark);
  cpuMark = process.cpuUsage();
  side.send({
    type: 'report',
    cpuMs: (cpu.user + cpu.system) / 1000,
    latencies,
    features,
    deltas,
    bytes,
    connected: sockets.filter((s) => s.connected).length,
    rss: process.memoryUsage().rss,
  });
  latencies = [];
  features = deltas = bytes = 0;
});
side.on('stop', () => {
  for (const s of sockets) s.close();
  setTimeout(() => process.exit(0), 100);
});

const rssBefore = process.memoryUsage().rss;
const concurrency = c.concurrency ?? 50;
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(concurrency, c.n) }, async () => {
    while (next < c.n) {
      next++;
      await connectOne();
    }
  }),
);
side.send({ type: 'ready', connected: sockets.length, rssBefore, rss: process.memoryUsage().rss });
