/* eslint-disable no-console -- a command-line tool talks to its user on the terminal */
/**
 * Imports a hotline 19001075 export into a running IOC, with a progress bar:
 *   npm run import:hotline -- exports/thang-11.csv [--url http://localhost:8080] [--secret …]
 * The secret defaults to INGEST_SECRET_HOTLINE, then the demo secret.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { signBody } from '@hue-ioc/streams';
import type { ImportJob } from '@hue-ioc/layers';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { url: { type: 'string', default: 'http://localhost:8080' }, secret: { type: 'string' } },
});
const file = positionals[0];
if (!file) {
  console.error(
    'usage: npm run import:hotline -- <file.csv> [--url http://localhost:8080] [--secret <hotline secret>]',
  );
  process.exit(2);
}
const secret = values.secret ?? process.env.INGEST_SECRET_HOTLINE ?? 'hue-demo-secret';
const csv = await readFile(file).catch((e: Error) => {
  console.error(`cannot read ${file}: ${e.message}`);
  process.exit(2);
});

const signed = (body: string | Buffer) => signBody(secret, body, Math.floor(Date.now() / 1000));
const started = await fetch(
  `${values.url}/api/ingest/hotline/csv?wait=false&filename=${encodeURIComponent(basename(file))}`,
  {
    method: 'POST',
    headers: { 'content-type': 'text/csv', ...signed(csv) },
    body: csv,
  },
).catch((e: Error) => {
  console.error(`cannot reach ${values.url}: ${e.message}`);
  process.exit(1);
});
const first = (await started.json()) as {
  id?: string;
  total?: number;
  error?: { code: string; message: string };
};
if (!started.ok || !first.id) {
  console.error(`refused: ${first.error?.code ?? started.status} ${first.error?.message ?? ''}`);
  process.exit(1);
}

let job: ImportJob;
for (;;) {
  const res = await fetch(`${values.url}/api/ingest/imports/${first.id}`, { headers: signed('') });
  job = (await res.json()) as ImportJob;
  const width = 30;
  const done = job.total === 0 ? width : Math.round((job.processed / job.total) * width);
  process.stdout.write(
    `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${job.processed}/${job.total}  mới ${job.created} · gộp ${job.merged} · bỏ qua ${job.skipped} · lỗi ${job.failed}   `,
  );
  if (job.status !== 'running') break;
  await new Promise((r) => setTimeout(r, 300));
}
process.stdout.write('\n');
for (const e of job.errors.slice(0, 50)) console.log(`  dòng ${e.row}: ${e.code} — ${e.message}`);
if (job.errors.length > 50) console.log(`  … và ${job.errors.length - 50} lỗi khác`);
process.exit(job.status === 'done' ? 0 : 1);
