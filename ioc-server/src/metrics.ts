import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A gauge whose value is read when Prometheus scrapes, from a source that exists only after the metrics do
 * (a plugin registered later sets it; prom-client's `collect` runs on every scrape).
 */
export class CollectedGauge<L extends string> extends Gauge<L> {
  /** What the next scrape calls (null until set). */
  source: (() => void) | null = null;
  constructor(config: ConstructorParameters<typeof Gauge<L>>[0]) {
    super({
      ...config,
      collect: () => this.source?.(),
    });
  }
  setCollect(source: () => void): void {
    this.source = source;
  }
}

/** Prometheus metrics of one app instance (a registry per instance, so tests can run several). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ioc_' });
  return {
    registry,
    ingestMessages: new Counter({
      name: 'ioc_ingest_messages_total',
      help: 'Inbound messages by source and outcome (stored, duplicate, rejected)',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'ioc_dead_letters_total',
      help: 'Inputs refused and kept in dead_letters, by source and reason code',
      labelNames: ['source', 'reason'] as const,
      registers: [registry],
    }),
    ingestBatchSeconds: new Histogram({
      name: 'ioc_ingest_batch_seconds',
      help: 'Time to validate and store one ingest batch',
      labelNames: ['source'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    ingestStalled: new Gauge({
      name: 'ioc_ingest_stalled',
      help: 'Ingest pipelines with messages waiting and no commit for longer than INGEST_STALL_SECONDS (1 = stalled)',
      labelNames: ['pipeline'] as const,
      registers: [registry],
    }),
    ingestOldestPendingSeconds: new Gauge({
      name: 'ioc_ingest_oldest_pending_seconds',
      help: 'Age of the oldest message an ingest pipeline holds and has not committed (0 when none waits)',
      labelNames: ['pipeline'] as const,
      registers: [registry],
    }),
    ingestSpooled: new Gauge({
      name: 'ioc_ingest_spooled_messages',
      help: 'Messages in the on-disk spool, waiting for the database',
      labelNames: ['pipeline'] as const,
      registers: [registry],
    }),
    ingestBatchFailures: new Counter({
      name: 'ioc_ingest_batch_failures_total',
      help: 'Ingest batches the database did not take, by kind (unavailable: kept and retried; content: retried, then split)',
      labelNames: ['pipeline', 'kind'] as const,
      registers: [registry],
    }),
    ingestIsolated: new Counter({
      name: 'ioc_ingest_isolated_total',
      help: 'Messages isolated by splitting a refused batch and kept as dead letters with the storage error',
      labelNames: ['pipeline'] as const,
      registers: [registry],
    }),
    incidentOutcomes: new Counter({
      name: 'ioc_incident_inputs_total',
      help: 'Inputs that reached the incident stream, by channel and outcome (created, merged, duplicate)',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    webhookRejects: new Counter({
      name: 'ioc_webhook_rejects_total',
      help: 'Webhook requests refused before storage (signature, schema, size), by source and code',
      labelNames: ['source', 'code'] as const,
      registers: [registry],
    }),
    liveConnections: new Gauge({
      name: 'ioc_live_connections',
      help: 'Open /live sockets',
      registers: [registry],
    }),
    liveDeltas: new Counter({
      name: 'ioc_live_deltas_total',
      help: 'Deltas emitted per layer',
      labelNames: ['layer'] as const,
      registers: [registry],
    }),
    liveSubscribers: new Gauge({
      name: 'ioc_live_subscribers',
      help: 'Sockets subscribed per layer on this node',
      labelNames: ['layer'] as const,
      registers: [registry],
    }),
    liveFeaturesSent: new Counter({
      name: 'ioc_live_features_sent_total',
      help: 'Feature changes sent to clients (per client), per layer',
      labelNames: ['layer'] as const,
      registers: [registry],
    }),
    liveBytes: new Counter({
      name: 'ioc_live_bytes_total',
      help: 'Approximate bytes of deltas sent to clients, per layer (rate() gives bytes/s)',
      labelNames: ['layer'] as const,
      registers: [registry],
    }),
    liveHistoryEntries: new CollectedGauge({
      name: 'ioc_live_history_entries',
      help: "Entries kept for /live resume per layer: by this node's hub and by the in-process event log",
      labelNames: ['store', 'layer'] as const,
      registers: [registry],
    }),
    eventLogLagSeconds: new Histogram({
      name: 'ioc_event_log_lag_seconds',
      help: 'From an entry being appended to the event log (by any node) to this node applying it',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    liveSlowSkips: new Counter({
      name: 'ioc_live_slow_skips_total',
      help: 'Deltas withheld from a slow socket (it gets one coalesced catch-up when it drains)',
      labelNames: ['layer'] as const,
      registers: [registry],
    }),
    liveResyncs: new Counter({
      name: 'ioc_live_resyncs_total',
      help: 'Snapshots sent instead of deltas, by reason',
      labelNames: ['layer', 'reason'] as const,
      registers: [registry],
    }),
    liveTickSeconds: new Histogram({
      name: 'ioc_live_tick_seconds',
      help: "Time to fan one layer delta out to this node's subscribers",
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1],
      registers: [registry],
    }),
    ingestToEmitSeconds: new Histogram({
      name: 'ioc_ingest_to_emit_seconds',
      help: 'From a change entering the event log to its delta leaving this node',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    liveRejects: new Counter({
      name: 'ioc_live_rejects_total',
      help: 'Refused /live handshakes and commands by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    outboxMessages: new Gauge({
      name: 'ioc_outbox_messages',
      help: 'Outbox messages not (yet) delivered, by status (pending, failed, dead, held) and channel',
      labelNames: ['status', 'channel'] as const,
      registers: [registry],
    }),
    outboxDeliveries: new Counter({
      name: 'ioc_outbox_deliveries_total',
      help: 'Outbox delivery tries by channel and outcome (sent, retry, failed, dead, held)',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    mqttRefusals: new Counter({
      name: 'ioc_mqtt_refusals_total',
      help: 'What the embedded MQTT broker refused, by reason (anonymous, bad_credentials, client_id_reserved, publish_denied, subscribe_denied, oversize)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
