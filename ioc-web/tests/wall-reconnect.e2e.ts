import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchChromium } from './support/chromium.ts';
import { freePort, withDaiNoi } from '@hue-ioc/server/testing';

/**
 * A wall screen outlives its server: the server process is killed (SIGKILL, no goodbye to the sockets),
 * the wall says it is reconnecting and how old its data is, keeps the map, and when the server is back
 * it catches up by itself — same page, no reload — and shows readings published after the restart.
 */
const REPO = resolve(import.meta.dirname, '../..');
const TOKEN = 'reconnect-display-token-46';

describe('/wall survives a server crash', () => {
  let dataDir: string;
  let port: number;
  let mqttPort: number;
  let server: ChildProcess | null = null;
  let serverLog = '';
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  /** The real server process (`ioc-server/src/server.ts`), as `npm start` runs it, minus the simulator. */
  async function startServer(extraEnv: Record<string, string> = {}): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'ioc-server/src/server.ts'], {
      cwd: REPO,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        MQTT_PORT: String(mqttPort),
        MQTT_URL: '',
        REDIS_URL: '',
        DATABASE_URL: '',
        DEMO_DISPLAY_TOKEN: TOKEN,
        LOG_LEVEL: 'warn',
        NODE_ID: `reconnect-${process.pid}`,
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (b: Buffer) => (serverLog += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (serverLog += b.toString()));
    server = child;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${serverLog}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`server not ready in 90 s:\n${serverLog}`);
  }

  async function killServer(): Promise<void> {
    const child = server;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
    server = null;
  }

  async function publishLevel(value: number): Promise<void> {
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { protocolVersion: 4 });
    await pub.publishAsync(
      'hue/sensors/water_level/kim-long',
      JSON.stringify({ ts: new Date().toISOString(), value }),
      { qos: 1 },
    );
    await pub.endAsync();
  }

  const kimLong = () =>
    page.evaluate(() => window.__iocWall!.sensors().find((s) => s.id === 'kim-long')?.props.value ?? null);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hue-ioc-reconnect-'));
    port = await freePort();
    mqttPort = await freePort();
    await startServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await mkdir(ARTIFACTS, { recursive: true });
    await page.goto(
      `http://127.0.0.1:${port}/wall?token=${TOKEN}&layers=sensors,wards,alerts&fly=0&reload=off&rotate=off`,
    );
    await page.waitForFunction(
      () => window.__iocWall?.state() === 'live' && window.__iocWall.sensors().length >= 15,
      undefined,
      { timeout: 60_000, polling: 250 },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await killServer();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows "reconnecting" with the data time while the server is down, then recovers without a reload and takes the new scene playlist', async () => {
    await publishLevel(1.42);
    await expect.poll(kimLong, { timeout: 10_000 }).toBe(1.42);
    // Anything the page keeps in memory would be lost by a reload: mark it, and count navigations.
    await page.evaluate(() => ((window as unknown as { __sameDocument: number }).__sameDocument = 46));
    let navigations = 0;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations++;
    });
    const sensorsBefore = await page.evaluate(() => window.__iocWall!.sensors().length);
    // Each layer's age is in the header, measured from when the server last changed it.
    await expect
      .poll(() => page.locator('[data-layer-age="sensors"]').innerText())
      .toMatch(/^Cảm biến \d+ giây$/);
    expect(
      await page
        .locator('[data-layer-age]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-layer-age'))),
    ).toEqual(['incidents', 'sensors', 'cameras', 'alerts']);

    expect(await page.locator('[data-scene]').getAttribute('data-scene')).toBe('province');

    await killServer();
    const connection = page.locator('[data-connection]');
    await expect
      .poll(() => connection.getAttribute('data-connection'), { timeout: 15_000 })
      .toBe('reconnecting');
    // Plain words and the time of the data on screen, not a silently frozen map.
    await expect
      .poll(() => connection.innerText())
      .toMatch(/Mất kết nối, đang kết nối lại · dữ liệu lúc \d\d:\d\d:\d\d/);
    // The map keeps what it had: an operator still sees the last known state.
    expect(await page.evaluate(() => window.__iocWall!.sensors().length)).toBe(sensorsBefore);
    expect(await kimLong()).toBe(1.42);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: resolve(ARTIFACTS, 'wall-1920x1080-reconnecting.png') });

    // It comes back with another scene playlist, which the wall fetches again once the link is back.
    const wallFile = join(dataDir, 'wall.json');
    const citadel = withDaiNoi(
      { normal: ['dai-noi', 'province'], flood: ['flood', 'dai-noi'] },
      { layers: ['sensors', 'alerts'] },
    );
    await writeFile(wallFile, JSON.stringify(citadel));
    await startServer({ WALL_CONFIG_FILE: wallFile });
    // socket.io retries with back-off (at most 10 s apart): the wall is live again on its own.
    await expect.poll(() => connection.getAttribute('data-connection'), { timeout: 30_000 }).toBe('live');
    // Data published after the restart reaches the same page.
    await publishLevel(1.87);
    await expect.poll(kimLong, { timeout: 15_000 }).toBe(1.87);
    await expect
      .poll(() => page.locator('[data-scene]').getAttribute('data-scene'), { timeout: 15_000 })
      .toBe('dai-noi');
    await expect.poll(() => page.locator('[data-scene]').innerText()).toMatch(/Đại Nội Huế/);
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: number }).__sameDocument)).toBe(
      46,
    );
    expect(navigations).toBe(0);
    expect(errors).toEqual([]);
  });
});
