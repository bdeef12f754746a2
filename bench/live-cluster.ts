/**
 * `npm run bench:live`: /live under load on this machine. Two server nodes share a Redis event log; 200
 * socket.io clients (100 per node) follow the `sensors` layer while readings are published over MQTT to
 * node A. Reports deltas/s delivered and ingest-to-client latency, against the same load on one node with
 * the in-process log (the baseline, same run); and bytes per feature of a snapshot, JSON vs columnar.
 * Needs Redis (IOC_BENCH_REDIS_URL, default redis://127.0.0.1:6379).
 */
import mqtt from 'mqtt';
import { Redis } from 'ioredis';
import { encodeColumnar, type Feature, type IncidentProps } from '@hue-ioc/layers';
import { LiveMirror, startIoc, type RunningIoc } from '../ioc-server/test/support/start-ioc.ts';

const redisUrl = process.env.IOC_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLIENTS = 200;
const RATE = 100; // readings per second
const SECONDS = 10;

interface Run {
  deltasPerS: number;
  featuresPerS: number;
  p50: number;
  p99: number;
  samples: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function measure(nodes: RunningIoc[]): Promise<Run> {
  const clients: LiveMirror[] = [];
  for (let i = 0; i < CLIENTS; i++) clients.push(new LiveMirror(nodes[i % nodes.length]!.baseUrl, 'sensors'));
  while (clients.some((c) => !c.state)) await new Promise((r) => setTimeout(r, 50));
  const latencies: number[] = [];
  let deltas = 0;
  let features = 0;
  for (const c of clients) {
    c.socket.on('layer:delta', (d) => {
      deltas++;
      features += d.upserts.length;
      const now = Date.now();
      for (const f of d.upserts) {
        const at = (f.props as { observedAt?: string }).observedAt;
        if (at) latencies.push(now - Date.parse(at));
      }
    });
  }
  const pub = await mqtt.connectAsync(nodes[0]!.mqttUrl, { protocolVersion: 4 });
  const devices = [
    'kim-long',
    'phu-oc',
    'rain-a-luoi',
    'rain-binh-dien',
    'aq-hung-vuong',
    'traffic-thuan-hoa',
    'traffic-an-cuu',
  ];
  const kinds: Record<string, string> = {
    'kim-long': 'water_level',
    'phu-oc': 'water_level',
    'rain-a-luoi': 'rain',
    'rain-binh-dien': 'rain',
    'aq-hung-vuong': 'air_quality',
    'traffic-thuan-hoa': 'traffic',
    'traffic-an-cuu': 'traffic',
  };
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < SECONDS * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * RATE);
    for (; sent < due; sent++) {
      const id = devices[sent % devices.length]!;
      void pub.publishAsync(
        `hue/sensors/${kinds[id]}/${id}`,
        JSON.stringify({ ts: new Date().toISOString(), value: (sent % 50) / 100 }),
        { qos: 1 },
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 1500)); // drain
  const elapsed = (Date.now() - started) / 1000;
  await pub.endAsync();
  for (const c of clients) c.close();
  return {
    deltasPerS: deltas / elapsed,
    featuresPerS: features / elapsed,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    samples: latencies.length,
  };
}

function snapshotBytes(): { json: number; columnar: number; n: number } {
  const n = 10_000;
  const features: Feature<IncidentProps>[] = Array.from({ length: n }, (_, i) => ({
    id: `IOC-2611-${String(i).padStart(6, '0')}`,
    position: [107.5 + (i % 100) / 500, 16.4 + Math.floor(i / 100) / 500],
    props: {
      version: 1 + (i % 3),
      status: (['new', 'assigned', 'in_progress'] as const)[i % 3]!,
      category: ['environment', 'urban_order', 'roads', 'drainage'][i % 4]!,
      priority: 1 + (i % 4),
      title: `Rác thải tồn đọng tại kiệt ${i % 90} Phan Đình Phùng`,
      wardCode: '19789',
      agencyId: 'ubnd-19789',
      dueAt: new Date(Date.UTC(2026, 10, 30, 10, i % 60)).toISOString(),
      createdAt: new Date(Date.UTC(2026, 10, 27, 2, i % 60)).toISOString(),
      updatedAt: new Date(Date.UTC(2026, 10, 27, 3, i % 60)).toISOString(),
      channels: i % 5 === 0 ? ['hue_s', 'hotline'] : ['hue_s'],
    },
  }));
  return {
    n,
    json: Buffer.byteLength(JSON.stringify(features)),
    columnar: Buffer.byteLength(JSON.stringify(encodeColumnar(features))),
  };
}

const prefix = `hue-ioc-bench:${process.pid}`;
const overrides = { liveTickMs: 250 };
const single = await startIoc({ overrides });
const baseline = await measure([single]);
await single.close();

const a = await startIoc({ overrides: { ...overrides, redisUrl, redisPrefix: prefix } });
const b = await startIoc({ overrides: { ...overrides, redisUrl, redisPrefix: prefix } });
const cluster = await measure([a, b]);
await a.close();
await b.close();
const r = new Redis(redisUrl);
const keys = await r.keys(`${prefix}:*`);
if (keys.length) await r.del(...keys);
await r.quit();

const bytes = snapshotBytes();
const fmt = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en') : x.toFixed(1));
console.log(
  `\n/live load: ${CLIENTS} clients, ${RATE} readings/s over MQTT for ${SECONDS} s, tick 250 ms (baseline: one node, in-process log, same run)\n`,
);
console.table([
  {
    setup: '1 node, in-process log (baseline)',
    'deltas/s delivered': fmt(baseline.deltasPerS),
    'feature updates/s': fmt(baseline.featuresPerS),
    'p50 ms': fmt(baseline.p50),
    'p99 ms': fmt(baseline.p99),
    samples: baseline.samples,
  },
  {
    setup: '2 nodes, Redis log',
    'deltas/s delivered': fmt(cluster.deltasPerS),
    'feature updates/s': fmt(cluster.featuresPerS),
    'p50 ms': fmt(cluster.p50),
    'p99 ms': fmt(cluster.p99),
    samples: cluster.samples,
  },
  {
    setup: 'ratio 2 nodes / baseline',
    'deltas/s delivered': (cluster.deltasPerS / baseline.deltasPerS).toFixed(2),
    'feature updates/s': (cluster.featuresPerS / baseline.featuresPerS).toFixed(2),
    'p50 ms': (cluster.p50 / baseline.p50).toFixed(2),
    'p99 ms': (cluster.p99 / baseline.p99).toFixed(2),
    samples: '',
  },
]);
console.log(
  `\nSnapshot of ${bytes.n.toLocaleString('en')} incidents: JSON ${fmt(bytes.json / bytes.n)} B/feature, columnar ${fmt(bytes.columnar / bytes.n)} B/feature (${(bytes.columnar / bytes.json).toFixed(2)} of JSON)\n`,
);
process.exit(0);
