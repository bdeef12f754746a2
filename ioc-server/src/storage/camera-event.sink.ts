import type { NormalisedCameraEvent } from '@hue-ioc/streams';
import type { CameraEventBatch, CameraEventSink } from '../ingest/ports.ts';
import type { Db } from './db.ts';
import type { DeviceRepository, DeviceRow } from './device.repository.ts';
import type { StoredDeadLetterSink } from './dead-letter.sink.ts';

/** Camera detections in camera_events: cameras, detections and the batch's dead letters in one transaction. */
export class StoredCameraEventSink implements CameraEventSink {
  constructor(
    private readonly deps: { db: Db; devices: DeviceRepository; deadLetters: StoredDeadLetterSink },
  ) {}

  async storeBatch(
    batch: CameraEventBatch,
  ): Promise<{ fresh: ReadonlySet<string>; registered: DeviceRow[] }> {
    const { db, devices, deadLetters } = this.deps;
    const { events } = batch;
    const result = await db.transaction(async (tx) => {
      const registered = await devices.autoRegister(
        tx,
        batch.newCameras.map((id) => ({
          id,
          kind: 'camera',
          unit: '',
          expectedIntervalS: 300,
          thresholds: [],
        })),
      );
      await deadLetters.insertIn(tx, batch.rejects);
      if (events.length === 0) return { fresh: new Set<string>(), registered };
      const inserted = await tx.query<{ camera_id: string; type: string; ts: Date }>(
        `INSERT INTO camera_events (ts, camera_id, type, confidence, snapshot_url)
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::text[])
         ON CONFLICT DO NOTHING RETURNING camera_id, type, ts`,
        [
          events.map((e) => e.ts),
          events.map((e) => e.cameraId),
          events.map((e) => e.type),
          events.map((e) => e.confidence),
          events.map((e) => e.snapshotUrl),
        ],
      );
      // The same key as the pipeline's sourceId (camera.normalise.ts): `${cameraId}:${type}:${ts ISO}`.
      const fresh = new Set(inserted.map((r) => `${r.camera_id}:${r.type}:${r.ts.toISOString()}`));
      return { fresh, registered };
    });
    deadLetters.recorded(batch.rejects);
    return result;
  }

  async linkIncident(e: NormalisedCameraEvent, incidentId: string): Promise<void> {
    await this.deps.db.query(
      `UPDATE camera_events SET incident_id = $1 WHERE camera_id = $2 AND type = $3 AND ts = $4`,
      [incidentId, e.cameraId, e.type, e.ts],
    );
  }
}
