/**
 * Layer rows on the real server (buildApp, in-process event log, production LIVE_TICK_MS), clients in child processes:
 * - `fanout`: feature updates/s delivered to 1,000 `/live` clients while the sensors layer changes as fast as
 *   the hub takes it (every feature of a working set, each round), vs a bare `ws` server broadcasting the
 *   socket.io frame of one such delta (the same bytes) to 1,000 `ws` clients as fast as they drain;
 * - `memory`: RSS growth of the server process per idle `/live` client (connected, subscribed to `alerts`) at
 *   5,000 clients, vs a bare `ws` server process holding 5,000 `ws` connections; both after a full GC;
 * - `join`: a new wall's cold join (`wall` encoding, as the wall asks) of 100,000 incidents + 2,000 sensors:
 *   time to the last byte of the last snapshot, after one change (the gateway's kept snapshot + one delta)
 *   and after a tenth of the layer changed (a fresh encode), and bytes per feature; the panel's first
 *   `layer:text` is counted apart.
 */
import { type BenchRow, type Measured, sleep } from '../lib/bench.ts';
import { incident, seed, sensor } from '../lib/features.ts';
import { startBenchIoc, type RunningIoc } from '../lib/ioc.ts';
import { startChild, type Child } from '../lib/proc.ts';
import { DISPLAY_TOKEN } from '../../ioc-server/test/support/start-ioc.ts';

let ioc: RunningIoc | null = null;
const children: Child[] = [];
const stopAll = async () => {
  for (const c of children.splice(0)) await c.stop();
};

/** `total` clients in `per`-sized child processes of `script`. */
async function clientFleet(
  script: string,
  total: number,
  per: number,
  config: Record<string, unknown>,
): Promise<Child[]> {
  const started = await Promise.all(
    Array.from({ length: Math.ceil(total / per) }, (_, i) =>
      startChild(
        script,
        { ...config, n: Math.min(per, total - i * per) },
        { limitMs: 900_000, readyTimeoutMs: 300_000 },
      ),
    ),
  );
  const fleet = started.map((s) => s.child);
  children.push(...fleet);
  return fleet;
}

async function report(
  fleet: Child[],
): Promise<{ features: number; bytes: number; connected: number; rss: number }[]> {
  for (const c of fleet) c.send({ type: 'report' });
  return Promise.all(
    fleet.map(
      async (c) =>
        (await c.next('report')) as unknown as {
          features: number;
          bytes: number;
          connected: number;
          rss: number;
        },
    ),
  );
}

const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((n, x) => n + f(x), 0);

let liveFleet: Child[] = [];
let wsFleet: Child[] = [];
let wsServer: Child | null = null;

export const fanoutRow: BenchRow = {
  name: 'fanout',
  title: 'fan-out',
  method:
    'sensor feature updates/s delivered to 1,000 /live clients (socket.io, child processes) with the layer changing at saturation; vs a bare ws server broadcasting the same delta frame to 1,000 ws clients',
  runs: 3,
  targets: [{ text: '≥ 0.7× baseline', met: (m) => !!m.baseline && m.value / m.baseline.value >= 0.7 }],
  async setup(ctx) {
    const n = ctx.flag('fanout-clients', 1000);
    const set = ctx.flag('fanout-features', 500);
    ioc = await startBenchIoc();
    const now = Date.now();
    await seed(
      (f) => ioc!.app.hub.apply('sensors', f),
      (i) => sensor(i, now),
      set,
    );
    liveFleet = await clientFleet('live-clients.ts', n, 250, {
      baseUrl: ioc.baseUrl,
      token: DISPLAY_TOKEN,
      layers: ['sensors'],
      encoding: 'json',
      mode: 'count',
    });
    const s = await startChild('ws-server.ts', { mode: 'broadcast' }, { limitMs: 900_000 });
    wsServer = s.child;
    children.push(s.child);
    wsFleet = await clientFleet('ws-clients.ts', n, 250, {
      url: `ws://127.0.0.1:${s.ready.port as number}`,
      mode: 'count',
    });
    ctx.log(
      `    ${n} socket.io clients and ${n} ws clients in ${liveFleet.length + wsFleet.length} processes; ${set} features change each round`,
    );
  },
  async run(ctx, runIndex) {
    const seconds = ctx.flag('fanout-seconds', 6);
    const set = ctx.flag('fanout-features', 500);
    await report(liveFleet);
    const t0 = Date.now();
    let round = 0;
    let frame = '';
    // Saturation: every feature of the set changes, round after round, as fast as the hub appends them.
    while (Date.now() - t0 < seconds * 1000) {
      round++;
      const now = Date.now();
      const changed = Array.from({ length: set }, (_, i) => sensor(i, now, runIndex * 10_000 + round));
      await ioc!.app.hub.apply('sensors', changed);
      if (!frame)
        frame = `42/live,${JSON.stringify(['layer:delta', { layer: 'sensors', from: 1, seq: 2, upserts: changed, removes: [], changedAt: now }])}`;
      await new Promise((r) => setImmediate(r));
    }
    await sleep(1000); // the last ticks
    const ours = await report(liveFleet);
    const oursRate = sum(ours, (r) => r.features) / ((Date.now() - t0) / 1000);
    await report(wsFleet);
    const b0 = Date.now();
    wsServer!.send({
      type: 'broadcast',
      frame: frame.slice(frame.indexOf('{', frame.indexOf('layer:delta')), -1),
      seconds,
    });
    await wsServer!.next('broadcasted', (seconds + 60) * 1000);
    await sleep(1000);
    const bare = await report(wsFleet);
    const bareRate = sum(bare, (r) => r.features) / ((Date.now() - b0) / 1000);
    ctx.log(
      `    /live ${Math.round(oursRate)} features/s (${round} rounds applied, ${(sum(ours, (r) => r.bytes) / 1e6).toFixed(0)} MB); ws ${Math.round(bareRate)} features/s (${(sum(bare, (r) => r.bytes) / 1e6).toFixed(0)} MB)`,
    );
    return [
      {
        label: 'feature updates/s delivered to all clients',
        value: oursRate,
        baseline: { label: 'bare ws broadcast', value: bareRate },
        notes: { 'frame bytes': frame.length, 'rounds applied': round },
      },
    ];
  },
  async teardown() {
    await stopAll();
    await ioc?.close();
    ioc = null;
  },
};

