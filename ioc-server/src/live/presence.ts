import { TypeCompiler } from '@sinclair/typebox/compiler';
import { PresenceRequestSchema, type PresenceViewer } from '@hue-ioc/layers';
import type { Logger } from '@hue-ioc/streams';
import type { Principal } from '../auth/principal.ts';
import type { LiveNamespace } from './live.gateway.ts';

const checkRequest = TypeCompiler.Compile(PresenceRequestSchema);

/** Cases one socket may watch at once (a console has one case open; a few tabs' worth is plenty). */
export const MAX_WATCHED_PER_SOCKET = 5;

const room = (incidentId: string) => `presence:${incidentId}`;

export interface PresenceOptions {
  /** Whether this principal may see the case (an agency only its own unit's). */
  mayView: (principal: Principal, incidentId: string) => Promise<boolean>;
  logger: Logger;
}

/**
 * Who has a case open (issue 12): a console emits `presence:watch` when it opens a case and
 * `presence:leave` when it closes it; everyone watching gets `presence` `{ incidentId, viewers }` on each
 * change, one entry per person. Rooms of socket.io, so on several nodes the adapter carries both the
 * membership question (fetchSockets) and the broadcast.
 */
export function attachPresence(nsp: LiveNamespace, opts: PresenceOptions): void {
  const viewersOf = async (incidentId: string): Promise<PresenceViewer[]> => {
    const sockets = await nsp.in(room(incidentId)).fetchSockets();
    const byId = new Map<string, PresenceViewer>();
    for (const s of sockets) {
      const p = s.data.principal as Principal | undefined;
      if (!p || byId.has(p.id)) continue;
      byId.set(p.id, { id: p.id, name: p.displayName ?? p.username ?? p.id, role: p.role });
    }
    return [...byId.values()];
  };
  const announce = async (incidentId: string): Promise<PresenceViewer[]> => {
    const viewers = await viewersOf(incidentId);
    nsp.to(room(incidentId)).emit('presence', { incidentId, viewers });
    return viewers;
  };
  const quietly = (incidentId: string) =>
    void announce(incidentId).catch((e: unknown) =>
      opts.logger.warn({ err: e, incidentId }, 'presence: could not announce viewers'),
    );

  nsp.on('connection', (socket) => {
    const watching: string[] = [];
    socket.on('presence:watch', async (request, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      if (!checkRequest.Check(request))
        return reply({
          ok: false,
          error: { code: 'IOC_LIVE_BAD_REQUEST', message: 'presence:watch expects { incidentId }' },
        });
      const principal = socket.data.principal as Principal;
      const { incidentId } = request;
      if (!(await opts.mayView(principal, incidentId).catch(() => false)))
        return reply({
          ok: false,
          error: { code: 'IOC_INCIDENT_NOT_FOUND', message: `no incident ${incidentId}` },
        });
      if (!socket.connected) return;
      if (!watching.includes(incidentId)) {
        watching.push(incidentId);
        await socket.join(room(incidentId));
        // The oldest case this socket watched gives way.
        while (watching.length > MAX_WATCHED_PER_SOCKET) {
          const old = watching.shift()!;
          await socket.leave(room(old));
          quietly(old);
        }
      }
      try {
        reply({ ok: true, viewers: await announce(incidentId) });
      } catch {
        reply({ ok: true, viewers: [] });
      }
    });
    socket.on('presence:leave', async (request, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      if (!checkRequest.Check(request))
        return reply({
          ok: false,
          error: { code: 'IOC_LIVE_BAD_REQUEST', message: 'presence:leave expects { incidentId }' },
        });
      const i = watching.indexOf(request.incidentId);
      if (i >= 0) {
        watching.splice(i, 1);
        await socket.leave(room(request.incidentId));
        quietly(request.incidentId);
      }
      reply({ ok: true });
    });
    socket.on('disconnect', () => {
      // socket.io has left the rooms by now: tell the others who is still there.
      for (const incidentId of watching) quietly(incidentId);
    });
  });
}
