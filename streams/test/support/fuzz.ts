/**
 * How the fuzz properties run: a fixed seed and a fixed number of cases per entry point in CI (`npm test`),
 * or random seeds and a time budget under `npm run fuzz -- --minutes N` (scripts/fuzz.mjs), which sets:
 *
 *   FUZZ_SEED        the base seed (default 46, the GSO code of Huế); batch i of an entry point uses seed + i
 *   FUZZ_FILE_MS     this test file's time budget; each entry point gets an equal share and as many cases as fit
 *   FUZZ_RUNS_SCALE  multiplies the CI case counts (default 1)
 *   FUZZ_REPORT_DIR  where each file writes its counts (JSON) for the runner's summary
 *
 * Every entry point's counts are kept, printed at the end of the file (`printFuzzCounts`) and, on failure,
 * the counterexample with the seed and path that replay it (fast-check's report).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';

export interface FuzzSettings {
  seed: number;
  /** Per test file; null: run the fixed CI counts. */
  fileBudgetMs: number | null;
  runsScale: number;
  reportDir: string | null;
}

const num = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v));

export function fuzzSettings(env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  return {
    seed: num(env.FUZZ_SEED) ?? 46,
    fileBudgetMs: num(env.FUZZ_FILE_MS),
    runsScale: num(env.FUZZ_RUNS_SCALE) ?? 1,
    reportDir: env.FUZZ_REPORT_DIR || null,
  };
}

export interface FuzzCount {
  entry: string;
  /** The test file, from the repository root: what to run to replay (with FUZZ_SEED=seed). */
  file: string;
  /** Inputs sent to the entry point (an end-to-end batch property counts each message of its batch). */
  cases: number;
  /** Property runs (a batch is one run). */
  runs: number;
  ms: number;
  seed: number;
  failed: boolean;
  /** What the entry point answered, by label (accepted, or the reject code), for every run. */
  outcomes: Record<string, number>;
  /** fast-check's report: the shrunk counterexample, its seed and path. */
  report?: string;
}

const counts: FuzzCount[] = [];
const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/**
 * Budget of one entry point: `runs` property runs in CI (scaled), or its share of the file's time under
 * `npm run fuzz`. `entries` is how many entry points the file runs, to split its time.
 */
export function budget(settings: FuzzSettings, runs: number, entries: number) {
  if (settings.fileBudgetMs === null)
    return { numRuns: Math.max(1, Math.round(runs * settings.runsScale)), timeMs: null };
  return { numRuns: 2 ** 31 - 1, timeMs: Math.max(1000, Math.floor(settings.fileBudgetMs / entries)) };
}

/** A test timeout for an entry point: its time share plus slack, or `ciMs` for the fixed counts. */
export function fuzzTimeout(settings: FuzzSettings, entries: number, ciMs: number): number {
  return settings.fileBudgetMs === null ? ciMs : Math.floor(settings.fileBudgetMs / entries) + ciMs;
}

export interface FuzzOptions {
  settings: FuzzSettings;
  /** Property runs in CI, before scaling. */
  runs: number;
  /** Entry points in this file (to split FUZZ_FILE_MS). */
  entries: number;
  /** Runs per batch: after each, `afterBatch` checks the system still works (valid input still flows). */
  batch?: number;
  afterBatch?: () => Promise<void> | void;
  /**
   * false: report the failing input as generated, without shrinking. For properties over state that a
   * failure breaks for good (an ingest that stalled), where every smaller input fails too and shrinking
   * would blame the wrong one.
   */
  shrink?: boolean;
}

let noted = 0;
let current: FuzzCount | null = null;

/**
 * Records what the entry point answered to one case (`accepted`, a reject code, `401 IOC_…`), so the counts
 * show the fuzz got past the schema to the validators behind it. Shrinking runs are counted too.
 */
export function outcome(label: string): void {
  if (current) current.outcomes[label] = (current.outcomes[label] ?? 0) + 1;
}
/**
 * A batch property (one run sends several inputs) calls this with the number it sent, so the counts are of
 * inputs, not runs. Runs while shrinking a failure count too; a passing entry point has none.
 */
export function noteCases(n: number): void {
  noted += n;
}

/**
 * Runs `property` under the entry point's budget, in batches of seed, seed + 1, …, recording the counts;
 * throws fast-check's report (shrunk counterexample, seed, path) when a case fails, or the afterBatch
 * failure with the batch's seed.
 */
