import fp from 'fastify-plugin';
import { AlarmService } from '../../incidents/alarm.service.ts';
import { SensorIngestService } from '../../ingest/sensor-ingest.service.ts';
import { CameraIngestService } from '../../ingest/camera-ingest.service.ts';
import { HotlineImportService } from '../../ingest/hotline-import.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Sensor readings (MQTT `hue/sensors/...`): stored in batches, the sensors layer, river alarms. */
    sensorIngest: SensorIngestService;
    /** Camera events and status (MQTT `hue/cameras/...`): the cameras layer, camera-detected incidents. */
    cameraIngest: CameraIngestService;
    /** Hotline call-centre exports (CSV) with progress. */
    hotlineImport: HotlineImportService;
  }
}

/** The ingest channels' services, each writing through the layers' writers and the repositories. */
export default fp(
  async (app) => {
    const { db, repos, metrics, hub, incidents, wards } = app;
    const logger = app.log;
    const alarms = new AlarmService({ db, hub, incidents, logger });
    app.decorate(
      'sensorIngest',
      new SensorIngestService({ db, ...repos, layer: app.sensorsLayer, metrics, logger, alarms }),
    );
    const cameraIngest = new CameraIngestService({
      db,
      devices: repos.devices,
      deadLetters: repos.deadLetters,
      incidents,
      hub,
      wards,
      metrics,
      logger,
    });
    await cameraIngest.load();
    app.decorate('cameraIngest', cameraIngest);
    app.decorate(
      'hotlineImport',
      new HotlineImportService({ db, incidents, deadLetters: repos.deadLetters, wards, metrics, logger }),
    );
  },
  { name: 'ingest', dependencies: ['db', 'repositories', 'live-layers', 'geo'] },
);
