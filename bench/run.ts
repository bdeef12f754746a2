/**
 * `npm run bench`: figures as ratios against a baseline measured in the same process, because the
 * machines here are shared and noisy (2 cores). Absolute numbers are printed for context only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { normaliseSensorMessage, signBody, startEmbeddedBroker } from '@hue-ioc/streams';
import { openPgliteDb } from '../ioc-server/src/storage/pglite.db.ts';
import { migrate } from '../ioc-server/src/storage/migrate.ts';
import { ObservationRepository } from '../ioc-server/src/storage/observation.repository.ts';
import { loadConfig } from '../ioc-server/src/config.ts';
import { buildApp } from '../ioc-server/src/app.ts';

const results: { name: string; value: string; baseline: string; ratio: string }[] = [];
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(2));

async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function benchBatchInsert(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hue-bench-'));
  const db = await openPgliteDb(dir);
  await migrate(db);
  const repo = new ObservationRepository(db);
  const n = 5000;
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  const readings = (offset: number) =>
    Array.from({ length: n }, (_, i) => ({
      deviceId: `kim-long`,
      kind: 'water_level' as const,
      metric: 'water_level',
      value: 0.5 + (i % 100) / 100,
      unit: 'm',
      ts: new Date(t0 + (offset + i) * 1000),
    }));
  const single = readings(0);
  const perRow = await timeIt(async () => {
    for (const r of single) {
      await db.query(
        `INSERT INTO observations (ts, device_id, metric, value, unit) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [r.ts, r.deviceId, r.metric, r.value, r.unit],
      );
    }
  });
  const batch = readings(n);
  const batched = await timeIt(() => repo.insertBatch(db, batch));
  results.push({
    name: `store ${n} readings, embedded TimescaleDB`,
    value: `unnest batch ${fmt(batched)} ms`,
    baseline: `row by row ${fmt(perRow)} ms`,
    ratio: `${(perRow / batched).toFixed(1)}× faster`,
  });
  await db.close();
  await rm(dir, { recursive: true, force: true });
}

async function benchValidation(): Promise<void> {
  const n = 100_000;
  const payloads = Array.from({ length: 1000 }, (_, i) =>
    Buffer.from(JSON.stringify({ ts: new Date(Date.now() - i * 1000).toISOString(), value: i / 100 })),
  );
  const now = new Date();
  const parseOnly = await timeIt(() => {
    for (let i = 0; i < n; i++) JSON.parse(payloads[i % payloads.length]!.toString('utf8'));
  });
  const full = await timeIt(() => {
    for (let i = 0; i < n; i++)
      normaliseSensorMessage('hue/sensors/water_level/kim-long', payloads[i % payloads.length]!, now);
  });
  results.push({
    name: `validate ${n.toLocaleString('en')} sensor messages`,
    value: `${fmt(n / (full / 1000))} msg/s`,
    baseline: `JSON.parse only ${fmt(n / (parseOnly / 1000))} msg/s`,
    ratio: `${(full / parseOnly).toFixed(2)}× the cost of parsing`,
  });
}

async function benchMqttIngest(): Promise<void> {
  const n = 5000;
  // Baseline: the broker alone delivering QoS 1 messages to a plain subscriber.
  const broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1' });
  // Only the ingest user may subscribe (issue 11); the publisher is a local anonymous device.
  const sub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, ...broker.credentials.ingest });
  await sub.subscribeAsync('hue/sensors/rain/+', { qos: 1 });
  const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
  let got = 0;
  const baseline = await timeIt(
    () =>
      new Promise<void>((resolve) => {
        sub.on('message', () => {
          if (++got === n) resolve();
        });
        for (let i = 0; i < n; i++)
          void pub.publishAsync(
            'hue/sensors/rain/bench-x',
            JSON.stringify({ ts: new Date().toISOString(), value: i }),
            {
              qos: 1,
            },
          );
      }),
  );
  await sub.endAsync();
  await pub.endAsync();
  await broker.close();

  // Ours: the same messages through validation, TimescaleDB and the live layer.
  const dir = await mkdtemp(join(tmpdir(), 'hue-bench-'));
  const config = loadConfig({}, 'default', {
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    dataDir: dir,
    mqttPort: 0,
    mqttPortExplicit: true,
    webDir: null,
  });
  const app = await buildApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const publisher = await mqtt.connectAsync(app.mqtt.url, { protocolVersion: 4 });
  const t0 = Date.now() - n * 1000;
  const ours = await timeIt(async () => {
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        publisher.publishAsync(
          `hue/sensors/rain/bench-${i % 50}`,
          JSON.stringify({ ts: new Date(t0 + i * 1000).toISOString(), value: i % 8 }),
          { qos: 1 },
        ),
      ),
    );
    for (;;) {
      const [row] = await app.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM observations WHERE device_id LIKE 'bench-%'`,
      );
      if (row!.n >= n) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  await publisher.endAsync();
  await app.close();
  await rm(dir, { recursive: true, force: true });
  results.push({
    name: `MQTT QoS 1 ingest of ${n} readings (embedded broker)`,
    value: `${fmt(n / (ours / 1000))} msg/s stored`,
    baseline: `broker delivery alone ${fmt(n / (baseline / 1000))} msg/s`,
    ratio: `${(baseline / ours).toFixed(2)} of broker rate`,
  });
}

async function benchWebhooks(): Promise<void> {
  const n = 400;
  const secret = 'bench-secret-46-hue';
  const dir = await mkdtemp(join(tmpdir(), 'hue-bench-'));
  const config = loadConfig({}, 'default', {
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    dataDir: dir,
    mqttPort: 0,
    mqttPortExplicit: true,
    webDir: null,
    ingestSecrets: { hueS: secret, hotline: secret, kpi: secret, open311: secret },
  });
  const app = await buildApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  // Baseline: the same HTTP round trips to a route that does nothing.
  const baseline = await timeIt(async () => {
    for (let i = 0; i < n; i++) await (await fetch(`${base}/healthz`)).json();
  });
  // Spread over Huế's centre so most reports open their own incident (merge lookups still run).
  const ours = await timeIt(async () => {
    for (let i = 0; i < n; i++) {
      const body = JSON.stringify({
        id: `bench-${i}`,
        category: 'Môi trường, rác thải',
        description: `Rác thải tồn đọng điểm số ${i}`,
        lat: 16.44 + (i % 20) * 0.003,
        lon: 107.56 + Math.floor(i / 20) * 0.003,
        media: [],
        reporter: {},
        created_at: new Date().toISOString(),
      });
      const res = await fetch(`${base}/api/ingest/hue-s`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signBody(secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
      });
      if (res.status >= 300) throw new Error(`webhook answered ${res.status}`);
      await res.json();
    }
  });
  await app.close();
  await rm(dir, { recursive: true, force: true });
  results.push({
    name: `${n} signed Hue-S webhooks, one at a time`,
    value: `${fmt(n / (ours / 1000))} reports/s`,
    baseline: `GET /healthz ${fmt(n / (baseline / 1000))} req/s`,
    ratio: `${(ours / baseline).toFixed(1)}× a bare round trip`,
  });
}

// `npm run bench -- mqtt webhooks` runs only the named ones.
const only = process.argv.slice(2);
const benches: [string, () => Promise<void>][] = [
  ['insert', benchBatchInsert],
  ['validation', benchValidation],
  ['mqtt', benchMqttIngest],
  ['webhooks', benchWebhooks],
];
for (const [name, run] of benches) if (only.length === 0 || only.includes(name)) await run();
console.log('\nHuế IOC benchmarks (ratios are against a baseline run in this same process)\n');
console.table(results);
