import fp from 'fastify-plugin';
import { WorkingCalendar } from '@hue-ioc/streams';
import { SensorsLayer } from '../../live/sensors-layer.ts';
import { WardsLayer } from '../../live/wards-layer.ts';
import { IncidentService } from '../../incidents/incident.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Writer of the `sensors` layer (and the offline alerts): latest reading, alarm level, offline sweep. */
    sensorsLayer: SensorsLayer;
    /** Writer of the `wards` layer: open/overdue/urgent counts per phường/xã. */
    wardsLayer: WardsLayer;
    /** Writer of the `incidents` layer: one incident stream from every channel (merge, priority, SLA). */
    incidents: IncidentService;
  }
}

/**
 * The layers' writers, loaded from storage: each live layer has exactly one (src/live/<layer>-layer.ts,
 * and the incident service for `incidents`). The wards layer recounts when this node changes incidents.
 */
export default fp(
  async (app) => {
    const { hub, repos, db, metrics } = app;
    const sensorsLayer = new SensorsLayer(hub);
    await sensorsLayer.load(await repos.devices.list(), await repos.observations.latest());
    sensorsLayer.startOfflineSweep();
    app.decorate('sensorsLayer', sensorsLayer);
    app.addHook('onClose', async () => sensorsLayer.stop());

    const incidents = new IncidentService({
      db,
      incidents: repos.incidents,
      hub,
      calendar: new WorkingCalendar(),
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
  { name: 'live-layers', dependencies: ['layer-hub', 'repositories', 'geo', 'db'] },
);