export async function fuzz<Ts>(
  entry: string,
  property: fc.IRawProperty<Ts>,
  opts: FuzzOptions,
): Promise<void> {
  const { numRuns, timeMs } = budget(opts.settings, opts.runs, opts.entries);
  const started = Date.now();
  const deadline = timeMs === null ? Infinity : started + timeMs;
  const batchRuns = opts.batch ?? numRuns;
  const testPath = expect.getState().testPath;
  const row: FuzzCount = {
    entry,
    file: testPath ? relative(REPO_ROOT, testPath) : '',
    cases: 0,
    runs: 0,
    ms: 0,
    seed: opts.settings.seed,
    failed: false,
    outcomes: {},
  };
  current = row;
  counts.push(row);
  noted = 0;
  try {
    for (let b = 0; row.runs < numRuns && Date.now() < deadline; b++) {
      const seed = opts.settings.seed + b;
      row.seed = seed;
      const left = deadline - Date.now();
      const details = await fc.check(property, {
        seed,
        numRuns: Math.min(batchRuns, numRuns - row.runs),
        // Keeps the failures seen while shrinking: the first is the input as generated, before shrinking.
        verbose: 1,
        endOnFailure: opts.shrink === false,
        ...(Number.isFinite(left) ? { plugins: [fc.interruptAfterTimeLimit(Math.max(200, left))] } : {}),
      });
      row.runs += details.numRuns;
      row.cases += noted > 0 ? noted : details.numRuns;
      noted = 0;
      if (details.failed) {
        row.failed = true;
        row.report = failureReport(details, seed);
        throw new Error(`fuzz ${entry}: ${row.report}`);
      }
      if (details.interrupted && details.numRuns === 0) break;
      if (opts.afterBatch) {
        try {
          await opts.afterBatch();
        } catch (e) {
          row.failed = true;
          row.report = `after the batch with seed ${seed} (${details.numRuns} runs): ${(e as Error).message}`;
          throw new Error(`fuzz ${entry}: ${row.report}`, { cause: e });
        }
      }
    }
  } finally {
    current = null;
    row.ms = Date.now() - started;
    writeReport(opts.settings);
  }
}

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n)}… (${s.length} characters)`);

/**
 * A failure as a person reads it: the error, the shrunk counterexample (cut: a 6,000-deep nest is not
 * worth printing whole) and the seed and path that replay it (fc.assert(property, { seed, path })).
 */
export function failureReport(details: fc.RunDetails<unknown>, seed: number): string {
  const error =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const first = details.failures[0];
  return [
    `property failed after ${details.numRuns} runs (shrunk ${details.numShrinks} times)`,
    `replay: { seed: ${seed}, path: ${JSON.stringify(details.counterexamplePath)} }`,
    `counterexample: ${cut(readable(details.counterexample), 1500)}`,
    ...(first !== undefined && details.numShrinks > 0 ? [`as generated: ${cut(readable(first), 1500)}`] : []),
    `error: ${cut(error, 2000)}`,
  ].join('\n');
}

/** fc.stringify, with bytes shown as their UTF-8 text where they are UTF-8 (else as hex). */
function readable(v: unknown): string {
  const bytes = (b: Uint8Array) => {
    try {
      return `utf8(${JSON.stringify(new TextDecoder('utf-8', { fatal: true }).decode(b))})`;
    } catch {
      return `hex(${Buffer.from(b).toString('hex')})`;
    }
  };
  const walk = (x: unknown, depth: number): unknown => {
    if (x instanceof Uint8Array) return new Shown(bytes(x));
    if (depth > 3 || x === null || typeof x !== 'object') return x;
    if (Array.isArray(x)) return x.map((y) => walk(y, depth + 1));
    return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y, depth + 1)]));
  };
  return fc.stringify(walk(v, 0));
}

/** A value fc.stringify prints as the given text. */
class Shown {
  constructor(private readonly text: string) {}
  [fc.toStringMethod](): string {
    return this.text;
  }
}

function writeReport(settings: FuzzSettings): void {
  if (!settings.reportDir || counts.length === 0) return;
  mkdirSync(settings.reportDir, { recursive: true });
  const name = (counts[0]!.file || counts[0]!.entry).replace(/[^A-Za-z0-9.-]+/g, '_');
  writeFileSync(join(settings.reportDir, `${name}.json`), JSON.stringify(counts, null, 2));
}

/** The counts of this file so far. */
export function fuzzCounts(): readonly FuzzCount[] {
  return counts;
}

/** Prints the counts per entry point (for the closing note of issue 11). */
export function printFuzzCounts(title: string): void {
  const total = counts.reduce((n, c) => n + c.cases, 0);
  const lines = counts.map((c) => {
    const top = Object.entries(c.outcomes)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    return (
      `  ${c.entry.padEnd(46)} ${String(c.cases).padStart(7)} cases ${String(c.runs).padStart(6)} runs ` +
      `${(c.ms / 1000).toFixed(1).padStart(6)} s  ${c.failed ? 'FAILED' : 'ok'}${top ? `  (${top})` : ''}`
    );
  });
  console.log(`\n${title}: ${total} cases, seed ${fuzzSettings().seed}\n${lines.join('\n')}\n`);
}
