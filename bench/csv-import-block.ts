/**
 * How long parsing a hotline CSV export blocks the event loop (issue 11: a 12.5 MB file blocked it 1.6 s):
 *   node --import tsx bench/csv-import-block.ts [megabytes=12.5]
 * Prints the event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution) and the longest gap
 * between two 5 ms timer ticks while HotlineImportService.parse runs.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { silentLogger, WardIndex } from '@hue-ioc/streams';
import { HotlineImportService } from '../ioc-server/src/ingest/hotline-import.service.ts';
import { loadConfig } from '../ioc-server/src/config.ts';
import { hotlineExport } from '../ioc-server/test/support/hotline-csv.ts';

const mb = Number(process.argv[2] ?? '12.5');
const csv = hotlineExport(mb * 1024 * 1024);
const config = loadConfig({});
const service = new HotlineImportService({
  incidents: { ingest: () => Promise.reject(new Error('not used by parse')) } as never,
  deadLetters: { reject: () => Promise.resolve() },
  jobs: {} as never,
  wards: await WardIndex.load(config.geoDir),
  clock: { now: () => new Date() },
  logger: silentLogger,
});

const histogram = monitorEventLoopDelay({ resolution: 10 });
let last = performance.now();
let maxGap = 0;
const ticker = setInterval(() => {
  const now = performance.now();
  maxGap = Math.max(maxGap, now - last);
  last = now;
}, 5);
histogram.enable();
// The monitor's first sample only sets its baseline: start measuring before the parse does.
await new Promise((r) => setTimeout(r, 50));
const t0 = performance.now();
const rows = await service.parse(csv);
const took = performance.now() - t0;
// Let the timers that were due during a blocking parse fire, so the block is counted.
await new Promise((r) => setTimeout(r, 50));
histogram.disable();
clearInterval(ticker);
const ms = (ns: number) => (ns / 1e6).toFixed(0);
console.log(
  `parsed ${(csv.byteLength / 1024 / 1024).toFixed(1)} MB, ${rows.length} rows in ${took.toFixed(0)} ms; ` +
    `event-loop delay p50 ${ms(histogram.percentile(50))} ms, p99 ${ms(histogram.percentile(99))} ms, ` +
    `max ${ms(histogram.max)} ms; longest gap between 5 ms ticks ${maxGap.toFixed(0)} ms`,
);
