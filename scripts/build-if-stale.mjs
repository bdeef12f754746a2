// Builds the web app only when its build is missing or older than its sources, so `npm start` and
// `npm test` do not spend half a minute rebuilding what is already there (npm ci builds it once: prepare).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const output = join(root, 'ioc-web/build/index.html');
const inputs = [
  'ioc-web/src',
  'ioc-web/static',
  'ioc-web/svelte.config.js',
  'ioc-web/vite.config.ts',
  'ioc-web/package.json',
  'layers/src',
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

if (!existsSync(join(root, 'ioc-web/src'))) {
  // An install before the sources are there (a Docker layer with only the manifests): nothing to build yet.
  console.log('no web sources yet: build skipped');
  process.exit(0);
}
const built = existsSync(output) ? statSync(output).mtimeMs : 0;
const sources = Math.max(...inputs.map((p) => newest(join(root, p))));
if (built >= sources && !process.argv.includes('--force')) {
  console.log('web app is up to date (ioc-web/build)');
} else {
  execFileSync('npm', ['run', 'build', '-w', 'ioc-web'], { cwd: root, stdio: 'inherit' });
}
