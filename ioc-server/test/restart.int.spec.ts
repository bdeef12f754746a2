import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import mqtt from 'mqtt';
import { Manager } from 'socket.io-client';
import {
  LIVE_PROTOCOL_VERSION,
  stateFromSnapshot,
  type LayerSnapshot,
  type SensorProps,
} from '@hue-ioc/layers';
import { PortInUseError, startEmbeddedBroker } from '@hue-ioc/streams';
import { connectLive, DISPLAY_TOKEN, startIoc, waitFor } from './support/start-ioc.ts';

describe('restart', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('stops promptly with wall screens attached, even one that stopped reading, and they are told the link dropped', async () => {
    const ioc = await startIoc();
    const wall = connectLive(ioc.baseUrl);
    await new Promise<void>((resolve, reject) => {
      wall.once('connect', resolve);
      wall.once('connect_error', reject);
    });
    // And a tablet that stopped reading: it will not answer the websocket close handshake.
    const frozen = connectLive(ioc.baseUrl);
    await new Promise<void>((resolve) => frozen.once('connect', resolve));
    (frozen.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket.pause();
    const dropped = new Promise<string>((resolve) => wall.once('disconnect', resolve));
    const t0 = Date.now();
    // Fastify waits for open connections before its own close hooks: a websocket never ends by itself.
    await Promise.race([
      ioc.close(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('close hung with a socket attached')), 8_000),
      ),
    ]);
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect(await dropped).toMatch(/transport close|io server disconnect/);
    wall.close();
    frozen.close();
  });

  it('keeps observations and the live state across a restart on the same data folder', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hue-ioc-restart-'));
    dirs.push(dataDir);
    const first = await startIoc({ dataDir });
    await first.app.ready();
    const pub = await mqtt.connectAsync(first.mqttUrl, { protocolVersion: 4 });
    const ts = new Date(Date.now() - 2000).toISOString();
    await pub.publishAsync('hue/sensors/water_level/phu-oc', JSON.stringify({ ts, value: 3.2 }), { qos: 1 });
    await waitFor(
      'reading stored',
      async () =>
        (await first.app.db.query(`SELECT 1 FROM observations WHERE device_id = 'phu-oc' AND ts = $1`, [ts]))
          .length === 1,
    );
    await pub.endAsync();
    await first.close({ keepData: true });

    const second = await startIoc({ dataDir });
    try {
      const rows = await second.app.db.query<{ value: number }>(
        `SELECT value FROM observations WHERE device_id = 'phu-oc' AND ts = $1`,
        [ts],
      );
      expect(rows).toEqual([{ value: 3.2 }]);
      const client = connectLive(second.baseUrl);
      const snapshot = await new Promise<LayerSnapshot>((resolve) => {
        client.on('layer:snapshot', resolve);
        client.emit('subscribe', { layer: 'sensors' }, () => undefined);
      });
      client.close();
      const phuOc = snapshot.features.find((f) => f.id === 'phu-oc')!.props as SensorProps;
      // Phú Ốc on the Bồ river: BĐ II is 3.0 m.
      expect(phuOc).toMatchObject({ value: 3.2, alarmLevel: 2, state: 'alarm2', observedAt: ts });
    } finally {
      await second.close();
    }
  });
});

describe('embedded broker', () => {
  it('says plainly that its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startEmbeddedBroker({ port, host: '127.0.0.1' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as Error).message).toMatch(new RegExp(`${port} is already in use.*MQTT_URL`));
    } finally {
      blocker.close();
    }
  });
});

