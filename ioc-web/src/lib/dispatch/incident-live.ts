import { io, type Socket } from 'socket.io-client';
import {
  LIVE_NAMESPACE,
  LIVE_PROTOCOL_VERSION,
  type IncidentChanged,
  type LiveClientToServer,
  type LiveHandshakeAuth,
  type LiveServerToClient,
  type Presence,
  type PresenceViewer,
} from '@hue-ioc/layers';

/**
 * The consoles' side of /live (issue 12): `incident:changed` for every case the user may see, and presence
 * on a case (who else has it open; the event map in layers/src/protocol.ts). The browser's session cookie
 * authenticates the handshake (no token).
 */
export type Viewer = PresenceViewer;
export type PresenceUpdate = Presence;

type ConsoleSocket = Socket<LiveServerToClient, LiveClientToServer>;

export type LinkState = 'connecting' | 'live' | 'reconnecting';

export interface IncidentLiveOptions {
  onChange: (change: IncidentChanged) => void;
  onPresence: (update: PresenceUpdate) => void;
  onState: (state: LinkState) => void;
  /** After a reconnect: changes may have been missed, the page reloads what it shows. */
  onResync: () => void;
}

export class IncidentLive {
  readonly #socket: ConsoleSocket;
  #watching: string | null = null;
  #everConnected = false;

  constructor(opts: IncidentLiveOptions) {
    const auth: LiveHandshakeAuth = { protocol: LIVE_PROTOCOL_VERSION, encoding: 'json' };
    this.#socket = io(LIVE_NAMESPACE, {
      auth,
      withCredentials: true,
      reconnection: true,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
    }) as ConsoleSocket;
    this.#socket.on('connect', () => {
      opts.onState('live');
      if (this.#everConnected) opts.onResync();
      this.#everConnected = true;
      if (this.#watching) this.#emitWatch(this.#watching, opts.onPresence);
    });
    this.#socket.on('disconnect', () => opts.onState('reconnecting'));
    this.#socket.on('connect_error', () => opts.onState(this.#everConnected ? 'reconnecting' : 'connecting'));
    this.#socket.on('incident:changed', (c) => opts.onChange(c));
    this.#socket.on('presence', (p) => opts.onPresence(p));
    this.#onPresence = opts.onPresence;
  }

  readonly #onPresence: (update: PresenceUpdate) => void;

  #emitWatch(incidentId: string, onPresence: (u: PresenceUpdate) => void): void {
    this.#socket.timeout(5_000).emit('presence:watch', { incidentId }, (err, ack) => {
      if (!err && ack?.ok) onPresence({ incidentId, viewers: ack.viewers });
    });
  }

  /** The case view opened `incidentId` (one at a time: the previous one is left). */
  watch(incidentId: string | null): void {
    if (this.#watching === incidentId) return;
    if (this.#watching && this.#socket.connected) {
      this.#socket.emit('presence:leave', { incidentId: this.#watching }, () => {});
    }
    this.#watching = incidentId;
    if (incidentId && this.#socket.connected) this.#emitWatch(incidentId, this.#onPresence);
  }

  close(): void {
    this.watch(null);
    this.#socket.close();
  }
}
