import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SensorReading } from '@hue-ioc/streams';
import { openPgliteDb } from '../src/storage/pglite.db.ts';
import { migrate } from '../src/storage/migrate.ts';
import type { Db } from '../src/storage/db.ts';
import { DeviceRepository } from '../src/storage/device.repository.ts';
import { ObservationRepository } from '../src/storage/observation.repository.ts';
import { DeadLetterRepository } from '../src/storage/dead-letter.repository.ts';
import { StoredDeadLetterSink } from '../src/storage/dead-letter.sink.ts';
import { StoredObservationSink } from '../src/storage/observation.sink.ts';
import { createMetrics } from '../src/metrics.ts';
import { silentLogger } from '@hue-ioc/streams';

/** Readings every batch, devices' last-seen times at most once per `touchEveryMs` (embedded TimescaleDB). */
describe('StoredObservationSink: last-seen times written every so often', () => {
  let db: Db;
  let dir: string;
  let clock = 0;
  const devices = (): DeviceRepository => new DeviceRepository(db);
  const reading = (deviceId: string, iso: string, value = 1): SensorReading => ({
    deviceId,
    kind: 'rain',
    metric: 'rain_rate',
    value,
    unit: 'mm/h',
    ts: new Date(iso),
  });
  const lastSeenOf = async (id: string): Promise<string | null> => {
    const [row] = await db.query<{ t: Date | null }>(`SELECT last_seen_at AS t FROM devices WHERE id = $1`, [
      id,
    ]);
    return row?.t ? new Date(row.t).toISOString() : null;
  };
  const sinkOf = (touchEveryMs: number): StoredObservationSink =>
    new StoredObservationSink({
      db,
      devices: devices(),
      observations: new ObservationRepository(db),
      deadLetters: new StoredDeadLetterSink({
        db,
        repo: new DeadLetterRepository(db),
        metrics: createMetrics(),
        logger: silentLogger,
      }),
      touchEveryMs,
      now: () => clock,
    });
  const batch = (readings: SensorReading[], newDevices: { id: string }[] = []) => {
    const lastSeen = new Map<string, Date>();
    for (const r of readings)
      if (!lastSeen.has(r.deviceId) || r.ts > lastSeen.get(r.deviceId)!) lastSeen.set(r.deviceId, r.ts);
    return {
      readings,
      newDevices: newDevices.map((d) => ({
        id: d.id,
        kind: 'rain',
        unit: 'mm/h',
        expectedIntervalS: 300,
        thresholds: [],
      })),
      lastSeen,
      rejects: [],
    };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hue-ioc-sink-'));
    db = await openPgliteDb(dir);
    await migrate(db);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores every batch at once and writes last-seen with the first batch after the interval, then on flush', async () => {
    clock = 10_000;
    const sink = sinkOf(1000);
    // A new device: registered in the batch's transaction, its time written with it.
    const first = await sink.storeBatch(batch([reading('g1', '2026-12-01T01:00:00Z')], [{ id: 'g1' }]));
    expect(first.stored).toBe(1);
    expect(first.registered.map((d) => d.id)).toEqual(['g1']);
    expect(await lastSeenOf('g1')).toBe('2026-12-01T01:00:00.000Z');

    // Within the interval: the readings are stored (durable before the PUBACK), last-seen waits.
    clock += 400;
    expect((await sink.storeBatch(batch([reading('g1', '2026-12-01T01:05:00Z')]))).stored).toBe(1);
    clock += 400;
    // Re-delivery of the same reading and an older one: neither moves last-seen backwards later.
    expect(
      (
        await sink.storeBatch(
          batch([reading('g1', '2026-12-01T01:05:00Z'), reading('g1', '2026-12-01T00:59:00Z')]),
        )
      ).stored,
    ).toBe(1);
    expect(await lastSeenOf('g1')).toBe('2026-12-01T01:00:00.000Z');
    const [{ n } = { n: -1 }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM observations WHERE device_id = 'g1'`,
    );
    expect(n).toBe(3);

    // Past the interval: the next batch writes the newest pending time.
    clock += 300;
    await sink.storeBatch(batch([reading('g1', '2026-12-01T01:04:00Z')]));
    expect(await lastSeenOf('g1')).toBe('2026-12-01T01:05:00.000Z');

    // Pending at shutdown: flush writes it.
    clock += 100;
    await sink.storeBatch(batch([reading('g1', '2026-12-01T01:10:00Z')]));
    expect(await lastSeenOf('g1')).toBe('2026-12-01T01:05:00.000Z');
    await sink.flush();
    expect(await lastSeenOf('g1')).toBe('2026-12-01T01:10:00.000Z');
    await sink.flush(); // nothing pending: no-op
  });

  it('writes what is pending on a timer when no batch comes (a quiet network)', async () => {
    clock = 50_000;
    const sink = sinkOf(30);
    await sink.storeBatch(batch([reading('g2', '2026-12-01T02:00:00Z')], [{ id: 'g2' }]));
    clock += 5;
    await sink.storeBatch(batch([reading('g2', '2026-12-01T02:05:00Z')]));
    expect(await lastSeenOf('g2')).toBe('2026-12-01T02:00:00.000Z');
    const deadline = Date.now() + 5000;
    while ((await lastSeenOf('g2')) !== '2026-12-01T02:05:00.000Z' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(await lastSeenOf('g2')).toBe('2026-12-01T02:05:00.000Z');
  });

  it('a failed batch leaves earlier pending times pending and does not count its own as seen', async () => {
    clock = 90_000;
    const sink = sinkOf(1000);
    await sink.storeBatch(batch([reading('g3', '2026-12-01T03:00:00Z')], [{ id: 'g3' }]));
    clock += 2000;
    // A reading the database refuses (text cannot hold a NUL byte): the statement fails as in an outage.
    const bad = { ...reading('g3', '2026-12-01T03:30:00Z'), metric: 'rain\u0000rate' };
    await expect(sink.storeBatch(batch([bad]))).rejects.toThrow();
    expect(await lastSeenOf('g3')).toBe('2026-12-01T03:00:00.000Z');
    clock += 10;
    await sink.storeBatch(batch([reading('g3', '2026-12-01T03:10:00Z')]));
    // The failed batch's time is not taken for stored (its redelivery brings it); the next batch's is.
    await sink.flush();
    expect(await lastSeenOf('g3')).toBe('2026-12-01T03:10:00.000Z');
  });
});
