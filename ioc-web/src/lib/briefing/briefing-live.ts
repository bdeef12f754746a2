import { io, type Socket } from 'socket.io-client';
import {
  LIVE_NAMESPACE,
  LIVE_PROTOCOL_VERSION,
  type LiveClientToServer,
  type LiveHandshakeAuth,
  type LiveServerToClient,
} from '@hue-ioc/layers';

/**
 * The briefing's side of /live: any `kpi:update` or `incident:changed` means the figures moved, so the page
 * asks `GET /api/briefing` again — debounced, because a busy hour brings many changes and one answer covers
 * them all. After a reconnect it refetches too (changes may have been missed). The session cookie
 * authenticates the handshake.
 */
export type BriefingLinkState = 'connecting' | 'live' | 'reconnecting';

export class BriefingLive {
  readonly #socket: Socket<LiveServerToClient, LiveClientToServer>;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(opts: { onStale: () => void; onState: (s: BriefingLinkState) => void; debounceMs?: number }) {
    const debounceMs = opts.debounceMs ?? 2_000;
    const auth: LiveHandshakeAuth = { protocol: LIVE_PROTOCOL_VERSION, encoding: 'json' };
    const stale = () => {
      if (this.#timer) return;
      this.#timer = setTimeout(() => {
        this.#timer = null;
        opts.onStale();
      }, debounceMs);
    };
    let connected = false;
    this.#socket = io(LIVE_NAMESPACE, { auth, withCredentials: true, reconnectionDelayMax: 10_000 });
    this.#socket.on('connect', () => {
      opts.onState('live');
      if (connected) stale();
      connected = true;
    });
    this.#socket.on('disconnect', () => opts.onState('reconnecting'));
    this.#socket.on('connect_error', () => opts.onState(connected ? 'reconnecting' : 'connecting'));
    this.#socket.on('kpi:update', stale);
    this.#socket.on('incident:changed', stale);
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#socket.close();
  }
}
