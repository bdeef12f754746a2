/**
 * The machine's Mosquitto binary (2.0.11 here) as a private instance on a free loopback port: the shared one
 * on 1883 also serves the other engineers' tests, whose servers subscribe to `hue/sensors/#` and would store
 * the bench's readings (and the bench theirs). Same binary and settings as /etc/mosquitto/mosquitto.conf
 * except: no persistence, and no per-client queue limit (max_queued_messages 1000 by default drops QoS 1
 * messages of a burst beyond it, which would measure loss, not speed). `--mosquitto-url` uses a given broker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { freePort } from '../../ioc-server/test/support/free-port.ts';
import { sleep } from './bench.ts';

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';

export interface Broker {
  url: string;
  describe: string;
  close(): Promise<void>;
}

export async function privateMosquitto(): Promise<Broker> {
  if (!existsSync(MOSQUITTO_BIN)) throw new Error(`${MOSQUITTO_BIN} not found; pass --mosquitto-url`);
  const dir = await mkdtemp(join(tmpdir(), 'hue-bench-mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'max_queued_messages 0',
      'max_inflight_messages 0',
      'log_dest none',
    ].join('\n') + '\n',
  );
  const proc: ChildProcess = spawn(MOSQUITTO_BIN, ['-c', conf], { stdio: 'ignore' });
  const url = `mqtt://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const c = await mqtt.connectAsync(url, {
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 1000,
      });
      await c.endAsync();
      break;
    } catch (e) {
      if (i > 50) throw new Error(`mosquitto did not start on ${url}: ${(e as Error).message}`);
      await sleep(100);
    }
  }
  return {
    url,
    describe: `mosquitto 2.0.11 (private instance, ${url})`,
    async close() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
