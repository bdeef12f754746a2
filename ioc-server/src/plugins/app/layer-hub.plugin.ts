import fp from 'fastify-plugin';
import { LayerHub } from '../../live/layer-hub.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** This node's live layer state, driven by the event log; deltas to `hub.onDelta` listeners per tick. */
    hub: LayerHub;
  }
}

export default fp(
  async (app) => {
    const { metrics } = app;
    const hub = new LayerHub({
      log: app.eventLog,
      tickMs: app.config.liveTickMs,
      onApplied: (lagMs) => metrics.eventLogLagSeconds.observe(Math.max(0, lagMs) / 1000),
      onEmitError: (err, delta) =>
        app.log.error({ err: err.message, layer: delta.layer, seq: delta.seq }, 'live delta fan-out failed'),
    });
    await hub.start();
    app.decorate('hub', hub);
    app.addHook('onClose', async () => hub.stop());
  },
  { name: 'layer-hub', dependencies: ['config', 'event-log'] },
);
