/**
 * Load generator (child process) for the bare baselines: `n` plain `ws` clients of a bare `ws` server
 * (ws-server.ts), doing with each message what live-clients.ts does with a socket.io event: `latency`
 * (now − observedAt per feature), `count` (features and bytes), `idle`.
 */
import WebSocket from 'ws';
import { childSide } from '../lib/proc.ts';

interface Config {
  url: string;
  n: number;
  mode: 'latency' | 'count' | 'idle';
  concurrency?: number;
}

const side = childSide<Config>();
const c = side.config;
const sockets: WebSocket[] = [];
let latencies: number[] = [];
let features = 0;
let deltas = 0;
let bytes = 0;

function connectOne(): Promise<void> {
  const ws = new WebSocket(c.url, { perMessageDeflate: false });
  sockets.push(ws);
  if (c.mode !== 'idle')
    ws.on('message', (data: Buffer) => {
      bytes += data.length;
      const d = JSON.parse(data.toString('utf8')) as { upserts: { props: { observedAt?: string } }[] };
      if (c.mode === 'latency') {
        const now = Date.now();
        for (const f of d.upserts)
          if (f.props.observedAt) latencies.push(now - Date.parse(f.props.observedAt));
      } else {
        deltas++;
        features += d.upserts.length;
      }
    });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

side.on('report', () => {
  side.send({
    type: 'report',
    latencies,
    features,
    deltas,
    bytes,
    connected: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
    rss: process.memoryUsage().rss,
  });
  latencies = [];
  features = deltas = bytes = 0;
});
side.on('stop', () => {
  for (const s of sockets) s.terminate();
  setTimeout(() => process.exit(0), 100);
});

const rssBefore = process.memoryUsage().rss;
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(c.concurrency ?? 50, c.n) }, async () => {
    while (next < c.n) {
      next++;
      await connectOne();
    }
  }),
);
side.send({ type: 'ready', connected: sockets.length, rssBefore, rss: process.memoryUsage().rss });
