import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

/**
 * Real Redis and Mosquitto servers of a test's own, on free ports, that the test stops and starts (chaos
 * tests: issue "Nothing lost, nothing stalls"). The machine's own servers on 6379/1883 are never touched.
 */
export interface TestService {
  readonly port: number;
  readonly url: string;
  /** Stops the process: SIGTERM (a clean stop: Mosquitto saves its sessions) or SIGKILL (a crash). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port and data folder. */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  dispose(): Promise<void>;
}

export const hasBinary = (path: string) => existsSync(path);
export const REDIS_SERVER = '/usr/bin/redis-server';
export const MOSQUITTO = '/usr/sbin/mosquitto';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitPort(port: number, open: boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await portOpen(port)) !== open) {
    if (Date.now() > deadline)
      throw new Error(`port ${port} did not ${open ? 'open' : 'close'} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function managed(
  name: string,
  scheme: string,
  command: (port: number, dir: string) => Promise<{ bin: string; args: string[] }>,
): Promise<TestService> {
  const dir = await mkdtemp(join(tmpdir(), `hue-ioc-${name}-`));
  const port = await freePort();
  const { bin, args } = await command(port, dir);
  let child: ChildProcess | null = null;
  let output = '';
  const start = async () => {
    child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    child.stdout?.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-4000)));
    child.stderr?.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-4000)));
    try {
      await waitPort(port, true);
    } catch (e) {
      throw new Error(`${name} did not start: ${(e as Error).message}\n${output}`);
    }
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
    child = null;
    await waitPort(port, false);
  };
  await start();
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    start,
    stop,
    dispose: async () => {
      await stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A Redis of the test's own; `appendonly` as in production (docker-compose.yml), so a restart keeps the log. */
export function startTestRedis(opts: { appendonly?: boolean } = {}): Promise<TestService> {
  return managed('redis', 'redis', async (port, dir) => ({
    bin: REDIS_SERVER,
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      opts.appendonly === false ? 'no' : 'yes',
      '--appendfsync',
      'always',
    ],
  }));
}

/** A Mosquitto of the test's own, persisting sessions and QoS 1 messages like deploy/mosquitto/mosquitto.conf. */
export function startTestMosquitto(): Promise<TestService> {
  return managed('mosquitto', 'mqtt', async (port, dir) => {
    // Run as root, Mosquitto drops to its own user: the folder must be writable for it to persist sessions.
    await chmod(dir, 0o777);
    const conf = join(dir, 'mosquitto.conf');
    await writeFile(
      conf,
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence true',
        `persistence_location ${dir}/`,
        'autosave_interval 1',
        'max_queued_messages 100000',
        'log_dest stderr',
        'log_type error',
      ].join('\n') + '\n',
    );
    return { bin: MOSQUITTO, args: ['-c', conf] };
  });
}