export const memoryRow: BenchRow = {
  name: 'memory',
  title: 'memory per client',
  method:
    'RSS growth (after full GC) of the server process per idle /live client (connected, subscribed to alerts) at 5,000 clients; vs a bare ws server process holding 5,000 ws connections',
  runs: 1,
  targets: [{ text: '≤ 25 KB', met: (m) => m.value <= 25 }],
  async run(ctx) {
    const n = ctx.flag('memory-clients', 5000);
    const per = 1000;
    const host = await startChild('ioc-host.ts', {}, { limitMs: 900_000, nodeArgs: ['--expose-gc'] });
    children.push(host.child);
    await sleep(2000);
    host.child.send({ type: 'rss' });
    const before = (await host.child.next('rss')).rss as number;
    const t0 = Date.now();
    const fleet = await clientFleet('live-clients.ts', n, per, {
      baseUrl: host.ready.baseUrl,
      token: host.ready.token,
      layers: ['alerts'],
      encoding: 'columnar',
      mode: 'idle',
      concurrency: 20,
    });
    const connectS = (Date.now() - t0) / 1000;
    await sleep(2000);
    host.child.send({ type: 'rss' });
    const after = (await host.child.next('rss')).rss as number;
    const connected = sum(await report(fleet), (r) => r.connected);
    for (const c of fleet) await c.stop();
    await host.child.stop();

    const ws = await startChild(
      'ws-server.ts',
      { mode: 'idle' },
      { limitMs: 900_000, nodeArgs: ['--expose-gc'] },
    );
    children.push(ws.child);
    ws.child.send({ type: 'rss' });
    const wsBefore = (await ws.child.next('rss')).rss as number;
    const wsFleetIdle = await clientFleet('ws-clients.ts', n, per, {
      url: `ws://127.0.0.1:${ws.ready.port as number}`,
      mode: 'idle',
      concurrency: 20,
    });
    await sleep(1000);
    ws.child.send({ type: 'rss' });
    const wsAfter = (await ws.child.next('rss')).rss as number;
    const wsConnected = sum(await report(wsFleetIdle), (r) => r.connected);
    await stopAll();
    const kb = (after - before) / connected / 1024;
    const wsKb = (wsAfter - wsBefore) / wsConnected / 1024;
    ctx.log(
      `    /live: ${connected} clients in ${connectS.toFixed(0)} s, RSS ${(before / 2 ** 20).toFixed(0)} → ${(after / 2 ** 20).toFixed(0)} MiB; ws: ${wsConnected} clients, ${(wsBefore / 2 ** 20).toFixed(0)} → ${(wsAfter / 2 ** 20).toFixed(0)} MiB`,
    );
    const m: Measured = {
      label: 'KB RSS per idle /live client',
      value: kb,
      baseline: { label: 'KB per bare ws connection', value: wsKb },
      notes: { clients: connected, 'connect s': connectS },
    };
    return [m];
  },
  async teardown() {
    await stopAll();
  },
};

let joiner: Child | null = null;
let joinIncidents = 1;
let round = 0;

