import { join } from 'node:path';
import fp from 'fastify-plugin';
import {
  CAMERA_EVENTS_TOPIC_FILTER,
  CAMERA_STATUS_TOPIC_FILTER,
  MqttSource,
  SENSOR_TOPIC_FILTER,
  type InboundMessage,
} from '@hue-ioc/streams';
import { systemClock } from '../../ingest/ports.ts';
import { ResilientBatchSink } from '../../ingest/resilient-batch.ts';
import { isDatabaseUnavailable } from '../../storage/db.ts';
import { FileSpool } from '../../storage/file-spool.ts';

const INGEST_TOPICS = [SENSOR_TOPIC_FILTER, CAMERA_EVENTS_TOPIC_FILTER, CAMERA_STATUS_TOPIC_FILTER];

declare module 'fastify' {
  interface FastifyInstance {
    /** The MQTT subscription of ingest; `connected` is what /readyz reports. */
    mqttIngest: { readonly connected: boolean };
  }
}

/**
 * Subscribes to the sensor and camera topics once the app is ready (every route and /live are in place),
 * QoS 1: a batch is acknowledged only once its sensor and camera parts are committed — stored, isolated as
 * dead letters, or, while the database is unreachable, in the spool under DATA_DIR (ResilientBatchSink).
 * The pipeline reports to ingestHealth as `mqtt`.
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
    const spool =
      config.ingestSpoolBytes > 0
        ? await FileSpool.open(join(config.dataDir, 'spool', 'mqtt'), config.ingestSpoolBytes, app.log)
        : null;
    const batches = new ResilientBatchSink({
      pipeline: 'mqtt',
      store: dispatch,
      deadLetter: (m, err) =>
        app.deadLetterSink.reject([
          {
            source: 'mqtt',
            reasonCode: 'IOC_INGEST_STORAGE',
            reason: `the database refused it: ${err.message}`,
            topic: m.topic,
            payload: m.payload,
            details: { error: (err as { code?: unknown }).code ?? null },
            receivedAt: m.receivedAt,
          },
        ]),
      isUnavailable: isDatabaseUnavailable,
      spool,
      clock: systemClock,
      logger: app.log,
      metrics: app.metrics,
    });
    app.ingestHealth.register('mqtt', {
      waiting: () => (source?.backlog.messages ?? 0) + batches.spooled.messages,
      oldestWaitingAt: () => {
        const times = [source?.backlog.oldestAt, batches.spooled.oldestAt].filter((t) => t instanceof Date);
        return times.length === 0 ? null : Math.min(...times.map((t) => t.getTime()));
      },
      lastCommitAt: () => batches.lastCommitAt,
    });
    app.addHook('onReady', async () => {
      const s = new MqttSource({
        url: mqtt.url,
        // The embedded broker refuses this client id to anyone without the ingest credential (issue 11).
        clientId: `hue-ioc-ingest-${config.nodeId}`,
        ...(mqtt.ingest ?? {}),
        topics: INGEST_TOPICS,
        sink: batches.handle,
        logger: app.log,
        ...(config.mqttSharedGroup && !mqtt.embedded ? { sharedGroup: config.mqttSharedGroup } : {}),
      });
      // What an earlier run spooled goes first; new batches queue behind it while it drains.
      batches.start();
      await s.start();
      source = s;
      // Subscribed: the embedded broker may take readings now (none is acknowledged with nobody to store it).
      mqtt.openToPublishers();
      app.log.info({ url: mqtt.url, topics: INGEST_TOPICS }, 'subscribed to MQTT');
    });
    app.addHook('onClose', async () => {
      await source?.stop();
      await batches.stop();
    });
  },
  { name: 'mqtt-ingest', dependencies: ['config', 'mqtt-broker', 'ingest'] },
);
