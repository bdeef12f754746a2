import fp from 'fastify-plugin';
import { timeWindow } from '@hue-ioc/streams';
import { systemClock, type DeadLetterSink } from '../../ingest/ports.ts';
import { AlarmService } from '../../incidents/alarm.service.ts';
import { SensorIngestService } from '../../ingest/sensor-ingest.service.ts';
import { CameraIngestService } from '../../ingest/camera-ingest.service.ts';
import { HotlineImportService } from '../../ingest/hotline-import.service.ts';
import { StoredDeadLetterSink } from '../../storage/dead-letter.sink.ts';
import { StoredObservationSink } from '../../storage/observation.sink.ts';
import { StoredCameraEventSink } from '../../storage/camera-event.sink.ts';
import { CachedAlarmStore } from '../../storage/cached-alarm.store.ts';
import { DeviceAlarmRepository } from '../../storage/device-alarm.repository.ts';
import { ImportJobRepository } from '../../storage/import-job.repository.ts';
import { IngestHealth } from '../../ingest/ingest-health.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where every channel's refused inputs go (dead_letters, metrics, one log line): webhooks use it too. */
    deadLetterSink: DeadLetterSink;
    /** Sensor readings (MQTT `hue/sensors/...`): stored in batches, the sensors layer, river alarms. */
    sensorIngest: SensorIngestService;
    /** Camera events and status (MQTT `hue/cameras/...`): the cameras layer, camera-detected incidents. */
    cameraIngest: CameraIngestService;
    /** Hotline call-centre exports (CSV) with progress. */
    hotlineImport: HotlineImportService;
    /** Sensors' threshold alarms (BĐ I–III for river gauges); CAP out listens to its level changes. */
    alarms: AlarmService;
    /** Whether each ingest pipeline commits (what /readyz and `ioc_ingest_stalled` report); pipelines register. */
    ingestHealth: IngestHealth;
  }
}

/**
 * The ingest channels' services, each wired to its ports: storage ones over the repositories (src/storage),
 * the layers' writers (src/live, from live-layers) and the incident stream.
 */
export default fp(
  async (app) => {
    const { db, repos, metrics, incidents, wards } = app;
    const logger = app.log;
    const clock = systemClock;
    // The ingest time window (config.ts): the live channels' and the CSV import's longer one.
    const { maxAgeDays, maxSkewS, csvMaxAgeDays } = app.config.ingestTimeWindow;
    const liveWindow = timeWindow(maxAgeDays, maxSkewS);
    const deadLetters = new StoredDeadLetterSink({ db, repo: repos.deadLetters, metrics, logger });
    app.decorate('deadLetterSink', deadLetters);
    app.decorate('ingestHealth', new IngestHealth({ metrics, clock, thresholdS: app.config.ingestStallS }));

    // One node (no Redis: no other node takes readings) is the only writer of the alarm states: it keeps
    // them in memory in front of the database. Several nodes share them through the database.
    const alarmStates = new DeviceAlarmRepository(db);
    const cachedAlarms =
      app.config.redisUrl === null
        ? new CachedAlarmStore(alarmStates, {
            onPeakWriteError: (err) => logger.warn({ err }, 'alarm peaks not written; retrying'),
          })
        : null;
    const alarms = new AlarmService({
      store: cachedAlarms ?? alarmStates,
      incidents,
      alerts: app.alertsLayer,
      clock,
      logger,
    });
    app.decorate('alarms', alarms);
    let touchFailing = false;
    const observations = new StoredObservationSink({
      db,
      devices: repos.devices,
      observations: repos.observations,
      deadLetters,
      onTouchError: (err) => {
        // Retried every second until it writes; one line per outage, not per try.
        if (!touchFailing) logger.warn({ err }, 'devices last-seen times not written; retrying');
        touchFailing = true;
      },
      onTouched: () => {
        if (touchFailing) logger.info('devices last-seen times written again');
        touchFailing = false;
      },
    });
    // After mqtt-ingest's onClose (registered later, closed first) stopped the source, before the database closes.
    app.addHook('onClose', async () => {
      await observations.flush().catch((err: unknown) => {
        logger.warn({ err }, 'devices last-seen times not written at shutdown');
      });
      await cachedAlarms?.flush().catch((err: unknown) => {
        logger.warn({ err }, 'alarm peaks not written at shutdown');
      });
    });
    app.decorate(
      'sensorIngest',
      new SensorIngestService({
        observations,
        layer: app.sensorsLayer,
        metrics,
        logger,
        alarms,
        timeWindow: liveWindow,
      }),
    );
    app.decorate(
      'cameraIngest',
      new CameraIngestService({
        events: new StoredCameraEventSink({ db, devices: repos.devices, deadLetters }),
        incidents,
        layer: app.camerasLayer,
        wards,
        clock,
        metrics,
        timeWindow: liveWindow,
      }),
    );
    app.decorate(
      'hotlineImport',
      new HotlineImportService({
        incidents,
        deadLetters,
        jobs: new ImportJobRepository(db),
        wards,
        clock,
        logger,
        timeWindow: timeWindow(csvMaxAgeDays, maxSkewS),
      }),
    );
  },
  { name: 'ingest', dependencies: ['db', 'repositories', 'live-layers', 'geo'] },
);
