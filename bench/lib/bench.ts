/**
 * The shape of one benchmark row of `npm run bench` (BENCHMARKS.md): a figure of ours, a baseline measured in
 * the same run on the same machine, their ratio, and the target of issue 15 with a pass/fail mark.
 */
import { cpus, freemem, loadavg, totalmem, release, type as osType } from 'node:os';

export interface Measured {
  /** What the figure is, with its unit ("msg/s stored", "p99 ms"). */
  label: string;
  value: number;
  /** Baseline of the same run; absent where the issue names none. */
  baseline?: { label: string; value: number };
  /** Extra figures worth printing (p50 beside p99, bytes, counts). */
  notes?: Record<string, number | string>;
}

export interface Target {
  /** Human text of the target, as in the table. */
  text: string;
  /** Whether the measured figures meet it. */
  met(m: Measured): boolean;
  /** Which of a row's figures it is about (by label); all by default. */
  applies?(label: string): boolean;
}

export interface RowContext {
  /** Flags after the row names: `--runs 5`, `--clients 2000`. */
  flag(name: string, fallback: number): number;
  flagText(name: string, fallback: string): string;
  /** Figures one row leaves for another (the ingest row's max rate for the latency rows). */
  shared: Map<string, number>;
  log(line: string): void;
}

export interface BenchRow {
  name: string;
  title: string;
  /** What is measured, and against what, in a sentence (printed and written to the JSON). */
  method: string;
  targets: Target[];
  /** Runs of the row by default (the median is reported); `--runs N` overrides. */
  runs: number;
  /** Rows run only when named (older micro-benchmarks kept for comparison). */
  extra?: boolean;
  /** One or more sub-results per run (e.g. one per broker); the runner takes the median by label. */
  run(ctx: RowContext, runIndex: number): Promise<Measured[]>;
  /** Called once before the first run and once after the last, for servers kept across runs. */
  setup?(ctx: RowContext): Promise<void>;
  teardown?(): Promise<void>;
}

export const median = (xs: readonly number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Nearest-rank percentile. */
export const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

export const fmt = (n: number): string =>
  !Number.isFinite(n)
    ? String(n)
    : Math.abs(n) >= 100
      ? Math.round(n).toLocaleString('en')
      : Math.abs(n) >= 10
        ? n.toFixed(1)
        : n.toFixed(2);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `fn` every `everyMs` until it is truthy or `timeoutMs` passed; returns the last value. */
export async function until<T>(fn: () => Promise<T> | T, timeoutMs: number, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > deadline) return v;
    await sleep(everyMs);
  }
}

export function machine(): Record<string, string | number> {
  const c = cpus();
  return {
    cpu: `${c.length} × ${c[0]?.model ?? 'unknown'}`,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    freeGiB: +(freemem() / 2 ** 30).toFixed(1),
    loadAverage: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    os: `${osType()} ${release()}`,
    node: process.version,
  };
}
