import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import {
  clientIdAllowed,
  INGEST_USERNAME,
  isLoopbackHost,
  MQTT_MAX_PACKET_BYTES,
  MQTT_MAX_PAYLOAD_BYTES,
  PUBLISHER_USERNAME,
  publishAllowed,
  subscribeAllowed,
  type BrokerPrincipal,
  type MqttCredentials,
} from './broker-access.ts';
import { limitPacketSize } from './packet-limit.ts';

export class PortInUseError extends Error {
  readonly code = 'IOC_MQTT_PORT_IN_USE';
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(
      `MQTT port ${host}:${port} is already in use — another MQTT broker (such as Mosquitto) or program is listening there. ` +
        `Set MQTT_URL=mqtt://127.0.0.1:${port} to use that broker, or MQTT_PORT to another port for the embedded one.`,
    );
    this.name = 'PortInUseError';
  }
}

/** A device credential as the server's database knows it: the device and its registered kind. */
export type DeviceCredentialCheck = (
  deviceId: string,
  secret: string,
) => Promise<{ deviceId: string; kind: string } | null>;

/** Why the broker refused something; every refusal is reported (the server logs and counts them). */
export type BrokerRefusalReason =
  | 'anonymous'
  | 'bad_credentials'
  | 'client_id_reserved'
  | 'publish_denied'
  | 'subscribe_denied'
  | 'oversize'
  | 'not_ready';

export interface BrokerRefusal {
  reason: BrokerRefusalReason;
  clientId: string | null;
  /** Who it was (a device id, an internal username), never a password. */
  username: string | null;
  remoteAddress: string | null;
  topic?: string;
  /** The announced packet or payload length of an oversize publish. */
  bytes?: number;
}

export interface EmbeddedBrokerOptions {
  port: number;
  /** Address to listen on (MQTT_BIND). Default 127.0.0.1. Anywhere but loopback, credentials are required. */
  host?: string;
  /** Looks device credentials up (the server's device_credentials); without it no device can log in. */
  checkDevice?: DeviceCredentialCheck;
  /** Secrets of the internal users; random (256 bits) when not given, which is what the server does. */
  secrets?: { ingest?: string; publisher?: string };
  maxPayloadBytes?: number;
  maxPacketBytes?: number;
  onRefusal?: (refusal: BrokerRefusal) => void;
  /**
   * Whether publishers may connect from the start (default true). The server passes false and calls
   * `openToPublishers()` once its ingest has subscribed.
   */
  openToPublishers?: boolean;
}

export interface EmbeddedBroker {
  /** Where local clients reach it (no credentials in it). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** False only on a loopback bind: then local clients may publish device topics without a username. */
  readonly requireCredentials: boolean;
  /** The server's ingest client (subscribes to `hue/…`) and the in-process simulator (publishes). */
  readonly credentials: { ingest: MqttCredentials; publisher: MqttCredentials };
  /** Closes the connections of a device, e.g. after its credential was revoked. Returns how many. */
  disconnectDevice(deviceId: string): number;
  /**
   * The first step of a graceful stop: no new connections, and every client but the server's ingest is
   * disconnected, so that nothing more is acknowledged to a publisher than ingest will still store. (This
   * broker keeps its sessions in memory: a message it acknowledged and had not delivered when the process
   * ends is lost. Publishers keep what was not acknowledged and send it again to the next broker.)
   */
  stopAccepting(): void;
  /**
   * Lets publishers in. Until then only the server's ingest client is answered at once; the others wait for
   * their CONNACK: this broker starts with no sessions, and a gateway that reconnected first would send its
   * queued readings to a broker with no subscriber, which acknowledges and drops them.
   */
  openToPublishers(): void;
  close(): Promise<void>;
}

