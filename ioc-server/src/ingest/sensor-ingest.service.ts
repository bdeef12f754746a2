import {
  normaliseSensorMessage,
  SENSOR_KIND_DEFAULTS,
  type InboundMessage,
  type Logger,
  type SensorReading,
} from '@hue-ioc/streams';
import type { Db } from '../storage/db.ts';
import type { DeviceRepository } from '../storage/device.repository.ts';
import type { ObservationRepository } from '../storage/observation.repository.ts';
import type { DeadLetter, DeadLetterRepository } from '../storage/dead-letter.repository.ts';
import type { SensorsLayer } from '../live/sensors-layer.ts';
import type { Metrics } from '../metrics.ts';
import type { AlarmService } from '../incidents/alarm.service.ts';

export interface SensorIngestDeps {
  db: Db;
  devices: DeviceRepository;
  observations: ObservationRepository;
  deadLetters: DeadLetterRepository;
  layer: SensorsLayer;
  metrics: Metrics;
  logger: Logger;
  alarms: AlarmService | null;
}

/**
 * The MQTT sensor path: validate → store readings and rejects in one transaction → update the live
 * layer. Only after the transaction commits does the source acknowledge the batch to the broker.
 */
export class SensorIngestService {
  constructor(private readonly deps: SensorIngestDeps) {}

  readonly handleBatch = async (batch: readonly InboundMessage[]): Promise<void> => {
    const started = performance.now();
    const readings: SensorReading[] = [];
    const rejects: DeadLetter[] = [];
    for (const m of batch) {
      const r = normaliseSensorMessage(m.topic, m.payload, m.receivedAt);
      if (r.ok) readings.push(...r.value);
      else {
        rejects.push({
          source: 'mqtt',
          reasonCode: r.reject.code,
          reason: r.reject.reason,
          topic: m.topic.slice(0, 512),
          payload: m.payload,
          details: r.reject.details,
          receivedAt: m.receivedAt,
        });
      }
    }
    const unknown = new Map<
      string,
      { id: string; kind: string; unit: string; expectedIntervalS: number; thresholds: number[] }
    >();
    const lastSeen = new Map<string, Date>();
    for (const r of readings) {
      if (!this.deps.layer.hasDevice(r.deviceId) && !unknown.has(r.deviceId)) {
        const d = SENSOR_KIND_DEFAULTS[r.kind];
        unknown.set(r.deviceId, {
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

    const { stored, registered } = await this.deps.db.transaction(async (tx) => {
      const registered = await this.deps.devices.autoRegister(tx, [...unknown.values()]);
      const stored = await this.deps.observations.insertBatch(tx, readings);
      await this.deps.deadLetters.insertBatch(tx, rejects);
      await this.deps.devices.touch(tx, lastSeen);
      return { stored, registered };
    });

    const m = this.deps.metrics;
    m.ingestMessages.inc({ source: 'mqtt', outcome: 'stored' }, stored);
    if (readings.length > stored)
      m.ingestMessages.inc({ source: 'mqtt', outcome: 'duplicate' }, readings.length - stored);
    if (rejects.length > 0) m.ingestMessages.inc({ source: 'mqtt', outcome: 'rejected' }, rejects.length);
    for (const r of rejects) {
      m.deadLetters.inc({ source: 'mqtt', reason: r.reasonCode });
      this.deps.logger.warn(
        { source: 'mqtt', topic: r.topic, code: r.reasonCode, reason: r.reason },
        'message rejected to dead_letters',
      );
    }
    if (registered.length > 0) {
      this.deps.logger.info(
        { devices: registered.map((d) => d.id) },
        'auto-registered devices from their topics',
      );
      await this.deps.layer.upsertDevices(registered);
    }
    await this.deps.layer.applyReadings(readings);
    if (this.deps.alarms) {
      const main = readings.filter((r) => this.deps.layer.isMainMetric(r.deviceId, r.metric));
      await this.deps.alarms.onReadings(
        main.map((r) => ({
          device: this.deps.layer.device(r.deviceId)!,
          value: r.value,
          unit: r.unit,
          ts: r.ts,
        })),
      );
    }
    m.ingestBatchSeconds.observe({ source: 'mqtt' }, (performance.now() - started) / 1000);
  };
}
