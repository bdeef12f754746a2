// Dependency rules: the package direction from ARCHITECTURE.md ("Packages and who may import whom").
//
//   layers  ◄── streams ◄── ioc-server ◄┄┄┄ ioc-web/tests  (`@hue-ioc/server/testing` only)
//      ▲
//      └────────── ioc-web  (layers only; `layers/deck` is for the web alone)
//
//   bench/ (not a workspace) may import all of the above; nothing imports bench/.
//
// Workspace packages are imported by name (`@hue-ioc/layers`, …). With `preserveSymlinks: false` (node's
// default) dependency-cruiser follows the node_modules/@hue-ioc/* symlinks, so such an import resolves to the
// package folder (`@hue-ioc/streams` → `streams/src/index.ts`) and a rule on the folder catches it. Each rule
// also matches the bare module name and the node_modules path, so an import that does not resolve (a package
// not declared, a broken link, a run with preserveSymlinks) still fails instead of slipping through.

const path = require('node:path');

/** Matches a workspace package by folder, by module name, or through its node_modules link. */
function pkg(folder, name) {
  return `^(${folder}/|(node_modules/)?@hue-ioc/${name}(/|$))`;
}

/** Matches an npm package by name, resolved (…/node_modules/name/…) or not (name, name/sub). */
function npm(...names) {
  return `(^|(^|/)node_modules/)(${names.join('|')})(/|$)`;
}

const STREAMS = pkg('streams', 'streams');
const SERVER = pkg('ioc-server', 'server');
const WEB = pkg('ioc-web', 'web');
// The deck.gl factories: the `@hue-ioc/layers/deck` entry point and the folder behind it.
const LAYERS_DECK = '^(layers/src/deck/|(node_modules/)?@hue-ioc/layers/deck(/|$))';

