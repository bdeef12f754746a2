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
    const result = await db.transaction(async (tx) => {
      const registered = await devices.autoRegister(tx, batch.newDevices);
      const stored = await observations.insertBatch(tx, batch.readings);
      await deadLetters.insertIn(tx, batch.rejects);
      await devices.touch(tx, batch.lastSeen);
      return { stored, registered };
    });
    deadLetters.recorded(batch.rejects);
    return result;
  }
}
