import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { signBody, startIoc, type RunningIoc } from '@hue-ioc/server/testing';
import { launchChromium } from './support/chromium.ts';

/**
 * The public transparency page /cong-khai in Chromium (issue 14, item 4): server-rendered HTML, no login,
 * no script. At a phone's 390 px and a desktop's 1280 px it loads, searches without diacritics, follows the
 * next-page link, and the phone never scrolls sideways.
 */
const SECRET = 'e2e-cong-khai-secret';
const SHOTS = '/tmp/shots';

describe('/cong-khai in Chromium', () => {
  let ioc: RunningIoc;
  let browser: Browser;

  async function report(n: number, title: string, description: string) {
    const id = `HS-CK-E2E-${Date.now()}-${n}`;
    const raw = JSON.stringify({
      id,
      category: title.startsWith('Ngập')
        ? 'Thoát nước, ngập úng'
        : 'Hạ tầng giao thông (đường, vỉa hè, ổ gà)',
      title,
      description,
      // 2 km apart: no two reports merge.
      lat: 16.38 + Math.floor(n / 8) * 0.02,
      lon: 107.47 + (n % 8) * 0.02,
      address: `${n + 1} Lê Lợi, phường Thuận Hóa`,
      media: [],
      reporter: { name: 'Hoàng Thị Mai', phone: '0935 246 810' },
      created_at: new Date().toISOString(),
    });
    const res = await fetch(`${ioc.baseUrl}/api/ingest/hue-s`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signBody(SECRET, raw, Math.floor(Date.now() / 1000)),
      },
      body: raw,
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
  }

  beforeAll(async () => {
    ioc = await startIoc({
      overrides: {
        ingestSecrets: Object.fromEntries(
          ['hueS', 'hotline', 'kpi', 'open311', 'cap'].map((k) => [k, SECRET]),
        ) as RunningIoc['config']['ingestSecrets'],
      },
    });
    for (let n = 0; n < 24; n++)
      await report(n, `Ổ gà trên đường Lê Lợi đoạn số ${n + 1}`, 'Ổ gà sâu, xe máy dễ ngã vào buổi tối.');
    await report(
      24,
      'Ngập sâu trước chợ Đông Ba',
      'Nước ngập khoảng 30cm trên đường Trần Hưng Đạo đoạn trước chợ Đông Ba, nhiều xe máy chết máy. Liên hệ 0935 246 810.',
    );
    browser = await launchChromium({ webgl: false });
    await mkdir(SHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await ioc?.close();
  });

  for (const viewport of [
    { width: 390, height: 844 },
    { width: 1280, height: 800 },
  ]) {
    it(`loads, searches and pages at ${viewport.width} px without a login`, async () => {
      const context = await browser.newContext({
        viewport,
        locale: 'vi-VN',
        timezoneId: 'Asia/Ho_Chi_Minh',
        hasTouch: viewport.width < 500,
        javaScriptEnabled: false,
      });
      const page = await context.newPage();
      const res = await page.goto(`${ioc.baseUrl}/cong-khai`);
      expect(res?.status()).toBe(200);
      await expect.poll(() => page.locator('article.card').count()).toBe(20);
      expect(await page.title()).toContain('Cổng công khai phản ánh hiện trường');
      // The stylesheet applied (same origin, allowed by the CSP): the header is the accent colour.
      expect(await page.locator('header.top').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe(
        'rgb(11, 79, 128)',
      );
      const noSideScroll = () =>
        page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
      expect(await noSideScroll()).toBe(true);
      await page.screenshot({ path: resolve(SHOTS, `cong-khai-${viewport.width}.png`), fullPage: false });

      // Search without diacritics: "ngap" finds "Ngập"; the phone number in it is not on the page.
      await page.getByLabel('Tìm kiếm').fill('ngap dong ba');
      await page.getByRole('button', { name: 'Tìm' }).click();
      await page.waitForURL(/q=ngap/);
      await expect.poll(() => page.locator('article.card').count()).toBe(1);
      expect(await page.locator('article.card h2').textContent()).toBe('Ngập sâu trước chợ Đông Ba');
      expect(await page.content()).not.toContain('0935 246 810');
      expect(await noSideScroll()).toBe(true);

      // The report's own page and its timeline.
      await page.locator('article.card h2 a').click();
      await page.waitForURL(/\/cong-khai\/IOC-/);
      expect(await page.locator('ol.timeline li').count()).toBeGreaterThanOrEqual(1);
      expect(await page.locator('ol.timeline').textContent()).toContain('Trung tâm IOC tiếp nhận phản ánh');
      expect(await noSideScroll()).toBe(true);
      await page.screenshot({
        path: resolve(SHOTS, `cong-khai-detail-${viewport.width}.png`),
        fullPage: true,
      });

      // Next page: the 5 oldest.
      await page.goto(`${ioc.baseUrl}/cong-khai`);
      await page.getByRole('link', { name: /Trang sau/ }).click();
      await page.waitForURL(/sau=/);
      await expect.poll(() => page.locator('article.card').count()).toBe(5);
      expect(await page.getByRole('link', { name: /Trang sau/ }).count()).toBe(0);
      expect(await noSideScroll()).toBe(true);
      await context.close();
    });
  }
});
