import { parseArgs } from 'node:util';
import { isScenario, SCENARIOS, type Scenario } from './scenario.ts';

export interface CliOptions {
  url: string | null;
  mqtt: string | null;
  scenario: Scenario;
  speed: number;
  durationMs: number;
  secret: string;
  seed: number;
  /** Model start; null: now. */
  start: Date | null;
  rate: number;
  geoDir: string | null;
  progressMs: number;
}

export const CLI_USAGE = `Huế simulator: plays Hue-S, the 19001075 hotline, KPI feeds, cameras and sensors against a running IOC.

  npm run simulate -- --url http://localhost:8080 --mqtt mqtt://127.0.0.1:1883 \\
                      --scenario flood --speed 60 --duration 10m --secret hue-demo-secret [--seed 46]

  --url URL          the IOC's base URL for the signed webhooks (omit with --no-webhooks)
  --mqtt URL         the MQTT broker (mqtt://, mqtts://, ws://, wss://) for sensors and cameras (omit with --no-mqtt)
  --scenario NAME    ${SCENARIOS.join(' | ')} (default normal)
  --speed N          model time runs N× faster than wall time (0.1–10000, default 60)
  --duration D       how long to run, wall time: 90s, 10m, 1h30m (default 10m)
  --secret S         webhook secret (INGEST_SECRET_HUES/_HOTLINE/_KPI; default hue-demo-secret, demo mode)
  --seed N           seed of the run (integer, default 46)
  --start TIME       model start, ISO 8601, e.g. 2025-10-27T08:00:00+07:00 (default now)
  --rate N           multiplies citizen report rates (default 1: ~120 Hue-S reports a model day)
  --geo-dir DIR      folder with hue_wards_2025.geojson (default geo/ in the repository)
  --progress D       time between progress lines (default 5s)
  --no-webhooks, --no-mqtt   leave one side out
`;

export type CliParse =
  { ok: true; options: CliOptions } | { ok: false; help: true } | { ok: false; help: false; error: string };

/** "90s", "10m", "1h30m", "2h", or a bare number of seconds → milliseconds; null when not a duration. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(t);
  if (!m || t === '') return null;
  const [, h, min, s] = m;
  return Math.round(((Number(h ?? 0) * 60 + Number(min ?? 0)) * 60 + Number(s ?? 0)) * 1000);
}

function checkUrl(value: string, flag: string, protocols: string[]): string | Error {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return new Error(
      `${flag} "${value}" is not a URL (e.g. ${protocols[0]}//127.0.0.1:${flag === '--url' ? 8080 : 1883})`,
    );
  }
  if (!protocols.includes(url.protocol))
    return new Error(
      `${flag} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, not ${url.protocol}//`,
    );
  return value.replace(/\/+$/, '');
}

/** Reads and checks the command line; every mistake gets a message that says what to write instead. */
export function parseCliArgs(argv: readonly string[]): CliParse {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        mqtt: { type: 'string' },
        scenario: { type: 'string', default: 'normal' },
        speed: { type: 'string', default: '60' },
        duration: { type: 'string', default: '10m' },
        secret: { type: 'string', default: 'hue-demo-secret' },
        seed: { type: 'string', default: '46' },
        start: { type: 'string' },
        rate: { type: 'string', default: '1' },
        'geo-dir': { type: 'string' },
        progress: { type: 'string', default: '5s' },
        'no-webhooks': { type: 'boolean', default: false },
        'no-mqtt': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    return { ok: false, help: false, error: (e as Error).message };
  }
  if (values.help) return { ok: false, help: true };
  const fail = (error: string): CliParse => ({ ok: false, help: false, error });

  let url: string | null = null;
  if (!values['no-webhooks']) {
    if (!values.url)
      return fail('--url is required (the IOC, e.g. --url http://localhost:8080), or pass --no-webhooks');
    const u = checkUrl(values.url, '--url', ['http:', 'https:']);
    if (u instanceof Error) return fail(u.message);
    url = u;
  }
  let mqttUrl: string | null = null;
  if (!values['no-mqtt']) {
    if (!values.mqtt)
      return fail('--mqtt is required (the broker, e.g. --mqtt mqtt://127.0.0.1:1883), or pass --no-mqtt');
    const u = checkUrl(values.mqtt, '--mqtt', ['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:']);
    if (u instanceof Error) return fail(u.message);
    mqttUrl = u;
  }
  if (url === null && mqttUrl === null)
    return fail('--no-webhooks and --no-mqtt together leave nothing to simulate');

  const scenario = values.scenario;
  if (!isScenario(scenario))
    return fail(`--scenario must be one of ${SCENARIOS.join(', ')}, not "${scenario}"`);
  const speed = Number(values.speed);
  if (!Number.isFinite(speed) || speed < 0.1 || speed > 10_000)
    return fail(`--speed must be a number from 0.1 to 10000, not "${values.speed}"`);
  const durationMs = parseDuration(values.duration);
  if (durationMs === null || durationMs <= 0)
    return fail(`--duration must be like 90s, 10m or 1h30m, not "${values.duration}"`);
  const progressMs = parseDuration(values.progress);
  if (progressMs === null || progressMs < 500)
    return fail(`--progress must be a duration of at least 0.5s, not "${values.progress}"`);
  if (!values.secret || values.secret.trim() === '') return fail('--secret must not be empty');
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) return fail(`--seed must be an integer, not "${values.seed}"`);
  const rate = Number(values.rate);
  if (!Number.isFinite(rate) || rate < 0 || rate > 100)
    return fail(`--rate must be a number from 0 to 100, not "${values.rate}"`);
  let start: Date | null = null;
  if (values.start !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(values.start))
      return fail(
        `--start must be an ISO 8601 time with its offset, e.g. 2025-10-27T08:00:00+07:00, not "${values.start}"`,
      );
    start = new Date(values.start);
    if (Number.isNaN(start.getTime())) return fail(`--start "${values.start}" is not a valid time`);
  }
  return {
    ok: true,
    options: {
      url,
      mqtt: mqttUrl,
      scenario,
      speed,
      durationMs,
      secret: values.secret,
      seed,
      start,
      rate,
      geoDir: values['geo-dir'] ?? null,
      progressMs,
    },
  };
}
