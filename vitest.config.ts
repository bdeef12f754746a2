import { defineConfig } from 'vitest/config';

// One run covers every package. Integration tests (*.int.spec.ts) start real services on free ports;
// browser tests (ioc-web/tests/*.e2e.ts) drive Debian Chromium through playwright-core against a built web app.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{layers,streams,ioc-server,ioc-web}/src/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{layers,streams,ioc-server}/test/**/*.int.spec.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['ioc-web/tests/**/*.e2e.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // A click's answer is a round trip through the server and its database: 0.3–0.7 s alone on these two
          // cores, more while the integration project runs beside it. vitest's 1 s default failed such steps.
          expect: { poll: { timeout: 10_000 } },
          fileParallelism: false,
        },
      },
    ],
  },
});
