import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '@hue-ioc/streams';
import type { Db, Tx } from '../src/storage/db.ts';
import { startIoc, type RunningIoc } from './support/start-ioc.ts';

const SECRET = 'test-content-secret';
const MARK = 'NỘI-DUNG-BỊ-TỪ-CHỐI';

/**
 * A database that refuses one report's content as PostgreSQL does text it cannot store (SQLSTATE 22P05,
 * "untranslatable character"): no input reaches that any more through the schemas, so the test double at
 * the port stands for the next such case (issue 11: a content refusal was a 500 the sender retried forever).
 */
function refusing(inner: Db): Db {
  const guard = (sql: string, params?: readonly unknown[]) => {
    if (/INSERT INTO incidents/.test(sql) && params?.some((p) => typeof p === 'string' && p.includes(MARK)))
      throw Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
  };
  const wrap = (tx: Tx): Tx => ({
    query: async (sql, params) => {
      guard(sql, params);
      return tx.query(sql, params);
    },
    exec: (sql) => tx.exec(sql),
  });
  return {
    kind: inner.kind,
    query: async (sql, params) => {
      guard(sql, params);
      return inner.query(sql, params);
    },
    exec: (sql) => inner.exec(sql),
    transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
    close: () => inner.close(),
  } as Db;
}

describe('a webhook whose content the database refuses', () => {
  let ioc: RunningIoc;
  beforeAll(async () => {
    ioc = await startIoc({
      overrides: { ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET } },
      wrapDb: refusing,
    });
  });
  afterAll(async () => {
    await ioc?.close();
  });

  it('answers 400 IOC_INGEST_CONTENT with the reason and keeps it as a dead letter; the next report is stored', async () => {
    const post = async (description: string, id: string) => {
      const raw = JSON.stringify({
        id,
        category: 'Thoát nước, ngập úng',
        description,
        lat: 16.4637,
        lon: 107.5857,
        media: [],
        reporter: {},
        created_at: new Date().toISOString(),
      });
      const res = await fetch(`${ioc.baseUrl}/api/ingest/hue-s`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signBody(SECRET, raw, Math.floor(Date.now() / 1000)),
        },
        body: raw,
      });
      return {
        status: res.status,
        body: (await res.json()) as { error?: { code: string; message: string } },
      };
    };
    const refused = await post(`Ngập sâu ${MARK}`, `hs-content-${Date.now()}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe('IOC_INGEST_CONTENT');
    expect(refused.body.error?.message).toContain('22P05');
    const kept = await ioc.app.db.query<{ code: string; payload: Buffer }>(
      `SELECT reason_code AS code, payload FROM dead_letters WHERE reason_code = 'IOC_INGEST_CONTENT'`,
    );
    expect(kept).toHaveLength(1);
    expect(Buffer.from(kept[0]!.payload).toString('utf8')).toContain(MARK);
    const next = await post('Ngập sâu đường Lê Lợi', `hs-content-ok-${Date.now()}`);
    expect(next.status).toBe(201);
  });
});
