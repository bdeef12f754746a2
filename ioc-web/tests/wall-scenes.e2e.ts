import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DISPLAY_TOKEN, startIoc, withDaiNoi, type RunningIoc } from '@hue-ioc/server/testing';
import { launchChromium } from './support/chromium.ts';

/**
 * The wall turns through the server's playlist (WALL_CONFIG_FILE → GET /api/wall/config): a centre's own
 * scene, the Imperial City (Đại Nội), is shown first, with its Vietnamese title in the scene banner.
 */

const CITADEL = withDaiNoi({ normal: ['dai-noi', 'province', 'city'], flood: ['flood', 'dai-noi'] });

describe('/wall with a scene playlist from the server', () => {
  let dir: string;
  let ioc: RunningIoc;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hue-ioc-wall-scenes-'));
    const file = join(dir, 'wall.json');
    await writeFile(file, JSON.stringify(CITADEL, null, 2));
    ioc = await startIoc({ overrides: { wallConfigFile: file } });
    if (!ioc.config.webDir) throw new Error('the web app is not built: run `npm run build` (npm test does)');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (e) => errors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await ioc?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("shows the file's own first scene, Đại Nội, with its Vietnamese title and layers", async () => {
    await page.goto(
      `${ioc.baseUrl}/wall?token=${DISPLAY_TOKEN}&layers=incidents,sensors,cameras,wards,alerts&fly=0&reload=off`,
    );
    await expect
      .poll(() => page.evaluate(() => window.__iocWall?.scene() ?? null), { timeout: 60_000, interval: 250 })
      .toMatchObject({ id: 'dai-noi', mode: 'normal', paused: false });
    const banner = page.locator('[data-scene]');
    expect(await banner.getAttribute('data-scene')).toBe('dai-noi');
    await expect.poll(() => banner.locator('.name').innerText()).toBe('Đại Nội Huế');
    expect(await banner.locator('.step').innerText()).toBe('1/3');
    // The scene's layers, within ?layers=: no wards choropleth here.
    expect([...(await page.evaluate(() => window.__iocWall!.layers()))].sort()).toEqual([
      'alerts',
      'cameras',
      'incidents',
      'sensors',
    ]);
    expect(errors).toEqual([]);
  });
});
