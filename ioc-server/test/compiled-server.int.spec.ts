import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './support/free-port.ts';

// Production runs the compiled server (npm run build → ioc-server/dist) with plain node, as the Dockerfile does.
const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'ioc-server/dist');

describe('compiled server', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('builds to JavaScript that plain node starts: migrations and geography found, /readyz 200, clean stop', async () => {
    await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/build-server.mjs')], { cwd: ROOT });
    // Our workspace packages are inlined (their exports are TypeScript, which plain node does not load);
    // npm packages stay imports, resolved from node_modules.
    const code = (
      await Promise.all(
        (await readdir(DIST)).filter((f) => f.endsWith('.js')).map((f) => readFile(join(DIST, f), 'utf8')),
      )
    ).join('\n');
    expect(code).not.toMatch(/from "@hue-ioc\//);
    expect(code).toMatch(/from "@unni-craftsman\/pglite"/);
    expect(code).toMatch(/from "fastify"/);

    const dataDir = await mkdtemp(join(tmpdir(), 'hue-ioc-compiled-'));
    dirs.push(dataDir);
    const port = await freePort();
    const mqttPort = await freePort();
    // Only what the server needs: no NODE_OPTIONS (vitest's loaders), no service URLs from the calling shell.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      MQTT_PORT: String(mqttPort),
      DATA_DIR: dataDir,
      SIMULATOR: 'off',
      DEMO: 'on',
      LOG_LEVEL: 'warn',
    };
    const server = spawn(process.execPath, [join(DIST, 'server.js')], {
      cwd: tmpdir(), // not the repository: paths come from import.meta.url, not the working directory
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout.on('data', (b: Buffer) => (output += b.toString()));
    server.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const exited = new Promise<number | null>((done) => server.once('exit', (code) => done(code)));

    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 50_000;
      let ready: Response | null = null;
      while (Date.now() < deadline && server.exitCode === null) {
        ready = await fetch(`${base}/readyz`).catch(() => null);
        if (ready?.status === 200) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(server.exitCode, output).toBeNull();
      expect(ready?.status, output).toBe(200);
      expect(await ready?.json()).toMatchObject({ status: 'ready', checks: { db: true, mqtt: true } });
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
  });
});
