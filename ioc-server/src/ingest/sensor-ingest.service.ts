import {
  normaliseSensorMessage,
  SENSOR_KIND_DEFAULTS,
  type InboundMessage,
  type Logger,
  type SensorReading,
  type TimeWindow,
} from '@hue-ioc/streams';
import type { SensorsLayer } from '../live/sensors-layer.ts';
import type { Metrics } from '../metrics.ts';
import type { AlarmService } from '../incidents/alarm.service.ts';
import { deadLetterOf, type DeadLetter, type NewDevice, type ObservationSink } from './ports.ts';

export interface SensorIngestDeps {
  observations: ObservationSink;
  layer: SensorsLayer;
  metrics: Metrics;
  logger: Logger;
  alarms: AlarmService | null;
  /** How old or far ahead a reading's ts may be (config INGEST_MAX_AGE_DAYS / INGEST_MAX_SKEW_S). */
  timeWindow?: TimeWindow;
}

/**
 * The MQTT sensor path: validate and normalise (streams) → store readings and rejects in one transaction
 * (ObservationSink) → the sensors layer → alarms. Only after the transaction commits does the source
 * acknowledge the batch to the broker.
 */
export class SensorIngestService {
  constructor(private readonly deps: SensorIngestDeps) {}

  readonly handleBatch = async (batch: readonly InboundMessage[]): Promise<void> => {
    const started = performance.now();
    const { layer, metrics } = this.deps;
    const readings: SensorReading[] = [];
    const rejects: DeadLetter[] = [];
    for (const m of batch) {
      const r = normaliseSensorMessage(m.topic, m.payload, m.receivedAt, this.deps.timeWindow);
      if (r.ok) readings.push(...r.value);
      else rejects.push(deadLetterOf('mqtt', r.reject, m));
    }
    const newDevices = new Map<string, NewDevice>();
    const lastSeen = new Map<string, Date>();
    for (const r of readings) {
      if (!layer.hasDevice(r.deviceId) && !newDevices.has(r.deviceId)) {
        const d = SENSOR_KIND_DEFAULTS[r.kind];
        newDevices.set(r.deviceId, {
          id: r.deviceId,
          kind: r.kind,
          unit: d.unit,
          expectedIntervalS: d.expectedIntervalS,
          thresholds: d.thresholds,
        });
      }
      const seen = lastSeen.get(r.deviceId);
      if (!seen || r.ts > seen) lastSeen.set(r.deviceId, r.ts);
    }

    const { stored, registered } = await this.deps.observations.storeBatch({
      readings,
      newDevices: [...newDevices.values()],
      lastSeen,
      rejects,
    });

    metrics.ingestMessages.inc({ source: 'mqtt', outcome: 'stored' }, stored);
    if (readings.length > stored)
      metrics.ingestMessages.inc({ source: 'mqtt', outcome: 'duplicate' }, readings.length - stored);
    if (registered.length > 0) {
      this.deps.logger.info(
        { devices: registered.map((d) => d.id) },
        'auto-registered devices from their topics',
      );
      await layer.upsertDevices(registered);
    }
    await layer.applyReadings(readings);
    if (this.deps.alarms) {
      const main = readings.filter((r) => layer.isMainMetric(r.deviceId, r.metric));
      await this.deps.alarms.onReadings(
        main.map((r) => ({ device: layer.device(r.deviceId)!, value: r.value, unit: r.unit, ts: r.ts })),
      );
    }
    metrics.ingestBatchSeconds.observe({ source: 'mqtt' }, (performance.now() - started) / 1000);
  };
}
