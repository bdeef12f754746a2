import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { DISPLAY_TOKEN, signBody, startIoc, type RunningIoc } from '@hue-ioc/server/testing';
import { ARTIFACTS, launchChromium } from './support/chromium.ts';

/**
 * The operators' wall against the real server: every live layer drawn, an urgent Hue-S report on the map
 * and in the ticker within 2 s, a Kim Long reading above BĐ III turning the flood panel red and holding
 * the rotation on it; screenshots at 1920×1080 and 3840×2160 in artifacts/.
 */
const SECRET = 'wall-test-secret-46';
// SwiftShader draws a few frames a second: the heatmap is left out here (its own screenshot below), and
// scenes jump instead of flying.
const LAYERS = 'incidents,clusters,sensors,cameras,wards,alerts';

describe('/wall: live layers, ticker and alarms in Chromium', () => {
  let ioc: RunningIoc;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  async function postHueS(body: unknown): Promise<{ status: number; id: string }> {
    const raw = JSON.stringify(body);
    const res = await fetch(`${ioc.baseUrl}/api/ingest/hue-s`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signBody(SECRET, raw, Math.floor(Date.now() / 1000)),
      },
      body: raw,
    });
    return { status: res.status, id: ((await res.json()) as { id: string }).id };
  }

  beforeAll(async () => {
    ioc = await startIoc({
      overrides: { ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET } },
    });
    if (!ioc.config.webDir) throw new Error('the web app is not built: run `npm run build` (npm test does)');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await mkdir(ARTIFACTS, { recursive: true });
    await page.goto(`${ioc.baseUrl}/wall?token=${DISPLAY_TOKEN}&layers=${LAYERS}&fly=0&reload=off`);
    await page.waitForFunction(
      () => window.__iocWall?.state() === 'live' && window.__iocWall.sensors().length >= 15,
      undefined,
      { timeout: 60_000, polling: 250 },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await ioc?.close();
  });

  it('draws the layers the URL asks for, rotating through its scenes', async () => {
    const layers = await page.evaluate(() => window.__iocWall!.layers());
    for (const l of LAYERS.split(',')) {
      // Each scene draws a subset; the province scene (first) has the clusters, wards, sensors and alerts.
      if (['clusters', 'sensors', 'wards', 'alerts'].includes(l)) expect(layers).toContain(l);
    }
    expect(layers).not.toContain('heat');
    await expect
      .poll(() => page.evaluate(() => window.__iocWall!.drawn()), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(['sensors-dots', 'ward-labels']));
    expect(await page.evaluate(() => window.__iocWall!.scene())).toMatchObject({
      id: 'province',
      paused: false,
    });
  });

  it('shows an urgent Hue-S report on the map and in the ticker within 2 s', async () => {
    // A routine report first, 3 km away: the wall has been running a while, as a real one has.
    const routine = await postHueS({
      id: `hs-wall-routine-${Date.now()}`,
      category: 'Môi trường, rác thải',
      description: 'Rác thải sinh hoạt đổ trộm ven đường Nguyễn Sinh Cung, bốc mùi.',
      lat: 16.4741,
      lon: 107.6155,
      media: [{ url: 'https://hue-s.example.vn/media/rac-nsc.jpg', type: 'image' }],
      reporter: {},
      created_at: new Date().toISOString(),
    });
    expect(routine.status).toBe(201);
    await page.waitForFunction((id) => window.__iocWall!.incidents().some((f) => f.id === id), routine.id, {
      timeout: 20_000,
      polling: 100,
    });
    await page.waitForTimeout(1000);

    const raw = JSON.stringify({
      id: `hs-wall-${Date.now()}`,
      category: 'Thoát nước, ngập úng',
      description: 'Ngập sâu khoảng 50cm trước số 12 Lê Lợi, nước chảy xiết, có người bị kẹt.',
      lat: 16.4633,
      lon: 107.5902,
      address: '12 Lê Lợi, phường Thuận Hóa',
      media: [{ url: 'https://hue-s.example.vn/media/le-loi-ngap.jpg', type: 'image' }],
      urgent: true,
      reporter: { name: 'Nguyễn Văn An', phone: '0905123456' },
      created_at: new Date().toISOString(),
    });
    const posted = Date.now();
    const res = await fetch(`${ioc.baseUrl}/api/ingest/hue-s`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signBody(SECRET, raw, Math.floor(Date.now() / 1000)),
      },
      body: raw,
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await page.waitForFunction(
      (id) =>
        window.__iocWall!.incidents().some((f) => f.id === id && f.props.priority === 1) &&
        document.querySelector(`[data-ticker-id="incident:${id}"]`) !== null,
      id,
      { timeout: 2_000, polling: 50 },
    );
    const took = Date.now() - posted;
    expect(took).toBeLessThan(2_000);
    // The ticker line is Vietnamese and marked top priority.
    const line = page.locator(`[data-ticker-id="incident:${id}"]`);
    expect(await line.getAttribute('data-level')).toBe('3');
    await expect.poll(() => line.innerText()).toMatch(/Thoát nước, ngập úng/);
    // A fresh top-priority line holds the rotation on the report.
    await expect
      .poll(() => page.evaluate(() => window.__iocWall!.scene().focusId), { timeout: 5_000 })
      .toBe(`incident:${id}`);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: resolve(ARTIFACTS, 'wall-1920x1080-urgent-report.png') });
  });

  it('turns the flood panel red and holds the rotation on Kim Long above BĐ III', async () => {
    const pub = await mqtt.connectAsync(ioc.mqttUrl, { protocolVersion: 4 });
    await pub.publishAsync(
      'hue/sensors/water_level/kim-long',
      JSON.stringify({ ts: new Date().toISOString(), value: 3.84 }),
      { qos: 1 },
    );
    await pub.endAsync();
    const panel = page.locator('section[aria-labelledby="flood-title"]');
    await expect.poll(() => panel.getAttribute('data-level'), { timeout: 10_000 }).toBe('3');
    // Red: the panel's background is the BĐ III tint, its border vermilion.
    expect(await panel.evaluate((el) => getComputedStyle(el).borderTopColor)).toBe('rgb(213, 94, 0)');
    await expect
      .poll(() => page.evaluate(() => window.__iocWall!.scene()), { timeout: 10_000 })
      .toMatchObject({ paused: true, focusId: 'alarm:kim-long', mode: 'flood' });
    await expect.poll(() => page.locator('[data-scene]').getAttribute('data-paused')).toBe('true');
    await expect
      .poll(() => page.evaluate(() => window.__iocWall!.drawn()), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(['alerts-areas', 'alerts-pulse']));
    await page.waitForTimeout(2000);
    await page.screenshot({ path: resolve(ARTIFACTS, 'wall-1920x1080-kim-long-bd3.png') });
    expect(errors).toEqual([]);
  });

  it('reads the same on a 4K wall (3840×2160) with the heatmap on', async () => {
    const big = await browser.newPage({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 2 });
    big.on('pageerror', (e) => errors.push(e.message));
    await big.goto(`${ioc.baseUrl}/wall?token=${DISPLAY_TOKEN}&scenes=province&fly=0&reload=off`);
    await big.waitForFunction(() => window.__iocWall?.state() === 'live', undefined, {
      timeout: 60_000,
      polling: 500,
    });
    await expect
      .poll(() => big.evaluate(() => window.__iocWall!.drawn()), { timeout: 30_000 })
      .toEqual(expect.arrayContaining(['incidents-heat']));
    await big.waitForTimeout(3000);
    await big.screenshot({ path: resolve(ARTIFACTS, 'wall-3840x2160-province.png'), timeout: 60_000 });
    await big.close();
    expect(errors).toEqual([]);
  });
});
