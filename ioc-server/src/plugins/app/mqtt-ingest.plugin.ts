import fp from 'fastify-plugin';
import {
  CAMERA_EVENTS_TOPIC_FILTER,
  CAMERA_STATUS_TOPIC_FILTER,
  MqttSource,
  SENSOR_TOPIC_FILTER,
  type InboundMessage,
} from '@hue-ioc/streams';

const INGEST_TOPICS = [SENSOR_TOPIC_FILTER, CAMERA_EVENTS_TOPIC_FILTER, CAMERA_STATUS_TOPIC_FILTER];

declare module 'fastify' {
  interface FastifyInstance {
    /** The MQTT subscription of ingest; `connected` is what /readyz reports. */
    mqttIngest: { readonly connected: boolean };
  }
}

/**
 * Subscribes to the sensor and camera topics once the app is ready (every route and /live are in place),
 * QoS 1: a batch is acknowledged only once its sensor and camera parts are stored.
 */
export default fp(
  async (app) => {
    const { config, mqtt, sensorIngest, cameraIngest } = app;
    let source: MqttSource | null = null;
    app.decorate('mqttIngest', {
      get connected() {
        return source?.connected ?? false;
      },
    });
    /** One MQTT batch may mix sensor and camera topics; both parts are stored before the batch is acked. */
    const dispatch = async (batch: readonly InboundMessage[]) => {
      const cameras = batch.filter((m) => m.topic.startsWith('hue/cameras/'));
      const others = cameras.length === 0 ? batch : batch.filter((m) => !m.topic.startsWith('hue/cameras/'));
      if (others.length > 0) await sensorIngest.handleBatch(others);
      if (cameras.length > 0) await cameraIngest.handleBatch(cameras);
    };
    app.addHook('onReady', async () => {
      const s = new MqttSource({
        url: mqtt.url,
        // The embedded broker refuses this client id to anyone without the ingest credential (issue 11).
        clientId: `hue-ioc-ingest-${config.nodeId}`,
        ...(mqtt.ingest ?? {}),
        topics: INGEST_TOPICS,
        sink: dispatch,
        logger: app.log,
        ...(config.mqttSharedGroup && !mqtt.embedded ? { sharedGroup: config.mqttSharedGroup } : {}),
      });
      await s.start();
      source = s;
      app.log.info({ url: mqtt.url, topics: INGEST_TOPICS }, 'subscribed to MQTT');
    });
    app.addHook('onClose', async () => {
      await source?.stop();
    });
  },
  { name: 'mqtt-ingest', dependencies: ['config', 'mqtt-broker', 'ingest'] },
);
