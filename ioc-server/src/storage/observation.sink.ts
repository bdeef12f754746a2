import type { ObservationBatch, ObservationSink } from '../ingest/ports.ts';
import type { Db } from './db.ts';
import type { DeviceRepository, DeviceRow } from './device.repository.ts';
import type { ObservationRepository } from './observation.repository.ts';
import type { StoredDeadLetterSink } from './dead-letter.sink.ts';

/** Sensor batches in TimescaleDB: devices, observations and the batch's dead letters in one transaction. */
export class StoredObservationSink implements ObservationSink {
  constructor(
    private readonly deps: {
      db: Db;
      devices: DeviceRepository;
      observations: ObservationRepository;
      deadLetters: StoredDeadLetterSink;
    },
  ) {}

  async storeBatch(batch: ObservationBatch): Promise<{ stored: number; registered: DeviceRow[] }> {
    const { db, devices, observations, deadLetters } = this.deps;
    // The usual batch (known devices, nothing refused): one atomic statement, no transaction round trips.
    if (batch.newDevices.length === 0 && batch.rejects.length === 0) {
      const stored = await observations.insertBatchAndTouch(db, batch.readings, batch.lastSeen);
      return { stored, registered: [] };
    }
    const result = await db.transaction(async (tx) => {
      const registered = await devices.autoRegister(tx, batch.newDevices);
      const stored = await observations.insertBatchAndTouch(tx, batch.readings, batch.lastSeen);
      await deadLetters.insertIn(tx, batch.rejects);
      return { stored, registered };
    });
    deadLetters.recorded(batch.rejects);
    return result;
  }
}
