import { describe, expect, it } from 'vitest';
import type { Db } from '../storage/db.ts';
import { OpenDataService } from './open-data.service.ts';

const DAY = 86_400_000;

/**
 * A Db whose cursors each give one batch of rows and then wait on `gate` for their next FETCH (the way a
 * FETCH in another thread, or on PostgreSQL, takes its time). Counts the cursors opened and closed.
 */
function gatedDb(batch: number) {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((r) => (open = r));
  let secondFetch: () => void = () => undefined;
  const secondFetchStarted = new Promise<void>((r) => (secondFetch = r));
  const counts = { opened: 0, closed: 0 };
  const rows = Array.from({ length: batch }, (_, i) => ({
    bucket_start: '2026-12-01T00:00:00+07:00',
    device_id: `gauge-${i}`,
    metric: 'water_level',
    avg_value: i / 10,
    samples: 1,
  }));
  const db = {
    kind: 'pglite',
    cursor() {
      return (async function* () {
        counts.opened++;
        try {
          yield rows;
          secondFetch();
          await gate;
        } finally {
          counts.closed++;
        }
      })();
    },
  } as unknown as Db;
  return { db, counts, secondFetchStarted, openGate: () => open() };
}

/** Hourly observations over three days: read a day (one cursor) at a time, three windows. */
async function threeDaysOfHours(db: Db) {
  const service = new OpenDataService({ db, lookups: { wardName: () => null }, maxStreams: 2 });
  const to = new Date('2026-12-01T17:00:00Z');
  const stream = await service.stream({
    dataset: 'observations',
    format: 'csv',
    range: { from: new Date(to.getTime() - 3 * DAY), to },
    filters: {},
  });
  return { service, stream };
}

describe('OpenDataService', () => {
  it('a consumer that goes away while a window’s last FETCH is in flight leaves no cursor open', async () => {
    const { db, counts, secondFetchStarted, openGate } = gatedDb(200);
    const { service, stream } = await threeDaysOfHours(db);
    stream.resume();
    // The first window's rows are out; its cursor waits on its next FETCH.
    await secondFetchStarted;
    stream.destroy();
    await new Promise((r) => setImmediate(r));
    // The FETCH answers after the consumer left: no next window may open, and the open one closes.
    openGate();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(counts).toEqual({ opened: 1, closed: 1 });
    expect(service.openStreams).toBe(0);
  });

  it('a consumer that reads to the end closes every window’s cursor', async () => {
    const { db, counts, openGate } = gatedDb(10);
    openGate();
    const { service, stream } = await threeDaysOfHours(db);
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    // A header and ten rows from each of the three windows.
    expect(text.trim().split('\r\n')).toHaveLength(1 + 30);
    expect(counts).toEqual({ opened: 3, closed: 3 });
    expect(service.openStreams).toBe(0);
  });
});
