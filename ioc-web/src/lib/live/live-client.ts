import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  decodeWallFeatures,
  isKpiUpdate,
  isLayerTextAck,
  isSubscribeAck,
  isTickerItem,
  LAYER_TEXT_MAX_IDS,
  LIVE_NAMESPACE,
  LIVE_PROTOCOL_VERSION,
  WALL_TEXT_FIELDS,
  type LayerDelta,
  type LayerId,
  type LayerSnapshot,
  type LiveClientToServer,
  type KpiUpdate,
  type LiveError,
  type LiveHandshakeAuth,
  type LiveServerToClient,
  type SubscribeRequest,
  type TickerItem,
} from '@hue-ioc/layers';
import { LayerSync } from './layer-sync';

export type LiveSocket = Socket<LiveServerToClient, LiveClientToServer>;

const APPLY_TIMINGS = 50;
/** Texts kept per layer (titles of what the wall has shown): a wall asks for a handful at a time. */
const MAX_TEXTS = 5_000;

/** The text fields a `wall` snapshot leaves out (WALL_TEXT_FIELDS), of one feature: `{ title }`. */
export type LayerText = Readonly<Record<string, string | null>>;

/**
 * What the UI shows about the link (the explicit connection state of STYLE.md, "realtime protocols"):
 * - `connecting`: no data yet, trying to connect and subscribe;
 * - `live`: connected and every layer subscribed;
 * - `reconnecting`: the link dropped after data arrived; the data shown is from `dataTime`;
 * - `error`: the server refused the handshake or a subscription (`failure` says why); retried slowly.
 */
export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'error';

export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** `serverTime` (ms) of the newest snapshot or delta applied; null before the first. */
  readonly dataTime: number | null;
  readonly failure: LiveError | null;
}

/** How long applying one delta took on the main thread (LayerSync + the page's `onLayer`), for benchmarks. */
export interface ApplyTiming {
  layer: LayerId;
  /** Upserts + removes in the delta. */
  changes: number;
  ms: number;
}

/** Codes the client itself gives failures that carry no server code. */
export const CLIENT_FAILURE = {
  refused: 'IOC_LIVE_REFUSED',
  badAck: 'IOC_LIVE_BAD_ACK',
} as const;

export interface LiveClientOptions {
  /** Display token for `auth.token`; null connects without one (the server decides). */
  token: string | null;
  layers: readonly LayerId[];
  /** Server origin; default the page's own origin (Fastify serves the app and /live together). */
  origin?: string;
  /** Called after a snapshot or delta changed `sync`'s layer. */
  onLayer: (sync: LayerSync) => void;
  onState: (state: ConnectionState) => void;
  /** `ticker` lines (the server sends the newest ~30 again on every connect: dedupe by `id`). */
  onTicker?: (item: TickerItem) => void;
  /** `kpi:update` values as they arrive. */
  onKpi?: (update: KpiUpdate) => void;
  ackTimeoutMs?: number;
  /** Wait before trying again after the server refused the handshake or a subscription. */
  refusedRetryMs?: number;
  /** socket.io's `io`; tests pass a fake. */
  connect?: (url: string, options: Partial<ManagerOptions & SocketOptions>) => LiveSocket;
}

function failureFromConnectError(error: Error): LiveError {
  const data = (error as Error & { data?: unknown }).data;
  const code =
    typeof data === 'object' && data !== null && typeof (data as LiveError).code === 'string'
      ? (data as LiveError).code
      : CLIENT_FAILURE.refused;
  return { code, message: error.message };
}

/**
 * One socket.io connection to `/live` that keeps a LayerSync per subscribed layer current:
 * subscribes after every (re)connect with the last seq applied, re-subscribes on a gap, and retries
 * forever — a wall screen has nobody to press reload.
 */
export class LiveClient {
  readonly #options: Required<Omit<LiveClientOptions, 'origin' | 'onTicker' | 'onKpi'>> &
    Pick<LiveClientOptions, 'onTicker' | 'onKpi'>;
  readonly #socket: LiveSocket;
  readonly #syncs = new Map<LayerId, LayerSync>();
  /** Layers with a subscribe in flight; `true` when a gap arrived meanwhile and another is due. */
  readonly #inFlight = new Map<LayerId, boolean>();
  /** Counts connections, so that an ack from before a reconnect is not taken for a current one. */
  #epoch = 0;
  readonly #subscribed = new Set<LayerId>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #state: ConnectionState = { status: 'connecting', dataTime: null, failure: null };
  /** The last APPLY_TIMINGS deltas' apply times (a fixed ring: nothing grows on a wall that runs for weeks). */
  readonly #timings: ApplyTiming[] = [];
  /**
   * Text by layer, then by feature id (no key made per lookup: a delta's ids are looked up as they are), with
   * the feature version it belongs to. Filled by `texts()` (`layer:text`) and by deltas, which carry their
   * features' text: an upsert replaces the entry, a remove drops it. Oldest first, at most MAX_TEXTS a layer.
   */
  readonly #texts = new Map<LayerId, Map<string, { version: number | undefined; text: LayerText }>>();
  #closed = false;

