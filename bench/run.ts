/**
 * `npm run bench [-- <name>…] [--runs N] [--<row flag> value…]`: the benchmarks of issue 15 (BENCHMARKS.md).
 * Each row prints its figure, the baseline measured in the same run on this machine, the ratio and the
 * target with a pass/fail mark; the figure is the median of the row's runs. The machine is described, and
 * everything is also written to artifacts/bench/<timestamp>.json. `npm run bench -- --list` names the rows.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fmt, machine, median, type BenchRow, type Measured, type RowContext } from './lib/bench.ts';
import { ROWS } from './rows/index.ts';

const argv = process.argv.slice(2);
const names: string[] = [];
const flags = new Map<string, string>();
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (!a.startsWith('--')) {
    names.push(a);
    continue;
  }
  const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
  if (v !== undefined) flags.set(k, v);
  else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) flags.set(k, argv[++i]!);
  else flags.set(k, 'true');
}

if (flags.has('list')) {
  for (const r of ROWS)
    console.log(
      `${r.name.padEnd(14)} ${r.title}${r.extra ? ' (only when named)' : ''}\n${' '.repeat(15)}${r.method}`,
    );
  process.exit(0);
}
const unknown = names.filter((n) => !ROWS.some((r) => r.name === n));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${ROWS.map((r) => r.name).join(', ')}`);
  process.exit(2);
}
const selected = names.length > 0 ? ROWS.filter((r) => names.includes(r.name)) : ROWS.filter((r) => !r.extra);

const shared = new Map<string, number>();
const ctxFor = (): RowContext => ({
  flag: (name, fallback) => {
    const v = flags.get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, not "${v}"`);
    return n;
  },
  flagText: (name, fallback) => flags.get(name) ?? fallback,
  shared,
  log: (line) => console.log(line),
});

interface RowResult {
  name: string;
  title: string;
  method: string;
  label: string;
  runs: number;
  value: number;
  samples: number[];
  baseline?: { label: string; value: number; samples: number[] };
  ratio?: number;
  notes?: Record<string, number | string>;
  targets: { text: string; met: boolean }[];
  seconds: number;
  error?: string;
}

const results: RowResult[] = [];
const host = machine();
const startedAt = new Date();
console.log(`Huế IOC benchmarks — ${startedAt.toISOString()}`);
for (const [k, v] of Object.entries(host)) console.log(`  ${k}: ${v}`);
console.log(`  rows: ${selected.map((r) => r.name).join(', ')}\n`);

async function runRow(row: BenchRow): Promise<void> {
  const ctx = ctxFor();
  const runs = ctx.flag('runs', row.runs);
  const t0 = performance.now();
  console.log(`▶ ${row.name}: ${row.title} (${runs} run${runs === 1 ? '' : 's'})`);
  const byLabel = new Map<string, Measured[]>();
  try {
    await row.setup?.(ctx);
    for (let i = 0; i < runs; i++) {
      for (const m of await row.run(ctx, i)) {
        const list = byLabel.get(m.label) ?? [];
        list.push(m);
        byLabel.set(m.label, list);
      }
    }
  } catch (e) {
    const err = e as Error;
    console.log(`  ✗ ${row.name} failed: ${err.stack ?? err.message}`);
    results.push({
      name: row.name,
      title: row.title,
      method: row.method,
      label: '',
      runs,
      value: NaN,
      samples: [],
      targets: row.targets.map((t) => ({ text: t.text, met: false })),
      seconds: (performance.now() - t0) / 1000,
      error: err.message,
    });
  } finally {
    await row.teardown?.().catch((e: Error) => console.log(`  teardown of ${row.name}: ${e.message}`));
  }
  for (const [label, ms] of byLabel) {
    const value = median(ms.map((m) => m.value));
    const bs = ms.flatMap((m) => (m.baseline ? [m.baseline.value] : []));
    const baseline = ms[0]!.baseline
      ? { label: ms[0]!.baseline.label, value: median(bs), samples: bs }
      : undefined;
    const summary: Measured = { label, value, ...(baseline ? { baseline } : {}) };
    const notes = ms[ms.length - 1]!.notes;
    results.push({
      name: row.name,
      title: row.title,
      method: row.method,
      label,
      runs: ms.length,
      value,
      samples: ms.map((m) => m.value),
      ...(baseline ? { baseline, ratio: value / baseline.value } : {}),
      ...(notes ? { notes } : {}),
      targets: row.targets
        .filter((t) => !t.applies || t.applies(label))
        .map((t) => ({ text: t.text, met: Number.isFinite(value) && t.met(summary) })),
      seconds: (performance.now() - t0) / 1000,
    });
  }
  console.log(`  done in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}

for (const row of selected) await runRow(row);

const table = results.map((r) => ({
  benchmark: r.name,
  figure: r.error ? `error: ${r.error.slice(0, 60)}` : `${fmt(r.value)} ${r.label}`,
  baseline: r.baseline ? `${fmt(r.baseline.value)} ${r.baseline.label}` : '—',
  ratio: r.ratio !== undefined ? `${r.ratio.toFixed(2)}×` : '—',
  target: r.targets.map((t) => `${t.met ? '✓' : '✗'} ${t.text}`).join('; '),
  runs: r.runs,
}));
const seconds = (Date.now() - startedAt.getTime()) / 1000;
console.log(
  `Huế IOC benchmarks: median of each row's runs; baselines measured in this same run (${seconds.toFixed(0)} s in all)`,
);
console.table(table);
for (const r of results)
  if (r.notes)
    console.log(
      `  ${r.name} · ${r.label}: ${Object.entries(r.notes)
        .map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`)
        .join(', ')}`,
    );

const dir = resolve(import.meta.dirname, '..', 'artifacts', 'bench');
await mkdir(dir, { recursive: true });
const file = resolve(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(
  file,
  JSON.stringify({ startedAt: startedAt.toISOString(), seconds, machine: host, argv, results }, null, 2),
);
console.log(`\nwritten to ${file}`);
process.exit(results.some((r) => r.error) ? 1 : 0);
