import fp from 'fastify-plugin';
import { LayerHub } from '../../live/layer-hub.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** This node's live layer state, driven by the event log; deltas to `hub.onDelta` listeners per flush (at once when idle). */
    hub: LayerHub;
  }
}

export default fp(
  async (app) => {
    const { metrics } = app;
    const hub = new LayerHub({
      log: app.eventLog,
      tickMs: app.config.liveTickMs,
      historyLimit: app.config.liveHistory.hubEntries,
      onApplied: (lagMs) => metrics.eventLogLagSeconds.observe(Math.max(0, lagMs) / 1000),
      onEmitError: (err, delta) =>
        app.log.error({ err: err.message, layer: delta.layer, seq: delta.seq }, 'live delta fan-out failed'),
    });
    await hub.start();
    // The bounded resume buffers' fill, read at each scrape: memory that grows until they are full is a
    // buffer filling, not a leak (the soak fits its memory trend only once this has levelled off).
    metrics.liveHistoryEntries.setCollect(() => {
      metrics.liveHistoryEntries.reset();
      for (const [layer, n] of hub.historySizes()) metrics.liveHistoryEntries.set({ store: 'hub', layer }, n);
      for (const [layer, n] of app.eventLog.entryCounts?.() ?? [])
        metrics.liveHistoryEntries.set({ store: 'event_log', layer }, n);
    });
    app.decorate('hub', hub);
    app.addHook('onClose', async () => hub.stop());
  },
  { name: 'layer-hub', dependencies: ['config', 'event-log'] },
);
