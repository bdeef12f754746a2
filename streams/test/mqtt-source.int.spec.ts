import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { silentLogger } from '../src/logger.ts';
import { MqttSource, type InboundMessage } from '../src/mqtt/mqtt.source.ts';

/**
 * MqttSource against a real broker (aedes, on a free port): a QoS 1 message is acknowledged only once the
 * sink resolved for it (issue 11: "acknowledged only when it or its dead letter is committed"); a sink that
 * rejects acknowledges nothing, and the persistent session (clean: false, the same client id) has the
 * broker deliver it again; unacknowledged messages held stay bounded.
 */
describe('MqttSource acknowledges only what the sink stored', () => {
  let broker: Aedes;
  let server: Server;
  let url: string;
  let pub: MqttClient;
  const sources: MqttSource[] = [];
  const run = Math.random().toString(36).slice(2, 7);

  beforeEach(async () => {
    broker = await Aedes.createBroker();
    server = createServer((socket) => broker.handle(socket as Duplex));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
    pub = await mqtt.connectAsync(url, { protocolVersion: 4, clientId: `pub-${run}` });
  });
  afterEach(async () => {
    for (const s of sources.splice(0)) await s.stop().catch(() => undefined);
    await pub.endAsync();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const source = async (clientId: string, sink: (b: InboundMessage[]) => Promise<void>, extra = {}) => {
    const s = new MqttSource({
      url,
      clientId,
      topics: ['hue/sensors/+/+'],
      sink,
      logger: silentLogger,
      retryMinMs: 20,
      retryMaxMs: 40,
      ...extra,
    });
    sources.push(s);
    await s.start();
    return s;
  };
  const until = async (what: string, ok: () => boolean, ms = 5000) => {
    for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 10)))
      if (Date.now() > end) throw new Error(`never: ${what}`);
  };
  const reading = (device: string, value: number) =>
    [`hue/sensors/water_level/${device}`, JSON.stringify({ ts: '2026-11-27T01:00:00Z', value })] as const;

  it('group commit: an idle source stores a message at once; what arrives while a batch is stored makes the next batch', async () => {
    const batches: number[] = [];
    let release: (() => void) | null = null;
    const s = await source(`ingest-${run}-g`, async (b) => {
      batches.push(b.length);
      // The first batch is held until the burst below has arrived.
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
    });
    const t0 = performance.now();
    await pub.publishAsync(...reading('kim-long', 1), { qos: 1 });
    await until('the first message handed to the sink', () => batches.length === 1);
    const firstMs = performance.now() - t0;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => pub.publishAsync(...reading(`g${i}`, i), { qos: 1 })),
    );
    await until('the burst held', () => s.backlog.messages === 51);
    release!();
    await until('all stored', () => batches.reduce((a, b) => a + b, 0) === 51);
    expect(batches[0]).toBe(1);
    // The 50 that came during the first flush went together (not one transaction each).
    expect(batches.length).toBeLessThanOrEqual(3);
    expect(batches[1]).toBeGreaterThanOrEqual(25);
    // No linger by default; a source given one waits for it (the option stays for larger batches).
    const lingering: number[] = [];
    await source(`ingest-${run}-l`, async () => void lingering.push(performance.now()), { lingerMs: 300 });
    const t1 = performance.now();
    await pub.publishAsync(...reading('phu-oc', 2), { qos: 1 });
    await until('the lingering source stored it', () => lingering.length > 0 && batches.length > 0);
    expect(lingering[0]! - t1).toBeGreaterThanOrEqual(290);
    expect(firstMs).toBeLessThan(lingering[0]! - t1);
  });

  it('a sink that keeps rejecting acknowledges nothing: the next session of the client id gets every message again, then none', async () => {
    const clientId = `ingest-${run}-a`;
    let attempts = 0;
    const first = await source(clientId, async () => {
      attempts++;
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    for (const [i, device] of ['kim-long', 'phu-oc', 'vy-da'].entries())
      await pub.publishAsync(...reading(device, 1 + i), { qos: 1 });
    await until('retried with backoff', () => attempts >= 3);
    expect(first.backlog.messages).toBe(3);
    await first.stop();

    const stored: InboundMessage[] = [];
    const second = await source(clientId, async (b) => void stored.push(...b));
    await until('the three re-delivered', () => stored.length >= 3);
    expect(stored.map((m) => m.topic.split('/').at(-1)).sort()).toEqual(['kim-long', 'phu-oc', 'vy-da']);
    await until('acknowledged', () => second.backlog.messages === 0 && second.lastAckAt !== null);
    await new Promise((r) => setTimeout(r, 100));
    await second.stop();

    const after: InboundMessage[] = [];
    await source(clientId, async (b) => void after.push(...b));
    await new Promise((r) => setTimeout(r, 500));
    expect(after).toEqual([]);
  });

  it('holds at most maxPending unacknowledged messages while the sink waits; then every message comes once', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const stored: string[] = [];
    const s = await source(
      `ingest-${run}-b`,
      async (b) => {
        await gate;
        stored.push(...b.map((m) => m.topic));
      },
      { maxPending: 10, maxBatch: 5 },
    );
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => pub.publishAsync(...reading(`tram-${i}`, i / 10), { qos: 1 })),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(s.backlog.messages).toBeGreaterThan(0);
    expect(s.backlog.messages).toBeLessThanOrEqual(11);
    open();
    await until('all 40 stored', () => stored.length >= 40);
    await new Promise((r) => setTimeout(r, 200));
    expect(stored).toHaveLength(40);
    expect(new Set(stored).size).toBe(40);
  });
});
