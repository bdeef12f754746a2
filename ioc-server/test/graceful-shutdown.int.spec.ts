import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { io as ioClient } from 'socket.io-client';
import { freePort } from './support/free-port.ts';
import { startIoc } from './support/start-ioc.ts';
import { hasBinary, MOSQUITTO, startTestMosquitto, type TestService } from './support/services.ts';

/**
 * Graceful shutdown (issue "Nothing lost, nothing stalls", build item 5): the real server process gets
 * SIGTERM while readings stream in; it drains its batches and acknowledgements and closes its sockets
 * within the deadline, exits 0, and after a restart on the same data folder and MQTT session every reading
 * the gateway published is stored exactly once.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const SERVER = join(ROOT, 'ioc-server/src/server.ts');

interface Server {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
  output: () => string;
}

function startServer(env: NodeJS.ProcessEnv): Server {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-8000)));
  child.stderr!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-8000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal, atMs: Date.now() })),
  );
  return { child, exited, output: () => output };
}

async function waitReady(base: string, server: Server, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${base}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (server.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`server not ready (status ${status}):\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!hasBinary(MOSQUITTO))('graceful shutdown', () => {
  let broker: TestService;
  const dirs: string[] = [];
  beforeAll(async () => {
    broker = await startTestMosquitto();
  });
  afterAll(async () => {
    await broker?.dispose();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it.each(['Mosquitto', 'the embedded broker'] as const)(
    'with %s: drains on SIGTERM within the deadline, exits 0, and a restart loses and repeats nothing',
    async (which) => {
      const embedded = which === 'the embedded broker';
      const dataDir = await mkdtemp(join(tmpdir(), 'hue-ioc-shutdown-'));
      dirs.push(dataDir);
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      // The embedded broker comes back on the same port; the gateway reconnects to it.
      const mqttPort = await freePort();
      const brokerUrl = embedded ? `mqtt://127.0.0.1:${mqttPort}` : broker.url;
      const env = {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        ...(embedded ? { MQTT_PORT: String(mqttPort) } : { MQTT_URL: broker.url }),
        // The same node id after the restart: the same MQTT client id, so the broker kept its session.
        NODE_ID: `shutdown-${process.pid}`,
        SIMULATOR: 'off',
        DEMO: 'on',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
      };
      let server = startServer(env);
      await waitReady(base, server);

      // A wall screen: told the link dropped when the server stops, not left hanging.
      const wall = ioClient(`${base}/live`, {
        auth: { token: 'hue-demo-display' },
        transports: ['websocket'],
        reconnection: false,
      });
      await new Promise<void>((ok) => wall.once('connect', () => ok()));
      const wallDropped = new Promise<string>((ok) => wall.once('disconnect', (reason) => ok(reason)));

      const gateway = await mqtt.connectAsync(brokerUrl, {
        protocolVersion: 4,
        clientId: `shutdown-gateway-${process.pid}`,
        clean: false,
        reconnectPeriod: 200,
      });
      const started = Date.now() - 120_000;
      let n = 0;
      const acked: Promise<unknown>[] = [];
      const publish = async (count: number) => {
        for (let i = 0; i < count; i++, n++) {
          const ts = new Date(started + n * 20).toISOString();
          acked.push(
            gateway.publishAsync(
              'hue/sensors/water_level/kim-long',
              JSON.stringify({ ts, value: Math.round(n) / 1000 }),
              { qos: 1 },
            ),
          );
          if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
        }
      };
      await publish(600);
      // SIGTERM mid-stream: batches in flight must be stored and acknowledged, or left to the broker.
      const termAt = Date.now();
      server.child.kill('SIGTERM');
      await publish(400);
      const exit = await server.exited;
      if (exit.code !== 0) console.log(`server output (${which}):\n${server.output()}`);
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      // close-with-grace's deadline is 10 s; a drained stop takes well under it.
      expect(exit.atMs - termAt).toBeLessThan(10_000);
      console.log(
        `shutdown (${which}): SIGTERM → exit 0 in ${exit.atMs - termAt} ms with readings streaming in`,
      );
      expect(['transport close', 'io server disconnect']).toContain(await wallDropped);
      wall.close();

      // The broker holds what arrived meanwhile (persistent session, QoS 1); the restart takes it all.
      await publish(200);
      server = startServer(env);
      await waitReady(base, server);
      // Every publish acknowledged by a broker (the embedded one only once it is back).
      await Promise.all(acked);
      const total = n;
      // Caught up when the gauge's last reading is the last one published (devices.last_seen_at).
      const lastTs = new Date(started + (total - 1) * 20).toISOString();
      const deadline = Date.now() + 60_000;
      for (;;) {
        const body = (await fetch(`${base}/api/devices`, {
          headers: { authorization: 'Bearer hue-demo-display' },
        }).then((r) => r.json())) as { items: { id: string; lastSeenAt: string | null }[] };
        if (body.items.find((d) => d.id === 'kim-long')?.lastSeenAt === lastTs) break;
        if (Date.now() > deadline) throw new Error(`restarted server did not catch up to ${lastTs}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      // Stop it (cleanly) and count in its database.
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
      // Counted in its database, opened again in this process (the same data folder, server stopped).
      const reopened = await startIoc({
        dataDir,
        mqttUrl: broker.url,
        overrides: { nodeId: `count-${process.pid}` },
      });
      try {
        const [row] = await reopened.app.db.query<{ n: number; distinct_ts: number }>(
          `SELECT count(*)::int AS n, count(DISTINCT ts)::int AS distinct_ts FROM observations
         WHERE device_id = 'kim-long' AND ts >= $1`,
          [new Date(started)],
        );
        expect(row).toEqual({ n: total, distinct_ts: total });
      } finally {
        await reopened.close({ keepData: true });
      }
      await gateway.endAsync();
    },
    240_000,
  );
});