export const coldJoinRow: BenchRow = {
  name: 'join',
  title: 'cold join',
  method:
    'a new wall (socket.io client, wall encoding: typed binary columns, titles left out) subscribes to incidents and sensors holding 100,000 incidents + 2,000 sensors: ms to the last byte of the last snapshot after one incident changed (the kept encoded snapshot + the delta since it) and after a tenth of the layer changed (a fresh encode), and bytes per feature; notes: the decode, a join at the same seq, the panel’s first layer:text (5 titles)',
  runs: 3,
  targets: [
    { text: '≤ 300 ms to the last byte', met: (m) => m.value <= 300, applies: (l) => l.startsWith('ms') },
    { text: '≤ 40 B/feature', met: (m) => m.value <= 40, applies: (l) => l.startsWith('B/') },
  ],
  async setup(ctx) {
    const incidents = ctx.flag('join-incidents', 100_000);
    joinIncidents = incidents;
    const sensors = ctx.flag('join-sensors', 2000);
    ioc = await startBenchIoc();
    const now = Date.now();
    await seed(
      (f) => ioc!.app.hub.apply('incidents', f),
      (i) => incident(i, now),
      incidents,
    );
    await seed(
      (f) => ioc!.app.hub.apply('sensors', f),
      (i) => sensor(i, now),
      sensors,
    );
    await sleep(1000);
    const j = await startChild(
      'live-clients.ts',
      { baseUrl: ioc.baseUrl, token: DISPLAY_TOKEN, n: 0, layers: [], encoding: 'wall', mode: 'idle' },
      { limitMs: 900_000 },
    );
    joiner = j.child;
    children.push(j.child);
    ctx.log(
      `    ${incidents.toLocaleString('en')} incidents + ${sensors.toLocaleString('en')} sensors on the hub`,
    );
  },
  async run(ctx) {
    // The server runs in this process: its CPU time over a join is a figure the machine's load does not
    // stretch the way it stretches wall time.
    const join = async () => {
      const cpu0 = process.cpuUsage();
      joiner!.send({ type: 'join', layers: ['incidents', 'sensors'], encoding: 'wall', textIds: 5 });
      const r = await joiner!.next('joined', 150_000);
      const cpu = process.cpuUsage(cpu0);
      return { ...r, serverCpuMs: (cpu.user + cpu.system) / 1000 };
    };
    round++;
    // More than a tenth of the layer changes: the gateway drops its kept snapshot and encodes afresh (the
    // first wall on a hub, or one after a storm of changes).
    const now = Date.now();
    await ioc!.app.hub.apply(
      'incidents',
      Array.from({ length: Math.ceil(joinIncidents / 10) + 1 }, (_, k) =>
        incident((round * 7919 + k) % joinIncidents, now, round),
      ),
    );
    // Long enough for the hub to have logged and flushed the burst: the join is measured, not the burst.
    await sleep(1500);
    const fresh = await join();
    // One incident changes: the usual join on a live hub gets the kept snapshot and the delta since it.
    await ioc!.app.hub.apply('incidents', [incident(round % joinIncidents, Date.now(), round + 1000)]);
    await sleep(300);
    const r = await join();
    const again = await join();
    const ms = r.ms as number;
    const bpf = (r.bytes as number) / (r.features as number);
    ctx.log(
      `    ${(r.features as number).toLocaleString('en')} features in ${ms.toFixed(0)} ms after a change (kept snapshot + delta), ${(fresh.ms as number).toFixed(0)} ms with a fresh encode (server CPU ${fresh.serverCpuMs.toFixed(0)} vs ${r.serverCpuMs.toFixed(0)} ms), ${(again.ms as number).toFixed(0)} ms at the same seq; ${((r.bytes as number) / 1e6).toFixed(2)} MB, ${bpf.toFixed(1)} B/feature; decode ${(r.decodeMs as number).toFixed(0)} ms; 5 titles: ${r.textBytes as number} B in ${(r.textMs as number).toFixed(0)} ms`,
    );
    return [
      {
        label: 'ms to the last byte (after a change)',
        value: ms,
        notes: {
          features: r.features as number,
          bytes: r.bytes as number,
          'decode ms': r.decodeMs as number,
          'server CPU ms': r.serverCpuMs,
          'same-seq join ms': again.ms as number,
          'panel layer:text bytes (5 titles)': r.textBytes as number,
          'panel layer:text ms': r.textMs as number,
        },
      },
      {
        label: 'ms to the last byte (fresh encode)',
        value: fresh.ms as number,
        notes: {
          bytes: fresh.bytes as number,
          'decode ms': fresh.decodeMs as number,
          'server CPU ms': fresh.serverCpuMs,
        },
      },
      { label: 'B/feature on the wire', value: bpf },
    ];
  },
  async teardown() {
    await stopAll();
    await ioc?.close();
    ioc = null;
  },
};
