import { isIP } from 'node:net';

/**
 * Who may do what on the embedded MQTT broker (issue 11, "the broker is closed"). Pure decisions; the
 * broker (embedded-broker.ts) calls them from aedes' authenticate / authorizePublish / authorizeSubscribe
 * hooks, and deploy/mosquitto/acl says the same for the production Mosquitto.
 *
 * | who                                | connects with                          | publish                                   | subscribe |
 * |------------------------------------|----------------------------------------|-------------------------------------------|-----------|
 * | `ingest` (the server's subscriber) | INGEST_USERNAME + per-start secret     | nothing                                   | `hue/…`   |
 * | `publisher` (in-process simulator) | PUBLISHER_USERNAME + per-start secret  | any device topic                          | nothing   |
 * | `device`                           | its id + its secret (device_credentials) | its own topics only                     | nothing   |
 * | `anonymous` (loopback bind only)   | no username                            | any device topic                          | nothing   |
 *
 * Device topics (ARCHITECTURE.md "MQTT topics"): `hue/sensors/{kind}/{deviceId}`,
 * `hue/cameras/{cameraId}/events`, `hue/cameras/{cameraId}/status`. A sensor's own topic carries its
 * registered kind; a camera (kind `camera`) has only the two camera topics.
 */
export type BrokerPrincipal =
  | { kind: 'ingest' }
  | { kind: 'publisher' }
  | { kind: 'device'; deviceId: string; deviceKind: string }
  | { kind: 'anonymous' };

/** The username of the server's own ingest client (its password is generated at every start). */
export const INGEST_USERNAME = 'hue-ioc-ingest';
/** The username of the in-process simulator, a trusted publisher for the simulated devices. */
export const PUBLISHER_USERNAME = 'hue-ioc-publisher';
/**
 * Client ids the server uses (`hue-ioc-ingest-<nodeId>`): only the internal principals may connect
 * with one, so nobody can take the ingest client's session over (MQTT-3.1.4-2 would disconnect it).
 */
export const RESERVED_CLIENT_ID_PREFIX = 'hue-ioc-';

/** Largest payload the broker accepts (readings are < 1 KiB; streams refuses > 16 KiB anyway). */
export const MQTT_MAX_PAYLOAD_BYTES = 64 * 1024;
/**
 * Largest MQTT packet (after the fixed header) read at all: the payload plus room for the topic and
 * packet id. A longer one closes the connection as soon as its length is known, before it is buffered.
 */
export const MQTT_MAX_PACKET_BYTES = MQTT_MAX_PAYLOAD_BYTES + 1024;

export interface MqttCredentials {
  username: string;
  password: string;
}

/** True for addresses no other host can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped !== null && mapped[1]!.startsWith('127.');
}

/** What a client may connect as, before its username and password are looked at. */
export function clientIdAllowed(principal: BrokerPrincipal, clientId: string): boolean {
  if (!clientId.startsWith(RESERVED_CLIENT_ID_PREFIX)) return true;
  return principal.kind === 'ingest' || principal.kind === 'publisher';
}

const SEGMENT = /^[^/+#]+$/;

/** Whether this is one of the device topic shapes (the ingest validates kind and id, and dead-letters). */
function isDeviceTopic(levels: readonly string[]): boolean {
  if (levels.length !== 4 || levels[0] !== 'hue' || !levels.every((l) => SEGMENT.test(l))) return false;
  if (levels[1] === 'sensors') return true;
  return levels[1] === 'cameras' && (levels[3] === 'events' || levels[3] === 'status');
}

export function publishAllowed(principal: BrokerPrincipal, topic: string): boolean {
  const levels = topic.split('/');
  switch (principal.kind) {
    case 'ingest':
      return false;
    case 'publisher':
    case 'anonymous':
      return isDeviceTopic(levels);
    case 'device': {
      if (!isDeviceTopic(levels)) return false;
      if (principal.deviceKind === 'camera')
        return levels[1] === 'cameras' && levels[2] === principal.deviceId;
      return (
        levels[1] === 'sensors' && levels[2] === principal.deviceKind && levels[3] === principal.deviceId
      );
    }
  }
}

/** `$share/<group>/<filter>` (MQTT 5 shared subscriptions, also used on 3.1.1 brokers) is judged by its filter. */
const unshare = (filter: string): string => {
  const m = /^\$share\/[^/]+\/(.*)$/.exec(filter);
  return m ? m[1]! : filter;
};

/** Only the server's ingest client subscribes, and only to the `hue/` tree; nobody reads `#` or `$SYS`. */
export function subscribeAllowed(principal: BrokerPrincipal, filter: string): boolean {
  if (principal.kind !== 'ingest') return false;
  return unshare(filter).startsWith('hue/');
}

/** The topics a device's credential may publish to (what the admin API tells the technician). */
export function deviceTopics(deviceId: string, deviceKind: string): string[] {
  return deviceKind === 'camera'
    ? [`hue/cameras/${deviceId}/events`, `hue/cameras/${deviceId}/status`]
    : [`hue/sensors/${deviceKind}/${deviceId}`];
}
