/**
 * Latency rows, both at half of the ingest's max rate (the ingest row's figure on Mosquitto when it ran
 * before in this run, otherwise measured here with a short burst):
 * - `commit`: publish → committed, from the reading's `ts` (the publisher's clock when it published) to its
 *   row's `received_at` (the transaction's time, PostgreSQL now()); no baseline in the issue.
 * - `live`: publish → a socket.io `/live` client's `layer:delta` handler (clients in a child process), vs a
 *   bare `ws` relay (mqtt subscribe → JSON → send to every client at once) of the same messages, same rate,
 *   same number of clients, its own broker instance.
 */
import { type BenchRow, type Measured, type RowContext, pct, sleep, until } from '../lib/bench.ts';
import { privateMosquitto, type Broker } from '../lib/mosquitto.ts';
import { registerDevices, startBenchIoc, storedOf, type RunningIoc } from '../lib/ioc.ts';
import { startChild, type Child } from '../lib/proc.ts';
import { DISPLAY_TOKEN } from '../../ioc-server/test/support/start-ioc.ts';
import { ingestRate } from './ingest.ts';

const DEVICES = 200;

async function halfMaxRate(ctx: RowContext, ioc: RunningIoc, url: string, tag: string): Promise<number> {
  const given = ctx.flag('rate', 0);
  if (given > 0) return given;
  let max = ctx.shared.get('ingest.maxRate');
  if (!max) {
    await registerDevices(url, `${tag}m`, DEVICES);
    await until(async () => (await storedOf(ioc, `${tag}m`)).n >= DEVICES, 30_000, 100);
    const r = await ingestRate({ url, stored: (p) => storedOf(ioc, p) }, `${tag}m`, {
      n: ctx.flag('rate-probe-n', 4000),
      devices: DEVICES,
      inflight: 1000,
      timeoutMs: 60_000,
      already: DEVICES,
    });
    max = Number.isFinite(r.rate) ? r.rate : 1000;
    ctx.shared.set('ingest.maxRate', max);
    ctx.log(`    max rate probe: ${Math.round(max)} msg/s`);
  }
  return Math.max(10, Math.round(max / 2));
}

async function publishAtRate(url: string, prefix: string, rate: number, seconds: number): Promise<number> {
  const { child } = await startChild(
    'mqtt-publisher.ts',
    { url, prefix, devices: DEVICES, mode: 'rate', n: 0, rate, seconds, inflight: 0 },
    { limitMs: (seconds + 60) * 1000 },
  );
  child.send({ type: 'go' });
  const done = await child.next('done', (seconds + 30) * 1000);
  await child.stop();
  return done.sent as number;
}

let broker: Broker | null = null;
let ioc: RunningIoc | null = null;

export const commitLatencyRow: BenchRow = {
  name: 'commit',
  title: 'publish → committed',
  method:
    'p50/p99 from MQTT publish (reading ts) to its row committed (received_at) at half of the max ingest rate, Mosquitto, PGlite + TimescaleDB',
  runs: 3,
  targets: [{ text: 'p99 ≤ 250 ms', met: (m) => m.value <= 250, applies: (l) => l.startsWith('p99') }],
  async setup() {
    broker = await privateMosquitto();
    ioc = await startBenchIoc({ mqttUrl: broker.url });
  },
  async run(ctx, runIndex) {
    const tag = `c${process.pid}r${runIndex}`;
    const rate = await halfMaxRate(ctx, ioc!, broker!.url, tag);
    await registerDevices(broker!.url, tag, DEVICES);
    await until(async () => (await storedOf(ioc!, tag)).n >= DEVICES, 30_000, 100);
    const seconds = ctx.flag('latency-seconds', 8);
    const since = new Date();
    const sent = await publishAtRate(broker!.url, tag, rate, seconds);
    await until(async () => (await storedOf(ioc!, tag)).n >= sent + DEVICES, 30_000, 100);
    const rows = await ioc!.app.db.query<{ ms: number }>(
      `SELECT (extract(epoch FROM received_at - ts) * 1000)::float8 AS ms FROM observations
       WHERE device_id LIKE $1 AND ts >= $2`,
      [`${tag}-%`, since],
    );
    const ms = rows.map((r) => r.ms);
    ctx.log(
      `    ${rate} msg/s for ${seconds} s: ${ms.length}/${sent} committed, p50 ${pct(ms, 50).toFixed(0)} ms, p99 ${pct(ms, 99).toFixed(0)} ms`,
    );
    const notes = { 'rate msg/s': rate, committed: ms.length, sent };
    return [
      { label: 'p50 ms publish → committed', value: pct(ms, 50), notes },
      { label: 'p99 ms publish → committed', value: pct(ms, 99), notes },
    ];
  },
  async teardown() {
    await ioc?.close();
    await broker?.close();
    ioc = null;
  },
};

