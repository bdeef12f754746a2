import type { IncidentStore, IncidentStoreTx } from '../ingest/ports.ts';
import type { Db } from './db.ts';
import type { IncidentRepository, IncidentRow } from './incident.repository.ts';

/** Serialises merge decisions across nodes sharing one PostgreSQL (PGlite has one connection anyway). */
const MERGE_LOCK = 4_619_001;

/** The incident stream's store in TimescaleDB: one transaction per decision, under an advisory lock. */
export class DbIncidentStore implements IncidentStore {
  constructor(
    private readonly db: Db,
    private readonly incidents: IncidentRepository,
  ) {}

  transaction<T>(fn: (tx: IncidentStoreTx) => Promise<T>): Promise<T> {
    const { db, incidents } = this;
    return db.transaction(async (q) => {
      if (db.kind === 'postgres') await q.query('SELECT pg_advisory_xact_lock($1)', [MERGE_LOCK]);
      return fn({
        incidentOfSource: (channel, sourceId) => incidents.incidentOfSource(q, channel, sourceId),
        openNear: (position, deg, since) => incidents.openNear(q, position, deg, since),
        nextId: (at) => incidents.nextId(q, at),
        insert: (incident, source) => incidents.insert(q, incident, source),
        attach: (id, source, priority) => incidents.attach(q, id, source, priority),
        addEvent: (id, type, actor, data) => incidents.addEvent(q, id, type, actor, data),
      });
    });
  }

  listOpen(): Promise<IncidentRow[]> {
    return this.incidents.listOpen();
  }
}
