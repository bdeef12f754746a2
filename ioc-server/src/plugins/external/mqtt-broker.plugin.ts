import fp from 'fastify-plugin';
import { PortInUseError, startEmbeddedBroker, type EmbeddedBroker } from '@hue-ioc/streams';

declare module 'fastify' {
  interface FastifyInstance {
    /** The MQTT broker ingest subscribes to: MQTT_URL, or the embedded broker this plugin started. */
    mqtt: { url: string; embedded: boolean };
  }
}

/** With MQTT_URL unset, starts the embedded broker (on MQTT_PORT; a taken default port falls back to a free one). */
export default fp(
  async (app) => {
    const { config } = app;
    if (config.mqttUrl !== null) {
      app.decorate('mqtt', { url: config.mqttUrl, embedded: false });
      return;
    }
    let broker: EmbeddedBroker;
    try {
      broker = await startEmbeddedBroker({ port: config.mqttPort });
    } catch (e) {
      if (!(e instanceof PortInUseError) || config.mqttPortExplicit) throw e;
      // Only the default port was asked for: say so plainly and keep going on a free port.
      app.log.warn({ port: config.mqttPort }, `${e.message} The embedded broker uses a free port instead.`);
      broker = await startEmbeddedBroker({ port: 0 });
    }
    app.decorate('mqtt', { url: broker.url, embedded: true });
    app.addHook('onClose', () => broker.close());
    app.log.info({ url: broker.url }, 'embedded MQTT broker listening');
  },
  { name: 'mqtt-broker', dependencies: ['config'] },
);
