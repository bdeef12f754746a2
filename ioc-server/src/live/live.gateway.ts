import type { Server as HttpServer } from 'node:http';
import { Server, type Namespace, type Socket } from 'socket.io';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  LAYER_IDS,
  LIVE_NAMESPACE,
  LIVE_PROTOCOL_VERSION,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type LayerDelta,
  type LiveClientToServer,
  type LiveServerToClient,
  type SubscribeAck,
} from '@hue-ioc/layers';
import type { FastifyBaseLogger } from 'fastify';
import type { LayerHub } from './layer-hub.ts';
import type { Metrics } from '../metrics.ts';

const checkSubscribe = TypeCompiler.Compile(SubscribeRequestSchema);
const checkUnsubscribe = TypeCompiler.Compile(UnsubscribeRequestSchema);

type LiveSocket = Socket<LiveClientToServer, LiveServerToClient>;
export type LiveNamespace = Namespace<LiveClientToServer, LiveServerToClient>;

export interface LiveGatewayOptions {
  httpServer: HttpServer;
  hub: LayerHub;
  logger: FastifyBaseLogger;
  metrics: Metrics;
  /** Returns the principal for a token, or null. Replaced by the access-control policy in its issue. */
  authenticate: (token: string | undefined) => { id: string; role: string } | null;
}

const room = (layer: string) => `layer:${layer}`;

/** Error objects passed to `next()` reach the client as `connect_error` with `data`. */
function handshakeError(code: string, message: string): Error & { data: { code: string; message: string } } {
  return Object.assign(new Error(message), { data: { code, message } });
}

/**
 * socket.io `/live` (ARCHITECTURE.md): versioned handshake, `subscribe {layer, since?}` answered through
 * its ack, then a snapshot or the missed deltas, then the layer's deltas in order.
 */
export function createLiveGateway(opts: LiveGatewayOptions): { io: Server; nsp: LiveNamespace; emitDelta: (d: LayerDelta) => void } {
  const io = new Server(opts.httpServer, { serveClient: false, maxHttpBufferSize: 64 * 1024 });
  const nsp: LiveNamespace = io.of(LIVE_NAMESPACE);

  nsp.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; protocol?: unknown };
    if (auth.protocol !== LIVE_PROTOCOL_VERSION) {
      opts.metrics.liveRejects.inc({ reason: 'protocol' });
      return next(
        handshakeError(
          'IOC_LIVE_PROTOCOL',
          `unsupported /live protocol version ${JSON.stringify(auth.protocol)}; this server speaks ${LIVE_PROTOCOL_VERSION}`,
        ),
      );
    }
    const principal = opts.authenticate(typeof auth.token === 'string' ? auth.token : undefined);
    if (!principal) {
      opts.metrics.liveRejects.inc({ reason: 'auth' });
      return next(handshakeError('IOC_AUTH_REQUIRED', 'a valid token is required on /live'));
    }
    socket.data.principal = principal;
    next();
  });

  nsp.on('connection', (socket: LiveSocket) => {
    opts.metrics.liveConnections.inc();
    socket.on('disconnect', () => {
      opts.metrics.liveConnections.dec();
    });

    socket.on('subscribe', (request, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      if (!checkSubscribe.Check(request)) {
        const details = [...checkSubscribe.Errors(request)].slice(0, 3).map((e) => `${e.path || '/'} ${e.message}`);
        opts.metrics.liveRejects.inc({ reason: 'schema' });
        return reply({
          ok: false,
          error: { code: 'IOC_LIVE_BAD_REQUEST', message: `subscribe expects { layer: ${LAYER_IDS.join('|')}, since?: integer }`, details },
        });
      }
      const { layer, since } = request;
      let result: SubscribeAck;
      const missed = since === undefined ? null : opts.hub.since(layer, since);
      if (missed) {
        socket.emit('layer:delta', missed);
        result = { ok: true, layer, seq: missed.seq, mode: 'delta' };
      } else {
        const snapshot = opts.hub.snapshot(layer);
        socket.emit('layer:snapshot', snapshot);
        result = { ok: true, layer, seq: snapshot.seq, mode: 'snapshot' };
      }
      // Joined after the catch-up is queued and in the same tick, so no delta can fall between.
      void socket.join(room(layer));
      reply(result);
    });

    socket.on('unsubscribe', (request, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      if (!checkUnsubscribe.Check(request)) {
        return reply({ ok: false, error: { code: 'IOC_LIVE_BAD_REQUEST', message: 'unsubscribe expects { layer }' } });
      }
      void socket.leave(room(request.layer));
      reply({ ok: true });
    });
  });

  const emitDelta = (delta: LayerDelta) => {
    opts.metrics.liveDeltas.inc({ layer: delta.layer });
    nsp.to(room(delta.layer)).emit('layer:delta', delta);
  };
  return { io, nsp, emitDelta };
}
