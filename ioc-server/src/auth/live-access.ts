import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '@hue-ioc/streams';
import type { AccessService } from './access.service.ts';
import { originMatchesHost } from './origin.ts';
import { credentialKey, type Principal } from './principal.ts';

/** How often open /live sockets are re-checked: a revoked token or ended session is cut within this. */
export const LIVE_RECHECK_MS = 2_000;

/**
 * The `/live` handshake: `auth: { token }` (a display token) or, without one, the session cookie the
 * browser sends with the upgrade request. A cookie-authenticated handshake from another site's page is
 * refused (cross-site WebSocket hijacking); a token is not ambient, so it needs no such check.
 */
export async function authenticateLive(
  access: AccessService,
  handshake: { token: string | undefined; headers: IncomingHttpHeaders; address?: string },
  /** TRUST_PROXY (origin.ts proxyTrust): whether the peer's X-Forwarded-Host counts. */
  trustedProxy: (address: string | undefined) => boolean = () => false,
): Promise<Principal | null> {
  if (handshake.token !== undefined) return access.principalFromToken(handshake.token);
  const origin = handshake.headers.origin;
  if (origin !== undefined && !originMatchesHost(origin, handshake.headers, trustedProxy(handshake.address)))
    return null;
  return (await access.resolve({ cookie: handshake.headers.cookie })).principal;
}

/** What the watcher needs of the gateway: the open sockets and their principals. */
export interface LiveSockets {
  sockets: ReadonlyMap<string, { data: { principal?: Principal }; disconnect(close?: boolean): unknown }>;
}

/**
 * Re-checks the principal of every open /live socket every `intervalMs` (one query for all of them) and
 * disconnects those whose credential no longer holds: display token revoked, session logged out or
 * expired, user deactivated, role or agency changed. Returns a stop function.
 */
export function watchLiveSockets(
  access: AccessService,
  nsp: LiveSockets,
  logger: Logger,
  intervalMs = LIVE_RECHECK_MS,
): () => void {
  let running = false;
  const check = async () => {
    if (running) return;
    running = true;
    try {
      const open = [...nsp.sockets.values()].filter((s) => s.data.principal);
      if (open.length === 0) return;
      const valid = await access.stillValid(open.map((s) => s.data.principal!));
      for (const socket of open) {
        const p = socket.data.principal!;
        if (!valid.has(credentialKey(p.credential))) {
          logger.info(
            { principal: p.id, role: p.role },
            '/live credential revoked or expired: disconnecting',
          );
          socket.disconnect(true);
        }
      }
    } catch (e) {
      logger.warn({ err: (e as Error).message }, '/live credential re-check failed; will retry');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
