// The embedded TimescaleDB's thread (started by `openPgliteWorkerDb`, pglite-worker.db.ts, whose
// WorkerRequest/WorkerReply types are this file's messages): one PGlite instance, driven by messages.
// Queries outside a transaction go straight to PGlite, which runs one at a time (its own queue); a
// transaction holds PGlite's session from `begin` to `end` exactly as `PGlite.transaction` does in-thread.
// Plain JavaScript: a worker thread loads it without a TypeScript loader (Node 20 carries no `--import`
// hooks into workers); the compiled server bundles it as its own entry (scripts/build-server.mjs).
import { parentPort, workerData } from 'node:worker_threads';
import { createPglite } from './pglite-create.mjs';

const port = parentPort;
const ROLLBACK = Symbol('rollback');

/** What crosses back of an error: its message and every plain field (SQLSTATE `code`, `detail`, `constraint`…). */
function plainError(e) {
  if (!(e instanceof Error)) return { message: String(e) };
  const out = { message: e.message, name: e.name, stack: e.stack };
  for (const [k, v] of Object.entries(e))
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
  return out;
}

try {
  const pg = await createPglite(workerData.dataDir);
  /** Open transactions by id; `ends` commits (true) or rolls back (false); `finished` settles after. */
  const txs = new Map();
  const ends = new Map();
  const finished = new Map();
  let nextTx = 1;
  const sessionOf = (tx) => {
    const q = tx ? txs.get(tx) : pg;
    if (!q) throw new Error(`transaction ${tx} is not open`);
    return q;
  };

  const handle = async (m) => {
    switch (m.op) {
      case 'query':
        return (await sessionOf(m.tx).query(m.sql, m.params)).rows;
      case 'exec':
        await sessionOf(m.tx).exec(m.sql);
        return null;
      case 'begin': {
        const id = nextTx++;
        // Resolves with the transaction's id once PGlite has begun it (after whatever it runs before).
        return new Promise((begun, failed) => {
          let started = false;
          const done = pg
            .transaction(async (tx) => {
              started = true;
              txs.set(id, tx);
              begun(id);
              const commit = await new Promise((r) => ends.set(id, r));
              if (!commit) throw ROLLBACK;
            })
            .finally(() => txs.delete(id));
          finished.set(id, done);
          done.catch((e) => {
            if (started) return; // `end` reports how it ended
            finished.delete(id);
            failed(e);
          });
        });
      }
      case 'end': {
        const end = ends.get(m.tx);
        const done = finished.get(m.tx);
        if (!end || !done) throw new Error(`transaction ${m.tx} is not open`);
        ends.delete(m.tx);
        finished.delete(m.tx);
        end(m.commit);
        try {
          await done;
        } catch (e) {
          if (e !== ROLLBACK) throw e;
        }
        return null;
      }
      case 'close':
        if (!pg.closed) await pg.close();
        return null;
      default:
        throw new Error(`unknown request ${String(m.op)}`);
    }
  };

  port.on('message', (m) => {
    handle(m).then(
      (value) => port.postMessage({ id: m.id, ok: true, value }),
      (e) => port.postMessage({ id: m.id, ok: false, error: plainError(e) }),
    );
  });
  port.postMessage({ id: 0, ok: true, value: 'ready' });
} catch (e) {
  port.postMessage({ id: 0, ok: false, error: plainError(e) });
}