const authError = (returnCode: 2 | 3 | 4 | 5, message: string): AuthenticateError =>
  Object.assign(new Error(message), { returnCode }) as AuthenticateError;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * An in-process MQTT 3.1.1 broker (aedes) for the embedded default, closed as issue 11 asks: it listens on
 * 127.0.0.1 unless told otherwise, requires credentials when bound elsewhere, applies the rules of
 * broker-access.ts to every connect, publish and subscribe, and closes a connection whose packet is
 * larger than the limit before reading it. aedes refuses MQTT 5, so our clients connect with
 * protocolVersion 4. Port 0 picks a free port.
 */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const host = opts.host ?? '127.0.0.1';
  const requireCredentials = !isLoopbackHost(host);
  const maxPayload = opts.maxPayloadBytes ?? MQTT_MAX_PAYLOAD_BYTES;
  const maxPacket = opts.maxPacketBytes ?? Math.max(MQTT_MAX_PACKET_BYTES, maxPayload + 1024);
  const credentials = {
    ingest: {
      username: INGEST_USERNAME,
      password: opts.secrets?.ingest ?? randomBytes(32).toString('base64url'),
    },
    publisher: {
      username: PUBLISHER_USERNAME,
      password: opts.secrets?.publisher ?? randomBytes(32).toString('base64url'),
    },
  };
  let open = opts.openToPublishers ?? true;
  const openWaiters = new Set<() => void>();
  const whenOpen = (timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        openWaiters.delete(wake);
        reject(new Error('not open'));
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      openWaiters.add(wake);
    });
  const principals = new WeakMap<Client, BrokerPrincipal>();
  const usernames = new WeakMap<Client, string>();
  const remotes = new WeakMap<Duplex, string | null>();
  const devices = new Map<string, Set<Client>>();
  const refuse = (client: Client | null, r: Omit<BrokerRefusal, 'clientId' | 'username' | 'remoteAddress'>) =>
    opts.onRefusal?.({
      ...r,
      clientId: client?.id ?? null,
      username: client ? (usernames.get(client) ?? null) : null,
      remoteAddress: client ? (remotes.get(client.conn) ?? null) : null,
    });

  async function principalOf(
    username: string | undefined,
    password: string,
  ): Promise<BrokerPrincipal | null> {
    if (username === undefined || username === '') return requireCredentials ? null : { kind: 'anonymous' };
    if (username === INGEST_USERNAME)
      return sameSecret(password, credentials.ingest.password) ? { kind: 'ingest' } : null;
    if (username === PUBLISHER_USERNAME)
      return sameSecret(password, credentials.publisher.password) ? { kind: 'publisher' } : null;
    if (!opts.checkDevice || password === '') return null;
    const device = await opts.checkDevice(username, password);
    return device ? { kind: 'device', deviceId: device.deviceId, deviceKind: device.kind } : null;
  }

  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      if (username) usernames.set(client, username);
      principalOf(username, password ? password.toString('utf8') : '').then(
        (principal) => {
          if (!principal) {
            const anonymous = username === undefined || username === '';
            refuse(client, { reason: anonymous ? 'anonymous' : 'bad_credentials' });
            return done(
              authError(anonymous ? 5 : 4, anonymous ? 'credentials required' : 'bad user name or password'),
              false,
            );
          }
          if (!clientIdAllowed(principal, client.id)) {
            refuse(client, { reason: 'client_id_reserved' });
            return done(authError(2, 'client id reserved for the server'), false);
          }
          principals.set(client, principal);
          if (principal.kind === 'device') {
            const set = devices.get(principal.deviceId) ?? new Set<Client>();
            set.add(client);
            devices.set(principal.deviceId, set);
          }
          // Publishers wait for their CONNACK until ingest has subscribed (a refusal would make some clients,
          // mqtt.js among them, give up for good); past a minute they are told to come back later.
          if (open || principal.kind === 'ingest') return done(null, true);
          whenOpen(60_000).then(
            () => done(null, true),
            () => {
              refuse(client, { reason: 'not_ready' });
              done(authError(3, 'broker not ready: retry'), false);
            },
          );
        },
        // The credential store is down: "server unavailable", and the client retries.
        () => done(authError(3, 'credential check failed'), false),
      );
    },
    authorizePublish(client, packet, done) {
      // Messages the broker itself publishes ($SYS) have no client.
      if (!client) return done(null);
      const principal = principals.get(client);
      if (packet.payload.length > maxPayload) {
        refuse(client, { reason: 'oversize', topic: packet.topic, bytes: packet.payload.length });
        return done(new Error('payload too large'));
      }
      if (!principal || !publishAllowed(principal, packet.topic)) {
        refuse(client, { reason: 'publish_denied', topic: packet.topic });
        // MQTT 3.1.1 has no negative PUBACK: the connection is closed and nothing is forwarded.
        return done(new Error('publish not authorised'));
      }
      done(null);
    },
    authorizeSubscribe(client, subscription, done) {
      const principal = principals.get(client);
      if (!principal || !subscribeAllowed(principal, subscription.topic)) {
        refuse(client, { reason: 'subscribe_denied', topic: subscription.topic });
        return done(null, null); // SUBACK 0x80 for this filter (MQTT-3.9.3)
      }
      done(null, subscription);
    },
  });
  const connected = new Set<Client>();
  broker.on('client', (client) => connected.add(client));
  broker.on('clientDisconnect', (client) => {
    connected.delete(client);
    const principal = principals.get(client);
    if (principal?.kind === 'device') devices.get(principal.deviceId)?.delete(client);
  });

  const sockets = new Set<Duplex>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const conn = limitPacketSize(socket, maxPacket, (bytes) => {
      opts.onRefusal?.({
        reason: 'oversize',
        clientId: null,
        username: null,
        remoteAddress: socket.remoteAddress ?? null,
        bytes,
      });
    });
    remotes.set(conn, socket.remoteAddress ?? null);
    broker.handle(conn);
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, opts.port) : err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(opts.port, host);
  }).catch(async (err: unknown) => {
    await new Promise<void>((r) => broker.close(() => r()));
    throw err;
  });
  const port = (server.address() as AddressInfo).port;
  const wildcard = host === '0.0.0.0' || host === '::';
  const urlHost = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `mqtt://${urlHost}:${port}`,
    port,
    host,
    requireCredentials,
    credentials,
    disconnectDevice(deviceId) {
      const clients = [...(devices.get(deviceId) ?? [])];
      devices.delete(deviceId);
      for (const c of clients) c.close();
      return clients.length;
    },
    openToPublishers() {
      open = true;
      for (const wake of openWaiters) wake();
      openWaiters.clear();
    },
    stopAccepting() {
      open = false;
      server.close();
      for (const client of connected) if (principals.get(client)?.kind !== 'ingest') client.close();
    },
    close: async () => {
      // aedes closes its clients first: net.Server#close waits for every open connection, and a device
      // that keeps reconnecting would hold the stop until close-with-grace kills the process.
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => (server.listening ? server.close(() => r()) : r()));
      for (const socket of sockets) socket.destroy();
    },
  };
}
