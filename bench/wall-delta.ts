/**
 * `npm run bench:wall-delta [-- --incidents 100000 --sensors 2000 --rounds 8 --scene city --baseline 5000 --json out.json]`: main-thread
 * time for the wall (Debian Chromium) to apply a 1,000-feature incidents delta while it holds many
 * incidents and sensors.
 *
 * Two figures per delta, both from the page's renderer main thread:
 * - `apply`: the synchronous handler (LayerSync.applyDelta + the page's onLayer: filter, recluster,
 *   counts), measured in the page by LiveClient.applyTimings(), on a delta of its own with no CPU profiler
 *   and no Node client running beside it;
 * - `page JS`: all JavaScript the page ran in the 2.5 s after the delta (Svelte effects, deck.gl attribute
 *   updates, supercluster, GC), from a DevTools CPU profile, minus the same in a window without a delta.
 *   Native rendering time ("(program)") is left out: here it is SwiftShader's, not a real GPU's.
 * - `in page list` vs `Node client`: from the append on the server to the change in the page's incident list,
 *   and to a Node socket.io client of the same server (the server and network part).
 * Baseline run in the same process: the same deltas on a wall holding 5,000 incidents; the ratio shows how
 * the cost grows with the wall's size. SwiftShader draws here (no GPU on this machine): GL execution
 * happens in the GPU process and is not counted; frame rates are not meaningful and are not reported.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import type { Feature, IncidentProps } from '@hue-ioc/layers';
import { incident as makeIncident, sensor as makeSensor } from './lib/features.ts';
import { ARTIFACTS, launchChromium } from '../ioc-web/tests/support/chromium.ts';
import {
  DISPLAY_TOKEN,
  LiveMirror,
  startIoc,
  type RunningIoc,
} from '../ioc-server/test/support/start-ioc.ts';

const { values } = parseArgs({
  options: {
    incidents: { type: 'string', default: '100000' },
    baseline: { type: 'string', default: '5000' },
    sensors: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '8' },
    delta: { type: 'string', default: '1000' },
    scene: { type: 'string', default: 'city' },
    /** `?layers=` of the wall (default: all the scene's); e.g. `sensors` to take the incidents' drawing out. */
    layers: { type: 'string' },
    /**
     * Prints the page's top functions by self time (DevTools CPU profile) for one delta on the large wall, and
     * those inside the delta's handler (what `apply` is made of).
     */
    profile: { type: 'boolean', default: false },
    /** With --profile: also writes that window's profile (.cpuprofile: open it in DevTools' Performance panel). */
    'profile-out': { type: 'string' },
    /** Writes every round's figures (with the idle window's JS) for `npm run bench -- wall-delta`. */
    json: { type: 'string' },
    /** Leaves the screenshot of the large wall out (it takes a while with software rendering). */
    'no-screenshot': { type: 'boolean', default: false },
  },
});
const TOTAL = Number(values.incidents);
const BASELINE = Number(values.baseline);
const SENSORS = Number(values.sensors);
const ROUNDS = Number(values.rounds);
const DELTA = Number(values.delta);
const WINDOW_MS = 2500;

// Huế: the incidents spread over the city and the province around it, and rain gauges (deterministic;
// the same makers as the layer rows of npm run bench).
const now = Date.now();
const incident = (i: number, round = 0): Feature<IncidentProps> => makeIncident(i, now, round);

async function seedIncidents(ioc: RunningIoc, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 5000) {
    const batch: Feature[] = [];
    for (let j = i; j < Math.min(to, i + 5000); j++) batch.push(incident(j));
    await ioc.app.hub.apply('incidents', batch);
  }
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))]!;

interface RoundResult {
  applyMs: number;
  jsMs: number;
  visibleMs: number;
  /** The same delta seen by a Node socket.io client of the same server: the server and network part. */
  nodeClientMs: number;
  /** JavaScript the page ran in an idle window of the same length without a delta (what it costs to idle). */
  idleMs: number;
}