  constructor(options: LiveClientOptions) {
    this.#options = { ackTimeoutMs: 5_000, refusedRetryMs: 30_000, connect: io, ...options };
    for (const layer of options.layers) this.#syncs.set(layer, new LayerSync(layer));
    const auth = (): LiveHandshakeAuth => ({
      ...(this.#options.token ? { token: this.#options.token } : {}),
      protocol: LIVE_PROTOCOL_VERSION,
      // Snapshots as typed binary columns without free text (wall-wire.ts): ~15–25 B per incident instead of
      // ~190 in columnar JSON; titles are fetched for what the wall shows (`texts`).
      encoding: 'wall',
    });
    this.#socket = this.#options.connect(`${options.origin ?? ''}${LIVE_NAMESPACE}`, {
      autoConnect: false,
      // A function so every reconnect sends the current auth.
      auth: (cb) => cb(auth()),
      reconnection: true,
      reconnectionAttempts: Infinity,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
    });
    this.#wire();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Main-thread time of the latest deltas applied, oldest first. */
  applyTimings(): readonly ApplyTiming[] {
    return [...this.#timings];
  }

  start(): void {
    this.#socket.connect();
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#socket.removeAllListeners();
    this.#socket.io.removeAllListeners();
    this.#socket.disconnect();
  }

  #wire(): void {
    const socket = this.#socket;
    socket.on('connect', () => {
      this.#epoch++;
      this.#inFlight.clear();
      this.#subscribed.clear();
      this.#setState({ status: this.#waitingStatus(), failure: null });
      for (const layer of this.#syncs.keys()) void this.#subscribe(layer);
    });
    socket.on('connect_error', (error) => {
      // socket.active: a transport failure that socket.io retries by itself. Otherwise the server
      // refused the handshake (token, protocol version): show why, and try again later.
      if (socket.active) {
        this.#setState({ status: this.#waitingStatus() });
        return;
      }
      this.#setState({ status: 'error', failure: failureFromConnectError(error) });
      this.#later(this.#options.refusedRetryMs, () => socket.connect());
    });
    socket.on('disconnect', (reason) => {
      this.#subscribed.clear();
      if (this.#state.status !== 'error') this.#setState({ status: this.#waitingStatus() });
      // After a server-side disconnect socket.io does not reconnect on its own.
      if (reason === 'io server disconnect') this.#later(2_000, () => socket.connect());
    });
    socket.on('layer:snapshot', (snapshot) => {
      const sync = this.#syncs.get(snapshot?.layer);
      if (!sync) return;
      const plain = this.#unpacked(snapshot);
      if (!plain) {
        // A snapshot that cannot be read: ask again rather than show a layer that is not the server's.
        this.#later(2_000, () => void this.#subscribe(sync.layer));
        return;
      }
      if (sync.applySnapshot(plain)) this.#changed(sync);
    });
    socket.on('ticker', (item) => {
      if (isTickerItem(item)) this.#options.onTicker?.(item);
    });
    socket.on('kpi:update', (update) => {
      if (isKpiUpdate(update)) this.#options.onKpi?.(update);
    });
    socket.on('layer:delta', (delta) => {
      const sync = this.#syncs.get(delta?.layer);
      if (!sync) return;
      const started = performance.now();
      const outcome = sync.applyDelta(delta);
      if (outcome === 'applied') this.#textsFromDelta(delta);
      if (outcome === 'applied') {
        this.#changed(sync);
        this.#timings.push({
          layer: sync.layer,
          changes: delta.upserts.length + delta.removes.length,
          ms: performance.now() - started,
        });
        if (this.#timings.length > APPLY_TIMINGS) this.#timings.shift();
      } else if (outcome === 'gap') void this.#subscribe(sync.layer);
    });
  }

  async #subscribe(layer: LayerId): Promise<void> {
    if (this.#closed || !this.#socket.connected) return;
    if (this.#inFlight.has(layer)) {
      this.#inFlight.set(layer, true);
      return;
    }
    this.#inFlight.set(layer, false);
    const epoch = this.#epoch;
    const since = this.#syncs.get(layer)?.since;
    const request: SubscribeRequest = since === undefined ? { layer } : { layer, since };
    let ack: unknown;
    try {
      ack = await this.#socket.timeout(this.#options.ackTimeoutMs).emitWithAck('subscribe', request);
    } catch {
      if (epoch !== this.#epoch) return;
      // No answer in time: ask again (#subscribe does nothing while disconnected; 'connect' will).
      this.#inFlight.delete(layer);
      this.#later(2_000, () => void this.#subscribe(layer));
      return;
    }
    if (epoch !== this.#epoch) return;
    const again = this.#inFlight.get(layer) === true;
    this.#inFlight.delete(layer);
    if (!isSubscribeAck(ack)) {
      this.#refused({ code: CLIENT_FAILURE.badAck, message: 'subscribe: unexpected answer' }, layer);
      return;
    }
    if (!ack.ok) {
      this.#refused(ack.error, layer);
      return;
    }
    this.#subscribed.add(layer);
    if (this.#subscribed.size === this.#syncs.size) {
      this.#setState({ status: 'live', failure: null });
    }
    if (again) void this.#subscribe(layer);
  }

  /**
   * The text fields `wall` snapshots leave out (an incident's title) for these ids, from the cache where it
   * holds the feature's current version, else through `layer:text` (LAYER_TEXT_MAX_IDS per request). Ids
   * the server does not answer (not on the layer, or not this principal's to see) are not in the result.
   * Rejects when the server refuses or does not answer in time; the caller shows what it has.
   */
  async texts(layer: LayerId, ids: readonly string[]): Promise<ReadonlyMap<string, LayerText>> {
    const out = new Map<string, LayerText>();
    const missing: string[] = [];
    const features = this.#syncs.get(layer)?.view?.state.features;
    const texts = this.#texts.get(layer);
    for (const id of new Set(ids)) {
      const cached = texts?.get(id);
      const version = versionOf(features?.get(id)?.props);
      if (cached && (version === undefined || cached.version === version)) out.set(id, cached.text);
      else missing.push(id);
    }
    for (let i = 0; i < missing.length; i += LAYER_TEXT_MAX_IDS) {
      const ack: unknown = await this.#socket
        .timeout(this.#options.ackTimeoutMs)
        .emitWithAck('layer:text', { layer, ids: missing.slice(i, i + LAYER_TEXT_MAX_IDS) });
      if (!isLayerTextAck(ack)) throw new Error('layer:text: unexpected answer');
      if (!ack.ok) throw Object.assign(new Error(ack.error.message), { code: ack.error.code });
      for (const item of ack.items) {
        this.#keepText(layer, item.id, item.version, item.text);
        out.set(item.id, item.text);
      }
    }
    return out;
  }

  /**
   * Deltas are JSON with their text: they refresh (or drop) what the cache holds of their features. Only
   * entries already cached are refreshed (the titles the wall asked for): caching every upsert cost ~1 ms
   * of a 1,000-feature delta on the wall's main thread (issue 15, bench wall-delta) for texts nobody shows,
   * and so did making a `layer:id` key per upsert to look it up (now a map per layer, keyed by the id).
   */
  #textsFromDelta(delta: LayerDelta): void {
    const fields = WALL_TEXT_FIELDS[delta.layer];
    const texts = this.#texts.get(delta.layer);
    if (!fields || !texts || texts.size === 0) return;
    for (const id of delta.removes) texts.delete(id);
    for (const f of delta.upserts) {
      if (!texts.has(f.id)) continue;
      const props = f.props as Record<string, unknown> | null;
      if (typeof props !== 'object' || props === null) continue;
      const text: Record<string, string | null> = {};
      for (const k of Object.keys(fields)) {
        const v = props[k];
        text[k] = typeof v === 'string' ? v : null;
      }
      this.#keepText(delta.layer, f.id, versionOf(props), text);
    }
  }

  #keepText(layer: LayerId, id: string, version: number | undefined, text: LayerText): void {
    let texts = this.#texts.get(layer);
    if (!texts) this.#texts.set(layer, (texts = new Map()));
    texts.delete(id);
    texts.set(id, { version, text });
    if (texts.size > MAX_TEXTS) texts.delete(texts.keys().next().value!);
  }

  /** A snapshot with its features decoded when it came `packed` (wall-wire.ts); null when it is unreadable. */
  #unpacked(snapshot: LayerSnapshot): LayerSnapshot | null {
    if (typeof snapshot !== 'object' || snapshot === null || snapshot.packed === undefined) return snapshot;
    try {
      const { features } = decodeWallFeatures(snapshot.packed);
      const { packed: _packed, ...rest } = snapshot;
      return { ...rest, features };
    } catch {
      return null;
    }
  }

  #refused(failure: LiveError, layer: LayerId): void {
    this.#setState({ status: 'error', failure });
    this.#later(this.#options.refusedRetryMs, () => void this.#subscribe(layer));
  }

  #changed(sync: LayerSync): void {
    const time = sync.view?.serverTime ?? null;
    if (time !== null && (this.#state.dataTime === null || time > this.#state.dataTime)) {
      this.#setState({ dataTime: time });
    }
    this.#options.onLayer(sync);
  }

  /** Connecting before any data; reconnecting once some is on screen. */
  #waitingStatus(): ConnectionStatus {
    return this.#state.dataTime === null ? 'connecting' : 'reconnecting';
  }

  #setState(change: Partial<ConnectionState>): void {
    const next = { ...this.#state, ...change };
    if (
      next.status === this.#state.status &&
      next.dataTime === this.#state.dataTime &&
      next.failure === this.#state.failure
    ) {
      return;
    }
    this.#state = next;
    this.#options.onState(next);
  }

  #later(ms: number, fn: () => void): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#closed) fn();
    }, ms);
    this.#timers.add(timer);
  }
}

const versionOf = (props: unknown): number | undefined => {
  const v = (props as { version?: unknown } | null | undefined)?.version;
  return typeof v === 'number' ? v : undefined;
};
