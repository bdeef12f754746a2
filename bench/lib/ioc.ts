/**
 * The real IOC for the bench rows: the whole app (buildApp) in this process on free loopback ports, embedded
 * TimescaleDB (PGlite + timescaledb) in a temporary folder, the production LIVE_TICK_MS (250 ms, its default:
 * the longest a change waits under load; an idle hub sends at once), alarms and every plugin on, the
 * simulator off (the load generators are the traffic). The embedded database in its worker thread (the
 * server's default), or on the server's thread with EMBEDDED_DB_THREAD=main, as for the server itself.
 */
import mqtt from 'mqtt';
import { startIoc, type RunningIoc } from '../../ioc-server/test/support/start-ioc.ts';
import { sleep } from './bench.ts';

export type { RunningIoc };

export async function startBenchIoc(opts: { mqttUrl?: string } = {}): Promise<RunningIoc> {
  return startIoc({
    ...(opts.mqttUrl ? { mqttUrl: opts.mqttUrl } : {}),
    overrides: {
      liveTickMs: 250,
      logLevel: 'silent',
      simulator: false,
      embeddedDbThread: process.env.EMBEDDED_DB_THREAD === 'main' ? 'main' : 'worker',
    },
  });
}

/** Count of stored readings of devices `<prefix>-*` and the newest received_at (ms), from the server's DB. */
export async function storedOf(
  ioc: RunningIoc,
  prefix: string,
): Promise<{ n: number; lastAt: number | null }> {
  const [row] = await ioc.app.db.query<{ n: number; last: Date | null }>(
    `SELECT count(*)::int AS n, max(received_at) AS last FROM observations WHERE device_id LIKE $1`,
    [`${prefix}-%`],
  );
  return { n: row?.n ?? 0, lastAt: row?.last ? new Date(row.last).getTime() : null };
}

/** Publishes one reading per device once so they are registered (devices table, sensors layer) before timing. */
export async function registerDevices(
  url: string,
  prefix: string,
  devices: number,
  creds?: { username: string; password: string },
): Promise<void> {
  const c = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, ...(creds ?? {}) });
  const ts = new Date(Date.now() - 60_000).toISOString();
  await Promise.all(
    Array.from({ length: devices }, (_, k) =>
      c.publishAsync(`hue/sensors/rain/${prefix}-${k}`, JSON.stringify({ ts, value: 1 }), { qos: 1 }),
    ),
  );
  await c.endAsync();
  await sleep(50);
}
