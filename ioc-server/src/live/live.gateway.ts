import type { IncomingHttpHeaders, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server, type Namespace, type ServerOptions, type Socket } from 'socket.io';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import {
  isKpiUpdate,
  LAYER_IDS,
  LIVE_ENCODINGS,
  LIVE_NAMESPACE,
  encodeColumnar,
  encodeWallFeatures,
  LayerTextRequestSchema,
  LIVE_PROTOCOL_VERSION,
  SubscribeRequestSchema,
  WALL_TEXT_FIELDS,
  UnsubscribeRequestSchema,
  type LayerDelta,
  type LayerId,
  type LayerSnapshot,
  type LayerTextAck,
  type LayerTextItem,
  type KpiUpdate,
  type LiveClientToServer,
  type LiveServerToClient,
  type SubscribeAck,
} from '@hue-ioc/layers';
import type { Logger } from '@hue-ioc/streams';
import { coalesceEntries, type LayerHub } from './layer-hub.ts';
import type { Metrics } from '../metrics.ts';
import type { Principal } from '../auth/principal.ts';

export type { Principal };

const checkSubscribe = TypeCompiler.Compile(SubscribeRequestSchema);
const checkUnsubscribe = TypeCompiler.Compile(UnsubscribeRequestSchema);
const checkText = TypeCompiler.Compile(LayerTextRequestSchema);

/** Scopes of one layer whose `wall` snapshot is kept encoded (the city's screens, a few agencies). */
const MAX_PACKED_SCOPES = 16;
/** A kept `wall` snapshot is sent with the delta since it while that delta touches at most this share… */
const PACKED_REUSE_FRACTION = 0.1;
/** … or this many features (a small layer). */
const PACKED_REUSE_MIN = 1_000;

/** Events between server nodes (socket.io `serverSideEmit`, through the Redis streams adapter). */
export interface LiveServerSideEvents {
  'kpi:update': (update: KpiUpdate) => void;
}

type LiveSocket = Socket<LiveClientToServer, LiveServerToClient, LiveServerSideEvents>;
export type LiveNamespace = Namespace<LiveClientToServer, LiveServerToClient, LiveServerSideEvents>;

/** Catch-up deltas kept encoded per layer (per starting seq) until the layer's next delta. */
const MAX_CATCH_UPS = 32;

/** Notifications one socket may hold back while it drains (per case: a city's open cases fit). */
export const MAX_PENDING_NOTES = 20_000;

/** The notifications of /live (everything but the layers), each sent per socket. */
type Notification = 'ticker' | 'incident:changed' | 'kpi:update';

export interface LiveGatewayOptions {
  httpServer: HttpServer;
  hub: LayerHub;
  logger: Logger;
  metrics: Metrics;
  /** The principal of a handshake (`auth.token`, or the session cookie in its headers), or null to refuse it. */
  authenticate: (handshake: {
    token: string | undefined;
    headers: IncomingHttpHeaders;
    /** The peer's address (a proxy's, behind one). */
    address: string;
  }) => Principal | null | Promise<Principal | null>;
  /** Checked on every `subscribe` (auth/policy.ts `canSubscribe`); refused with IOC_AUTH_FORBIDDEN. Default: allowed. */
  canSubscribe?: (principal: Principal, layer: LayerId) => boolean;
  /**
   * What of a layer this principal may see (auth/policy.ts `scopeDelta` / `scopeSnapshot`: an agency gets
   * only its own incidents). Applied to every snapshot and delta a socket is sent. Default: everything.
   */
  scopeDelta?: (principal: Principal, delta: LayerDelta) => LayerDelta;
  /**
   * Principals with the same key get the same `scopeDelta` of a layer (auth/policy.ts `scopeKey`): a delta
   * is scoped and encoded once per key, not once per socket. Without it, every socket is its own group
   * when `scopeDelta` is given (always correct, never shared).
   */
  scopeKey?: (principal: Principal, layer: LayerId) => string;
  scopeSnapshot?: (principal: Principal, snapshot: LayerSnapshot) => LayerSnapshot;
  /**
   * Packets queued on one socket beyond which it counts as slow: it stops getting deltas and, once it
   * drains, gets one coalesced catch-up (or a snapshot). Bounds server memory per stalled client.
   */
  maxQueuedPackets?: number;
  /**
   * socket.io adapter for several nodes (the Redis streams adapter when REDIS_URL is set): carries
   * `broadcast` notifications to the other nodes. Layers do not need it: every node follows the event log.
   */
  adapter?: ServerOptions['adapter'];
  /** Per-socket command limits (defaults: LIVE_LIMITS). */
  limits?: Partial<LiveLimits>;
}

