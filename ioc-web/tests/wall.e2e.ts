import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { DISPLAY_TOKEN, startIoc, type RunningIoc } from '@hue-ioc/server/testing';
import { ARTIFACTS, launchChromium } from './support/chromium.ts';

/**
 * The wall in real Chromium (Debian's, driven by playwright-core) against the real server: the map loads,
 * sensors arrive over /live, and a Kim Long reading above BĐ II turns its gauge to alarm level II.
 */

describe('/wall in Chromium', () => {
  let ioc: RunningIoc;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    ioc = await startIoc();
    if (!ioc.config.webDir) throw new Error('the web app is not built: run `npm run build` (npm test does)');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await ioc?.close();
  });

  it('shows the live map and turns Kim Long to BĐ II when a reading crosses 2.0 m', async () => {
    await page.goto(`${ioc.baseUrl}/wall?token=${DISPLAY_TOKEN}`);
    // The map canvas exists and the wall is live with the seeded sensors.
    await page.waitForSelector('canvas.maplibregl-canvas', { timeout: 30_000 });
    await page.waitForFunction(
      () => window.__iocWall?.state() === 'live' && window.__iocWall.sensors().length >= 15,
      undefined,
      { timeout: 30_000 },
    );
    const gauge = page.locator('[data-device="kim-long"]').first();
    await expect.poll(() => gauge.getAttribute('data-state')).not.toBe('alarm2');

    const pub = await mqtt.connectAsync(ioc.mqttUrl, { protocolVersion: 4 });
    await pub.publishAsync(
      'hue/sensors/water_level/kim-long',
      JSON.stringify({ ts: new Date().toISOString(), value: 2.42 }),
      { qos: 1 },
    );
    await pub.endAsync();
    await expect.poll(() => gauge.getAttribute('data-state'), { timeout: 10_000 }).toBe('alarm2');
    // The gauge says so in words too (colour is never the only signal).
    await expect.poll(() => gauge.innerText()).toMatch(/Báo động II/);
    await page.waitForTimeout(1500); // let the map repaint for the screenshot
    await page.screenshot({ path: resolve(ARTIFACTS, 'wall-1920x1080-kim-long-bd2.png') });
    expect(errors).toEqual([]);
  });
});
