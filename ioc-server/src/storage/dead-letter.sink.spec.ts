import { describe, expect, it } from 'vitest';
import { silentLogger } from '@hue-ioc/streams';
import { StoredDeadLetterSink } from './dead-letter.sink.ts';
import { createMetrics } from '../metrics.ts';
import type { DeadLetter } from '../ingest/ports.ts';
import type { Db, Queryable } from './db.ts';
import type { DeadLetterRepository } from './dead-letter.repository.ts';

const receivedAt = new Date('2026-11-27T01:00:00Z');
const letter = (source: string, reasonCode: string, topic: string, payload: string): DeadLetter => ({
  source,
  reasonCode,
  reason: `refused (${reasonCode})`,
  topic,
  payload: Buffer.from(payload),
  details: undefined,
  receivedAt,
});

function setup(insert: (q: Queryable, l: readonly DeadLetter[]) => Promise<void> = async () => {}) {
  const metrics = createMetrics();
  const stored: { q: Queryable; letters: readonly DeadLetter[] }[] = [];
  const warned: [object, string | undefined][] = [];
  const db = { kind: 'pglite' } as Db;
  const repo = {
    insertBatch: async (q: Queryable, letters: readonly DeadLetter[]) => {
      await insert(q, letters);
      stored.push({ q, letters });
    },
  } as unknown as DeadLetterRepository;
  const logger = { ...silentLogger, warn: (obj: object, msg?: string) => void warned.push([obj, msg]) };
  const sink = new StoredDeadLetterSink({ db, repo, metrics, logger });
  const value = async (name: 'deadLetters' | 'webhookRejects' | 'ingestMessages') =>
    (await metrics[name].get()).values.map((v) => [v.labels, v.value]);
  return { sink, db, stored, warned, value };
}

describe('StoredDeadLetterSink', () => {
  it("stores, counts each letter under its source and its channel's own refusal counter, and logs no payload", async () => {
    const { sink, db, stored, warned, value } = setup();
    await sink.reject([
      letter('hotline', 'IOC_INGEST_SCHEMA', '/api/ingest/hotline', '{"caller_phone":"0905123456"}'),
      letter('mqtt', 'IOC_INGEST_JSON', 'hue/sensors/water_level/kim-long', 'not json'),
      letter('csv', 'IOC_INGEST_PHONE', 'hotline.csv#4', '{"so_dien_thoai":"so sai"}'),
    ]);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.q).toBe(db);
    expect(await value('deadLetters')).toEqual([
      [{ source: 'hotline', reason: 'IOC_INGEST_SCHEMA' }, 1],
      [{ source: 'mqtt', reason: 'IOC_INGEST_JSON' }, 1],
      [{ source: 'csv', reason: 'IOC_INGEST_PHONE' }, 1],
    ]);
    expect(await value('webhookRejects')).toEqual([[{ source: 'hotline', code: 'IOC_INGEST_SCHEMA' }, 1]]);
    expect(await value('ingestMessages')).toEqual([[{ source: 'mqtt', outcome: 'rejected' }, 1]]);
    expect(warned.map(([obj]) => obj)).toEqual([
      {
        source: 'hotline',
        topic: '/api/ingest/hotline',
        code: 'IOC_INGEST_SCHEMA',
        reason: 'refused (IOC_INGEST_SCHEMA)',
      },
      {
        source: 'mqtt',
        topic: 'hue/sensors/water_level/kim-long',
        code: 'IOC_INGEST_JSON',
        reason: 'refused (IOC_INGEST_JSON)',
      },
      {
        source: 'csv',
        topic: 'hotline.csv#4',
        code: 'IOC_INGEST_PHONE',
        reason: 'refused (IOC_INGEST_PHONE)',
      },
    ]);
    expect(JSON.stringify(warned)).not.toMatch(/0905123456|so sai/);
  });

  it('counts and logs nothing for letters that could not be stored', async () => {
    const { sink, warned, value } = setup(() => Promise.reject(new Error('disk full')));
    await expect(sink.reject([letter('kpi', 'IOC_INGEST_SCHEMA', '/api/ingest/kpi', '{}')])).rejects.toThrow(
      'disk full',
    );
    expect(await value('deadLetters')).toEqual([]);
    expect(warned).toEqual([]);
  });
});
