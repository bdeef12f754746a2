/**
 * Durable ingest: QoS 1 readings from a publisher process → broker → the server's pipeline (MqttSource →
 * validate, normalise → one transaction per batch into `observations` + devices + dead letters → sensors
 * layer → alarms) → PUBACK after commit. Figure: readings stored per second, from the first publish to the
 * newest `received_at` once all `n` are in. Baseline, same run, same broker, same database kind and table:
 * BareIngest (bare-ingest.ts). Brokers: Mosquitto (private instance of the machine's binary, or
 * `--mosquitto-url`) and the server's embedded broker (baseline: a standalone embedded broker).
 * Database: the embedded PGlite + TimescaleDB on both sides — the machine's PostgreSQL 15 has no
 * TimescaleDB and migration 0002 (hypertables) does not apply there, so the server cannot start on it.
 */
import { startEmbeddedBroker, type EmbeddedBroker } from '@hue-ioc/streams';
import { type BenchRow, type Measured, type RowContext, sleep, until } from '../lib/bench.ts';
import { BareIngest } from '../lib/bare-ingest.ts';
import { privateMosquitto, type Broker } from '../lib/mosquitto.ts';
import { registerDevices, startBenchIoc, storedOf, type RunningIoc } from '../lib/ioc.ts';
import { startChild } from '../lib/proc.ts';

interface Side {
  url: string;
  creds?: { username: string; password: string };
  stored(prefix: string): Promise<{ n: number; lastAt: number | null }>;
}

/** Publishes `n` readings from a child process into `side`; readings per second stored (NaN if not all came). */
export async function ingestRate(
  side: Side,
  prefix: string,
  opts: { n: number; devices: number; inflight: number; timeoutMs: number; already?: number },
): Promise<{ rate: number; stored: number; seconds: number }> {
  const { child } = await startChild(
    'mqtt-publisher.ts',
    {
      url: side.url,
      ...(side.creds ?? {}),
      prefix,
      devices: opts.devices,
      mode: 'burst',
      n: opts.n,
      rate: 0,
      seconds: 0,
      inflight: opts.inflight,
    },
    { limitMs: opts.timeoutMs + 30_000 },
  );
  try {
    child.send({ type: 'go' });
    const done = await child.next('done', opts.timeoutMs);
    const firstAt = done.firstAt as number;
    const last = await until(
      async () => {
        const s = await side.stored(prefix);
        return s.n >= opts.n + (opts.already ?? 0) ? s : null;
      },
      Math.max(1000, opts.timeoutMs - (Date.now() - firstAt)),
      100,
    );
    const s = last ?? (await side.stored(prefix));
    const seconds = ((s.lastAt ?? Date.now()) - firstAt) / 1000;
    const complete = s.n >= opts.n + (opts.already ?? 0);
    return { rate: complete ? opts.n / seconds : NaN, stored: s.n - (opts.already ?? 0), seconds };
  } finally {
    await child.stop();
  }
}

// Two private instances: the server's and the bare script's, so that neither stores the other's burst.
let mosquitto: Broker | null = null;
let mosquittoBare: Broker | null = null;
let mosquittoUrl = '';
let mosquittoBareUrl = '';
let embeddedBare: EmbeddedBroker | null = null;
let oursMosquitto: RunningIoc | null = null;
let oursEmbedded: RunningIoc | null = null;
let bare: BareIngest | null = null;
const stops: (() => Promise<void>)[] = [];

export const ingestRow: BenchRow = {
  name: 'ingest',
  title: 'durable ingest',
  method:
    'MQTT QoS 1 → pipeline → TimescaleDB (PGlite) committed, alarms on, PUBACK after commit; vs a bare mqtt subscribe → batch → unnest INSERT into the same table, same broker, same run',
  runs: 3,
  targets: [
    { text: '≥ 50,000 msg/s', met: (m) => m.value >= 50_000 },
    { text: '≥ 0.8× baseline', met: (m) => !!m.baseline && m.value / m.baseline.value >= 0.8 },
  ],
  async setup(ctx: RowContext) {
    const given = ctx.flagText('mosquitto-url', '');
    if (given) mosquittoUrl = mosquittoBareUrl = given;
    else {
      mosquitto = await privateMosquitto();
      mosquittoBare = await privateMosquitto();
      mosquittoUrl = mosquitto.url;
      mosquittoBareUrl = mosquittoBare.url;
    }
    ctx.log(
      `  broker: ${mosquitto?.describe ?? `mosquitto at ${given}`}; database: embedded PGlite + TimescaleDB`,
    );
    oursMosquitto = await startBenchIoc({ mqttUrl: mosquittoUrl });
    oursEmbedded = await startBenchIoc();
    bare = await BareIngest.open();
    embeddedBare = await startEmbeddedBroker({ port: 0, host: '127.0.0.1' });
    stops.push(await bare.subscribe(mosquittoBareUrl));
    stops.push(await bare.subscribe(embeddedBare.url, embeddedBare.credentials.ingest));
  },
  async run(ctx, runIndex) {
    const n = ctx.flag('ingest-n', 10_000);
    const devices = ctx.flag('ingest-devices', 200);
    const opts = {
      n,
      devices,
      inflight: ctx.flag('ingest-inflight', 1000),
      timeoutMs: ctx.flag('ingest-timeout-s', 90) * 1000,
    };
    const results: Measured[] = [];
    const sides: [string, Side, Side][] = [
      [
        'Mosquitto',
        { url: mosquittoUrl, stored: (p) => storedOf(oursMosquitto!, p) },
        { url: mosquittoBareUrl, stored: (p) => bare!.stored(p) },
      ],
      [
        'embedded broker',
        { url: oursEmbedded!.mqttUrl, stored: (p) => storedOf(oursEmbedded!, p) },
        { url: embeddedBare!.url, stored: (p) => bare!.stored(p) },
      ],
    ];
    for (const [broker, ours, base] of sides) {
      // Device ids are lower-case (the topic schema refuses others).
      const tag = `b${process.pid}r${runIndex}${broker[0]!.toLowerCase()}`;
      // Devices registered first (once per run): the figure is the steady state, not auto-registration.
      await registerDevices(ours.url, `${tag}o`, devices);
      await registerDevices(base.url, `${tag}b`, devices);
      await until(async () => (await ours.stored(`${tag}o`)).n >= devices, 30_000, 100);
      await until(async () => (await base.stored(`${tag}b`)).n >= devices, 30_000, 100);
      await sleep(300);
      const o = await ingestRate(ours, `${tag}o`, { ...opts, already: devices });
      const b = await ingestRate(base, `${tag}b`, { ...opts, already: devices });
      ctx.log(
        `    ${broker}: ours ${Math.round(o.rate)} msg/s (${o.stored} in ${o.seconds.toFixed(2)} s), bare ${Math.round(b.rate)} msg/s`,
      );
      results.push({
        label: `msg/s stored, ${broker}`,
        value: o.rate,
        baseline: { label: 'bare mqtt → unnest INSERT', value: b.rate },
      });
      if (broker === 'Mosquitto' && Number.isFinite(o.rate))
        ctx.shared.set('ingest.maxRate', Math.max(ctx.shared.get('ingest.maxRate') ?? 0, o.rate));
    }
    return results;
  },
  async teardown() {
    for (const s of stops.splice(0)) await s();
    await oursMosquitto?.close();
    await oursEmbedded?.close();
    await embeddedBare?.close();
    await bare?.close();
    await mosquitto?.close();
    await mosquittoBare?.close();
    oursMosquitto = oursEmbedded = null;
  },
};