// Test code: unit specs beside the code, integration and browser tests in test/ and tests/. The server's
// test harness (`@hue-ioc/server/testing` → ioc-server/test/support/index.ts) is test code by this pattern.
const TEST_FILES = '(\\.spec\\.ts$|\\.e2e\\.ts$|/tests?/)';
// The server's test harness: the `./testing` entry of ioc-server/package.json, resolved or not.
const SERVER_TESTING = '^(ioc-server/test/support/index\\.ts$|(node_modules/)?@hue-ioc/server/testing$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'layers-imports-nothing-of-ours',
      comment:
        'layers is the shared contract: it may not import streams, ioc-server or ioc-web (ARCHITECTURE.md).',
      severity: 'error',
      from: { path: '^layers/' },
      to: { path: [STREAMS, SERVER, WEB] },
    },
    {
      name: 'layers-core-not-to-deck',
      comment:
        'Only the `layers/deck` entry point may use deck.gl: the rest of layers is loaded by the server, ' +
        'which must not pull in browser rendering code.',
      severity: 'error',
      from: { path: '^layers/', pathNot: '^layers/src/deck/' },
      to: { path: [LAYERS_DECK, npm('@deck\\.gl/[^/]+', '@luma\\.gl/[^/]+', 'maplibre-gl')] },
    },
    {
      name: 'streams-only-to-layers',
      comment: 'streams may import only layers of ours (ARCHITECTURE.md).',
      severity: 'error',
      from: { path: '^streams/' },
      to: { path: [SERVER, WEB] },
    },
    {
      name: 'streams-not-to-transport-or-ui',
      comment:
        'streams is transport-agnostic ingest: no socket.io, no Svelte, no Fastify. ' +
        'HTTP routes and /live live in ioc-server; streams hands them plain functions.',
      severity: 'error',
      from: { path: '^streams/' },
      to: {
        path: npm(
          'socket\\.io',
          'socket\\.io-client',
          'svelte',
          '@sveltejs/[^/]+',
          'fastify',
          'fastify-plugin',
          '@fastify/[^/]+',
        ),
      },
    },
    {
      name: 'server-not-to-web',
      comment:
        'ioc-server may import layers and streams; it serves the built web app as files, never imports it.',
      severity: 'error',
      from: { path: '^ioc-server/' },
      to: { path: WEB },
    },
    {
      name: 'only-web-to-layers-deck',
      comment:
        '`@hue-ioc/layers/deck` holds the deck.gl factories, which only the web imports (ARCHITECTURE.md).',
      severity: 'error',
      from: { path: '^(streams|ioc-server)/' },
      to: { path: LAYERS_DECK },
    },
    {
      name: 'web-not-to-server-code',
      comment:
        'ioc-web imports layers only: never ioc-server or streams (ARCHITECTURE.md). Its browser tests are ' +
        'the one exception, see web-tests-only-through-server-testing.',
      severity: 'error',
      from: { path: '^ioc-web/', pathNot: '^ioc-web/tests/' },
      to: { path: [SERVER, STREAMS] },
    },
    {
      name: 'web-tests-only-through-server-testing',
      comment:
        'The browser tests (ioc-web/tests) are end-to-end tests of the whole system and start a real server, ' +
        'but only through its public test harness `@hue-ioc/server/testing`: never its src/ or test/ files, ' +
        'never streams (what they need of it, e.g. signBody, the harness re-exports).',
      severity: 'error',
      from: { path: '^ioc-web/tests/' },
      to: { path: [SERVER, STREAMS], pathNot: SERVER_TESTING },
    },
    {
      name: 'web-tests-harness-by-name',
      comment:
        'The harness is imported by its package name, `@hue-ioc/server/testing` (declared in ioc-web ' +
        'devDependencies), not by a relative path into another package.',
      severity: 'error',
      from: { path: '^ioc-web/tests/' },
      to: { path: SERVER_TESTING, dependencyTypesNot: ['aliased-workspace'] },
    },
    {
      name: 'production-not-to-test-code',
      comment:
        'Code that ships (everything but tests and bench/) may not import test code: not the server harness ' +
        '`@hue-ioc/server/testing`, not a spec, not a test/ or tests/ file. Test code is free to use ' +
        'devDependencies (not-to-dev-dep exempts it), so importing it would smuggle them into production.',
      severity: 'error',
      from: { pathNot: [TEST_FILES, '^bench/'] },
      to: { path: [TEST_FILES, SERVER_TESTING] },
    },
    {
      name: 'nothing-to-bench',
      comment:
        "bench/ benchmarks the whole system: it may import every package, the server's internals " +
        '(repositories, buildApp) and the test harnesses included, and only the general rules (cycles, ' +
        'unresolvable, undeclared packages: bench declares its own in the root package.json) apply to it. ' +
        'It is not shipped, so not-to-dev-dep does not. Nothing may import bench/.',
      severity: 'error',
      from: { pathNot: '^bench/' },
      to: { path: '^bench/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles, type-only ones included: the folders read as the flow, with no back-edges.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import that does not resolve is a typo or an undeclared package. SvelteKit virtual modules ' +
        '($app, $env, ./$types) are generated at build time and exempt; $lib is resolved (see options).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: ['^\\$(app|env|service-worker)(/|$)', '/\\$types(\\.js)?$'] },
    },
    {
      name: 'not-to-undeclared-package',
      comment:
        "A package must be declared in the importing workspace's package.json (or the root one): otherwise " +
        'it is there only by the luck of hoisting. Bare type packages (node_modules/@types/…, e.g. `geojson` ' +
        'types that arrive with another @types package) are left to tsc.',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'], pathNot: '(^|/)node_modules/@types/' },
    },
    {
      name: 'not-to-dev-dep',
      comment:
        'Production code of layers, streams and ioc-server may not import devDependencies: they are absent ' +
        'from the production image. (ioc-web is bundled at build time, so its devDependencies are fine.) ' +
        'A package that is also a dependency of the importing workspace is not one: with ' +
        'combinedDependencies it is typed both npm and npm-dev when the root declares it for bench/ ' +
        '(mqtt, ioredis), and the workspace declaration is what puts it in the image.',
      severity: 'error',
      from: { path: '^(layers|streams|ioc-server)/', pathNot: TEST_FILES },
      to: {
        dependencyTypes: ['npm-dev'],
        dependencyTypesNot: ['npm'],
        pathNot: '(^|/)node_modules/@types/',
      },
    },
  ],
  options: {
    // node_modules is listed (so rules on npm packages can match) but not descended into. Do not add it to
    // `exclude`: that would drop npm dependencies from the graph and silence every rule about them.
    doNotFollow: { path: 'node_modules' },
    exclude: {
      // Anchored to the repo root or a workspace root: an unanchored `dist/` would also drop npm packages
      // resolved to node_modules/<pkg>/dist/…, and with them every rule about those packages.
      path: [
        '^ioc-web/(\\.svelte-kit|build)/',
        '^((layers|streams|ioc-server|ioc-web)/)?(dist|coverage|test-results|artifacts|data|\\.data)/',
      ],
    },
    // Follow the node_modules/@hue-ioc/* symlinks to the workspace folders (see the top of this file).
    preserveSymlinks: false,
    // Merge each workspace's package.json with the root one, so root devDependencies (vitest,
    // fast-check, playwright-core, …) count as declared for test files in every workspace.
    combinedDependencies: true,
    // Type-only imports count: `import type` from a forbidden package is still a wrong dependency.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types', 'svelte'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.svelte', '.json'],
    },
    // SvelteKit's `$lib` alias, so imports through it are in the graph and cycles through it are found. Its
    // tsconfig paths live in the generated ioc-web/.svelte-kit/ (absent on a fresh clone), so the alias is
    // declared here instead, in webpack's `resolve` shape, which dependency-cruiser reads from this same file.
    webpackConfig: { fileName: '.dependency-cruiser.cjs' },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};

// Read by `webpackConfig` above. Non-enumerable so dependency-cruiser's schema check of this file (which
// allows no extra top-level keys) does not see it.
Object.defineProperty(module.exports, 'resolve', {
  enumerable: false,
  value: { alias: { $lib: path.join(__dirname, 'ioc-web/src/lib') } },
});
