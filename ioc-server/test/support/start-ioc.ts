import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { io as ioClient, type Socket } from 'socket.io-client';
import {
  applyDelta,
  LIVE_PROTOCOL_VERSION,
  stateFromSnapshot,
  type LiveClientToServer,
  type LiveServerToClient,
} from '@hue-ioc/layers';
import { loadConfig, type Config } from '../../src/config.ts';
import { buildApp } from '../../src/app.ts';
import type { Db } from '../../src/storage/db.ts';

export interface RunningIoc {
  app: FastifyInstance;
  baseUrl: string;
  /** The broker the server subscribes to (embedded or the one given). */
  mqttUrl: string;
  dataDir: string;
  config: Config;
  /** Stops the app; removes the data folder unless `keepData`. */
  close(opts?: { keepData?: boolean }): Promise<void>;
}

export const DISPLAY_TOKEN = 'test-display-token-46';

/**
 * Starts the whole IOC on free ports: embedded TimescaleDB in a temp folder (or `dataDir`), the embedded
 * MQTT broker on a free port unless `mqttUrl` names a real broker, the web app when it is built.
 */
export async function startIoc(
  opts: {
    mqttUrl?: string;
    dataDir?: string;
    overrides?: Partial<Config>;
    /** Wraps the database at its port (a fault-injecting test double: support/faulty-db.ts). */
    wrapDb?: (db: Db) => Db;
  } = {},
): Promise<RunningIoc> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'hue-ioc-test-')));
  const config = loadConfig({}, 'default', {
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    dataDir,
    mqttUrl: opts.mqttUrl ?? null,
    mqttPort: 0,
    mqttPortExplicit: true,
    displayToken: DISPLAY_TOKEN,
    liveTickMs: 50,
    // A distinct MQTT client id per test server: persistent sessions must not leak between tests.
    nodeId: `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    // The deadline scheduler would mark tests' past-due cases with the real clock and bump their versions
    // mid-test: tests sweep with a fake clock (deadlines.int.spec.ts) or set it themselves.
    deadlineSweepS: 3600,
    ...opts.overrides,
  });
  const app = await buildApp(config, opts.wrapDb ? { wrapDb: opts.wrapDb } : {});
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    mqttUrl: app.mqtt.url,
    dataDir,
    config,
    async close(closeOpts) {
      await app.close();
      if (!closeOpts?.keepData && !opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type LiveClient = Socket<LiveServerToClient, LiveClientToServer>;

export function connectLive(
  baseUrl: string,
  auth: Record<string, unknown> = { token: DISPLAY_TOKEN, protocol: LIVE_PROTOCOL_VERSION },
): LiveClient {
  return ioClient(`${baseUrl}/live`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

/** Resolves when `predicate` holds, polling every 25 ms; rejects after `timeoutMs` with `what`. */
export async function waitFor<T>(
  what: string,
  fn: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A /live client that behaves as the protocol asks of real clients: applies snapshots and deltas,
 * re-subscribes with `since` on a gap, and counts what it saw, so tests can assert "no gap, no duplicate".
 */
export class LiveMirror {
  state: import('@hue-ioc/layers').LayerState | null = null;
  snapshots = 0;
  deltas = 0;
  gaps = 0;
  /** `changedAt` of the last snapshot or delta: when the layer last changed, by the event log. */
  changedAt: number | null = null;
  readonly socket: LiveClient;

  constructor(
    baseUrl: string,
    readonly layer: import('@hue-ioc/layers').LayerId,
    opts: { reconnection?: boolean } = {},
  ) {
    this.socket = ioClient(`${baseUrl}/live`, {
      auth: { token: DISPLAY_TOKEN, protocol: LIVE_PROTOCOL_VERSION },
      transports: ['websocket'],
      reconnection: opts.reconnection ?? false,
      reconnectionDelay: 100,
      forceNew: true,
    });
    this.socket.on('layer:snapshot', (s) => {
      if (s.layer !== layer) return;
      this.snapshots++;
      this.state = stateFromSnapshot(s);
      this.changedAt = s.changedAt;
    });
    this.socket.on('layer:delta', (d) => {
      if (d.layer !== layer || !this.state) return;
      if (d.from !== this.state.seq) {
        this.gaps++;
        void this.subscribe();
        return;
      }
      this.deltas++;
      this.state = applyDelta(this.state, d).state;
      this.changedAt = d.changedAt;
    });
    this.socket.on('connect', () => {
      void this.subscribe();
    });
  }

  async subscribe(): Promise<import('@hue-ioc/layers').SubscribeAck> {
    const since = this.state?.seq;
    return this.socket
      .timeout(10_000)
      .emitWithAck('subscribe', since === undefined ? { layer: this.layer } : { layer: this.layer, since });
  }

  features(): Map<string, unknown> {
    return new Map([...(this.state?.features ?? new Map())].map(([id, f]) => [id, f]));
  }

  close(): void {
    this.socket.close();
  }
}
