/* eslint-disable no-console -- a command-line tool: its progress and errors are for the terminal */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WardIndex } from '../geo/wards.ts';
import { referenceCameraSeeds } from '../devices/reference-cameras.ts';
import { referenceDeviceSeeds } from '../devices/reference-devices.ts';
import type { Logger } from '../logger.ts';
import { CLI_USAGE, parseCliArgs, type CliOptions } from './cli-args.ts';
import { FLOOD_CURVES, floodLevel, type FloodCurve } from './scenario.ts';
import { Simulator, type SimulatorStats } from './simulator.ts';

/*
 * npm run simulate -- --url http://localhost:8080 --mqtt mqtt://127.0.0.1:1883 --scenario flood --speed 60 \
 *                     --duration 10m --secret hue-demo-secret [--seed 46]
 * Plays every channel against a running IOC through its public entry points, prints progress, stops after
 * --duration (or Ctrl-C).
 */

const DEFAULT_GEO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../geo');

/** "2025-10-27 09:35" in Huế (UTC+7, no daylight saving). */
function hueTime(t: Date): string {
  return new Date(t.getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** "Kim Long 2.31 m BĐ II" at the current model time of a flood run. */
function riverLine(stats: SimulatorStats, modelStart: number): string {
  const minutes = (stats.modelTime.getTime() - modelStart) / 60_000;
  const level = (name: string, c: FloodCurve) => {
    const v = floodLevel(c, minutes);
    const bd = c.thresholds.filter((t) => v >= t).length;
    return `${name} ${v.toFixed(2)} m${bd > 0 ? ` BĐ ${['I', 'II', 'III'][bd - 1]}` : ''}`;
  };
  return ` · ${level('Kim Long', FLOOD_CURVES['kim-long'] as FloodCurve)}, ${level('Phú Ốc', FLOOD_CURVES['phu-oc'] as FloodCurve)}`;
}

function progressLine(stats: SimulatorStats, sinceMs: number, opts: CliOptions, modelStart: number): string {
  const { sent, failed, outcomes } = stats;
  const totalFailed = Object.values(failed).reduce((s, n) => s + n, 0);
  const parts = [
    `[${elapsed(sinceMs)}] model ${hueTime(stats.modelTime)} (Asia/Ho_Chi_Minh)`,
    `Hue-S ${sent.hue_s}`,
    `hotline ${sent.hotline}`,
    `KPI ${sent.kpi}`,
    `sensors ${sent.sensor}`,
    `camera events ${sent.camera_event}`,
    `heartbeats ${sent.camera_status}`,
    `failed ${totalFailed}`,
    `incidents ${outcomes.created} new / ${outcomes.merged} merged`,
  ];
  if (stats.queued > 0) parts.push(`waiting ${stats.queued}`);
  return parts.join(' · ') + (opts.scenario === 'flood' ? riverLine(stats, modelStart) : '');
}

/** Warnings and errors on stderr as one line each; the rest is the progress line's job. */
const terminalLogger: Logger = {
  debug() {},
  info() {},
  warn(obj, msg) {
    console.error(`warn: ${msg ?? ''} ${JSON.stringify(obj)}`);
  },
  error(obj, msg) {
    console.error(`error: ${msg ?? ''} ${JSON.stringify(obj)}`);
  },
};

/** Any HTTP answer will do: it tells a wrong --url from a server that is down before the run starts. */
async function reachable(url: string): Promise<string | null> {
  try {
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
    return null;
  } catch (e) {
    const err = e as { message?: string; cause?: { code?: string; message?: string } };
    return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
  }
}

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (!parsed.ok) {
    if (parsed.help) {
      console.log(CLI_USAGE);
      return 0;
    }
    console.error(`simulate: ${parsed.error}\n\n${CLI_USAGE}`);
    return 2;
  }
  const opts = parsed.options;
  let wards: WardIndex;
  try {
    wards = await WardIndex.load(opts.geoDir ?? DEFAULT_GEO_DIR);
  } catch (e) {
    console.error(`simulate: ${(e as Error).message} (pass --geo-dir)`);
    return 2;
  }
  if (opts.url) {
    const problem = await reachable(opts.url);
    if (problem) {
      console.error(
        `simulate: cannot reach the IOC at ${opts.url} (${problem}); start it (npm start) or fix --url`,
      );
      return 1;
    }
  }

  const devices = referenceDeviceSeeds(wards).map((d) => ({
    id: d.id,
    kind: d.kind,
    expectedIntervalS: d.expectedIntervalS,
    thresholds: d.thresholds,
  }));
  const sim = new Simulator({
    mqttUrl: opts.mqtt,
    devices,
    speed: opts.speed,
    logger: terminalLogger,
    seed: opts.seed,
    scenario: opts.scenario,
    wards,
    cameras: referenceCameraSeeds(wards),
    reportRate: opts.rate,
    mqttRetryConnect: false,
    ...(opts.start ? { modelStart: opts.start } : {}),
    ...(opts.url
      ? {
          webhooks: {
            baseUrl: opts.url,
            secrets: { hueS: opts.secret, hotline: opts.secret, kpi: opts.secret },
          },
        }
      : {}),
  });

  try {
    await sim.start();
  } catch (e) {
    console.error(`simulate: cannot connect to the MQTT broker at ${opts.mqtt}: ${(e as Error).message}`);
    await sim.stop();
    return 1;
  }
  const begun = Date.now();
  const modelStart = sim.modelStartTime.getTime();
  const stats0 = sim.stats();
  console.log(
    `Simulating ${opts.scenario} at ${opts.speed}× for ${elapsed(opts.durationMs)} (seed ${opts.seed}, run ${stats0.runId}, ` +
      `channels ${sim.channels().join(', ')}) → ${[opts.url, opts.mqtt].filter(Boolean).join(' and ')}`,
  );

  const finished = new Promise<void>((resolveDone) => {
    const progress = setInterval(
      () => console.log(progressLine(sim.stats(), Date.now() - begun, opts, modelStart)),
      opts.progressMs,
    );
    const end = setTimeout(done, opts.durationMs);
    const onSignal = () => {
      console.log('\nstopping…');
      done();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    function done() {
      clearInterval(progress);
      clearTimeout(end);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolveDone();
    }
  });
  await finished;
  await sim.stop({ drainMs: 5000 });

  const stats = sim.stats();
  console.log(progressLine(stats, Date.now() - begun, opts, modelStart));
  const sent = Object.values(stats.sent).reduce((s, n) => s + n, 0);
  const failed = Object.values(stats.failed).reduce((s, n) => s + n, 0);
  console.log(
    `done: ${sent} accepted, ${failed} failed${stats.lastFailure ? ` (last: ${stats.lastFailure})` : ''}` +
      `${stats.dropped > 0 ? `, ${stats.dropped} not sent before the end` : ''}; ` +
      `server outcomes ${JSON.stringify(stats.outcomes)}`,
  );
  return sent === 0 && failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`simulate: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 1;
  },
);