/** JavaScript time (with the GC it causes) in a CPU profile: everything but idle and native "(program)". */
function jsTime(profile: CpuProfile): { ms: number; top: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let ms = 0;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)' || f.functionName === '(program)') return;
    const d = (profile.timeDeltas[i] ?? 0) / 1000;
    ms += d;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + d);
  });
  return { ms, top: [...self].sort((a, b) => b[1] - a[1]).slice(0, 15) };
}

/**
 * Self time by function inside the `layer:delta` handler (the parent of LayerSync's `applyDelta`, a name the
 * minifier keeps): what `apply` is made of. Functions are named with their column (the bundle is minified).
 * A sample is charged the gap to the next one, so a thread the OS took off the core shows as one long sample.
 */
function handlerTime(profile: CpuProfile): { ms: number; samples: number; top: [string, number, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const roots = new Set<number>();
  for (const n of profile.nodes)
    if (n.callFrame.functionName === 'applyDelta' && parent.has(n.id)) roots.add(parent.get(n.id)!);
  const self = new Map<string, [number, number]>();
  let ms = 0;
  let samples = 0;
  profile.samples.forEach((id, i) => {
    let x: number | undefined = id;
    while (x !== undefined && !roots.has(x)) x = parent.get(x);
    if (x === undefined) return;
    const f = byId.get(id)!.callFrame;
    const d = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    ms += d;
    samples++;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    const [t, n] = self.get(key) ?? [0, 0];
    self.set(key, [t + d, n + 1]);
  });
  const top = [...self].map(([k, [t, n]]) => [k, t, n] as [string, number, number]);
  return { ms, samples, top: top.sort((a, b) => b[1] - a[1]).slice(0, 12) };
}

async function profiled<T>(
  cdp: CDPSession,
  run: () => Promise<T>,
): Promise<{ result: T; profile: CpuProfile }> {
  await cdp.send('Profiler.start');
  const result = await run();
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
  return { result, profile };
}

async function measure(ioc: RunningIoc, page: Page, cdp: CDPSession, held: number): Promise<RoundResult[]> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  const results: RoundResult[] = [];
  const mirror = new LiveMirror(ioc.baseUrl, 'incidents');
  // Round 0 warms up (JIT, first attribute allocation) and is not counted.
  for (let round = 0; round <= ROUNDS; round++) {
    // 1,000 existing incidents change (status, priority, deadline), spread over the whole set.
    const step = Math.max(1, Math.floor(held / DELTA));
    // Versions unique across both walls and both deltas of the round, so a probe waits for its very delta.
    const deltaOf = (version: number) => {
      const changed: Feature[] = [];
      for (let k = 0; k < DELTA; k++) changed.push(incident((k * step + round) % held, version));
      return changed;
    };
    const inPage = (changed: Feature[]) =>
      page
        .waitForFunction(
          ([id, v]) => window.__iocWall!.incidents().some((f) => f.id === id && f.props.version === v),
          [changed[0]!.id, (changed[0]!.props as IncidentProps).version] as const,
          { timeout: 60_000, polling: 20 },
        )
        .then(
          () => true,
          () => false,
        );

    // `apply`: a delta with nothing of the bench's own running beside the page, no CPU profiler (its 250 µs
    // samples interrupt the handler) and no Node client decoding the same delta on these two cores.
    const quietBefore = (await page.evaluate(() => window.__iocWall!.applyTimings().length)) as number;
    const quiet = deltaOf(2 * round + (held === TOTAL ? 1000 : 1));
    await ioc.app.hub.apply('incidents', quiet);
    await inPage(quiet);
    await page.waitForTimeout(WINDOW_MS);
    const applyMs = (
      (await page.evaluate(() => window.__iocWall!.applyTimings())) as { layer: string; ms: number }[]
    )
      .slice(quietBefore)
      .filter((t) => t.layer === 'incidents')
      .reduce((n, t) => n + t.ms, 0);

    // `page JS` and the Node client: a second delta, profiled, with the Node client watching.
    const idle = await profiled(cdp, () => page.waitForTimeout(WINDOW_MS));
    const changed = deltaOf(2 * round + 1 + (held === TOTAL ? 1000 : 1));
    const probe = changed[0]!.id;
    const probeVersion = (changed[0]!.props as IncidentProps).version;
    let nodeClientMs = NaN;
    const withDelta = await profiled(cdp, async () => {
      const sent = Date.now();
      const seenByNode = (async () => {
        while (Date.now() - sent < 30_000) {
          const f = mirror.state?.features.get(probe) as Feature<IncidentProps> | undefined;
          if (f?.props.version === probeVersion) return (nodeClientMs = Date.now() - sent);
          await new Promise((r) => setTimeout(r, 5));
        }
        return NaN;
      })();
      await ioc.app.hub.apply('incidents', changed);
      // Not seen within the limit is a result too (NaN), not a crash: a software-rendered page can fall
      // that far behind.
      const seen = await inPage(changed);
      const visibleMs = seen ? Date.now() - sent : NaN;
      await seenByNode;
      await page.waitForTimeout(Math.max(0, WINDOW_MS - (Date.now() - sent)));
      return visibleMs;
    });
    const idleJs = jsTime(idle.profile);
    const deltaJs = jsTime(withDelta.profile);
    const jsMs = deltaJs.ms - idleJs.ms;
    if (round > 0)
      results.push({ applyMs, jsMs, visibleMs: withDelta.result, nodeClientMs, idleMs: idleJs.ms });
    console.log(
      `  ${held.toLocaleString('en')} incidents, ${round === 0 ? 'warm-up' : `round ${round}`}: apply ${applyMs.toFixed(1)} ms, page JS ${jsMs.toFixed(0)} ms net of an idle window (${idleJs.ms.toFixed(0)} ms), in the page's list after ${withDelta.result} ms (a Node client: ${nodeClientMs} ms)`,
    );
    if (values.profile && round === ROUNDS) {
      console.log('  top JS self time in the window with the delta:');
      for (const [k, ms] of deltaJs.top) console.log(`    ${ms.toFixed(1).padStart(7)} ms  ${k}`);
      const handler = handlerTime(withDelta.profile);
      console.log(
        `  inside the layer:delta handler(s): ${handler.ms.toFixed(1)} ms in ${handler.samples} samples (self time, samples):`,
      );
      for (const [k, ms, n] of handler.top)
        console.log(`    ${ms.toFixed(1).padStart(7)} ms ${String(n).padStart(4)}  ${k}`);
      if (values['profile-out']) {
        await writeFile(values['profile-out'], JSON.stringify(withDelta.profile));
        console.log(`  profile written to ${values['profile-out']}`);
      }
    }
  }
  mirror.close();
  return results;
}

