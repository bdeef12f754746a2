import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_WALL_CONFIG,
  mapStyleUrlProblem,
  validateWallConfig,
  type WallConfig,
} from '@hue-ioc/layers';

/** The repository root, found from this file so relative defaults do not depend on the working directory. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type Profile = 'start' | 'default';

export interface Config {
  port: number;
  host: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * `json` (one object a line, for collectors), `pretty` (pino-pretty lines for a person at a terminal),
   * or `auto`: pretty when the output is a terminal, JSON otherwise (a container, a pipe, a file).
   */
  logFormat: 'json' | 'pretty' | 'auto';
  /** Unset: embedded TimescaleDB (PGlite) under dataDir. */
  databaseUrl: string | null;
  /**
   * EMBEDDED_DB_THREAD: where the embedded database runs: `worker` (default: its own thread, so a query's
   * WASM never blocks MQTT, /live and HTTP) or `main` (the server's thread, as before).
   */
  embeddedDbThread: 'worker' | 'main';
  /** Unset: in-process event log and bus. */
  redisUrl: string | null;
  /** Prefix of every Redis key of this deployment. */
  redisPrefix: string;
  /** Unset: an embedded MQTT broker on mqttPort. */
  mqttUrl: string | null;
  mqttPort: number;
  /**
   * MQTT_BIND: the embedded broker's address (default 127.0.0.1). Off loopback (e.g. 0.0.0.0) every client
   * needs credentials: a device its own (POST /api/admin/devices/:id/credentials), the server its internal one.
   */
  mqttBind: string;
  /**
   * Subscribe as `$share/<group>/...` so several nodes split one broker's stream, each message handled
   * once. Default: on (`hue-ioc`) when both MQTT_URL and REDIS_URL are set, i.e. a multi-node deployment.
   */
  mqttSharedGroup: string | null;
  /** True when MQTT_PORT was given: then a taken port is an error, not a fallback. */
  mqttPortExplicit: boolean;
  dataDir: string;
  geoDir: string;
  simulator: boolean;
  simulatorSpeed: number;
  demo: boolean;
  demoPassword: string;
  displayToken: string | null;
  ingestSecrets: {
    hueS: string | null;
    hotline: string | null;
    kpi: string | null;
    open311: string | null;
    /**
     * INGEST_SECRET_CAP: signs POST /api/ingest/cap (a warning service's CAP documents). Optional in the type so
     * a caller's own `ingestSecrets` without it leaves CAP in unconfigured (503), as an unset variable does.
     */
    cap?: string | null;
  };
  sessionSecret: string | null;
  adminUsername: string | null;
  adminPassword: string | null;
  /** A session unused this long ends (SESSION_IDLE_MINUTES, default 60); an open /live socket counts as use. */
  sessionIdleS: number;
  /** A session ends this long after login whatever its use (SESSION_MAX_HOURS, default 12: one shift). */
  sessionMaxS: number;
  /**
   * LIVE_TICK_MS (10–250, default 250): the longest a layer change waits before its delta goes out, under
   * load. An idle hub sends a change at once; under load it waits as long as its last flush took, at
   * most this, so changes coalesce into fewer deltas (live/layer-hub.ts; ARCHITECTURE.md: ≤ 250 ms).
   */
  liveTickMs: number;
  /**
   * How far back a reconnecting /live client can resume without a snapshot: entries kept per layer by the
   * in-process event log (EVENT_LOG_ENTRIES, default 10000; the Redis log keeps its own MAXLEN) and by each
   * node's hub (LIVE_HISTORY_ENTRIES, default 5000). Both are bounded buffers: memory grows while they
   * fill, then stays flat (the soak, bench/soak.ts, shows when they are full).
   */
  liveHistory: { eventLogEntries: number; hubEntries: number };
  /** Where the built web app is; null to serve no web app (API-only tests). */
  webDir: string | null;
  /** CHROMIUM_PATH: the browser GET /api/briefing.pdf renders with (default Debian's /usr/bin/chromium). */
  chromiumPath?: string;
  /** Node name for logs and MQTT client ids. */
  nodeId: string;
  /** WALL_CONFIG_FILE: the wall's scenes and playlists as JSON; null for DEFAULT_WALL_CONFIG. */
  wallConfigFile: string | null;
  /** The wall's scenes and playlists (GET /api/wall/config): read from wallConfigFile and checked at start. */
  wall: WallConfig;
  /**
   * MAP_STYLE_URL: the basemap of the wall and the consoles, a MapLibre style (http/https) or a PMTiles
   * archive (pmtiles://); null for the offline style the web app ships (layers/src/api/map.ts).
   */
  mapStyleUrl: string | null;
  /**
   * MEDIA_ORIGINS: where citizens' photos and videos (Hue-S) and camera snapshots are served from, comma-
   * separated origins (https://media.hue-s.vn,https://camera.hue.gov.vn); the consoles may show images and
   * video from these (the CSP's img-src and media-src) and from nowhere else. Empty: links only.
   */
  mediaOrigins: string[];
  /**
   * How old or far ahead an inbound timestamp may be before it is dead-lettered (IOC_INGEST_TIME):
   * INGEST_MAX_AGE_DAYS (default 30) and INGEST_MAX_SKEW_S (default 300) for every live channel;
   * INGEST_CSV_MAX_AGE_DAYS (default 366) for the hotline CSV import, which loads past months' tickets.
   */
  ingestTimeWindow: { maxAgeDays: number; maxSkewS: number; csvMaxAgeDays: number };
  /** INGEST_RATE_LIMIT: webhook requests per minute per source and sending address (default 600). */
  ingestRateLimit: number;
  /**
   * TRUST_PROXY: the reverse proxies whose X-Forwarded-For/-Proto/-Host are believed (Fastify's
   * `trustProxy`: addresses, CIDRs, or loopback/linklocal/uniquelocal). Off by default: a client's own
   * X-Forwarded-Proto then never makes a cookie Secure, nor its X-Forwarded-For its address.
   */
  trustProxy: string[] | false;
  /**
   * INGEST_STALL_SECONDS (default 30): an ingest pipeline with messages waiting and nothing committed for
   * this long is stalled: /readyz answers 503 naming it and `ioc_ingest_stalled{pipeline}` is 1.
   */
  ingestStallS: number;
  /**
   * INGEST_SPOOL_MB (default 256; 0 for none): the on-disk spool (DATA_DIR/spool/) that takes MQTT batches
   * while the database is unreachable, so they are acknowledged and survive a restart. Full, or off, the
   * batches are not acknowledged and the broker holds them (persistent session).
   */
  ingestSpoolBytes: number;
  /**
   * DEADLINE_SWEEP_SECONDS (default 30): how often the deadline scheduler marks overdue cases (sla_breached)
   * and escalates those far past it; one node at a time does it.
   */
  deadlineSweepS: number;
  /**
   * HUES_CALLBACK_URL: where the answers to Hue-S reporters go (a signed POST per public status change, the
   * published reply and public comments; ARCHITECTURE.md "REST", Citizen feedback). Unset: those messages are
   * kept `held` in the outbox and sent once it is set and the node restarts.
   */
  huesCallbackUrl: string | null;
  /**
   * OPEN311_CALLBACK_URL: where the status changes of requests made through Open311 POST go (issue 14): a POST
   * in mySociety's servicerequestupdates shape, signed like the Hue-S callback with INGEST_SECRET_OPEN311.
   * Unset: those messages are kept `held`, as Hue-S's are.
   */
  open311CallbackUrl: string | null;
  /**
   * CAP in (issue 14): CAP_FEED_URL, an Atom/RSS feed or a single CAP document polled every
   * CAP_FEED_INTERVAL_SECONDS (default 120); unset: only POST /api/ingest/cap.
   */
  capFeed: { url: string | null; intervalS: number };
  /**
   * PUBLIC_BASE_URL: the origin the public documents name (Open311 discovery, CAP `web` and Atom links, DCAT
   * download URLs); unset: taken from the request's Host.
   */
  publicBaseUrl: string | null;
  /**
   * The outbox worker (src/outbox): OUTBOX_RETRY_BASE_MS (default 2000) and OUTBOX_RETRY_CAP_MS (default
   * 600000) bound the exponential backoff with jitter, OUTBOX_MAX_ATTEMPTS (default 12) before a message is
   * `dead`, OUTBOX_POLL_MS (default 3000) between looks at the table besides the wake-up on every commit.
   */
  outbox: { retryBaseMs: number; retryCapMs: number; maxAttempts: number; pollMs: number };
  /**
   * The citizen's rating (issue 12): FEEDBACK_REOPEN_DAYS (default 7) after resolution a "không hài lòng"
   * reopens the case (later it closes it, counted as dissatisfied); RATING_WINDOW_DAYS (default 7): a resolved
   * case nobody rated closes by itself (checked every `sweepMs`).
   */
  feedback: { reopenWindowS: number; ratingWindowS: number; sweepMs: number };
}

