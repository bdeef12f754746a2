/**
 * Rows that run an existing bench script as a child process (its own output shows as it goes) and read the
 * figures it writes with `--json`:
 * - `wall-delta`: bench/wall-delta.ts in Debian Chromium (needs the built web app: `npm run build -w ioc-web`);
 * - `queue`: bench/incident-queue.ts, the dispatch queue's usual questions through listIncidents.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BenchRow, median } from '../lib/bench.ts';

async function runScript(script: string, args: string[], limitMs: number): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'hue-bench-script-'));
  const out = join(dir, 'figures.json');
  try {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, '..', script), ...args, '--json', out],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    const timer = setTimeout(() => proc.kill('SIGKILL'), limitMs);
    const code = await new Promise<number | null>((r) => proc.on('exit', r));
    clearTimeout(timer);
    if (code !== 0) throw new Error(`${script} exited with ${code}`);
    return JSON.parse(await readFile(out, 'utf8'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface WallRound {
  applyMs: number;
  jsMs: number;
  idleMs: number;
}

export const wallDeltaRow: BenchRow = {
  name: 'wall-delta',
  title: 'browser delta apply',
  method:
    'Chromium main thread applying a 1,000-feature incidents delta on a wall of 100,000 incidents + 2,000 sensors (bench/wall-delta.ts); baseline: the same page idle (its JS per frame at 60 Hz, from a CPU profile of an idle window)',
  runs: 1,
  targets: [{ text: '≤ 4 ms', met: (m) => m.value <= 4, applies: (l) => l.startsWith('ms apply') }],
  async run(ctx) {
    if (!existsSync(resolve(import.meta.dirname, '..', '..', 'ioc-web', 'build', 'index.html')))
      throw new Error('the wall is not built: npm run build -w ioc-web');
    const rounds = ctx.flag('wall-rounds', 5);
    const r = (await runScript(
      'wall-delta.ts',
      [
        '--incidents',
        String(ctx.flag('wall-incidents', 100_000)),
        '--sensors',
        String(ctx.flag('wall-sensors', 2000)),
        '--rounds',
        String(rounds),
        '--baseline',
        '0',
        '--no-screenshot',
      ],
      480_000,
    )) as { large: WallRound[]; windowMs: number };
    const frames = r.windowMs / (1000 / 60);
    const idlePerFrame = median(r.large.map((x) => x.idleMs)) / frames;
    return [
      {
        label: 'ms apply of the delta (LiveClient handler)',
        value: median(r.large.map((x) => x.applyMs)),
        baseline: { label: 'ms page JS per idle frame', value: idlePerFrame },
        notes: { rounds: r.large.length },
      },
      {
        label: 'ms page JS in the window after the delta',
        value: median(r.large.map((x) => x.jsMs + x.idleMs)),
        baseline: { label: 'ms page JS in an idle window', value: median(r.large.map((x) => x.idleMs)) },
      },
    ];
  },
};

export const queueRow: BenchRow = {
  name: 'queue',
  title: 'dispatch queue',
  method:
    "the dispatch queue's nine usual questions (page of 50 + capped count, listIncidents) over N incidents (default 200,000 here; --queue-rows 1000000 for the issue's 1M) on PostgreSQL 15 (scratch database, created and dropped) or --queue-db pglite",
  runs: 1,
  targets: [{ text: 'p95 ≤ 20 ms', met: (m) => m.value <= 20 }],
  async run(ctx) {
    const rows = ctx.flag('queue-rows', 200_000);
    const r = (await runScript(
      'incident-queue.ts',
      [
        '--rows',
        String(rows),
        '--runs',
        String(ctx.flag('queue-runs', 40)),
        '--only',
        ctx.flagText('queue-db', 'postgres'),
      ],
      480_000,
    )) as { question: string; p50: number; p95: number }[];
    const worst = r.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    return [
      {
        label: `ms worst p95 of ${r.length} questions over ${rows.toLocaleString('en')} incidents`,
        value: worst.p95,
        notes: {
          'worst question': worst.question,
          'median p95 ms': median(r.map((x) => x.p95)),
          'median p50 ms': median(r.map((x) => x.p50)),
        },
      },
    ];
  },
};