/**
 * What one socket may ask of /live (issue 11: one socket subscribed 10,000 times, each answered with a
 * full snapshot, and the server's RSS grew from 511 to 937 MB). A client subscribes to each of the five
 * layers once and again after a gap, so a burst of two subscribes per layer is plenty; beyond it a
 * subscribe is answered IOC_LIVE_RATE_LIMITED (with `retryAfterMs`) and sends nothing. A socket that keeps
 * sending commands past `commandBurst` (any event, refilled at `commandsPerS`) is disconnected.
 * `layer:text` (titles a `wall` snapshot leaves out) has its own bucket: a wall asks for the few it
 * shows, again when they change; each ask reads at most LAYER_TEXT_MAX_IDS features.
 */
export interface LiveLimits {
  subscribeBurst: number;
  subscribesPerS: number;
  textBurst: number;
  textsPerS: number;
  commandBurst: number;
  commandsPerS: number;
}
export const LIVE_LIMITS: LiveLimits = {
  subscribeBurst: 2 * LAYER_IDS.length,
  subscribesPerS: 1,
  textBurst: 20,
  textsPerS: 5,
  commandBurst: 100,
  commandsPerS: 20,
};

/** A token bucket: `take()` is false when empty; it refills at `perS` up to `burst`. */
function tokenBucket(burst: number, perS: number) {
  let tokens = burst;
  let at = performance.now();
  return {
    take(): boolean {
      const now = performance.now();
      tokens = Math.min(burst, tokens + ((now - at) / 1000) * perS);
      at = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    /** Milliseconds until the next token. */
    waitMs: () => Math.ceil(((1 - tokens) / perS) * 1000),
  };
}

/** A socket.io packet encoded once, written as is to every socket of a group. */
interface EncodedEvent {
  packets: (string | Buffer)[];
  /** socket.io Client write options; the adapter's encoder adds the prebuilt websocket frame. */
  writeOptions: { preEncoded: true };
  bytes: number;
}

interface Subscription {
  /** The last seq this socket was sent for the layer. */
  seq: number;
  /** Deltas were withheld because the socket was slow; a catch-up is owed when it drains. */
  behind: boolean;
}

/**
 * A client's value, named for a message without serialising it: a 6,000-deep array in `auth.protocol` made
 * JSON.stringify overflow the stack inside the handshake, and the process ended (found by the fuzz).
 */
function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return Array.isArray(v) ? 'an array' : `a value of type ${typeof v}`;
}

/** Error objects passed to `next()` reach the client as `connect_error` with `data`. */
function handshakeError(code: string, message: string): Error & { data: { code: string; message: string } } {
  return Object.assign(new Error(message), { data: { code, message } });
}

/**
 * socket.io `/live` (ARCHITECTURE.md): versioned handshake, `subscribe {layer, since?}` answered through
 * its ack, then a snapshot or only the missed deltas, then the layer's deltas in order. Each delta is
 * decided per socket (not broadcast to a room) so that a slow socket can be skipped and caught up later
 * with coalesced state instead of an unbounded queue; it is scoped and encoded once per scope group and
 * the same bytes are written to each of the group's sockets.
 */
