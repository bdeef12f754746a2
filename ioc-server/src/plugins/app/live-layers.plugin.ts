import fp from 'fastify-plugin';
import type { AlertProps, CameraProps, IncidentProps, SensorProps } from '@hue-ioc/layers';
import { hubLayer } from '../../live/layer-sink.ts';
import { AlertsLayer } from '../../live/alerts-layer.ts';
import { CamerasLayer } from '../../live/cameras-layer.ts';
import { IncidentsLayer } from '../../live/incidents-layer.ts';
import { SensorsLayer } from '../../live/sensors-layer.ts';
import { WardsLayer } from '../../live/wards-layer.ts';
import { IncidentService } from '../../incidents/incident.service.ts';
import { DbIncidentStore } from '../../storage/incident.store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Writer of the `sensors` layer: latest reading, alarm level, offline sweep. */
    sensorsLayer: SensorsLayer;
    /** Writer of the `alerts` layer: sensor alarms (alarm service) and offline devices (sensors layer). */
    alertsLayer: AlertsLayer;
    /** Writer of the `cameras` layer and the registry of known cameras. */
    camerasLayer: CamerasLayer;
    /** Writer of the `wards` layer: open/overdue/urgent counts per phường/xã. */
    wardsLayer: WardsLayer;
    /** The one incident stream from every channel (merge, priority, SLA); writes through the incidents layer. */
    incidents: IncidentService;
  }
}

/**
 * The layers' writers, loaded from storage: each live layer has exactly one (src/live/<layer>-layer.ts),
 * over the hub as a LayerSink. The wards layer recounts when this node changes incidents.
 */
export default fp(
  async (app) => {
    const { hub, repos, db, metrics } = app;
    const devices = await repos.devices.list();
    const alertsLayer = new AlertsLayer(hubLayer<AlertProps>(hub, 'alerts'));
    app.decorate('alertsLayer', alertsLayer);
    const sensorsLayer = new SensorsLayer(hubLayer<SensorProps>(hub, 'sensors'), alertsLayer);
    await sensorsLayer.load(devices, await repos.observations.latest());
    sensorsLayer.startOfflineSweep();
    app.decorate('sensorsLayer', sensorsLayer);
    app.addHook('onClose', async () => sensorsLayer.stop());

    const camerasLayer = new CamerasLayer(hubLayer<CameraProps>(hub, 'cameras'));
    await camerasLayer.load(devices);
    app.decorate('camerasLayer', camerasLayer);

    const incidentsLayer = new IncidentsLayer(hubLayer<IncidentProps>(hub, 'incidents'));
    app.addHook('onClose', async () => incidentsLayer.stop());
    const incidents = new IncidentService({
      store: new DbIncidentStore(db, repos.incidents),
      layer: incidentsLayer,
      calendar: app.sla.calendar,
      sla: () => app.sla.current(),
      metrics,
      logger: app.log,
    });
    await incidents.load();
    app.decorate('incidents', incidents);

    const wardsLayer = new WardsLayer(hub, app.wards, repos.incidents);
    incidents.onChanged(() => wardsLayer.changed());
    await wardsLayer.recount();
    wardsLayer.start();
    app.decorate('wardsLayer', wardsLayer);
    app.addHook('onClose', () => wardsLayer.stop());
  },
  { name: 'live-layers', dependencies: ['layer-hub', 'repositories', 'geo', 'db', 'sla'] },
);
