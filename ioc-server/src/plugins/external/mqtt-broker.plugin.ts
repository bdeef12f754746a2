import fp from 'fastify-plugin';
import {
  PortInUseError,
  startEmbeddedBroker,
  type BrokerRefusal,
  type EmbeddedBroker,
  type MqttCredentials,
} from '@hue-ioc/streams';
import { DeviceCredentialRepository } from '../../auth/device-credential.repository.ts';
import { checkDeviceSecret } from '../../auth/device-credential.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The MQTT broker ingest subscribes to: MQTT_URL, or the embedded broker this plugin started. */
    mqtt: {
      /** Without credentials, so it can be logged. */
      url: string;
      embedded: boolean;
      /** The server's ingest client: the embedded broker's internal user, or MQTT_URL's user and password. */
      ingest: MqttCredentials | null;
      /** The in-process simulator: the embedded broker's trusted publisher, or MQTT_URL's user. */
      publisher: MqttCredentials | null;
      /** Ends a device's connections to the embedded broker (its credential was revoked); 0 for MQTT_URL. */
      disconnectDevice(deviceId: string): number;
      /** Lets publishers into the embedded broker, once ingest has subscribed; nothing for MQTT_URL. */
      openToPublishers(): void;
    };
  }
}

/** MQTT_URL=mqtt://user:pass@host: the URL to log and the credentials, apart. */
function splitCredentials(raw: string): { url: string; credentials: MqttCredentials | null } {
  const u = new URL(raw);
  const credentials = u.username
    ? { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) }
    : null;
  u.username = '';
  u.password = '';
  return { url: u.toString().replace(/\/$/, ''), credentials };
}

/**
 * With MQTT_URL unset, starts the embedded broker on MQTT_BIND:MQTT_PORT (a taken default port falls back
 * to a free one). It is closed (issue 11): only the server's ingest client subscribes, devices publish only
 * their own topics, credentials are required off loopback, oversize packets close the connection.
 * Every refusal is logged (who, what, never a secret) and counted in ioc_mqtt_refusals_total.
 */
export default fp(
  async (app) => {
    const { config } = app;
    if (config.mqttUrl !== null) {
      const { url, credentials } = splitCredentials(config.mqttUrl);
      app.decorate('mqtt', {
        url,
        embedded: false,
        ingest: credentials,
        publisher: credentials,
        disconnectDevice: () => 0,
        openToPublishers: () => undefined,
      });
      return;
    }
    const onRefusal = (r: BrokerRefusal) => {
      app.metrics.mqttRefusals.inc({ reason: r.reason });
      const level = r.reason === 'oversize' || r.reason === 'publish_denied' ? 'warn' : 'info';
      app.log[level]({ mqtt: r }, `MQTT broker refused: ${r.reason}`);
    };
    const credentials = new DeviceCredentialRepository(app.db);
    const options = {
      host: config.mqttBind,
      // Publishers wait until ingest has subscribed (mqtt-ingest.plugin.ts opens it).
      openToPublishers: false,
      checkDevice: (deviceId: string, secret: string) => checkDeviceSecret(credentials, deviceId, secret),
      onRefusal,
    };
    let broker: EmbeddedBroker;
    try {
      broker = await startEmbeddedBroker({ ...options, port: config.mqttPort });
    } catch (e) {
      if (!(e instanceof PortInUseError) || config.mqttPortExplicit) throw e;
      // Only the default port was asked for: say so plainly and keep going on a free port.
      app.log.warn({ port: config.mqttPort }, `${e.message} The embedded broker uses a free port instead.`);
      broker = await startEmbeddedBroker({ ...options, port: 0 });
    }
    app.decorate('mqtt', {
      url: broker.url,
      embedded: true,
      ingest: broker.credentials.ingest,
      publisher: broker.credentials.publisher,
      disconnectDevice: (deviceId: string) => broker.disconnectDevice(deviceId),
      openToPublishers: () => broker.openToPublishers(),
    });
    // A graceful stop takes no more messages first (publishers keep what was not acknowledged and send it to
    // the next broker); what the broker already has reaches ingest, which stores it before closing (onClose,
    // in reverse order: ingest before this broker).
    app.addHook('preClose', async () => {
      broker.stopAccepting();
      await new Promise((r) => setTimeout(r, 250));
    });
    app.addHook('onClose', () => broker.close());
    app.log.info(
      { url: broker.url, bind: broker.host, credentialsRequired: broker.requireCredentials },
      broker.requireCredentials
        ? 'embedded MQTT broker listening; every client needs credentials (devices: their own)'
        : 'embedded MQTT broker listening on loopback; local clients may publish device topics without credentials',
    );
  },
  { name: 'mqtt-broker', dependencies: ['config', 'db'] },
);