export function createLiveGateway(opts: LiveGatewayOptions) {
  const io = new Server<LiveClientToServer, LiveServerToClient, LiveServerSideEvents>(opts.httpServer, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    ...(opts.adapter ? { adapter: opts.adapter } : {}),
  });
  const nsp: LiveNamespace = io.of(LIVE_NAMESPACE);
  // Websocket connections, so that closing does not wait on a client that stopped reading.
  const upgraded = new Set<Duplex>();
  opts.httpServer.on('upgrade', (_req, socket: Duplex) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
  });
  // A healthy socket holds at most about one packet per subscribed layer per tick.
  const maxQueued = opts.maxQueuedPackets ?? 8;
  const subscribers = new Map<LayerId, Map<LiveSocket, Subscription>>(LAYER_IDS.map((l) => [l, new Map()]));
  const { metrics } = opts;
  const limits: LiveLimits = { ...LIVE_LIMITS, ...opts.limits };

  // engine.io keeps unsent packets in `writeBuffer` while the transport is busy; it is not in its types.
  const queued = (socket: LiveSocket) =>
    (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
  const updateGauge = (layer: LayerId) =>
    metrics.liveSubscribers.set({ layer }, subscribers.get(layer)!.size);
  const principalOf = (socket: LiveSocket) => socket.data.principal as Principal;
  const sendDelta = (socket: LiveSocket, delta: LayerDelta) =>
    socket.emit('layer:delta', opts.scopeDelta ? opts.scopeDelta(principalOf(socket), delta) : delta);
  /** The sockets that may share one scoped delta of `layer` have the same key. */
  const scopeGroup = (socket: LiveSocket, layer: LayerId): string => {
    if (!opts.scopeDelta) return '';
    return opts.scopeKey ? `k:${opts.scopeKey(principalOf(socket), layer)}` : `s:${socket.id}`;
  };
  /**
   * `wall` snapshots are encoded once per (layer, scope) and kept: a wall joining later gets the kept one
   * (at its seq S) followed by one delta S → now from the hub's memory, which is what a resuming client
   * gets (`since`), so ten walls joining at once — or one joining a hub that changed since — cost no
   * encode (an encode of 100k incidents is ~100 ms of the event loop). Re-encoded when the hub no longer
   * holds the deltas since S, or when they touch more than PACKED_REUSE_FRACTION of the layer. The scope
   * is `scopeKey` (principals with one key see the same features); without it only an unscoped gateway
   * shares. Bounded: one buffer per layer and scope, MAX_PACKED_SCOPES scopes per layer.
   */
  const packedCache = new Map<
    LayerId,
    Map<string, { seq: number; changedAt: number | null; packed: Uint8Array }>
  >(LAYER_IDS.map((l) => [l, new Map()]));
  const packedScope = (socket: LiveSocket, layer: LayerId): string | null => {
    if (!opts.scopeSnapshot) return '';
    return opts.scopeKey ? opts.scopeKey(principalOf(socket), layer) : null;
  };
  const sendPacked = (socket: LiveSocket, snapshot: LayerSnapshot): void => {
    const { layer } = snapshot;
    const key = packedScope(socket, layer);
    const byScope = packedCache.get(layer)!;
    const kept = key === null ? undefined : byScope.get(key);
    if (kept && kept.seq <= snapshot.seq) {
      const most = Math.max(PACKED_REUSE_MIN, snapshot.features.length * PACKED_REUSE_FRACTION);
      // Counted before the delta is built: past `most` it would be built only to be dropped.
      const small =
        kept.seq !== snapshot.seq && (opts.hub.changedSince(layer, kept.seq, most) ?? Infinity) <= most;
      const missed = small ? opts.hub.since(layer, kept.seq) : null;
      const reusable = kept.seq === snapshot.seq || (missed !== null && missed.seq === snapshot.seq);
      if (reusable) {
        emitPacked(socket, { ...snapshot, seq: kept.seq, changedAt: kept.changedAt }, kept.packed);
        // Scoped like every delta; the socket is then at `snapshot.seq`, as its caller records.
        if (missed) sendDelta(socket, missed);
        return;
      }
    }
    const scoped = opts.scopeSnapshot ? opts.scopeSnapshot(principalOf(socket), snapshot) : snapshot;
    const omit = WALL_TEXT_FIELDS[layer];
    const packed = encodeWallFeatures(scoped.features, omit ? { omit } : {});
    if (key !== null) {
      if (!byScope.has(key) && byScope.size >= MAX_PACKED_SCOPES) byScope.clear();
      byScope.set(key, { seq: snapshot.seq, changedAt: snapshot.changedAt, packed });
    }
    emitPacked(socket, snapshot, packed);
  };
  /** A binary attachment: socket.io sends it as its own websocket frame, no base64. */
  const emitPacked = (socket: LiveSocket, snapshot: LayerSnapshot, packed: Uint8Array) => {
    const { layer, seq, serverTime, changedAt } = snapshot;
    socket.emit('layer:snapshot', { layer, seq, serverTime, changedAt, features: [], packed });
  };
  const sendSnapshot = (socket: LiveSocket, snapshot: LayerSnapshot) => {
    if (socket.data.encoding === 'wall') return sendPacked(socket, snapshot);
    const scoped = opts.scopeSnapshot ? opts.scopeSnapshot(principalOf(socket), snapshot) : snapshot;
    // Encoded last, after scoping: a columnar snapshot holds exactly what this principal may see.
    socket.emit(
      'layer:snapshot',
      socket.data.encoding === 'columnar'
        ? { ...scoped, features: [], columns: encodeColumnar(scoped.features) }
        : scoped,
    );
  };

  /**
   * The text fields a `wall` snapshot left out, for the ids this principal may see: the features pass
   * through the same `scopeSnapshot` as a snapshot (an agency gets only its own incidents, and whatever
   * the policy masks is masked here too). Ids not on the layer, or not visible, are simply not answered.
   */
  const layerTexts = (principal: Principal, layer: LayerId, ids: readonly string[]): LayerTextItem[] => {
    const fields = WALL_TEXT_FIELDS[layer];
    if (!fields) return [];
    const found = [];
    for (const id of new Set(ids)) {
      const f = opts.hub.get(layer, id);
      if (f) found.push(f);
    }
    const asSnapshot: LayerSnapshot = {
      layer,
      seq: opts.hub.seq(layer),
      serverTime: Date.now(),
      changedAt: null,
      features: found,
    };
    const scoped = opts.scopeSnapshot ? opts.scopeSnapshot(principal, asSnapshot) : asSnapshot;
    return scoped.features.map((f) => {
      const props = (f.props ?? {}) as Record<string, unknown>;
      const text: LayerTextItem['text'] = {};
      for (const k of Object.keys(fields)) {
        const v = props[k];
        text[k] = typeof v === 'string' ? v : null;
      }
      const version = props.version;
      return Number.isInteger(version) ? { id: f.id, version: version as number, text } : { id: f.id, text };
    });
  };

  /**
   * Catch-ups of a layer at its current seq, by the seq they start from and then by scope group: the
   * sockets skipped at the same delta (a burst that outran them all) catch up with one coalesced delta
   * and one encoding per group, not one per socket. Dropped as soon as the layer moves on; at most
   * MAX_CATCH_UPS kept per layer.
   */
  const catchUps = new Map<
    LayerId,
    { seq: number; byFrom: Map<number, { missed: LayerDelta | null; byGroup: Map<string, EncodedEvent> }> }
  >();
  const missedSinceCached = (layer: LayerId, since: number) => {
    const seq = opts.hub.seq(layer); // what `since` answers at: the caller flushed the layer
    let cache = catchUps.get(layer);
    if (cache?.seq !== seq) catchUps.set(layer, (cache = { seq, byFrom: new Map() }));
    let entry = cache.byFrom.get(since);
    if (!entry) {
      if (cache.byFrom.size >= MAX_CATCH_UPS) cache.byFrom.clear();
      entry = { missed: opts.hub.since(layer, since), byGroup: new Map() };
      cache.byFrom.set(since, entry);
    }
    return entry;
  };

  /** Sends a slow socket what it missed, as one delta, or a snapshot when memory no longer has it. */
  const catchUp = (socket: LiveSocket, layer: LayerId, sub: Subscription) => {
    // Pending changes go out first. Their delta may catch this very socket up (emitDelta does so for a
    // socket with room): then it is done, and a second catch-up from the old seq would be a gap.
    opts.hub.flush(layer);
    if (!sub.behind) return;
    const from = sub.seq;
    const entry = missedSinceCached(layer, from);
    const { missed } = entry;
    // The subscription is caught up before anything is written: engine.io emits 'drain' synchronously
    // when a write goes straight to the transport, and the drain handler would catch it up a second time
    // from the old seq (a duplicate the client takes for a gap).
    sub.behind = false;
    if (missed) {
      sub.seq = missed.seq;
      if (missed.seq === from) return;
      const group = scopeGroup(socket, layer);
      let encoded = entry.byGroup.get(group);
      if (!encoded) {
        const scoped = opts.scopeDelta ? opts.scopeDelta(principalOf(socket), missed) : missed;
        entry.byGroup.set(group, (encoded = encodeEvent('layer:delta', scoped)));
      }
      writeEncoded(socket, encoded);
    } else {
      const snapshot = opts.hub.snapshot(layer);
      sub.seq = snapshot.seq;
      metrics.liveResyncs.inc({ layer, reason: 'slow' });
      sendSnapshot(socket, snapshot);
    }
  };

  nsp.use((socket, next) => {
    // Whatever a client puts in its handshake must not end the process: a failure here is a refused
    // handshake (socket.io does not catch a rejected middleware; it became an unhandled rejection).
    handshake(socket, next).catch(() => {
      metrics.liveRejects.inc({ reason: 'schema' });
      next(handshakeError('IOC_LIVE_BAD_REQUEST', 'the handshake could not be read'));
    });
  });

  const handshake = async (socket: LiveSocket, next: (err?: Error) => void): Promise<void> => {
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; protocol?: unknown; encoding?: unknown };
    // ARCHITECTURE.md: a missing protocol means the current version; only an explicit other one is refused.
    if (auth.protocol !== undefined && auth.protocol !== LIVE_PROTOCOL_VERSION) {
      metrics.liveRejects.inc({ reason: 'protocol' });
      return next(
        handshakeError(
          'IOC_LIVE_PROTOCOL',
          `unsupported /live protocol version ${describeValue(auth.protocol)}; this server speaks ${LIVE_PROTOCOL_VERSION}`,
        ),
      );
    }
    let principal: Principal | null;
    try {
      principal = await opts.authenticate({
        token: typeof auth.token === 'string' ? auth.token : undefined,
        headers: socket.handshake.headers,
        address: socket.conn.remoteAddress,
      });
    } catch {
      metrics.liveRejects.inc({ reason: 'auth' });
      return next(handshakeError('IOC_AUTH_UNAVAILABLE', 'could not check the credentials; try again'));
    }
    if (!principal) {
      metrics.liveRejects.inc({ reason: 'auth' });
      return next(handshakeError('IOC_AUTH_REQUIRED', 'a valid token is required on /live'));
    }
    if (auth.encoding !== undefined && !(LIVE_ENCODINGS as readonly unknown[]).includes(auth.encoding)) {
      metrics.liveRejects.inc({ reason: 'encoding' });
      return next(
        handshakeError(
          'IOC_LIVE_ENCODING',
          `unknown encoding ${describeValue(auth.encoding)}; use ${LIVE_ENCODINGS.join(' or ')}`,
        ),
      );
    }
    socket.data.principal = principal;
    socket.data.encoding = auth.encoding ?? 'json';
    next();
  };

  /**
   * The refusals of a `/live` command (subscribe, layer:text), each counted in liveRejects by its reason:
   * a request that fails its schema (the first three errors as details), a command over its rate bucket,
   * a layer the role may not read.
   */
  type Refusal = Extract<SubscribeAck, { ok: false }>;
  const badRequest = (check: TypeCheck<TSchema>, request: unknown, message: string): Refusal => {
    metrics.liveRejects.inc({ reason: 'schema' });
    const details = [...check.Errors(request)].slice(0, 3).map((e) => `${e.path || '/'} ${e.message}`);
    return { ok: false, error: { code: 'IOC_LIVE_BAD_REQUEST', message, details } };
  };
  const rateLimited = (bucket: ReturnType<typeof tokenBucket>, what: string): Refusal => {
    metrics.liveRejects.inc({ reason: 'rate_limited' });
    return {
      ok: false,
      error: {
        code: 'IOC_LIVE_RATE_LIMITED',
        message: `too many ${what} on this connection; retry in ${bucket.waitMs()} ms`,
        details: { retryAfterMs: bucket.waitMs() },
      },
    };
  };
  const forbidden = (message: string): Refusal => {
    metrics.liveRejects.inc({ reason: 'forbidden' });
    return { ok: false, error: { code: 'IOC_AUTH_FORBIDDEN', message } };
  };

  nsp.on('connection', (socket: LiveSocket) => {
    metrics.liveConnections.inc();
    const commands = tokenBucket(limits.commandBurst, limits.commandsPerS);
    const subscribes = tokenBucket(limits.subscribeBurst, limits.subscribesPerS);
    const texts = tokenBucket(limits.textBurst, limits.textsPerS);
    // Every inbound event, whatever its name: a socket flooding commands is cut off, not queued. What
    // came before the cut is still answered: socket.io dispatches accepted packets on the next tick, and
    // engine.io sends what is queued before it closes.
    let cut = false;
    socket.use((_packet, next) => {
      if (cut) return;
      if (commands.take()) return next();
      cut = true;
      metrics.liveRejects.inc({ reason: 'flood' });
      opts.logger.warn({ principal: principalOf(socket).id }, '/live socket flooding commands: disconnected');
      setImmediate(() => socket.disconnect(true));
    });
    socket.conn.on('drain', () => {
      sendPending(socket);
      for (const layer of LAYER_IDS) {
        const sub = subscribers.get(layer)!.get(socket);
        if (sub?.behind) catchUp(socket, layer, sub);
      }
    });
    socket.on('disconnect', () => {
      metrics.liveConnections.dec();
      for (const layer of LAYER_IDS) if (subscribers.get(layer)!.delete(socket)) updateGauge(layer);
    });

    socket.on('subscribe', async (request, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      if (!checkSubscribe.Check(request))
        return reply(
          badRequest(
            checkSubscribe,
            request,
            `subscribe expects { layer: ${LAYER_IDS.join('|')}, since?: integer }`,
          ),
        );
      const { layer, since } = request;
      // Before any work: a refused subscribe sends nothing (no snapshot). A re-subscribe to a layer
      // replaces the socket's subscription to it (one per layer), so a socket holds at most five.
      if (!subscribes.take()) return reply(rateLimited(subscribes, 'subscribes'));
      if (opts.canSubscribe && !opts.canSubscribe(principalOf(socket), layer))
        return reply(forbidden(`the ${principalOf(socket).role} role may not subscribe to ${layer}`));
      // A `since` older than this node's memory: fetch the older part from the log first (async) ...
      let older: Awaited<ReturnType<LayerHub['olderEntries']>> = null;
      if (since !== undefined && since < opts.hub.floor(layer)) {
        older = await opts.hub.olderEntries(layer, since).catch(() => null);
      }
      if (!socket.connected) return;
      // ... then everything else happens in this one synchronous step, so no delta can slip between
      // the catch-up and the moment this socket starts receiving the layer's deltas.
      let result: SubscribeAck;
      const missed = since === undefined ? null : missedSince(layer, since, older);
      if (missed) {
        if (missed.seq !== since) sendDelta(socket, missed);
        result = { ok: true, layer, seq: missed.seq, mode: 'delta' };
      } else {
        const snapshot = opts.hub.snapshot(layer);
        sendSnapshot(socket, snapshot);
        if (since !== undefined) metrics.liveResyncs.inc({ layer, reason: 'since_unknown' });
        result = { ok: true, layer, seq: snapshot.seq, mode: 'snapshot' };
      }
      subscribers.get(layer)!.set(socket, { seq: result.seq, behind: false });
      updateGauge(layer);
      reply(result);
    });

    socket.on('unsubscribe', (request, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      if (!checkUnsubscribe.Check(request)) {
        return reply({
          ok: false,
          error: { code: 'IOC_LIVE_BAD_REQUEST', message: 'unsubscribe expects { layer }' },
        });
      }
      if (subscribers.get(request.layer)!.delete(socket)) updateGauge(request.layer);
      reply({ ok: true });
    });

    socket.on('layer:text', (request, ack) => {
      const reply: (r: LayerTextAck) => void = typeof ack === 'function' ? ack : () => undefined;
      if (!checkText.Check(request))
        return reply(
          badRequest(
            checkText,
            request,
            `layer:text expects { layer: ${LAYER_IDS.join('|')}, ids: 1–${LayerTextRequestSchema.properties.ids.maxItems} ids }`,
          ),
        );
      if (!texts.take()) return reply(rateLimited(texts, 'layer:text requests'));
      const principal = principalOf(socket);
      if (opts.canSubscribe && !opts.canSubscribe(principal, request.layer))
        return reply(forbidden(`the ${principal.role} role may not read ${request.layer}`));
      reply({ ok: true, layer: request.layer, items: layerTexts(principal, request.layer, request.ids) });
    });
  });

  /**
   * One delta from `since` to now: the log's older part (when `since` predates this node's memory)
   * followed by the memory part. Null when either part is no longer available: then a snapshot.
   */
  const missedSince = (
    layer: LayerId,
    since: number,
    older: Awaited<ReturnType<LayerHub['olderEntries']>>,
  ): LayerDelta | null => {
    if (since >= opts.hub.floor(layer)) return opts.hub.since(layer, since);
    if (!older) return null;
    const recent = opts.hub.since(layer, older.upTo);
    if (!recent) return null; // memory moved past the log part while we read it
    const merged = coalesceEntries([
      ...older.entries,
      {
        layer,
        seq: recent.seq,
        ts: 0,
        changes: [
          ...recent.removes.map((id) => ({ id, feature: null })),
          ...recent.upserts.map((f) => ({ id: f.id, feature: f })),
        ],
      },
    ]);
    return {
      layer,
      from: since,
      seq: recent.seq,
      serverTime: recent.serverTime,
      changedAt: recent.changedAt,
      ...merged,
    };
  };

  /**
   * One event encoded once, as socket.io's own broadcast does (socket.io-adapter `broadcast`): the
   * adapter's encoder, plus, where the adapter has it, the websocket frame built once (`wsPreEncodedFrame`),
   * so writing it to a socket copies no JSON. Falls back to the server's encoder alone.
   */
  const encodeEvent = (event: 'layer:delta', payload: LayerDelta): EncodedEvent => {
    // socket.io-parser PacketType.EVENT
    const packet = { type: 2, data: [event, payload], nsp: nsp.name };
    const writeOptions: EncodedEvent['writeOptions'] = { preEncoded: true };
    const adapter = nsp.adapter as unknown as {
      _encode?: (p: unknown, o: object) => EncodedEvent['packets'];
    };
    const packets =
      typeof adapter._encode === 'function'
        ? adapter._encode(packet, writeOptions)
        : (io.encoder.encode(packet as Parameters<typeof io.encoder.encode>[0]) as EncodedEvent['packets']);
    let bytes = 0;
    for (const p of packets) bytes += typeof p === 'string' ? Buffer.byteLength(p) : p.byteLength;
    return { packets, writeOptions, bytes };
  };
  /** What `socket.emit` does after encoding: socket.io's Client drops it unless the connection is open. */
  const writeEncoded = (socket: LiveSocket, encoded: EncodedEvent) =>
    (socket.client as unknown as { _packet(p: unknown, o: object): void })._packet(
      encoded.packets,
      encoded.writeOptions,
    );

  /** Called by the hub once per layer per flush. */
  const emitDelta = (delta: LayerDelta, entryTimes: number[]) => {
    const started = performance.now();
    const subs = subscribers.get(delta.layer)!;
    // The sockets this delta goes to, by what they may see of it (scopeGroup); decided per socket.
    const groups = new Map<string, LiveSocket[]>();
    for (const [socket, sub] of subs) {
      if (sub.behind) {
        // Caught up here too, not only on 'drain': a socket whose queue emptied before it was marked
        // behind gets no further drain event until something else is written to it.
        if (queued(socket) <= maxQueued / 2) catchUp(socket, delta.layer, sub);
        continue;
      }
      if (sub.seq !== delta.from || queued(socket) > maxQueued) {
        sub.behind = true;
        metrics.liveSlowSkips.inc({ layer: delta.layer });
        continue;
      }
      if (!socket.connected) continue;
      const key = scopeGroup(socket, delta.layer);
      const group = groups.get(key);
      if (group) group.push(socket);
      else groups.set(key, [socket]);
      sub.seq = delta.seq;
    }
    let features = 0;
    let bytes = 0;
    for (const sockets of groups.values()) {
      const scoped = opts.scopeDelta ? opts.scopeDelta(principalOf(sockets[0]!), delta) : delta;
      const encoded = encodeEvent('layer:delta', scoped);
      for (const socket of sockets) writeEncoded(socket, encoded);
      features += sockets.length * (scoped.upserts.length + scoped.removes.length);
      bytes += sockets.length * encoded.bytes;
    }
    const now = Date.now();
    metrics.liveDeltas.inc({ layer: delta.layer });
    metrics.liveFeaturesSent.inc({ layer: delta.layer }, features);
    // socket.io's bytes of each group's packet (the websocket frame adds 2–10 bytes of header).
    if (bytes > 0) metrics.liveBytes.inc({ layer: delta.layer }, bytes);
    for (const t of entryTimes) metrics.ingestToEmitSeconds.observe((now - t) / 1000);
    metrics.liveTickSeconds.observe((performance.now() - started) / 1000);
  };
  /**
   * Sends a notification to every socket of this node that `mayReceive` allows, skipping sockets that
   * are behind on their writes: notifications are never queued without bound (their layers catch them up
   * when they drain).
   */
  const notify = <E extends Notification>(
    event: E,
    payload: Parameters<LiveServerToClient[E]>[0],
    mayReceive?: (principal: Principal) => boolean,
  ) => {
    for (const socket of nsp.sockets.values()) {
      if (queued(socket) > maxQueued) continue;
      if (mayReceive && !mayReceive(principalOf(socket))) continue;
      (socket.emit as (e: E, p: typeof payload) => void)(event, payload);
    }
  };

  /**
   * Notifications a socket had no room for, coalesced per subject (`incident:changed:<id>` keeps the newest
   * change of a case), sent as its writes drain: a console hears of every case, a stalled one costs at
   * most one entry per case it may see (MAX_PENDING_NOTES, oldest dropped beyond that).
   */
  const pendingNotes = new WeakMap<LiveSocket, Map<string, { event: Notification; payload: unknown }>>();
  const sendPending = (socket: LiveSocket) => {
    const notes = pendingNotes.get(socket);
    if (!notes) return;
    for (const [key, note] of notes) {
      if (queued(socket) > maxQueued) return;
      (socket.emit as (e: Notification, p: unknown) => void)(note.event, note.payload);
      notes.delete(key);
    }
  };

  /**
   * Several notifications of one tick (one incident:changed per case the tick changed), each to the sockets
   * its `mayReceive` allows, as room allows: a socket never holds more than `maxQueued` packets; what does
   * not fit waits, coalesced per subject, for the socket to drain. (Checked per message and dropped, a tick
   * that changed more than eight cases lost the rest for every socket, and a console never heard of them:
   * found by bench/dispatch-queue.ts. Sent all at once, a 2,000-case tick queued 2,000 packets on a
   * stalled socket: live-slow-client.int.spec.ts.)
   */
  const notifyBatch = <E extends Notification>(
    event: E,
    items: readonly {
      payload: Parameters<LiveServerToClient[E]>[0];
      mayReceive?: (p: Principal) => boolean;
    }[],
  ) => {
    if (items.length === 0) return;
    for (const socket of nsp.sockets.values()) {
      const principal = principalOf(socket);
      sendPending(socket);
      let notes = pendingNotes.get(socket);
      for (const item of items) {
        if (item.mayReceive && !item.mayReceive(principal)) continue;
        if ((!notes || notes.size === 0) && queued(socket) <= maxQueued) {
          (socket.emit as (e: E, p: typeof item.payload) => void)(event, item.payload);
          continue;
        }
        if (!notes) pendingNotes.set(socket, (notes = new Map()));
        const id = (item.payload as { id?: unknown }).id;
        const key = `${event}:${typeof id === 'string' ? id : notes.size}`;
        notes.delete(key);
        notes.set(key, { event, payload: item.payload });
        if (notes.size > MAX_PENDING_NOTES) notes.delete(notes.keys().next().value!);
      }
    }
  };

  /** A KPI value for every node's sockets: this node's at once, the others' through the adapter. */
  const broadcastKpi = (update: KpiUpdate) => {
    notify('kpi:update', update);
    if (opts.adapter) nsp.serverSideEmit('kpi:update', update);
  };
  nsp.on('kpi:update', (update: KpiUpdate) => {
    // From another node; checked anyway, a peer on the same Redis could run another version.
    if (isKpiUpdate(update)) notify('kpi:update', update);
  });

  /**
   * Disconnects every socket and stops socket.io without closing the HTTP server (its owner does).
   * A websocket whose client does not answer the close handshake (a stalled tablet) is destroyed after
   * `graceMs`, so a node never waits on its slowest screen to stop.
   */
  const close = async (graceMs = 2_000): Promise<void> => {
    // What io.close() does, minus closing the HTTP server, which would wait for every connection.
    await Promise.allSettled(
      [...io._nsps.values()].map(async (n) => {
        // `local`: a plain disconnectSockets goes through the adapter and would drop every node's screens.
        n.local.disconnectSockets(true);
        await n.adapter.close();
      }),
    );
    io.engine.close();
    const deadline = Date.now() + graceMs;
    while (upgraded.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    for (const socket of upgraded) socket.destroy();
    upgraded.clear();
  };

  return { io, nsp, emitDelta, notify, notifyBatch, broadcastKpi, close };
}

export type LiveGateway = ReturnType<typeof createLiveGateway>;
