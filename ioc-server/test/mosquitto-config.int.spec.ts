import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/config.ts';
import { freePort } from './support/free-port.ts';
import { MOSQUITTO } from './support/services.ts';
import { startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';

/**
 * The production Mosquitto configuration as shipped (deploy/mosquitto/mosquitto.conf and acl), run by the
 * real broker on a free port: only the listener and the file locations are rewritten for the test, every
 * other line is the shipped one. The password file is made as docker-compose.yml makes it (touch, then
 * mosquitto_passwd -b).
 */
const run = promisify(execFile);
const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';
const DEPLOY = resolve(REPO_ROOT, 'deploy/mosquitto');
const SERVER_PASSWORD = 'ioc-server-password-46';
const SECRETS = {
  'kim-long': 'ioc_dev_kim-long-secret-0123456789',
  'phu-oc': 'ioc_dev_phu-oc-secret-0123456789',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('deploy/mosquitto: the shipped config on the real Mosquitto', () => {
  let dir: string;
  let port: number;
  let broker: ChildProcess;
  let log = '';
  const clients: MqttClient[] = [];
  const url = () => `mqtt://127.0.0.1:${port}`;
  const connect = async (opts: IClientOptions) => {
    const c = await mqtt.connectAsync(url(), { protocolVersion: 4, reconnectPeriod: 0, ...opts }, false);
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };
  const refusal = (opts: IClientOptions) =>
    connect(opts).then(
      () => undefined,
      (e: unknown) => (e as { code?: number }).code ?? -1,
    );
  /** The server's user, subscribed the way ioc-server subscribes with a shared group. */
  const server = async (clientId = 'hue-ioc-ingest-node-1') => {
    const c = await connect({ username: 'ioc', password: SERVER_PASSWORD, clientId, clean: false });
    const got: string[] = [];
    c.on('message', (topic, payload) => got.push(`${topic} ${payload.length}`));
    await c.subscribeAsync(
      ['$share/hue-ioc/hue/sensors/+/+', 'hue/cameras/+/events', 'hue/cameras/+/status'],
      {
        qos: 1,
      },
    );
    return { client: c, got };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hue-ioc-mosquitto-conf-'));
    // Run as root, Mosquitto drops to its own user before reading the files (as in the image).
    await chmod(dir, 0o777);
    port = await freePort();
    const shipped = await readFile(join(DEPLOY, 'mosquitto.conf'), 'utf8');
    const rewritten = shipped.split('\n').map((line) => {
      if (line.startsWith('listener ')) return `listener ${port} 127.0.0.1`;
      if (line.startsWith('persistence_location ')) return `persistence_location ${dir}/`;
      if (line.startsWith('password_file ')) return `password_file ${dir}/passwd`;
      if (line.startsWith('acl_file ')) return `acl_file ${dir}/acl`;
      if (line.startsWith('log_dest ')) return 'log_dest stderr';
      return line;
    });
    expect(rewritten.filter((l, i) => l !== shipped.split('\n')[i])).toHaveLength(5);
    await writeFile(join(dir, 'mosquitto.conf'), rewritten.join('\n') + 'log_type all\n');
    await copyFile(join(DEPLOY, 'acl'), join(dir, 'acl'));
    await chmod(join(dir, 'acl'), 0o644);
    const passwd = join(dir, 'passwd');
    await writeFile(passwd, '');
    await run(MOSQUITTO_PASSWD, ['-b', passwd, 'ioc', SERVER_PASSWORD]);
    for (const [id, secret] of Object.entries(SECRETS))
      await run(MOSQUITTO_PASSWD, ['-b', passwd, id, secret]);
    await chmod(passwd, 0o644);
    broker = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    broker.stderr?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20_000)));
    await waitFor(
      'mosquitto listening',
      () =>
        mqtt
          .connectAsync(
            url(),
            { protocolVersion: 4, reconnectPeriod: 0, username: 'ioc', password: SERVER_PASSWORD },
            false,
          )
          .then(
            (c) => c.endAsync().then(() => true),
            () => false,
          ),
      10_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${log}`);
    });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.endAsync(true).catch(() => undefined);
  });
  afterAll(async () => {
    broker?.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses anonymous clients and wrong passwords', async () => {
    expect(await refusal({ clientId: 'tram-kim-long' })).toBe(5);
    expect(await refusal({ username: 'kim-long', password: 'not-the-secret' })).toBe(5);
    expect(await refusal({ username: 'ioc', password: 'guessed' })).toBe(5);
  });

  it('lets a device write only its own topics, and only the server read them', async () => {
    const { got } = await server();
    const kimLong = await connect({ username: 'kim-long', password: SECRETS['kim-long'] });
    const snooped: string[] = [];
    kimLong.on('message', (topic) => snooped.push(topic));
    // Mosquitto grants the subscription but checks read access per message: nothing arrives.
    await kimLong.subscribeAsync(['hue/#', '#'], { qos: 1 });
    await kimLong.publishAsync('hue/sensors/water_level/kim-long', '{"value":2.4}', { qos: 1 });
    await kimLong.publishAsync('hue/sensors/water_level/phu-oc', '{"value":4.8}', { qos: 1 });
    await kimLong.publishAsync('hue/cameras/cam-cau-truong-tien/events', '{}', { qos: 1 });
    const phuOc = await connect({ username: 'phu-oc', password: SECRETS['phu-oc'] });
    await phuOc.publishAsync('hue/sensors/water_level/phu-oc', '{"value":1.1}', { qos: 1 });
    await sleep(300);
    expect(got).toEqual(['hue/sensors/water_level/kim-long 13', 'hue/sensors/water_level/phu-oc 13']);
    expect(snooped).toEqual([]);
    expect(log).toMatch(/Denied PUBLISH from kim-long .*'hue\/sensors\/water_level\/phu-oc'/);
  });

  it("does not let a device take the server's session by its client id", async () => {
    const { client, got } = await server('hue-ioc-ingest-node-1');
    const impostor = await connect({
      username: 'kim-long',
      password: SECRETS['kim-long'],
      clientId: 'hue-ioc-ingest-node-1',
    });
    await impostor.publishAsync('hue/sensors/water_level/kim-long', '{"value":2.5}', { qos: 1 });
    await sleep(300);
    expect(client.connected).toBe(true);
    expect(got).toEqual(['hue/sensors/water_level/kim-long 13']);
  });

  it('disconnects a 10 MB publish and drops a payload over 64 KiB; the server keeps receiving', async () => {
    const { client, got } = await server();
    const big = await connect({ username: 'kim-long', password: SECRETS['kim-long'] });
    const closed = new Promise<void>((r) => big.once('close', () => r()));
    big.publish('hue/sensors/water_level/kim-long', Buffer.alloc(10 * 1024 * 1024, 0x20), { qos: 1 });
    await closed;
    const over = await connect({ username: 'kim-long', password: SECRETS['kim-long'] });
    await over.publishAsync('hue/sensors/water_level/kim-long', Buffer.alloc(64 * 1024 + 1, 0x20), {
      qos: 1,
    });
    await over.publishAsync('hue/sensors/water_level/kim-long', Buffer.alloc(64 * 1024, 0x20), { qos: 1 });
    await sleep(300);
    expect(got).toEqual([`hue/sensors/water_level/kim-long ${64 * 1024}`]);
    expect(client.connected).toBe(true);
    expect(log).toMatch(/disconnected due to oversize packet/);
  });

  it('adds and removes device users with deploy/mosquitto/device-user.sh; a removed one is cut off at once', async () => {
    const script = (...args: string[]) =>
      run('sh', [join(DEPLOY, 'device-user.sh'), ...args], {
        env: {
          ...process.env,
          MOSQUITTO_LOCAL_PID: String(broker.pid),
          MOSQUITTO_PASSWD_FILE: join(dir, 'passwd'),
          MOSQUITTO_PORT: String(port),
        },
      });
    const added = await script('add', 'rain-a-luoi');
    const secret = /secret \(shown once[^:]*\): (\S+)/.exec(added.stdout)?.[1];
    expect(secret).toMatch(/^ioc_dev_[A-Za-z0-9_-]{43}$/);
    await script('add', 'cam-dong-ba', 'ioc_dev_the-secret-the-api-issued-46');
    expect((await script('list')).stdout.split('\n').filter(Boolean).sort()).toEqual([
      'cam-dong-ba',
      'ioc',
      'kim-long',
      'phu-oc',
      'rain-a-luoi',
    ]);
    await expect(script('add', 'ioc', 'taking-the-servers-name')).rejects.toThrow(/not a device id/);
    await expect(script('add', 'hue/#')).rejects.toThrow(/not a device id/);

    const { got } = await server();
    const gauge = await waitFor('rain-a-luoi logs in after the reload', () =>
      connect({ username: 'rain-a-luoi', password: secret! }).catch(() => undefined),
    );
    await gauge.publishAsync('hue/sensors/rain/rain-a-luoi', '{"value":12}', { qos: 1 });
    const closed = new Promise<void>((r) => gauge.once('close', () => r()));
    await script('remove', 'rain-a-luoi');
    await closed;
    expect(await refusal({ username: 'rain-a-luoi', password: secret! })).toBe(5);
    expect((await script('list')).stdout).not.toContain('rain-a-luoi');
    expect(got).toEqual(['hue/sensors/rain/rain-a-luoi 12']);
  });

  describe('ioc-server subscribed through MQTT_URL=mqtt://ioc:<password>@…', () => {
    let ioc: RunningIoc;
    beforeAll(async () => {
      ioc = await startIoc({ mqttUrl: `mqtt://ioc:${SERVER_PASSWORD}@127.0.0.1:${port}` });
      await ioc.app.ready();
      await waitFor('ingest subscribed', () => ioc.app.mqttIngest.connected);
    });
    afterAll(async () => {
      await ioc?.close();
    });

    it('stores what a device publishes on its own topic; the URL it shows has no password', async () => {
      expect(ioc.app.mqtt.url).toBe(`mqtt://127.0.0.1:${port}`);
      const kimLong = await connect({ username: 'kim-long', password: SECRETS['kim-long'] });
      const ts = new Date(Date.now() - 1000).toISOString();
      await kimLong.publishAsync('hue/sensors/water_level/kim-long', JSON.stringify({ ts, value: 1.4 }), {
        qos: 1,
      });
      await waitFor('kim-long reading stored', async () => {
        const [row] = await ioc.app.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM observations WHERE device_id = 'kim-long' AND ts = $1`,
          [ts],
        );
        return row!.n === 1;
      });
    });
  });
});