describe('/live handshake and commands', () => {
  it('refuses an unknown protocol version and a bad token with coded errors, and answers bad commands', async () => {
    const ioc = await startIoc();
    try {
      const refused = async (auth: Record<string, unknown>) =>
        new Promise<{ code: string }>((resolve) => {
          const c = connectLive(ioc.baseUrl, auth);
          c.on('connect_error', (e) => {
            c.close();
            resolve((e as Error & { data: { code: string } }).data);
          });
        });
      expect(await refused({ token: 'whatever', protocol: 99 })).toMatchObject({ code: 'IOC_LIVE_PROTOCOL' });
      expect(await refused({ token: 'wrong', protocol: LIVE_PROTOCOL_VERSION })).toMatchObject({
        code: 'IOC_AUTH_REQUIRED',
      });

      // The documented handshake: `auth: { token }` alone means the current protocol version.
      const plain = connectLive(ioc.baseUrl, { token: DISPLAY_TOKEN });
      const plainAck = await plain.timeout(5000).emitWithAck('subscribe', { layer: 'sensors' });
      expect(plainAck).toMatchObject({ ok: true, layer: 'sensors', mode: 'snapshot' });
      plain.close();
      // A handshake whose protocol is 6,000 arrays deep (written as raw socket.io text: the client library
      // itself overflows on it) is refused; it used to overflow JSON.stringify in the handshake and end the process.
      const deep = `${'['.repeat(6000)}${']'.repeat(6000)}`;
      const rawAnswer = await new Promise<unknown>((resolve) => {
        const manager = new Manager(ioc.baseUrl, {
          transports: ['websocket'],
          reconnection: false,
          autoConnect: false,
        });
        const raw = manager as unknown as {
          engine: { write(s: string): void; close(): void };
          on(e: 'packet', f: (p: { type: number; nsp: string; data?: unknown }) => void): void;
        };
        raw.on('packet', (p) => {
          if (p.nsp === '/live' && (p.type === 4 || p.type === 0)) {
            resolve(p.data ?? 'connected');
            raw.engine.close();
          }
        });
        manager.open(() => raw.engine.write(`0/live,{"token":"x","protocol":${deep}}`));
      });
      expect(rawAnswer).toMatchObject({
        message: expect.stringContaining('an array'),
        data: { code: 'IOC_LIVE_PROTOCOL' },
      });
      expect(await refused({ token: DISPLAY_TOKEN, protocol: '1' })).toMatchObject({
        code: 'IOC_LIVE_PROTOCOL',
      });

      const c = connectLive(ioc.baseUrl);
      const bad = await c.timeout(5000).emitWithAck('subscribe', { layer: 'rivers' } as never);
      expect(bad).toMatchObject({ ok: false, error: { code: 'IOC_LIVE_BAD_REQUEST' } });
      const bad2 = await c.timeout(5000).emitWithAck('subscribe', { layer: 'sensors', since: -4 });
      expect(bad2).toMatchObject({ ok: false });
      const good = await c.timeout(5000).emitWithAck('subscribe', { layer: 'sensors' });
      expect(good).toMatchObject({ ok: true, mode: 'snapshot' });
      // Resume at the current seq: nothing missed, a delta mode ack.
      const again = await c
        .timeout(5000)
        .emitWithAck('subscribe', { layer: 'sensors', since: good.ok ? good.seq : 0 });
      expect(again).toMatchObject({ ok: true, mode: 'delta' });
      expect(await c.timeout(5000).emitWithAck('unsubscribe', { layer: 'sensors' })).toEqual({ ok: true });
      c.close();

      // Columnar snapshots on request: the same features, fewer bytes; an unknown encoding is refused.
      const snapshotOf = (auth: Record<string, unknown>) =>
        new Promise<LayerSnapshot>((resolve) => {
          const s = connectLive(ioc.baseUrl, auth);
          s.on('layer:snapshot', (snap) => {
            s.close();
            resolve(snap);
          });
          s.emit('subscribe', { layer: 'sensors' }, () => undefined);
        });
      const json = await snapshotOf({ token: DISPLAY_TOKEN, protocol: LIVE_PROTOCOL_VERSION });
      const columnar = await snapshotOf({
        token: DISPLAY_TOKEN,
        protocol: LIVE_PROTOCOL_VERSION,
        encoding: 'columnar',
      });
      expect(columnar.features).toEqual([]);
      expect(columnar.columns?.ids).toHaveLength(json.features.length);
      expect(stateFromSnapshot(columnar).features).toEqual(stateFromSnapshot(json).features);
      expect(JSON.stringify(columnar).length).toBeLessThan(JSON.stringify(json).length);
      expect(
        await refused({ token: DISPLAY_TOKEN, protocol: LIVE_PROTOCOL_VERSION, encoding: 'xml' }),
      ).toMatchObject({ code: 'IOC_LIVE_ENCODING' });
    } finally {
      await ioc.close();
    }
  });
});
