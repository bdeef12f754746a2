import type { Server as HttpServer } from 'node:http';
import type { Server as IoServer } from 'socket.io';
import {
  MqttSource,
  PortInUseError,
  REFERENCE_DEVICES,
  referenceDeviceSeeds,
  SENSOR_TOPIC_FILTER,
  CAMERA_EVENTS_TOPIC_FILTER,
  CAMERA_STATUS_TOPIC_FILTER,
  referenceCameraSeeds,
  seedAgencies,
  WorkingCalendar,
  type InboundMessage,
  Simulator,
  startEmbeddedBroker,
  WardIndex,
  type EmbeddedBroker,
  type Logger,
} from '@hue-ioc/streams';
import type { Feature, IncidentProps, KpiUpdate, LayerDelta, SensorKind, TickerItem } from '@hue-ioc/layers';
import { Ticker } from './live/ticker.ts';

const INGEST_TOPICS = [SENSOR_TOPIC_FILTER, CAMERA_EVENTS_TOPIC_FILTER, CAMERA_STATUS_TOPIC_FILTER];
import type { Config } from './config.ts';
import { AgencyRepository } from './storage/agency.repository.ts';
import { IncidentRepository } from './storage/incident.repository.ts';
import { IncidentService } from './incidents/incident.service.ts';
import { AlarmService } from './incidents/alarm.service.ts';
import { CameraIngestService } from './ingest/camera-ingest.service.ts';
import { KpiService } from './kpi/kpi.service.ts';
import { HotlineImportService } from './ingest/hotline-import.service.ts';
import { WardsLayer } from './live/wards-layer.ts';
import { openDb } from './storage/open-db.ts';
import type { Db } from './storage/db.ts';
import { migrate } from './storage/migrate.ts';
import { EmbeddedJobRunner } from './storage/maintenance.ts';
import { DeviceRepository } from './storage/device.repository.ts';
import { ObservationRepository } from './storage/observation.repository.ts';
import { DeadLetterRepository } from './storage/dead-letter.repository.ts';
import { LayerHub } from './live/layer-hub.ts';
import type { EventLog } from './live/event-log/event-log.ts';
import { MemoryEventLog } from './live/event-log/memory.event-log.ts';
import { RedisEventLog } from './live/event-log/redis.event-log.ts';
import { Redis } from 'ioredis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { SensorsLayer } from './live/sensors-layer.ts';
import { createLiveGateway } from './live/live.gateway.ts';
import { AccessService } from './auth/access.service.ts';
import { authenticateLive, watchLiveSockets } from './auth/live-access.ts';
import { canSubscribe, scopeDelta, scopeFeature, scopeSnapshot } from './auth/policy.ts';
import type { Principal } from './auth/principal.ts';
import { SensorIngestService } from './ingest/sensor-ingest.service.ts';
import { createMetrics, type Metrics } from './metrics.ts';

/** Everything the routes need, built in dependency order and closed in reverse. */
export interface IocContext {
  config: Config;
  db: Db;
  wards: WardIndex;
  /** Accounts, sessions, display tokens, audit trail (auth/). */
  access: AccessService;
  repos: {
    agencies: AgencyRepository;
    incidents: IncidentRepository;
    devices: DeviceRepository;
    observations: ObservationRepository;
    deadLetters: DeadLetterRepository;
  };
  incidents: IncidentService;
  hotlineImport: HotlineImportService;
  kpis: KpiService;
  wardsLayer: WardsLayer;
  hub: LayerHub;
  sensors: SensorsLayer;
  metrics: Metrics;
  /** Set once `attachLive` ran on the HTTP server. */
  io: IoServer | null;
  mqtt: { url: string; embedded: boolean; source: MqttSource | null };
  simulator: Simulator | null;
  /** What /readyz reports. */
  readiness(): { db: boolean; mqtt: boolean; live: boolean };
  log: EventLog;
  attachLive(httpServer: HttpServer, logger: Parameters<typeof createLiveGateway>[0]['logger']): void;
  /** Starts ingest and the simulator (after the HTTP server listens). */
  startIngest(): Promise<void>;
  /** Disconnects every /live socket and stops socket.io; clients reconnect to another node (or this one, later). */
  closeLive(): Promise<void>;
  close(): Promise<void>;
}

