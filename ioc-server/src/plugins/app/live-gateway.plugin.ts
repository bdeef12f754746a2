import fp from 'fastify-plugin';
import { attachPresence } from '../../live/presence.ts';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Feature, IncidentProps } from '@hue-ioc/layers';
import { createLiveGateway, type LiveGateway } from '../../live/live.gateway.ts';
import { Ticker } from '../../live/ticker.ts';
import { authenticateLive, watchLiveSockets } from '../../auth/live-access.ts';
import { proxyTrust } from '../../auth/origin.ts';
import { canSubscribe, scopeDelta, scopeFeature, scopeKey, scopeSnapshot } from '../../auth/policy.ts';
import type { Principal } from '../../auth/principal.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** socket.io `/live` on this app's HTTP server. */
    live: LiveGateway;
  }
}

/** Ticker lines name incidents of every agency: not for agency accounts, which see only their own. */
const mayReadTicker = (p: Principal) => p.role !== 'agency';

/**
 * `/live` (ARCHITECTURE.md): follows the hub's deltas and sends them per socket, scoped by auth/policy.ts;
 * derives the wall's ticker and the consoles' `incident:changed` from the same deltas (every node follows
 * the log, so each node sends its own); announces this node's KPI samples to every node's screens.
 */
export default fp(
  async (app) => {
    const { hub, access, metrics, redis, config } = app;
    const trustedProxy = proxyTrust(config.trustProxy);
    const gateway = createLiveGateway({
      httpServer: app.server,
      hub,
      logger: app.log,
      metrics,
      authenticate: (handshake) => authenticateLive(access, handshake, trustedProxy),
      canSubscribe,
      scopeDelta,
      scopeKey,
      scopeSnapshot,
      // Several nodes: notifications that start on one node (KPI values) reach the others' sockets
      // through socket.io's Redis streams adapter. Layers do not use it: every node follows the event log.
      ...(redis
        ? { adapter: createAdapter(redis, { streamName: `${config.redisPrefix}:socket.io`, maxLen: 10_000 }) }
        : {}),
    });
    app.decorate('live', gateway);

    const ticker = new Ticker();
    ticker.prime(hub.features('incidents'), hub.features('alerts'));
    const stopDeltas = hub.onDelta((delta, entryTimes) => {
      gateway.emitDelta(delta, entryTimes);
      gateway.notifyBatch(
        'ticker',
        ticker.onDelta(delta).map((payload) => ({ payload, mayReceive: mayReadTicker })),
      );
      if (delta.layer !== 'incidents') return;
      // Consoles follow single incidents: every change on the incidents layer, to whoever may see it,
      // the tick's changes as one batch per socket.
      gateway.notifyBatch(
        'incident:changed',
        (delta.upserts as Feature<IncidentProps>[]).map((f) => {
          const { version, status, priority, agencyId, dueAt, updatedAt } = f.props;
          return {
            payload: { id: f.id, version, status, priority, agencyId, dueAt, updatedAt },
            mayReceive: (p: Principal) => scopeFeature(p, 'incidents', f) !== null,
          };
        }),
      );
    });
    gateway.nsp.on('connection', (socket) => {
      if (!mayReadTicker(socket.data.principal as Principal)) return;
      for (const item of ticker.latest()) socket.emit('ticker', item);
    });
    // A KPI sample arrives on one node; the adapter carries it to the others' screens.
    const stopKpis = app.kpis.onUpdate((u) => gateway.broadcastKpi(u));
    const stopWatch = watchLiveSockets(access, gateway.nsp, app.log);
    // Who has a case open (issue 12): only people who may see the case can watch it.
    attachPresence(gateway.nsp, {
      logger: app.log,
      mayView: async (principal, incidentId) => {
        if (principal.role === 'display') return false;
        const rows = await app.db.query<{ agency_id: string | null }>(
          `SELECT agency_id FROM incidents WHERE id = $1`,
          [incidentId],
        );
        if (rows.length === 0) return false;
        return principal.role !== 'agency' || rows[0]!.agency_id === principal.agencyId;
      },
    });

    let closing: Promise<void> | null = null;
    const close = () => (closing ??= gateway.close());
    // Live sockets first: Fastify's close waits for every open connection before its onClose hooks run,
    // and a wall screen's websocket never ends by itself (without this, stopping a node with screens
    // attached hung until close-with-grace gave up).
    app.addHook('preClose', close);
    app.addHook('onClose', async () => {
      stopDeltas();
      stopKpis();
      stopWatch();
      await close();
    });
  },
  { name: 'live-gateway', dependencies: ['layer-hub', 'access', 'redis', 'kpis', 'live-layers'] },
);