let bareBroker: Broker | null = null;
const children: Child[] = [];
let liveClients: Child | null = null;
let wsClients: Child | null = null;
let liveClientsN = 0;

export const liveLatencyRow: BenchRow = {
  name: 'live',
  title: 'publish → client',
  method:
    'p50/p99 from MQTT publish to the socket.io /live client handler (sensors layer, N clients in a child process), ingest at half of max rate; vs a bare ws relay of the same messages to the same number of ws clients',
  runs: 3,
  targets: [
    { text: 'p50 ≤ 30 ms', met: (m) => m.value <= 30, applies: (l) => l.startsWith('p50') },
    { text: 'p99 ≤ 100 ms', met: (m) => m.value <= 100, applies: (l) => l.startsWith('p99') },
  ],
  async setup(ctx) {
    const n = ctx.flag('live-clients', 50);
    liveClientsN = n;
    broker = await privateMosquitto();
    bareBroker = await privateMosquitto();
    ioc = await startBenchIoc({ mqttUrl: broker.url });
    const relay = await startChild(
      'ws-server.ts',
      { mode: 'relay', mqttUrl: bareBroker.url },
      { limitMs: 900_000 },
    );
    children.push(relay.child);
    const lc = await startChild(
      'live-clients.ts',
      {
        baseUrl: ioc.baseUrl,
        token: DISPLAY_TOKEN,
        n,
        layers: ['sensors'],
        encoding: 'json',
        mode: 'latency',
      },
      { limitMs: 900_000 },
    );
    liveClients = lc.child;
    const wc = await startChild(
      'ws-clients.ts',
      { url: `ws://127.0.0.1:${relay.ready.port as number}`, n, mode: 'latency' },
      { limitMs: 900_000 },
    );
    wsClients = wc.child;
    children.push(lc.child, wc.child);
    ctx.log(`    ${n} socket.io clients, ${n} ws clients`);
  },
  async run(ctx, runIndex) {
    const tag = `l${process.pid}r${runIndex}`;
    const rate = await halfMaxRate(ctx, ioc!, broker!.url, tag);
    const seconds = ctx.flag('latency-seconds', 8);
    await registerDevices(broker!.url, tag, DEVICES);
    await until(async () => (await storedOf(ioc!, tag)).n >= DEVICES, 30_000, 100);
    await sleep(600);
    liveClients!.send({ type: 'report' });
    await liveClients!.next('report');
    // CPU of each side while the readings flow, in % of one core (2 cores here: 200 % is all of them).
    const iocCpu = process.cpuUsage();
    const wall0 = performance.now();
    await publishAtRate(broker!.url, tag, rate, seconds);
    await sleep(1500);
    const iocCpuMs = ((u) => (u.user + u.system) / 1000)(process.cpuUsage(iocCpu));
    const wallMs = performance.now() - wall0;
    liveClients!.send({ type: 'report' });
    const report = await liveClients!.next('report');
    const ours = report.latencies as number[];
    const cpuPct = (ms: number): number => Math.round((100 * ms) / wallMs);
    await registerDevices(bareBroker!.url, tag, DEVICES);
    await sleep(300);
    wsClients!.send({ type: 'report' });
    await wsClients!.next('report');
    await publishAtRate(bareBroker!.url, tag, rate, seconds);
    await sleep(1500);
    wsClients!.send({ type: 'report' });
    const bare = (await wsClients!.next('report')).latencies as number[];
    const cpu = { ioc: cpuPct(iocCpuMs), clients: cpuPct(report.cpuMs as number) };
    ctx.log(
      `    ${rate} msg/s for ${seconds} s: /live p50 ${pct(ours, 50)} p99 ${pct(ours, 99)} ms (${ours.length} samples); ws p50 ${pct(bare, 50)} p99 ${pct(bare, 99)} ms (${bare.length}); CPU % of a core: IOC ${cpu.ioc}, its ${liveClientsN} clients ${cpu.clients}`,
    );
    const notes = {
      'rate msg/s': rate,
      samples: ours.length,
      'baseline samples': bare.length,
      'IOC CPU % of a core': cpu.ioc,
      'clients CPU % of a core': cpu.clients,
    };
    const out: Measured[] = [50, 99].map((p) => ({
      label: `p${p} ms publish → /live handler`,
      value: pct(ours, p),
      baseline: { label: `bare ws relay p${p} ms`, value: pct(bare, p) },
      notes,
    }));
    return out;
  },
  async teardown() {
    for (const c of children.splice(0)) await c.stop();
    await ioc?.close();
    await broker?.close();
    await bareBroker?.close();
    ioc = null;
  },
};
