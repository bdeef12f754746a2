/** The registry of `npm run bench`, in the order of issue 15's table (extra rows last). */
import type { BenchRow } from '../lib/bench.ts';
import { ingestRow } from './ingest.ts';
import { commitLatencyRow, liveLatencyRow } from './latency.ts';
import { coldJoinRow, fanoutRow, memoryRow } from './layers.ts';
import { cpuRow } from './cpu.ts';
import { queueRow, wallDeltaRow } from './scripts.ts';
import { insertRow, webhooksRow } from './extra.ts';

export const ROWS: BenchRow[] = [
  ingestRow,
  commitLatencyRow,
  liveLatencyRow,
  fanoutRow,
  memoryRow,
  coldJoinRow,
  cpuRow,
  wallDeltaRow,
  queueRow,
  insertRow,
  webhooksRow,
];