export async function createContext(config: Config, logger: Logger): Promise<IocContext> {
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) {
      try {
        await c();
      } catch (e) {
        logger.warn({ err: (e as Error).message }, 'error while shutting down');
      }
    }
    closers.length = 0;
  };
  try {
    const metrics = createMetrics();
    const wards = await WardIndex.load(config.geoDir);

    const t0 = performance.now();
    const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    closers.push(() => db.close());
    const migrated = await migrate(db);
    logger.info(
      { db: db.kind, applied: migrated.applied, ms: Math.round(performance.now() - t0) },
      db.kind === 'pglite' ? `embedded TimescaleDB ready in ${config.dataDir}` : 'TimescaleDB ready',
    );
    let jobs: EmbeddedJobRunner | null = null;
    if (db.kind === 'pglite') {
      jobs = new EmbeddedJobRunner(db, logger);
      jobs.start();
      const runner = jobs;
      closers.push(() => runner.stop());
    }

    const repos = {
      agencies: new AgencyRepository(db),
      incidents: new IncidentRepository(db),
      devices: new DeviceRepository(db),
      observations: new ObservationRepository(db),
      deadLetters: new DeadLetterRepository(db),
    };
    await repos.devices.seed(referenceDeviceSeeds(wards));
    await repos.devices.seedCameras(referenceCameraSeeds(wards));
    await repos.agencies.seed(seedAgencies(wards));
    // After the agencies: the demo `agency` account belongs to one of them.
    const access = new AccessService({ db, config, logger });
    await access.seed();

    let io: IoServer | null = null;
    let closeLive: () => Promise<void> = async () => {};
    const log: EventLog = config.redisUrl
      ? await RedisEventLog.connect({ url: config.redisUrl, prefix: config.redisPrefix, logger })
      : new MemoryEventLog();
    closers.push(() => log.close());
    // Several nodes: notifications that start on one node (KPI values) reach the others' sockets through
    // socket.io's Redis streams adapter. Layers do not use it: every node follows the event log.
    let adapter: ReturnType<typeof createAdapter> | undefined;
    if (config.redisUrl) {
      const adapterRedis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
      await adapterRedis.connect();
      adapterRedis.on('error', (err: Error) =>
        logger.warn({ err: err.message }, 'redis (socket.io adapter) error'),
      );
      closers.push(() =>
        adapterRedis.quit().then(
          () => undefined,
          () => undefined,
        ),
      );
      adapter = createAdapter(adapterRedis, {
        streamName: `${config.redisPrefix}:socket.io`,
        maxLen: 10_000,
      });
    }
    // Replaced by the socket.io gateway once the HTTP server exists; until then nobody is subscribed.
    let emitDelta: (d: LayerDelta, entryTimes: number[]) => void = () => {};
    const hub: LayerHub = new LayerHub({
      log,
      tickMs: config.liveTickMs,
      emit: (delta, times) => {
        emitDelta(delta, times);
        for (const item of ticker.onDelta(delta)) emitTicker(item);
        if (delta.layer === 'incidents')
          for (const f of delta.upserts) emitIncidentChanged(f as Feature<IncidentProps>);
      },
      onApplied: (lagMs) => metrics.eventLogLagSeconds.observe(Math.max(0, lagMs) / 1000),
      onEmitError: (err, delta) =>
        logger.error({ err: err.message, layer: delta.layer, seq: delta.seq }, 'live delta fan-out failed'),
    });
    // The wall's ticker, derived from the deltas every node applies (live/ticker.ts).
    const ticker = new Ticker();
    let emitTicker: (item: TickerItem) => void = () => {};
    let emitIncidentChanged: (f: Feature<IncidentProps>) => void = () => {};
    await hub.start();
    const sensors = new SensorsLayer(hub);
    await sensors.load(await repos.devices.list(), await repos.observations.latest());
    sensors.startOfflineSweep();

    const wardsLayer = new WardsLayer(hub, wards, repos.incidents);
    const incidents = new IncidentService({
      db,
      incidents: repos.incidents,
      hub,
      calendar: new WorkingCalendar(),
      metrics,
      logger,
      onChanged: () => wardsLayer.changed(),
    });
    await incidents.load();
    ticker.prime(hub.features('incidents'), hub.features('alerts'));
    await wardsLayer.recount();
    wardsLayer.start();
    closers.push(async () => {
      sensors.stop();
      await wardsLayer.stop();
      hub.stop();
    });

    const alarms = new AlarmService({ db, hub, incidents, logger });
    const sensorIngest = new SensorIngestService({ db, ...repos, layer: sensors, metrics, logger, alarms });
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
    let announceKpi: (u: KpiUpdate) => void = () => {};
    const kpis = new KpiService(db, (u) => announceKpi(u));
    /** One MQTT batch may mix sensor and camera topics; both parts are stored before the batch is acked. */
    const dispatch = async (batch: readonly InboundMessage[]) => {
      const cameras = batch.filter((m) => m.topic.startsWith('hue/cameras/'));
      const others = cameras.length === 0 ? batch : batch.filter((m) => !m.topic.startsWith('hue/cameras/'));
      if (others.length > 0) await sensorIngest.handleBatch(others);
      if (cameras.length > 0) await cameraIngest.handleBatch(cameras);
    };
    const mqtt: IocContext['mqtt'] = {
      url: config.mqttUrl ?? '',
      embedded: config.mqttUrl === null,
      source: null,
    };
    let simulator: Simulator | null = null;
    let listening: HttpServer | null = null;

    const ctx: IocContext = {
      config,
      db,
      wards,
      access,
      repos,
      hub,
      log,
      sensors,
      incidents,
      hotlineImport: new HotlineImportService({
        db,
        incidents,
        deadLetters: repos.deadLetters,
        wards,
        metrics,
        logger,
      }),
      kpis,
      wardsLayer,
      metrics,
      get io() {
        return io;
      },
      mqtt,
      get simulator() {
        return simulator;
      },
      readiness: () => ({
        db: true,
        mqtt: mqtt.source?.connected ?? false,
        live: io !== null,
      }),
      attachLive(httpServer, httpLogger) {
        listening = httpServer;
        const gateway = createLiveGateway({
          httpServer,
          hub,
          logger: httpLogger,
          metrics,
          authenticate: (handshake) => authenticateLive(access, handshake),
          canSubscribe,
          scopeDelta,
          scopeSnapshot,
          ...(adapter ? { adapter } : {}),
        });
        const stopWatch = watchLiveSockets(access, gateway.nsp, httpLogger);
        closers.push(stopWatch);
        io = gateway.io;
        emitDelta = gateway.emitDelta;
        // Ticker lines name incidents of every agency: not for agency accounts, which see only their own.
        // Both are derived from the layers' deltas, which every node follows: each node sends its own.
        const mayReadTicker = (p: Principal) => p.role !== 'agency';
        emitTicker = (item) => gateway.notify('ticker', item, mayReadTicker);
        // Consoles follow single incidents: every change on the incidents layer, to whoever may see it.
        emitIncidentChanged = (f) => {
          const { version, status, priority, agencyId, dueAt, updatedAt } = f.props;
          gateway.notify(
            'incident:changed',
            { id: f.id, version, status, priority, agencyId, dueAt, updatedAt },
            (p) => scopeFeature(p, 'incidents', f) !== null,
          );
        };
        gateway.nsp.on('connection', (socket) => {
          if (!mayReadTicker(socket.data.principal as Principal)) return;
          for (const item of ticker.latest()) socket.emit('ticker', item);
        });
        // A KPI sample arrives on one node; the adapter carries it to the others' screens.
        announceKpi = (u) => gateway.broadcastKpi(u);
        let closing: Promise<void> | null = null;
        closeLive = () => (closing ??= gateway.close());
        closers.push(() => closeLive());
      },
      closeLive: () => closeLive(),
      async startIngest() {
        if (mqtt.embedded) {
          let broker: EmbeddedBroker;
          try {
            broker = await startEmbeddedBroker({ port: config.mqttPort });
          } catch (e) {
            if (!(e instanceof PortInUseError) || config.mqttPortExplicit) throw e;
            // Only the default port was asked for: say so plainly and keep going on a free port.
            logger.warn(
              { port: config.mqttPort },
              `${e.message} The embedded broker uses a free port instead.`,
            );
            broker = await startEmbeddedBroker({ port: 0 });
          }
          closers.push(() => broker.close());
          mqtt.url = broker.url;
          logger.info({ url: broker.url }, 'embedded MQTT broker listening');
        }
        const source = new MqttSource({
          url: mqtt.url,
          clientId: `hue-ioc-ingest-${config.nodeId}`,
          topics: INGEST_TOPICS,
          sink: dispatch,
          logger,
          ...(config.mqttSharedGroup && !mqtt.embedded ? { sharedGroup: config.mqttSharedGroup } : {}),
        });
        await source.start();
        mqtt.source = source;
        closers.push(() => source.stop());
        logger.info({ url: mqtt.url, topics: INGEST_TOPICS }, 'subscribed to MQTT');
        if (config.simulator) {
          const devices = await repos.devices.list();
          const sim = new Simulator({
            mqttUrl: mqtt.url,
            devices: devices
              .filter((d) => REFERENCE_DEVICES.some((r) => r.id === d.id))
              .map((d) => ({
                id: d.id,
                kind: d.kind as SensorKind,
                expectedIntervalS: d.expected_interval_s,
              })),
            speed: config.simulatorSpeed,
            logger,
            // Citizens, the hotline and KPI feeds post signed webhooks to this server like any source.
            wards,
            cameras: referenceCameraSeeds(wards),
            webhooks: { secrets: config.ingestSecrets },
          });
          await sim.start();
          simulator = sim;
          closers.push(() => sim.stop());
          // The port is known once the HTTP server listens (PORT=0 picks one): the webhooks start then.
          const server = listening;
          const postToSelf = () => {
            const a = server?.address();
            if (!a || typeof a !== 'object') return;
            const wildcard = a.address === '0.0.0.0' || a.address === '::';
            const host = wildcard ? '127.0.0.1' : a.family === 'IPv6' ? `[${a.address}]` : a.address;
            sim.startWebhooks({ baseUrl: `http://${host}:${a.port}` });
          };
          if (server?.listening) postToSelf();
          else server?.once('listening', postToSelf);
        }
      },
      close,
    };
    return ctx;
  } catch (e) {
    await close();
    throw e;
  }
}
