import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isErrorCode } from '@hue-ioc/layers';
import { silentLogger, WardIndex } from '@hue-ioc/streams';
import { HotlineImportService } from './hotline-import.service.ts';
import {
  ManualClock,
  MemoryDeadLetterSink,
  MemoryImportJobStore,
  memoryIncidentService,
} from '../../test/support/memory-ports.ts';
import { hostileCsv } from '../../../streams/test/support/hostile.ts';
import {
  fuzz,
  fuzzSettings,
  fuzzTimeout,
  noteCases,
  outcome,
  printFuzzCounts,
} from '../../../streams/test/support/fuzz.ts';

/**
 * Fuzz of the hotline CSV import on memory ports (issue 11, build item 7): hostile headers and cells
 * (prototype words, injections, NUL and lone surrogates, broken quoting, BOM, CR/LF/CR line ends) through
 * parse → normalise → incident stream. Properties: a file is either refused with a coded IOC_INGEST_CSV
 * error or imported to the end (status done, every row processed and counted once), each bad row has its
 * error (code of the catalogue) and its dead letter, and nothing else throws. The same files through HTTP:
 * ioc-server/test/fuzz.int.spec.ts.
 */
const settings = fuzzSettings();
const GEO_DIR = resolve(import.meta.dirname, '../../../geo');
let wards: WardIndex;
beforeAll(async () => {
  wards = await WardIndex.load(GEO_DIR);
});
afterAll(() => printFuzzCounts('fuzz, hotline CSV import in process'));

describe('fuzz: hotline CSV import on memory ports', () => {
  it(
    'imports every row of a hostile file or refuses the file with IOC_INGEST_CSV',
    async () => {
      await fuzz(
        'csv:rows (HotlineImportService)',
        fc.asyncProperty(hostileCsv(), async (csv) => {
          const clock = new ManualClock(new Date());
          const deadLetters = new MemoryDeadLetterSink();
          const incidents = memoryIncidentService(clock);
          const service = new HotlineImportService({
            incidents: incidents.service,
            deadLetters,
            jobs: new MemoryImportJobStore(),
            wards,
            clock,
            logger: silentLogger,
          });
          let rows: Record<string, string>[];
          try {
            rows = await service.parse(Buffer.from(csv));
          } catch (e) {
            const code = (e as { code?: unknown }).code;
            outcome(`refused ${String(code)}`);
            expect(code, (e as Error).stack).toBe('IOC_INGEST_CSV');
            return;
          }
          noteCases(Math.max(1, rows.length));
          const job = await service.run(await service.start(rows, 'fuzz.csv'), rows);
          outcome(job.failed > 0 ? 'imported with bad rows' : 'imported');
          expect(job.status).toBe('done');
          expect(job.total).toBe(rows.length);
          expect(job.processed).toBe(job.total);
          expect(job.created + job.merged + job.skipped + job.failed).toBe(job.total);
          expect(job.errors.length).toBe(job.failed);
          for (const e of job.errors) expect(isErrorCode(e.code), e.code).toBe(true);
          expect(deadLetters.letters.length).toBe(job.failed);
          for (const l of deadLetters.letters) expect(l.source).toBe('csv');
        }),
        { settings, runs: 500, entries: 1 },
      );
    },
    fuzzTimeout(settings, 1, 120_000),
  );
});
