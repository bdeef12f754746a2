import fp from 'fastify-plugin';
import type { SensorKind } from '@hue-ioc/layers';
import { REFERENCE_DEVICES, referenceCameraSeeds, Simulator } from '@hue-ioc/streams';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Huế simulator when SIMULATOR=on; null otherwise. */
    simulator: Simulator | null;
  }
}

/**
 * SIMULATOR=on: plays Huế through the same entry points as real sources, readings over MQTT and signed
 * webhooks posted to this server once it listens (PORT=0 picks the port then).
 */
export default fp(
  async (app) => {
    const { config } = app;
    let simulator: Simulator | null = null;
    app.decorate('simulator', {
      getter: () => simulator,
    });
    if (!config.simulator) return;
    app.addHook('onReady', async () => {
      const devices = await app.repos.devices.list();
      const sim = new Simulator({
        mqttUrl: app.mqtt.url,
        // The embedded broker's trusted in-process publisher (any device topic, no subscriptions), so the
        // simulated devices need no credentials of their own, on loopback or off; with MQTT_URL, its user.
        ...(app.mqtt.publisher ? { mqttCredentials: app.mqtt.publisher } : {}),
        devices: devices
          .filter((d) => REFERENCE_DEVICES.some((r) => r.id === d.id))
          .map((d) => ({ id: d.id, kind: d.kind as SensorKind, expectedIntervalS: d.expected_interval_s })),
        speed: config.simulatorSpeed,
        logger: app.log,
        wards: app.wards,
        cameras: referenceCameraSeeds(app.wards),
        webhooks: { secrets: config.ingestSecrets },
      });
      await sim.start();
      simulator = sim;
      const server = app.server;
      const postToSelf = () => {
        const a = server.address();
        if (!a || typeof a !== 'object') return;
        const wildcard = a.address === '0.0.0.0' || a.address === '::';
        const host = wildcard ? '127.0.0.1' : a.family === 'IPv6' ? `[${a.address}]` : a.address;
        sim.startWebhooks({ baseUrl: `http://${host}:${a.port}` });
      };
      if (server.listening) postToSelf();
      else server.once('listening', postToSelf);
    });
    app.addHook('onClose', async () => {
      await simulator?.stop();
    });
  },
  { name: 'simulator', dependencies: ['config', 'mqtt-broker', 'repositories', 'geo', 'mqtt-ingest'] },
);
