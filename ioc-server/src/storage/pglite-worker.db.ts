import { Worker } from 'node:worker_threads';
import { CURSOR_BATCH, type Db, type Tx } from './db.ts';
import { holdCursor } from './pglite.db.ts';

export type WorkerRequest = { id: number } & (
  | { op: 'query'; sql: string; params: unknown[] | undefined; tx: number | undefined }
  | { op: 'exec'; sql: string; tx: number | undefined }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' }
);
export type WorkerReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: Record<string, unknown> };

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** Messages fit for `isDatabaseUnavailable` ("not queryable"): ingest keeps the input and retries. */
const STOPPED = 'embedded database worker stopped: not queryable';

function revive(fields: Record<string, unknown>): Error {
  const e = new Error(String(fields.message ?? 'embedded database error'));
  const { message: _m, stack, ...rest } = fields;
  Object.assign(e, rest);
  if (typeof stack === 'string') e.stack = `${e.stack ?? ''}\n    --- in the database thread ---\n${stack}`;
  return e;
}

/**
 * Embedded TimescaleDB in a worker thread (`pglite.worker.mjs`): the same PGlite, the same SQL, the same one
 * session and transaction semantics as `openPgliteDb`, but its WASM runs beside the event loop instead of on
 * it. A 500-reading insert takes 15–30 ms of CPU; in-thread, MQTT, the live hub and every HTTP request wait
 * for it; here they run while it does (issue 15: durable ingest, publish → client). Parameters and rows are
 * copied across (structured clone: Dates, arrays, Uint8Array for bytea); errors keep their SQLSTATE `code`
 * and other plain fields.
 */
export async function openPgliteWorkerDb(
  dataDir: string | null,
  opts: { onStopped?: (err: Error) => void } = {},
): Promise<Db> {
  // Beside this module in src/ and in the compiled dist/ (an entry of scripts/build-server.mjs).
  const entry = import.meta.url.endsWith('.ts') ? './pglite.worker.mjs' : './pglite.worker.js';
  const worker = new Worker(new URL(entry, import.meta.url), { workerData: { dataDir } });
  const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let stopped: Error | null = null;
  let closed = false;

  const settleAll = (e: Error): void => {
    if (stopped) return;
    stopped = e;
    if (!closed) opts.onStopped?.(e);
    for (const c of calls.values()) c.reject(e);
    calls.clear();
  };
  const ready = new Promise<void>((resolve, reject) => {
    calls.set(0, { resolve: () => resolve(), reject });
  });
  worker.on('message', (m: WorkerReply) => {
    const c = calls.get(m.id);
    if (!c) return;
    calls.delete(m.id);
    if (calls.size === 0) worker.unref();
    if (m.ok) c.resolve(m.value);
    else c.reject(revive(m.error));
  });
  worker.on('error', (e) => settleAll(Object.assign(new Error(`${STOPPED} (${e.message})`), { cause: e })));
  worker.on('exit', (code) => settleAll(new Error(`${STOPPED} (exit ${code})`)));
  try {
    await ready;
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  worker.unref();

  // The thread keeps the process alive only while a call waits on it (as an in-thread database would).
  const call = <T>(m: Request): Promise<T> => {
    if (stopped) return Promise.reject(stopped);
    const id = nextId++;
    if (calls.size === 0) worker.ref();
    return new Promise<T>((resolve, reject) => {
      calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...m, id } as WorkerRequest);
    });
  };
  const txOf = (tx: number | undefined): Tx => ({
    query: <T>(sql: string, params?: readonly unknown[]) =>
      call<T[]>({ op: 'query', sql, params: params ? [...params] : undefined, tx }),
    exec: (sql: string) => call<void>({ op: 'exec', sql, tx }),
  });
  const base = txOf(undefined);
  return {
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    async transaction(fn) {
      const tx = await call<number>({ op: 'begin' });
      let result;
      try {
        result = await fn(txOf(tx));
      } catch (e) {
        await call({ op: 'end', tx, commit: false }).catch(() => undefined);
        throw e;
      }
      await call({ op: 'end', tx, commit: true });
      return result;
    },
    cursor: <T>(sql: string, params?: readonly unknown[], batchSize = CURSOR_BATCH) =>
      holdCursor<T>(base.query, () => closed || stopped !== null, sql, params, batchSize),
    async close() {
      if (closed || stopped) return;
      closed = true;
      await call({ op: 'close' }).catch(() => undefined);
      await worker.terminate();
    },
  };
}
