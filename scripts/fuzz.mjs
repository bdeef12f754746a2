#!/usr/bin/env node
/**
 * `npm run fuzz -- --minutes N [--seed S]`: the fuzz properties of every entry point (issue 11, build
 * item 7) for N minutes (default 5) with a random seed (or S), instead of CI's fixed seed and counts. It
 * runs the three fuzz files one after another, each with its share of the time (FUZZ_FILE_MS; each file
 * splits its share between its entry points), then prints the cases per entry point and every failure with
 * the seed that replays it. The counts are also left in artifacts/fuzz/<run>/ as JSON.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    seed: { type: 'string' },
  },
});
const minutes = Number(values.minutes);
if (!(minutes > 0)) {
  console.error(`--minutes must be a positive number (got ${values.minutes})`);
  process.exit(2);
}
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isInteger(seed)) {
  console.error(`--seed must be an integer (got ${values.seed})`);
  process.exit(2);
}

/**
 * Shares of the time: the in-process validators get many cases per second, the end-to-end file few but
 * slow ones; each vitest start and the end-to-end server's start-up (~20 s on a loaded 2-core box) come
 * off the file's share.
 */
const FILES = [
  { project: 'unit', file: 'streams/src/entry-points.fuzz.spec.ts', share: 0.35, overheadMs: 8_000 },
  {
    project: 'unit',
    file: 'ioc-server/src/ingest/hotline-import.fuzz.spec.ts',
    share: 0.1,
    overheadMs: 8_000,
  },
  { project: 'integration', file: 'ioc-server/test/fuzz.int.spec.ts', share: 0.55, overheadMs: 30_000 },
];

const run = new Date().toISOString().replace(/[:.]/g, '-');
const reportDir = join(ROOT, 'artifacts', 'fuzz', run);
mkdirSync(reportDir, { recursive: true });
const started = Date.now();
console.log(`fuzz: ${minutes} min, seed ${seed}; counts in ${reportDir}\n`);

const results = [];
for (const f of FILES) {
  const fileMs = Math.max(5_000, Math.round(minutes * 60_000 * f.share - f.overheadMs));
  const t0 = Date.now();
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--project', f.project, f.file], {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      FUZZ_SEED: String(seed),
      FUZZ_FILE_MS: String(fileMs),
      FUZZ_REPORT_DIR: reportDir,
    },
  });
  results.push({ ...f, status: r.status, ms: Date.now() - t0 });
}

const counts = readdirSync(reportDir)
  .filter((n) => n.endsWith('.json'))
  .flatMap((n) => JSON.parse(readFileSync(join(reportDir, n), 'utf8')))
  .sort((a, b) => FILES.findIndex((f) => f.file === a.file) - FILES.findIndex((f) => f.file === b.file));
const total = counts.reduce((n, c) => n + c.cases, 0);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(
  `\nfuzz summary: seed ${seed}, ${((Date.now() - started) / 60_000).toFixed(1)} min, ${total} cases`,
);
console.log(`  ${pad('entry point', 50)} ${lpad('cases', 8)} ${lpad('runs', 7)} ${lpad('s', 7)}  result`);
for (const c of counts) {
  console.log(
    `  ${pad(c.entry, 50)} ${lpad(c.cases, 8)} ${lpad(c.runs, 7)} ${lpad((c.ms / 1000).toFixed(1), 7)}  ${c.failed ? 'FAILED' : 'ok'}`,
  );
}
const failures = counts.filter((c) => c.failed);
for (const c of failures) {
  const project = FILES.find((f) => f.file === c.file)?.project ?? 'unit';
  console.log(`\n✗ ${c.entry} (batch seed ${c.seed}):\n${c.report}`);
  console.log(
    `  replay: FUZZ_SEED=${c.seed} FUZZ_FILE_MS=${Math.round(c.ms)} npx vitest run --project ${project} ${c.file}`,
  );
}
const crashed = results.filter((r) => r.status !== 0 && !counts.some((c) => c.failed));
for (const r of crashed) console.log(`\n✗ ${r.file}: vitest exited ${r.status} (see its output above)`);
process.exit(failures.length > 0 || crashed.length > 0 ? 1 : 0);
