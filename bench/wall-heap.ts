/**
 * `npm run bench:wall-heap [-- --minutes 10]`: the wall in Debian Chromium under the simulator at high
 * speed, sampling the page's JS heap (after a forced GC, through the DevTools protocol) once a minute.
 * A wall runs for weeks: the heap must level off, not grow with the stream. The baseline is the first
 * sample after the first minute (same run); the ratio is the last sample against it.
 */
import { parseArgs } from 'node:util';

import { launchChromium } from '../ioc-web/tests/support/chromium.ts';
import { DISPLAY_TOKEN, startIoc } from '../ioc-server/test/support/start-ioc.ts';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, speed: { type: 'string', default: '600' } },
});
const minutes = Number(values.minutes);
const secret = 'bench-wall-secret-46';
const ioc = await startIoc({
  overrides: {
    simulator: true,
    simulatorSpeed: Number(values.speed),
    liveTickMs: 250,
    ingestSecrets: { hueS: secret, hotline: secret, kpi: secret, open311: secret },
  },
});
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
page.on('crash', () => console.error('the wall page crashed'));
page.on('close', () => console.error(`the wall page closed at ${new Date().toISOString()}`));
browser.on('disconnected', () => console.error(`the browser disconnected at ${new Date().toISOString()}`));
page.on('pageerror', (e) => console.error('page error:', e.message));
const cdp = await page.context().newCDPSession(page);
await cdp.send('HeapProfiler.enable');
await page.goto(`${ioc.baseUrl}/wall?token=${DISPLAY_TOKEN}`);
await page.waitForFunction(() => window.__iocWall?.state() === 'live', undefined, { timeout: 60_000 });

const samples: { minute: number; heapMb: number; incidents: number }[] = [];
for (let m = 0; m <= minutes; m++) {
  if (m > 0) await new Promise((r) => setTimeout(r, 60_000));
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  const incidents = await page.evaluate(() => window.__iocWall?.incidents?.().length ?? 0);
  samples.push({ minute: m, heapMb: +(usedSize / 1e6).toFixed(1), incidents });
  console.log(`minute ${m}: heap ${(usedSize / 1e6).toFixed(1)} MB, incidents on the map ${incidents}`);
}
const base = samples.find((s) => s.minute === 1) ?? samples[0]!;
const last = samples.at(-1)!;
console.table(samples);
console.log(
  `\nheap after ${minutes} min: ${last.heapMb} MB, ${(last.heapMb / base.heapMb).toFixed(2)}× the minute-1 baseline (${base.heapMb} MB), with ${last.incidents} incidents vs ${base.incidents}\n`,
);
await browser.close();
await ioc.close();
process.exit(0);
