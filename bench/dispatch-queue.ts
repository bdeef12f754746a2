/**
 * `npm run bench:dispatch [-- --cases 5000 --baseline 50 --burst 200 --keys 200]`: how the supervisor's
 * console (/dispatch: the virtualised queue, issue 12) holds up with 5,000 open cases, in Debian's Chromium
 * against a real IOC started in-process, as ratios against a baseline of 50 open cases in the same run.
 *
 * For each run (one server; the incidents table is emptied and refilled with fillIncidents between them):
 * - load: from navigation to the first row in the DOM, and to the queue showing its first page;
 * - DOM: the rows in the DOM after the load and at most while scrolling (the list is virtualised: bounded);
 * - scroll: the list scrolled to its end frame after frame, loading the further pages as the console does
 *   (onNearEnd → GET /api/incidents?cursor=…), until it holds every case; long tasks and frame gaps
 *   (requestAnimationFrame deltas) over that time;
 * - keys: `j` presses (move the selection), each from the keydown to the next frame;
 * - live: `--burst` cases verified through the REST workflow as a supervisor (POST …/status, CSRF header),
 *   the last of them rows in view; the time until the page shows them verified (data-status), after the
 *   first request and after the last answer, and the frame gaps and long tasks meanwhile.
 * The baseline holds fewer cases than the burst and the key presses: there it verifies all its cases and
 * the presses past its last row move nothing (`moved` says how many did).
 */
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { OPEN_INCIDENT_STATUSES } from '@hue-ioc/layers';
import { launchChromium } from '../ioc-web/tests/support/chromium.ts';
import {
  createUser,
  login,
  startIoc,
  type RunningIoc,
  type Session,
} from '../ioc-server/test/support/index.ts';
import { fillIncidents } from '../ioc-server/test/support/incident-fixture.ts';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '5000' },
    baseline: { type: 'string', default: '50' },
    burst: { type: 'string', default: '200' },
    keys: { type: 'string', default: '200' },
  },
});
const CASES = Number(values.cases);
const BASELINE = Number(values.baseline);
const BURST = Number(values.burst);
const KEYS = Number(values.keys);
const PAGE_SIZE = 500; // queue-controller.svelte.ts
/** Rows of the queue that are in view at 1920×1080 (72 px rows); the burst ends on these. */
const IN_VIEW = 8;

interface Frames {
  /** Largest gap between two animation frames (ms). */
  maxGap: number;
  /** Frames later than 50 ms after the one before. */
  gaps50: number;
  longTasks: number;
  longestTask: number;
  longTaskMs: number;
}

interface Result {
  n: number;
  firstRowMs: number;
  firstPageMs: number;
  domRowsLoaded: number;
  domRowsMax: number;
  scrollMs: number;
  pages: number;
  scroll: Frames;
  keyMeanMs: number;
  keyP95Ms: number;
  keyMaxMs: number;
  keysMoved: number;
  /** The press that took longest (0-based). */
  keySlowest: number;
  keyFrames: Frames;
  burst: number;
  liveMs: number;
  liveAfterLastMs: number;
  live: Frames;
}

