import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DISPLAY_TOKEN, signBody, startIoc, type RunningIoc } from '@hue-ioc/server/testing';
import { launchChromium } from './support/chromium.ts';

/**
 * CAP in on the wall (issue 14): a national flood warning whose polygon covers Huế, posted signed to
 * POST /api/ingest/cap, switches the wall to its flood playlist in Chromium; its Cancel switches it back.
 */
const SECRET = 'test-secret-cap-46';

const warning = (o: {
  identifier: string;
  sent: string;
  msgType?: string;
  references?: string;
}) => `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${o.identifier}</identifier>
  <sender>canhbao@nchmf.gov.vn</sender>
  <sent>${o.sent}</sent>
  <status>Actual</status>
  <msgType>${o.msgType ?? 'Alert'}</msgType>
  <scope>Public</scope>
  ${o.references ? `<references>${o.references}</references>` : ''}
  <info>
    <language>vi-VN</language>
    <category>Met</category>
    <event>Lũ trên sông Hương</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <expires>2099-01-01T00:00:00+07:00</expires>
    <headline>Cảnh báo lũ trên sông Hương, báo động II</headline>
    <area>
      <areaDesc>Hạ lưu sông Hương</areaDesc>
      <polygon>16.40,107.50 16.40,107.65 16.50,107.65 16.50,107.50 16.40,107.50</polygon>
    </area>
  </info>
</alert>`;

describe('/wall and an inbound CAP flood warning', () => {
  let ioc: RunningIoc;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    ioc = await startIoc({
      overrides: {
        ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET, cap: SECRET },
      },
    });
    if (!ioc.config.webDir) throw new Error('the web app is not built: run `npm run build` (npm test does)');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (e) => errors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await ioc?.close();
  });

  const post = (body: string) =>
    fetch(`${ioc.baseUrl}/api/ingest/cap`, {
      method: 'POST',
      headers: { 'content-type': 'application/cap+xml', ...signBody(SECRET, body, new Date()) },
      body,
    });
  const scene = () => page.evaluate(() => window.__iocWall?.scene() ?? null);

  it('switches to flood mode when the warning arrives and back when it is cancelled', async () => {
    await page.goto(`${ioc.baseUrl}/wall?token=${DISPLAY_TOKEN}&fly=0&reload=off`);
    await expect.poll(scene, { timeout: 60_000, interval: 250 }).toMatchObject({ mode: 'normal' });

    const sent = '2026-11-20T08:00:00+07:00';
    const res = await post(warning({ identifier: 'VN-NCHMF-E2E-1', sent }));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ onWall: true, hazard: 'flood' });
    await expect
      .poll(scene, { timeout: 20_000, interval: 250 })
      .toMatchObject({ mode: 'flood', id: 'flood' });
    await expect.poll(() => page.locator('[data-scene] .flood').count(), { timeout: 10_000 }).toBe(1);

    const cancel = await post(
      warning({
        identifier: 'VN-NCHMF-E2E-2',
        sent: '2026-11-20T12:00:00+07:00',
        msgType: 'Cancel',
        references: `canhbao@nchmf.gov.vn,VN-NCHMF-E2E-1,${sent}`,
      }),
    );
    expect(cancel.status).toBe(201);
    await expect.poll(scene, { timeout: 20_000, interval: 250 }).toMatchObject({ mode: 'normal' });
    expect(errors).toEqual([]);
  });
});
