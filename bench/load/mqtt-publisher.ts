/**
 * Load generator (child process): publishes rain-gauge readings `hue/sensors/rain/<prefix>-<k>` with QoS 1,
 * `{ ts, value }` as the simulator sends them, `ts` the wall-clock time of publishing (unique per device, so
 * no reading is a duplicate). `burst`: `n` messages with at most `inflight` unacknowledged; `rate`: `rate`
 * messages a second for `seconds`. Reports what it sent and when.
 */
import mqtt from 'mqtt';
import { childSide } from '../lib/proc.ts';

interface Config {
  url: string;
  username?: string;
  password?: string;
  prefix: string;
  devices: number;
  mode: 'burst' | 'rate';
  n: number;
  rate: number;
  seconds: number;
  inflight: number;
}

const side = childSide<Config>();
const c = side.config;
const client = await mqtt.connectAsync(c.url, {
  protocolVersion: 4,
  reconnectPeriod: 0,
  ...(c.username ? { username: c.username, password: c.password } : {}),
});
const last = new Map<number, number>();
const count = new Map<number, number>();

/**
 * Rain as a gauge network reports it: each gauge's rate drifts slowly (2–8 mm/h, below BĐ I's 10 mm/h), and
 * one gauge in 40 climbs steadily (+0.1 mm/h a reading) through BĐ I and BĐ II, so the alarm path raises a
 * few alarms and writes their new peaks during the run. (An earlier sawtooth 0–30 over all gauges made every
 * gauge flap across BĐ I every few readings: an alarm storm of ~1,200 incidents per 20,000 readings, which
 * measured incident creation, not ingest.)
 */
function payload(i: number): { topic: string; body: string } {
  const k = i % c.devices;
  const t = Math.max(Date.now(), (last.get(k) ?? 0) + 1);
  last.set(k, t);
  const j = count.get(k) ?? 0;
  count.set(k, j + 1);
  const drift = 5 + 3 * Math.sin(j / 50 + k);
  const value = Math.round((k % 40 === 0 ? drift + j / 10 : drift) * 10) / 10;
  return {
    topic: `hue/sensors/rain/${c.prefix}-${k}`,
    body: JSON.stringify({ ts: new Date(t).toISOString(), value }),
  };
}

side.on('go', async () => {
  const firstAt = Date.now();
  let sent = 0;
  let acked = 0;
  let failed = 0;
  if (c.mode === 'burst') {
    await new Promise<void>((done) => {
      const pump = () => {
        while (sent < c.n && sent - acked - failed < c.inflight) {
          const { topic, body } = payload(sent++);
          client.publishAsync(topic, body, { qos: 1 }).then(
            () => {
              acked++;
              if (acked + failed === c.n) done();
              else pump();
            },
            () => {
              failed++;
              if (acked + failed === c.n) done();
              else pump();
            },
          );
        }
      };
      pump();
    });
  } else {
    const end = firstAt + c.seconds * 1000;
    while (Date.now() < end) {
      const due = Math.floor(((Date.now() - firstAt) / 1000) * c.rate);
      for (; sent < due; sent++) {
        const { topic, body } = payload(sent);
        client.publishAsync(topic, body, { qos: 1 }).then(
          () => acked++,
          () => failed++,
        );
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    const drain = Date.now() + 10_000;
    while (acked + failed < sent && Date.now() < drain) await new Promise((r) => setTimeout(r, 10));
  }
  side.send({ type: 'done', sent, acked, failed, firstAt, lastAt: Date.now() });
});

side.on('stop', async () => {
  await client.endAsync();
  process.exit(0);
});
side.send({ type: 'ready' });