/** The server's slow-client counters: a wall that is skipped as slow sees deltas late. */
async function printLiveMetrics(ioc: RunningIoc): Promise<void> {
  const text = await (
    await fetch(`${ioc.baseUrl}/metrics`, { headers: { authorization: `Bearer ${DISPLAY_TOKEN}` } })
  ).text();
  const lines = text.split('\n').filter((l) => /^ioc_live_(slow_skips|resyncs)_total\{/.test(l));
  console.log(`  server: ${lines.join(', ') || 'no slow skips, no resyncs'}`);
}

async function openWall(ioc: RunningIoc, expectOpen: number): Promise<{ page: Page; cdp: CDPSession }> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  const cdp = await page.context().newCDPSession(page);
  await page.goto(
    `${ioc.baseUrl}/wall?token=${DISPLAY_TOKEN}&scenes=${values.scene}&rotate=off&fly=0&reload=off${values.layers ? `&layers=${values.layers}` : ''}`,
  );
  await page.waitForFunction((n) => (window.__iocWall?.incidents().length ?? 0) >= n, expectOpen, {
    timeout: 180_000,
    polling: 500,
  });
  await page.waitForTimeout(3000);
  return { page, cdp };
}

const ioc = await startIoc({ overrides: { liveTickMs: 250, logLevel: 'silent' } });
const browser = await launchChromium();
try {
  const sensors: Feature[] = [];
  for (let i = 0; i < SENSORS; i++) sensors.push(makeSensor(i, now));
  await ioc.app.hub.apply('sensors', sensors);

  // `--baseline 0` leaves the small wall out (the bench harness compares with the idle window instead).
  let base: RoundResult[] = [];
  let wall: { page: Page; cdp: CDPSession };
  if (BASELINE > 0) {
    console.log(
      `baseline: ${BASELINE.toLocaleString('en')} incidents + ${SENSORS} sensors, scene ${values.scene}`,
    );
    await seedIncidents(ioc, 0, BASELINE);
    wall = await openWall(ioc, BASELINE);
    base = await measure(ioc, wall.page, wall.cdp, BASELINE);
    await printLiveMetrics(ioc);
    await wall.page.close();
  }

  console.log(`large: ${TOTAL.toLocaleString('en')} incidents + ${SENSORS} sensors`);
  await seedIncidents(ioc, BASELINE, TOTAL);
  wall = await openWall(ioc, TOTAL);
  const large = await measure(ioc, wall.page, wall.cdp, TOTAL);
  await printLiveMetrics(ioc);
  const heap = (await wall.cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await mkdir(ARTIFACTS, { recursive: true });
  if (!values['no-screenshot']) {
    const shot = resolve(ARTIFACTS, `wall-${TOTAL}-incidents-${values.scene}.png`);
    await wall.page.screenshot({ path: shot, timeout: 120_000 });
    console.log(`screenshot of the large wall: ${shot}`);
  }
  if (values.json)
    await writeFile(
      values.json,
      JSON.stringify({
        incidents: TOTAL,
        sensors: SENSORS,
        delta: DELTA,
        windowMs: WINDOW_MS,
        large,
        base,
        heapBytes: heap.usedSize,
      }),
    );
  await wall.page.close();

  const row = (name: string, r: RoundResult[]) => ({
    wall: name,
    'apply median ms': +median(r.map((x) => x.applyMs)).toFixed(1),
    'apply p90 ms': +p90(r.map((x) => x.applyMs)).toFixed(1),
    'page JS median ms': Math.round(median(r.map((x) => x.jsMs))),
    'page JS p90 ms': Math.round(p90(r.map((x) => x.jsMs))),
    'in page list median ms': median(r.map((x) => x.visibleMs)),
    'Node client median ms': median(r.map((x) => x.nodeClientMs)),
  });
  const b = row(`${TOTAL.toLocaleString('en')} incidents`, large);
  const a = base.length > 0 ? row(`${BASELINE.toLocaleString('en')} incidents (baseline)`, base) : b;
  console.table(base.length > 0 ? [a, b] : [b]);
  if (base.length === 0)
    console.log(
      `\n${DELTA}-feature delta on ${TOTAL.toLocaleString('en')} incidents + ${SENSORS} sensors: apply ${b['apply median ms']} ms median, all page JS incl. deck.gl's attribute updates ${b['page JS median ms']} ms; page JS heap ${(heap.usedSize / 1e6).toFixed(0)} MB\n`,
    );
  else
    console.log(
      `\n${DELTA}-feature delta on ${TOTAL.toLocaleString('en')} incidents + ${SENSORS} sensors: apply ${b['apply median ms']} ms median (${(b['apply median ms'] / a['apply median ms']).toFixed(1)}× the ${BASELINE.toLocaleString('en')}-incident baseline), all page JS incl. deck.gl's attribute updates ${b['page JS median ms']} ms (${(b['page JS median ms'] / Math.max(1, a['page JS median ms'])).toFixed(1)}×); page JS heap ${(heap.usedSize / 1e6).toFixed(0)} MB\n`,
    );
} finally {
  await browser.close();
  await ioc.close();
}
process.exit(0);
