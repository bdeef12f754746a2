import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type BrokerRefusal, type EmbeddedBroker } from './embedded-broker.ts';

const DEVICES: Record<string, { secret: string; kind: string }> = {
  'kim-long': { secret: 'secret-of-kim-long-0123456789abcdef', kind: 'water_level' },
  'phu-oc': { secret: 'secret-of-phu-oc-0123456789abcdef', kind: 'water_level' },
};
const checkDevice = async (deviceId: string, secret: string) => {
  const d = Object.hasOwn(DEVICES, deviceId) ? DEVICES[deviceId] : undefined;
  return d && d.secret === secret ? { deviceId, kind: d.kind } : null;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const reading = () => JSON.stringify({ ts: new Date().toISOString(), value: 2.4 });

describe('embedded broker access', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined);
  });

  async function start(host: string) {
    const refusals: BrokerRefusal[] = [];
    const broker: EmbeddedBroker = await startEmbeddedBroker({
      port: 0,
      host,
      checkDevice,
      onRefusal: (r) => refusals.push(r),
    });
    cleanup.push(() => broker.close());
    const connect = async (opts: IClientOptions = {}): Promise<MqttClient> => {
      const c = await mqtt.connectAsync(
        broker.url,
        { protocolVersion: 4, reconnectPeriod: 0, ...opts },
        false,
      );
      cleanup.push(() => c.endAsync(true));
      return c;
    };
    const refused = async (opts: IClientOptions) => {
      const err = await connect(opts).then(
        () => null,
        (e: unknown) => e as Error & { code?: number },
      );
      expect(
        err,
        `connect ${JSON.stringify({ ...opts, password: undefined })} should be refused`,
      ).not.toBeNull();
      return err!;
    };
    /** The server's ingest client, receiving everything on hue/. */
    const ingest = async () => {
      const c = await connect({
        ...broker.credentials.ingest,
        clientId: 'hue-ioc-ingest-test',
        clean: false,
      });
      const got: { topic: string; payload: Buffer }[] = [];
      c.on('message', (topic, payload) => got.push({ topic, payload }));
      const granted = await c.subscribeAsync('hue/#', { qos: 1 });
      expect(granted.map((g) => g.qos)).toEqual([1]);
      return { client: c, got };
    };
    return { broker, refusals, connect, refused, ingest };
  }

  it('listens on 127.0.0.1 by default and lets local clients publish device topics without a username', async () => {
    const broker = await startEmbeddedBroker({ port: 0 });
    cleanup.push(() => broker.close());
    expect(broker.host).toBe('127.0.0.1');
    expect(broker.requireCredentials).toBe(false);
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
  });

  it('requires credentials when bound to every interface, even from 127.0.0.1', async () => {
    const { broker, refusals, refused, connect, ingest } = await start('0.0.0.0');
    expect(broker.requireCredentials).toBe(true);
    const err = await refused({ clientId: 'tram-kim-long' });
    expect(err.code).toBe(5);
    await refused({ username: 'kim-long', password: 'wrong-secret-0123456789abcdef' });
    await refused({ username: 'hue-ioc-ingest', password: 'guessed' });
    await refused({ username: 'unknown-device', password: 'anything-at-all-0123456789' });
    expect(refusals.map((r) => r.reason)).toEqual([
      'anonymous',
      'bad_credentials',
      'bad_credentials',
      'bad_credentials',
    ]);
    expect(JSON.stringify(refusals)).not.toContain('wrong-secret');

    const { got } = await ingest();
    const device = await connect({ username: 'kim-long', password: DEVICES['kim-long']!.secret });
    await device.publishAsync('hue/sensors/water_level/kim-long', reading(), { qos: 1 });
    await sleep(100);
    expect(got.map((m) => m.topic)).toEqual(['hue/sensors/water_level/kim-long']);
  });

  it("closes a device that publishes to another device's topic and forwards nothing", async () => {
    const { refusals, connect, ingest } = await start('0.0.0.0');
    const { got } = await ingest();
    const device = await connect({ username: 'kim-long', password: DEVICES['kim-long']!.secret });
    const closed = new Promise<void>((r) => device.once('close', () => r()));
    device.publish(
      'hue/sensors/water_level/phu-oc',
      JSON.stringify({ ts: new Date().toISOString(), value: 4.8 }),
      {
        qos: 1,
      },
    );
    await closed;
    device.publish('hue/sensors/water_level/new-device-1', reading(), { qos: 0 });
    await sleep(150);
    expect(got).toEqual([]);
    expect(refusals).toContainEqual(
      expect.objectContaining({
        reason: 'publish_denied',
        username: 'kim-long',
        topic: 'hue/sensors/water_level/phu-oc',
      }),
    );
  });

  it('refuses every subscription but the ingest client’s (SUBACK 0x80) and delivers nothing to them', async () => {
    const { connect, ingest, refusals } = await start('127.0.0.1');
    await ingest();
    const snoop = await connect({ clientId: 'snoop' });
    const device = await connect({ username: 'kim-long', password: DEVICES['kim-long']!.secret });
    const seen: string[] = [];
    for (const c of [snoop, device]) {
      c.on('message', (topic) => seen.push(topic));
      // mqtt.js rejects a SUBACK that refuses a filter; the packet says which.
      const err = await c
        .subscribeAsync(['hue/#', '#', '$SYS/#', 'hue/sensors/water_level/kim-long'], { qos: 1 })
        .then(
          () => null,
          (e: unknown) => e as { packet?: { granted?: number[] } },
        );
      expect(err?.packet?.granted).toEqual([128, 128, 128, 128]);
    }
    await snoop.publishAsync('hue/sensors/water_level/kim-long', reading(), { qos: 1 });
    await device.publishAsync('hue/sensors/water_level/kim-long', reading(), { qos: 1 });
    await sleep(150);
    expect(seen).toEqual([]);
    expect(refusals.filter((r) => r.reason === 'subscribe_denied')).toHaveLength(8);
  });

  it("refuses the server's client id to anyone without the server's credential; the ingest client stays", async () => {
    const { connect, refused, ingest, refusals } = await start('127.0.0.1');
    const { client, got } = await ingest();
    const err = await refused({ clientId: 'hue-ioc-ingest-test' });
    expect(err.code).toBe(2);
    await refused({
      clientId: 'hue-ioc-ingest-test',
      username: 'kim-long',
      password: DEVICES['kim-long']!.secret,
    });
    expect(refusals.map((r) => r.reason)).toEqual(['client_id_reserved', 'client_id_reserved']);
    expect(client.connected).toBe(true);
    const pub = await connect({ clientId: 'mosquitto_pub-kim-long' });
    await pub.publishAsync('hue/sensors/water_level/kim-long', reading(), { qos: 1 });
    await sleep(100);
    expect(client.connected).toBe(true);
    expect(got).toHaveLength(1);
  });

  it('closes the connection of a 10 MB publish at its header and of a 64 KiB + 1 payload, and keeps serving', async () => {
    const { connect, ingest, refusals } = await start('127.0.0.1');
    const { got } = await ingest();
    const rssBefore = process.memoryUsage().rss;
    for (const bytes of [10 * 1024 * 1024, 64 * 1024 + 1]) {
      const pub = await connect({ clientId: `big-${bytes}` });
      pub.on('error', () => undefined);
      const closed = new Promise<void>((r) => pub.once('close', () => r()));
      pub.publish('hue/sensors/water_level/kim-long', Buffer.alloc(bytes, 0x7b), { qos: 1 });
      await closed;
    }
    expect(refusals.map((r) => r.reason)).toEqual(['oversize', 'oversize']);
    expect(refusals[0]!.bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(refusals[1]!).toMatchObject({ bytes: 64 * 1024 + 1, topic: 'hue/sensors/water_level/kim-long' });
    // The broker did not collect the 10 MB (generous bound: the test's own 10 MB buffer is in this process).
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
    const ok = await connect({ clientId: 'after' });
    await ok.publishAsync('hue/sensors/water_level/kim-long', Buffer.alloc(64 * 1024, 0x20), { qos: 1 });
    await sleep(100);
    expect(got.map((m) => m.payload.length)).toEqual([64 * 1024]);
  });

  it('disconnects a device on request (its credential was revoked)', async () => {
    const { broker, connect } = await start('0.0.0.0');
    const device = await connect({ username: 'phu-oc', password: DEVICES['phu-oc']!.secret });
    const closed = new Promise<void>((r) => device.once('close', () => r()));
    expect(broker.disconnectDevice('phu-oc')).toBe(1);
    await closed;
    expect(broker.disconnectDevice('phu-oc')).toBe(0);
  });
});