/** In the page before its scripts: long tasks, frame deltas and the first row, from the navigation on. */
function instrument(firstPageSize: number) {
  interface Probe {
    frames: number[];
    tasks: { start: number; duration: number }[];
    firstRow: number | null;
    firstPage: number | null;
    firstPageSize: number;
    maxRows: number;
  }
  const w = window as unknown as { __probe: Probe };
  const probe: Probe = { frames: [], tasks: [], firstRow: null, firstPage: null, firstPageSize, maxRows: 0 };
  w.__probe = probe;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.tasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const frame = (t: number) => {
    probe.frames.push(t);
    const rows = document.querySelectorAll('[role=option]').length;
    if (rows > probe.maxRows) probe.maxRows = rows;
    if (rows > 0 && probe.firstRow === null) probe.firstRow = performance.now();
    if (probe.firstPage === null && probe.firstPageSize > 0) {
      const text = document.querySelector('[data-testid=queue-count]')?.textContent ?? '';
      const shown = Number(text.split('/')[0]!.replace(/\D/g, ''));
      if (shown >= probe.firstPageSize) probe.firstPage = performance.now();
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/** Frame gaps and long tasks in the page since `from` (performance.now()). */
async function framesSince(page: Page, from: number): Promise<Frames> {
  return page.evaluate((from) => {
    const p = (
      window as unknown as { __probe: { frames: number[]; tasks: { start: number; duration: number }[] } }
    ).__probe;
    const frames = p.frames.filter((t) => t >= from);
    let maxGap = 0;
    let gaps50 = 0;
    for (let i = 1; i < frames.length; i++) {
      const gap = frames[i]! - frames[i - 1]!;
      maxGap = Math.max(maxGap, gap);
      if (gap > 50) gaps50++;
    }
    const tasks = p.tasks.filter((t) => t.start + t.duration >= from);
    return {
      maxGap,
      gaps50,
      longTasks: tasks.length,
      longestTask: Math.max(0, ...tasks.map((t) => t.duration)),
      longTaskMs: tasks.reduce((s, t) => s + t.duration, 0),
    };
  }, from);
}

const pageNow = (page: Page) => page.evaluate(() => performance.now());

/** The queue's shown count (the header's "500 / 5.000 phản ánh"). */
const shownCount = (page: Page) =>
  page.evaluate(() => {
    const text = document.querySelector('[data-testid=queue-count]')?.textContent ?? '';
    return Number(text.split('/')[0]!.replace(/\D/g, ''));
  });

async function measure(
  ioc: RunningIoc,
  browser: Browser,
  user: { username: string; password: string },
  n: number,
) {
  const db = ioc.app.db;
  await db.query(`TRUNCATE incidents CASCADE`);
  const wards = ioc.app.wards.wards.map((w) => w.code);
  const agencies = (await ioc.app.repos.agencies.list()).map((a) => a.id);
  await fillIncidents(db, { total: n, open: n, wards, agencies, now: new Date() });
  // Whole-minute deadlines: the case detail's sla.workingMinutesLeft is office minutes from the instants
  // as they are, a fraction when a deadline with seconds falls in office hours, which its schema (an
  // integer) refuses with a 500 (reported; the fixture's deadlines have seconds).
  await db.query(`UPDATE incidents SET due_at = date_trunc('minute', due_at)`);
  // The burst's cases are new (verify is new → verified): the first rows of the queue (sort: due) and
  // others spread over it.
  const order = await db.query<{ id: string }>(
    `SELECT id FROM incidents WHERE status = ANY ($1::text[]) ORDER BY due_at, created_at, id`,
    [[...OPEN_INCIDENT_STATUSES]],
  );
  if (order.length !== n) throw new Error(`${order.length} open cases, not ${n}`);
  const burst = Math.min(BURST, n);
  const head = order.slice(0, IN_VIEW).map((r) => r.id);
  const rest = order.slice(IN_VIEW);
  const spread = Array.from(
    { length: burst - head.length },
    (_, i) => rest[Math.floor((i * rest.length) / (burst - head.length))]!.id,
  );
  await db.query(`UPDATE incidents SET status = 'new', agency_id = NULL WHERE id = ANY ($1::text[])`, [
    [...head, ...spread],
  ]);

  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'vi-VN' });
  const errors: string[] = [];
  // tsx (esbuild, keepNames) wraps named functions in __name(…): the functions sent to the page need it too.
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  let pages = 0;
  page.on('request', (r) => {
    if (/\/api\/incidents\?/.test(r.url())) pages++;
  });
  // Log in once, then time a fresh navigation to /dispatch with the probe in place.
  await page.goto(`${ioc.baseUrl}/login?next=${encodeURIComponent('/dispatch')}`);
  await page.getByLabel('Tên đăng nhập').fill(user.username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(`${ioc.baseUrl}/dispatch`);
  await page.locator('[role=option]').first().waitFor();
  await page.addInitScript(instrument, Math.min(PAGE_SIZE, n));
  pages = 0;
  await page.goto(`${ioc.baseUrl}/dispatch`);
  await page.waitForFunction(() => {
    const p = (window as unknown as { __probe: { firstRow: number | null; firstPage: number | null } })
      .__probe;
    return p.firstRow !== null && p.firstPage !== null;
  });
  const load = await page.evaluate(
    () => (window as unknown as { __probe: { firstRow: number; firstPage: number } }).__probe,
  );
  await page.getByTestId('link-state').filter({ hasText: 'Trực tuyến' }).waitFor({ timeout: 20_000 });
  const domRowsLoaded = await page.locator('[role=option]').count();
  // The observer sees long tasks here (a 120 ms busy loop must show as one).
  const probeFrom = await pageNow(page);
  await page.evaluate(() => {
    // A task of the page's own (a DevTools evaluate is not reported as one).
    setTimeout(() => {
      const end = performance.now() + 120;
      while (performance.now() < end);
    });
  });
  await page.waitForTimeout(200);
  const probeCheck = await framesSince(page, probeFrom);
  if (probeCheck.longestTask < 100) throw new Error(`the long-task observer missed a 120 ms task`);

  // Scroll to the end frame after frame until the queue holds every case.
  const scrollFrom = await pageNow(page);
  const scrollEnd = await page.evaluate(async (n) => {
    const el = document.querySelector<HTMLElement>('[data-testid=queue]')!;
    const shown = () =>
      Number(
        (document.querySelector('[data-testid=queue-count]')?.textContent ?? '')
          .split('/')[0]!
          .replace(/\D/g, ''),
      );
    const deadline = performance.now() + 120_000;
    for (;;) {
      el.scrollTop = el.scrollHeight;
      await new Promise((r) => requestAnimationFrame(r));
      if (shown() >= n && el.scrollTop + el.clientHeight >= el.scrollHeight - 2) {
        const last = [...document.querySelectorAll('[role=option]')].at(-1);
        if (last) return performance.now();
      }
      if (performance.now() > deadline) throw new Error(`scrolled 120 s: ${shown()} of ${n} loaded`);
    }
  }, n);
  const scroll = await framesSince(page, scrollFrom);
  if ((await shownCount(page)) !== n) throw new Error(`the queue holds ${await shownCount(page)}, not ${n}`);
  const domRowsMax = await page.evaluate(
    () => (window as unknown as { __probe: { maxRows: number } }).__probe.maxRows,
  );

  // Keys: j presses on the focused queue, each from keydown to the next frame.
  await page.getByTestId('queue').focus();
  await page.keyboard.press('Home');
  await page.waitForTimeout(200);
  const keysFrom = await pageNow(page);
  const keys = await page.evaluate(async (count) => {
    const el = document.querySelector<HTMLElement>('[data-testid=queue]')!;
    const times: number[] = [];
    let moved = 0;
    for (let i = 0; i < count; i++) {
      const before = el.getAttribute('aria-activedescendant');
      const t0 = performance.now();
      el.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true, cancelable: true }));
      await new Promise((r) => requestAnimationFrame(r));
      times.push(performance.now() - t0);
      if (el.getAttribute('aria-activedescendant') !== before) moved++;
    }
    return { times, moved, selected: el.getAttribute('aria-activedescendant') };
  }, KEYS);
  const sorted = [...keys.times].sort((a, b) => a - b);
  const keyFrames = await framesSince(page, keysFrom);
  const slowest = keys.times.indexOf(Math.max(...keys.times));

  // Live: back to the top, then the burst through the REST workflow; the rows in view come last.
  await page.keyboard.press('Home');
  await page.waitForTimeout(300);
  const inView = await page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('[data-testid=queue]')!;
    const box = el.getBoundingClientRect();
    return [...el.querySelectorAll<HTMLElement>('[role=option]')]
      .filter((r) => {
        const b = r.getBoundingClientRect();
        return b.top >= box.top && b.bottom <= box.bottom && r.dataset.status === 'new';
      })
      .map((r) => r.dataset.id!);
  });
  const watched = head.filter((id) => inView.includes(id));
  if (watched.length === 0)
    throw new Error(`none of the burst's first cases is in view (${inView.join(', ')})`);
  const session: Session = await login(ioc.baseUrl, user.username, user.password);
  const versions = new Map(
    (
      await db.query<{ id: string; version: number }>(
        `SELECT id, version FROM incidents WHERE id = ANY ($1::text[])`,
        [[...head, ...spread]],
      )
    ).map((r) => [r.id, r.version]),
  );
  const verify = async (id: string) => {
    const res = await fetch(`${ioc.baseUrl}/api/incidents/${encodeURIComponent(id)}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...session.headers(true) },
      body: JSON.stringify({ expectedVersion: versions.get(id), status: 'verified' }),
    });
    if (res.status !== 200) throw new Error(`verify ${id}: ${res.status} ${await res.text()}`);
  };
  const first = [...spread, ...head.filter((id) => !watched.includes(id))];
  await page.evaluate((ids) => {
    const w = window as unknown as { __seen: number | null };
    w.__seen = null;
    const check = () => {
      const all = ids.every((id) => document.getElementById(`row-${id}`)?.dataset.status === 'verified');
      if (all) w.__seen = performance.now();
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }, watched);
  // What the hub published on the incidents layer (→ incident:changed), to tell a lost change's side.
  const hubSaw = new Set<string>();
  const stopHub = ioc.app.hub.onDelta((delta) => {
    if (delta.layer === 'incidents')
      for (const f of delta.upserts)
        if ((f.props as { status?: string }).status === 'verified') hubSaw.add(f.id);
  });
  const liveFrom = await pageNow(page);
  for (let i = 0; i < first.length; i += 4) await Promise.all(first.slice(i, i + 4).map(verify));
  for (const id of watched) await verify(id);
  const answeredAt = await pageNow(page);
  await page
    .waitForFunction(() => (window as unknown as { __seen: number | null }).__seen !== null, null, {
      timeout: 30_000,
    })
    .catch(async (e: unknown) => {
      const shown = await page.evaluate(
        (ids) => ids.map((id) => `${id}=${document.getElementById(`row-${id}`)?.dataset.status ?? 'absent'}`),
        watched,
      );
      throw new Error(`the page did not show the burst: ${shown.join(', ')}`, { cause: e });
    });
  const seen = await page.evaluate(() => (window as unknown as { __seen: number }).__seen);
  await page.waitForTimeout(300);
  const live = await framesSince(page, liveFrom);
  // Every case of the burst is verified in the queue the page holds (spot check: those now in the DOM).
  const stillNew = await page.evaluate(
    (ids) => ids.filter((id) => document.getElementById(`row-${id}`)?.dataset.status === 'new'),
    [...head, ...spread],
  );
  stopHub();
  if (stillNew.length)
    throw new Error(
      `rows still new after the burst: ${stillNew.map((id) => `${id} (hub ${hubSaw.has(id) ? 'published it verified' : 'did not publish it verified'})`).join(', ')}; hub published ${hubSaw.size} of ${head.length + spread.length}`,
    );
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  await context.close();
  const result: Result = {
    n,
    firstRowMs: load.firstRow,
    firstPageMs: load.firstPage,
    domRowsLoaded,
    domRowsMax,
    scrollMs: scrollEnd - scrollFrom,
    pages,
    scroll,
    keyMeanMs: keys.times.reduce((s, t) => s + t, 0) / keys.times.length,
    keyP95Ms: sorted[Math.floor(sorted.length * 0.95)]!,
    keyMaxMs: sorted.at(-1)!,
    keysMoved: keys.moved,
    keySlowest: slowest,
    keyFrames,
    burst,
    liveMs: seen - liveFrom,
    liveAfterLastMs: Math.max(0, seen - answeredAt),
    live,
  };
  return result;
}

const ioc = await startIoc({
  overrides: { logLevel: process.env.LOG_LEVEL === 'error' ? 'error' : 'silent' },
});
let browser: Browser | undefined;
try {
  if (!ioc.config.webDir) throw new Error('the web app is not built: run `npm run build -w ioc-web`');
  const user = await createUser(ioc.app, 'supervisor', {
    username: 'giamsat.bench',
    password: 'Giam-sat-bench-1',
  });
  browser = await launchChromium({ webgl: false });
  console.log(`IOC on ${ioc.baseUrl}; baseline ${BASELINE} open cases, then ${CASES}`);
  const base = await measure(ioc, browser, user, BASELINE);
  console.log(`baseline done: ${JSON.stringify(base)}`);
  const big = await measure(ioc, browser, user, CASES);
  console.log(`large done: ${JSON.stringify(big)}`);

  const rows: [string, (r: Result) => number, number][] = [
    ['load: navigation → first row (ms)', (r) => r.firstRowMs, 0],
    [`load: navigation → first page shown (ms)`, (r) => r.firstPageMs, 0],
    ['DOM rows after load', (r) => r.domRowsLoaded, 0],
    ['DOM rows, most while scrolling', (r) => r.domRowsMax, 0],
    ['scroll to end, all pages loaded (ms)', (r) => r.scrollMs, 0],
    ['  GET /api/incidents pages', (r) => r.pages, 0],
    ['  max frame gap (ms)', (r) => r.scroll.maxGap, 0],
    ['  frames > 50 ms', (r) => r.scroll.gaps50, 0],
    ['  long tasks', (r) => r.scroll.longTasks, 0],
    ['  longest task (ms)', (r) => r.scroll.longestTask, 0],
    ['  long tasks total (ms)', (r) => r.scroll.longTaskMs, 0],
    [`key j → next frame, mean (ms)`, (r) => r.keyMeanMs, 1],
    ['key j → next frame, p95 (ms)', (r) => r.keyP95Ms, 1],
    ['key j → next frame, max (ms)', (r) => r.keyMaxMs, 1],
    [`  presses that moved (of ${KEYS})`, (r) => r.keysMoved, 0],
    ['  slowest press (index)', (r) => r.keySlowest, 0],
    ['  long tasks', (r) => r.keyFrames.longTasks, 0],
    ['  longest task (ms)', (r) => r.keyFrames.longestTask, 0],
    ['live: cases verified', (r) => r.burst, 0],
    ['live: first request → all shown (ms)', (r) => r.liveMs, 0],
    ['live: per case (ms)', (r) => r.liveMs / r.burst, 1],
    ['live: last answer → shown (ms)', (r) => r.liveAfterLastMs, 0],
    ['  max frame gap (ms)', (r) => r.live.maxGap, 0],
    ['  frames > 50 ms', (r) => r.live.gaps50, 0],
    ['  long tasks', (r) => r.live.longTasks, 0],
    ['  longest task (ms)', (r) => r.live.longestTask, 0],
  ];
  const w = Math.max(...rows.map(([m]) => m.length)) + 2;
  const col = (s: string) => s.padStart(10);
  console.log(`\n${'metric'.padEnd(w)}${col(`N=${BASELINE}`)}${col(`N=${CASES}`)}${col('ratio')}`);
  for (const [name, get, digits] of rows) {
    const a = get(base);
    const b = get(big);
    const ratio = a > 0 ? `${(b / a).toFixed(2)}×` : '–';
    console.log(`${name.padEnd(w)}${col(a.toFixed(digits))}${col(b.toFixed(digits))}${col(ratio)}`);
  }
  const bounded = big.domRowsMax < CASES / 20;
  console.log(
    `\nDOM bounded: ${bounded ? 'yes' : 'NO'} (${big.domRowsMax} rows at most for ${CASES} cases); ` +
      `longest task over the run: ${Math.max(big.scroll.longestTask, big.keyFrames.longestTask, big.live.longestTask).toFixed(0)} ms`,
  );
  if (!bounded) process.exitCode = 1;
} finally {
  await browser?.close();
  await ioc.close();
}
