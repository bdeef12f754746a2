import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import mqtt from 'mqtt';
import { WardIndex } from '../geo/wards.ts';
import { referenceCameraSeeds } from '../devices/reference-cameras.ts';
import { referenceDeviceSeeds } from '../devices/reference-devices.ts';
import { normaliseCameraMessage } from '../ingest/camera.normalise.ts';
import { normaliseHotlineTicket } from '../ingest/hotline.normalise.ts';
import { normaliseHueSReport } from '../ingest/hue-s.normalise.ts';
import { normaliseKpiSample } from '../ingest/kpi.normalise.ts';
import { verifySignature } from '../ingest/signature.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../mqtt/embedded-broker.ts';
import { Simulator } from './simulator.ts';

const GEO_DIR = resolve(import.meta.dirname, '../../../geo');
const SECRET = 'hue-demo-secret';

interface Received {
  path: string;
  body: unknown;
  signatureOk: boolean;
}

/** A stand-in for the IOC's webhook routes: checks the signature on the raw body and answers as the server does. */
async function fakeIoc(
  answer: (path: string) => { status: number; body: unknown },
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const sig = verifySignature({
        secret: SECRET,
        timestamp: req.headers['x-timestamp'],
        signature: req.headers['x-signature'],
        rawBody: raw,
        now: new Date(),
      });
      const path = req.url ?? '';
      received.push({ path, body: JSON.parse(raw.toString('utf8')), signatureOk: sig.ok });
      const a = sig.ok
        ? answer(path)
        : { status: 401, body: { error: { code: 'IOC_INGEST_SIGNATURE_INVALID', message: 'bad' } } };
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Simulator end to end (local HTTP server and embedded broker)', () => {
  let wards: WardIndex;
  const cleanup: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    wards = await WardIndex.load(GEO_DIR);
  });
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('signs every webhook, uses the MQTT topics of the contract, counts what was accepted, and stops cleanly', async () => {
    // Bound off loopback, so the broker requires credentials: the simulator publishes as the trusted
    // in-process publisher, and only the ingest user may subscribe (issue 11).
    const broker: EmbeddedBroker = await startEmbeddedBroker({ port: 0, host: '0.0.0.0' });
    expect(broker.requireCredentials).toBe(true);
    cleanup.push(() => broker.close());
    const ioc = await fakeIoc((path) => ({
      status: 201,
      body: { id: 'HUE-1', outcome: path.endsWith('kpi') ? 'stored' : 'created' },
    }));
    cleanup.push(() => new Promise<void>((r) => ioc.server.close(() => r())));
    const sub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, ...broker.credentials.ingest });
    cleanup.push(() => sub.endAsync());
    const messages: { topic: string; payload: Buffer }[] = [];
    sub.on('message', (topic, payload) => messages.push({ topic, payload }));
    await sub.subscribeAsync('hue/#', { qos: 1 });

    const before = timeouts();
    const sim = new Simulator({
      mqttUrl: broker.url,
      mqttCredentials: broker.credentials.publisher,
      devices: referenceDeviceSeeds(wards).map((d) => ({
        id: d.id,
        kind: d.kind,
        expectedIntervalS: d.expectedIntervalS,
      })),
      speed: 3600,
      logger: silentLogger,
      seed: 46,
      scenario: 'flood',
      wards,
      cameras: referenceCameraSeeds(wards),
      webhooks: { secrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET } },
      modelStart: new Date('2025-10-27T09:00:00+07:00'),
      minIntervalMs: 100,
      tickMs: 50,
    });
    await sim.start();
    // The server's port is known only once it listens: webhooks start late and nothing is lost meanwhile.
    await sleep(200);
    expect(ioc.received).toHaveLength(0);
    sim.startWebhooks({ baseUrl: ioc.url });
    await sleep(1500);
    await sim.stop({ drainMs: 3000 });
    const stats = sim.stats();
    await sleep(100);

    expect(timeouts()).toBeLessThanOrEqual(before);
    // 1.7 s at 3600× is 1.7 model hours of a flood in the morning.
    const paths = (p: string) => ioc.received.filter((r) => r.path === p);
    expect(paths('/api/ingest/hue-s').length).toBeGreaterThan(20);
    expect(paths('/api/ingest/hotline').length).toBeGreaterThan(3);
    expect(paths('/api/ingest/kpi').length).toBeGreaterThanOrEqual(15);
    expect(ioc.received.every((r) => r.signatureOk)).toBe(true);
    expect(stats.sent.hue_s).toBe(paths('/api/ingest/hue-s').length);
    expect(stats.sent.hotline).toBe(paths('/api/ingest/hotline').length);
    expect(stats.sent.kpi).toBe(paths('/api/ingest/kpi').length);
    expect(stats.outcomes.created).toBe(stats.sent.hue_s + stats.sent.hotline);
    expect(Object.values(stats.failed).every((n) => n === 0)).toBe(true);

    const now = new Date();
    for (const r of ioc.received) {
      const ctx = { receivedAt: now, wards };
      const result =
        r.path === '/api/ingest/hue-s'
          ? normaliseHueSReport(r.body, ctx)
          : r.path === '/api/ingest/hotline'
            ? normaliseHotlineTicket(r.body, ctx)
            : normaliseKpiSample(r.body, ctx);
      expect(result.ok, JSON.stringify(result)).toBe(true);
    }

    const topics = new Set(messages.map((m) => m.topic));
    expect(topics).toContain('hue/sensors/water_level/kim-long');
    expect(topics).toContain('hue/sensors/rain/rain-a-luoi');
    expect([...topics].some((t) => /^hue\/cameras\/cam-[a-z-]+\/status$/.test(t))).toBe(true);
    expect([...topics].some((t) => /^hue\/cameras\/cam-[a-z-]+\/events$/.test(t))).toBe(true);
    for (const m of messages.filter((x) => x.topic.startsWith('hue/cameras/'))) {
      const r = normaliseCameraMessage(m.topic, m.payload, { receivedAt: now, wards });
      expect(r.ok, m.topic).toBe(true);
    }
    expect(stats.sent.sensor + stats.sent.camera_event + stats.sent.camera_status).toBe(messages.length);
    // The river rose through BĐ III within the first model hour.
    const kimLong = messages
      .filter((m) => m.topic === 'hue/sensors/water_level/kim-long')
      .map((m) => (JSON.parse(m.payload.toString()) as { value: number }).value);
    expect(Math.max(...kimLong)).toBeGreaterThan(3.5);
  });

  it('counts and logs refusals and network errors with their reason, never throws', async () => {
    const warnings: { obj: object; msg?: string }[] = [];
    const logger: Logger = {
      ...silentLogger,
      warn: (obj, msg) => warnings.push({ obj, ...(msg ? { msg } : {}) }),
    };
    const ioc = await fakeIoc((path) =>
      path.endsWith('hotline')
        ? {
            status: 503,
            body: {
              error: { code: 'IOC_INGEST_NOT_CONFIGURED', message: 'no secret is configured for hotline' },
            },
          }
        : {
            status: 400,
            body: { error: { code: 'IOC_INGEST_SCHEMA', message: 'Hue-S report does not match its schema' } },
          },
    );
    cleanup.push(() => new Promise<void>((r) => ioc.server.close(() => r())));
    const sim = new Simulator({
      mqttUrl: null,
      devices: [],
      speed: 3600,
      logger,
      wards,
      webhooks: { baseUrl: ioc.url, secrets: { hueS: SECRET, hotline: SECRET, kpi: null } },
      modelStart: new Date('2025-10-27T09:00:00+07:00'),
      reportRate: 3,
      tickMs: 50,
    });
    expect(sim.channels()).toEqual(['hue_s', 'hotline']);
    await sim.start();
    await sleep(800);
    await sim.stop({ drainMs: 2000 });
    const s = sim.stats();
    expect(s.sent.hue_s + s.sent.hotline).toBe(0);
    expect(s.failed.hue_s).toBeGreaterThan(5);
    expect(s.failed.hotline).toBeGreaterThan(0);
    expect(s.failed.kpi).toBe(0);
    const reasons = warnings.map((w) => (w.obj as { reason?: string }).reason);
    expect(reasons).toContain('HTTP 400 IOC_INGEST_SCHEMA: Hue-S report does not match its schema');
    expect(reasons).toContain('HTTP 503 IOC_INGEST_NOT_CONFIGURED: no secret is configured for hotline');
    // One line per kind of failure, not one per message.
    expect(warnings.length).toBeLessThan(s.failed.hue_s + s.failed.hotline);

    // The server gone: network errors, counted, and the queue waits rather than spinning.
    const closed = await fakeIoc(() => ({ status: 201, body: {} }));
    await new Promise<void>((r) => closed.server.close(() => r()));
    const down = new Simulator({
      mqttUrl: null,
      devices: [],
      speed: 3600,
      logger,
      wards,
      webhooks: { baseUrl: closed.url, secrets: { kpi: SECRET } },
      tickMs: 50,
    });
    await down.start();
    await sleep(400);
    await down.stop();
    expect(down.stats().failed.kpi).toBeGreaterThan(0);
    expect(down.stats().lastFailure).toMatch(/kpi: network: ECONNREFUSED/);
  });
});