/**
 * The MQTT client id is `hue-ioc-ingest-<nodeId>`: it must stay the same across restarts, or the broker
 * drops the persistent session holding our unacknowledged QoS 1 messages (issue 11). Host name and data
 * folder: the same on a restart, different for two nodes on one host (each has its own DATA_DIR).
 */
function defaultNodeId(dataDir: string): string {
  const host =
    hostname()
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .slice(0, 40) || 'host';
  return `ioc-${host}-${createHash('sha256').update(dataDir).digest('hex').slice(0, 8)}`;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the environment once (STYLE.md: nothing else reads process.env). Every wrong
 * variable is reported together, by name, so an operator fixes them in one go.
 */
export function loadConfig(env: Env, profile: Profile = 'default', overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const str = (name: string): string | null => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? null : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}="${raw}" must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const num = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      problems.push(`${name}="${raw}" must be a number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const onOff = (name: string, fallback: boolean): boolean => {
    const raw = str(name);
    if (raw === null) return fallback;
    const v = raw.toLowerCase();
    if (['on', 'true', '1', 'yes'].includes(v)) return true;
    if (['off', 'false', '0', 'no'].includes(v)) return false;
    problems.push(`${name}="${raw}" must be "on" or "off"`);
    return fallback;
  };
  const url = (name: string, protocols: string[]): string | null => {
    const raw = str(name);
    if (raw === null) return null;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) {
        problems.push(
          `${name} must use ${protocols.map((p) => p.replace(':', '://')).join(' or ')} (got "${u.protocol}")`,
        );
        return null;
      }
      return raw;
    } catch {
      problems.push(`${name} is not a valid URL`);
      return null;
    }
  };
  const secret = (name: string, demoDefault: string | null, demo: boolean): string | null => {
    const raw = str(name);
    if (raw !== null && raw.length < 12) problems.push(`${name} must be at least 12 characters`);
    return raw ?? (demo ? demoDefault : null);
  };

  const isStart = profile === 'start';
  const demo = onOff('DEMO', isStart);
  const logLevel = (str('LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL="${logLevel}" must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  const embeddedDbThread = (str('EMBEDDED_DB_THREAD') ?? 'worker') as Config['embeddedDbThread'];
  if (!['worker', 'main'].includes(embeddedDbThread))
    problems.push(`EMBEDDED_DB_THREAD="${embeddedDbThread}" must be worker or main`);
  const logFormat = (str('LOG_FORMAT') ?? 'auto') as Config['logFormat'];
  if (!['json', 'pretty', 'auto'].includes(logFormat)) {
    problems.push(`LOG_FORMAT="${logFormat}" must be json, pretty or auto`);
  }
  const geoDefault = resolve(REPO_ROOT, 'geo');
  const geoDir = resolve(str('GEO_DIR') ?? geoDefault);
  if (!existsSync(resolve(geoDir, 'hue_wards_2025.geojson'))) {
    problems.push(
      `GEO_DIR: no hue_wards_2025.geojson in ${geoDir}` +
        (str('GEO_DIR') === null ? ' (the default is geo/ in the repository; set GEO_DIR)' : ''),
    );
  }
  const webBuild = resolve(REPO_ROOT, 'ioc-web/build');

  const mqttUrl = url('MQTT_URL', ['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:']);
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:']);
  const shared = str('MQTT_SHARED_GROUP');
  if (shared !== null && shared !== 'off' && !/^[A-Za-z0-9_-]{1,64}$/.test(shared)) {
    problems.push(`MQTT_SHARED_GROUP="${shared}" must be letters, digits, _ or -, or "off"`);
  }
  const mqttBind = str('MQTT_BIND') ?? '127.0.0.1';
  if (mqttBind !== 'localhost' && isIP(mqttBind.replace(/^\[|\]$/g, '')) === 0) {
    problems.push(`MQTT_BIND="${mqttBind}" must be an IP address such as 127.0.0.1 or 0.0.0.0`);
  }
  const wallFile = str('WALL_CONFIG_FILE');
  const mapStyleUrl = str('MAP_STYLE_URL');
  const mapStyleProblem = mapStyleUrl === null ? null : mapStyleUrlProblem(mapStyleUrl);
  if (mapStyleProblem) problems.push(`MAP_STYLE_URL ${mapStyleProblem}`);
  const trustProxy = proxyList(str('TRUST_PROXY'), problems);
  const mediaOrigins: string[] = [];
  for (const item of (str('MEDIA_ORIGINS') ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    let u: URL | null = null;
    try {
      u = new URL(item);
    } catch {
      u = null;
    }
    if (!u || !['https:', 'http:'].includes(u.protocol) || u.origin !== item.replace(/\/$/, ''))
      problems.push(`MEDIA_ORIGINS: "${item}" must be an origin such as https://media.hue-s.vn (no path)`);
    else mediaOrigins.push(u.origin);
  }
  const config: Config = {
    port: int('PORT', 8080, 0, 65535),
    host: str('HOST') ?? '0.0.0.0',
    logLevel,
    logFormat,
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    embeddedDbThread,
    redisUrl,
    redisPrefix: str('REDIS_PREFIX') ?? 'hue-ioc',
    mqttUrl,
    mqttSharedGroup: shared === 'off' ? null : (shared ?? (mqttUrl && redisUrl ? 'hue-ioc' : null)),
    mqttPort: int('MQTT_PORT', 1883, 0, 65535),
    mqttPortExplicit: str('MQTT_PORT') !== null,
    mqttBind: mqttBind.replace(/^\[|\]$/g, ''),
    dataDir: resolve(str('DATA_DIR') ?? resolve(REPO_ROOT, '.data')),
    geoDir,
    simulator: onOff('SIMULATOR', isStart),
    simulatorSpeed: num('SIMULATOR_SPEED', 30, 0.1, 10_000),
    demo,
    demoPassword: str('DEMO_PASSWORD') ?? 'hue-demo',
    displayToken: str('DEMO_DISPLAY_TOKEN') ?? (demo ? 'hue-demo-display' : null),
    ingestSecrets: {
      hueS: secret('INGEST_SECRET_HUES', 'hue-demo-secret', demo),
      hotline: secret('INGEST_SECRET_HOTLINE', 'hue-demo-secret', demo),
      kpi: secret('INGEST_SECRET_KPI', 'hue-demo-secret', demo),
      open311: secret('INGEST_SECRET_OPEN311', 'hue-demo-secret', demo),
      cap: secret('INGEST_SECRET_CAP', 'hue-demo-secret', demo),
    },
    sessionSecret: secret('SESSION_SECRET', null, false),
    adminUsername: str('ADMIN_USERNAME'),
    adminPassword: str('ADMIN_PASSWORD'),
    sessionIdleS: int('SESSION_IDLE_MINUTES', 60, 1, 24 * 60) * 60,
    sessionMaxS: int('SESSION_MAX_HOURS', 12, 1, 7 * 24) * 3600,
    liveTickMs: int('LIVE_TICK_MS', 250, 10, 250),
    liveHistory: {
      eventLogEntries: int('EVENT_LOG_ENTRIES', 10_000, 100, 1_000_000),
      hubEntries: int('LIVE_HISTORY_ENTRIES', 5_000, 100, 1_000_000),
    },
    webDir: existsSync(resolve(webBuild, 'index.html')) ? webBuild : null,
    chromiumPath: str('CHROMIUM_PATH') ?? '/usr/bin/chromium',
    nodeId: str('NODE_ID') ?? defaultNodeId(resolve(str('DATA_DIR') ?? resolve(REPO_ROOT, '.data'))),
    wallConfigFile: wallFile === null ? null : resolve(wallFile),
    wall: DEFAULT_WALL_CONFIG,
    mapStyleUrl: mapStyleProblem ? null : mapStyleUrl,
    mediaOrigins,
    ingestTimeWindow: {
      maxAgeDays: int('INGEST_MAX_AGE_DAYS', 30, 1, 3650),
      maxSkewS: int('INGEST_MAX_SKEW_S', 300, 0, 86_400),
      csvMaxAgeDays: int('INGEST_CSV_MAX_AGE_DAYS', 366, 1, 3650),
    },
    ingestRateLimit: int('INGEST_RATE_LIMIT', 600, 1, 1_000_000),
    trustProxy,
    ingestStallS: int('INGEST_STALL_SECONDS', 30, 1, 86_400),
    ingestSpoolBytes: int('INGEST_SPOOL_MB', 256, 0, 1_000_000) * 1024 * 1024,
    deadlineSweepS: int('DEADLINE_SWEEP_SECONDS', 30, 1, 3600),
    huesCallbackUrl: url('HUES_CALLBACK_URL', ['http:', 'https:']),
    open311CallbackUrl: url('OPEN311_CALLBACK_URL', ['http:', 'https:']),
    capFeed: {
      url: url('CAP_FEED_URL', ['http:', 'https:']),
      intervalS: int('CAP_FEED_INTERVAL_SECONDS', 120, 10, 86_400),
    },
    publicBaseUrl: url('PUBLIC_BASE_URL', ['http:', 'https:']),
    outbox: {
      retryBaseMs: int('OUTBOX_RETRY_BASE_MS', 2000, 10, 3_600_000),
      retryCapMs: int('OUTBOX_RETRY_CAP_MS', 600_000, 10, 86_400_000),
      maxAttempts: int('OUTBOX_MAX_ATTEMPTS', 12, 1, 1000),
      pollMs: int('OUTBOX_POLL_MS', 3000, 50, 600_000),
    },
    feedback: {
      reopenWindowS: num('FEEDBACK_REOPEN_DAYS', 7, 0, 365) * 86_400,
      ratingWindowS: num('RATING_WINDOW_DAYS', 7, 0, 365) * 86_400,
      sweepMs: 60_000,
    },
    ...overrides,
  };
  // After the overrides, so that a caller (a test) may name its own file instead of setting `wall`.
  if (overrides.wall === undefined) config.wall = readWallConfig(config.wallConfigFile, problems);
  if (config.outbox.retryCapMs < config.outbox.retryBaseMs) {
    problems.push('OUTBOX_RETRY_CAP_MS must be at least OUTBOX_RETRY_BASE_MS');
  }
  if ((config.adminUsername === null) !== (config.adminPassword === null)) {
    problems.push('ADMIN_USERNAME and ADMIN_PASSWORD must be set together');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The names proxy-addr (Fastify's trustProxy) knows for address ranges. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/** TRUST_PROXY: off, or a comma-separated list of addresses, CIDRs and range names. */
function proxyList(raw: string | null, problems: string[]): string[] | false {
  if (raw === null || raw.toLowerCase() === 'off') return false;
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const wrong = entries.filter((e) => {
    if (PROXY_RANGES.includes(e)) return false;
    const [address, prefix, ...rest] = e.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || rest.length > 0) return true;
    if (prefix === undefined) return false;
    const bits = Number(prefix);
    return !/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128);
  });
  if (wrong.length > 0 || entries.length === 0) {
    problems.push(
      `TRUST_PROXY="${raw}" must be "off" or a comma-separated list of addresses, CIDRs ` +
        `(10.0.0.0/8), loopback, linklocal or uniquelocal${wrong.length > 0 ? ` (wrong: ${wrong.join(', ')})` : ''}`,
    );
    return false;
  }
  return entries;
}

/** The wall configuration file, parsed and validated; its problems go to `problems`, each by path. */
function readWallConfig(file: string | null, problems: string[]): WallConfig {
  if (file === null) return DEFAULT_WALL_CONFIG;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problems.push(
      `WALL_CONFIG_FILE: cannot read ${file} (${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')})`,
    );
    return DEFAULT_WALL_CONFIG;
  }
  let value: unknown;
  try {
    // A byte-order mark (files saved by Windows editors) is not JSON.
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    problems.push(`WALL_CONFIG_FILE: ${file} is not valid JSON (${(e as Error).message})`);
    return DEFAULT_WALL_CONFIG;
  }
  const result = validateWallConfig(value);
  if (result.ok) return result.config;
  problems.push(...result.problems.map((p) => `WALL_CONFIG_FILE ${file}: ${p}`));
  return DEFAULT_WALL_CONFIG;
}
