import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import {
  createUser,
  loginAs,
  signBody,
  startIoc,
  TEST_AGENCY,
  type RunningIoc,
  type Session,
} from '@hue-ioc/server/testing';
import { launchChromium } from './support/chromium.ts';

/**
 * /briefing in Chromium against the real server (issue 13): the page renders at both tablet sizes, a case
 * resolved through the REST workflow moves its figures without a reload (/live), it prints on A4, the
 * service worker shows the last answer offline marked with its time, and GET /api/briefing.pdf has the
 * period in its first page's text.
 */
const SECRET = 'e2e-briefing-secret';
const SHOTS = '/tmp/shots';
// unpdf exports its pdf.js build for import only: it lies beside the package's main file.
const PDFJS = resolve(dirname(createRequire(import.meta.url).resolve('unpdf')), 'pdfjs.mjs');

describe('/briefing in Chromium', () => {
  let ioc: RunningIoc;
  let browser: Browser;
  let leader: { username: string; password: string };
  let supervisor: Session;
  let unit: Session;
  const errors: string[] = [];

  async function open(viewport: { width: number; height: number }, path = '/briefing?period=today') {
    const context = await browser.newContext({
      viewport,
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
      hasTouch: true,
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ioc.baseUrl}/login?next=${encodeURIComponent(path)}`);
    await page.getByLabel('Tên đăng nhập').fill(leader.username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(leader.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${ioc.baseUrl}${path}`);
    await page.waitForSelector('[data-ready="1"]', { timeout: 30_000 });
    return { context, page };
  }

  async function report(title: string): Promise<string> {
    const id = `HS-BRIEF-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
    const raw = JSON.stringify({
      id,
      category: 'Môi trường, rác thải',
      title,
      description: 'Rác thải tồn đọng nhiều ngày trước chợ Đông Ba, bốc mùi hôi.',
      lat: 16.4716,
      lon: 107.5885,
      address: 'Chợ Đông Ba, phường Phú Xuân',
      media: [{ url: 'https://hue-s.example.vn/media/rac-dong-ba.jpg', type: 'image' }],
      reporter: { name: 'Lê Văn An', phone: '0905333444' },
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
    const rows = await ioc.app.db.query<{ incident_id: string }>(
      'SELECT incident_id FROM incident_sources WHERE source_id = $1',
      [id],
    );
    return rows[0]!.incident_id;
  }

  async function act(who: Session, id: string, path: string, body: Record<string, unknown>) {
    const current = await fetch(`${ioc.baseUrl}/api/incidents/${id}`, { headers: who.headers() });
    const { version } = (await current.json()) as { version: number };
    const res = await fetch(`${ioc.baseUrl}/api/incidents/${id}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...who.headers(true) },
      body: JSON.stringify({ expectedVersion: version, ...body }),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
  }

  beforeAll(async () => {
    ioc = await startIoc({
      overrides: { ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET } },
    });
    if (!ioc.config.webDir) throw new Error('the web app is not built: run `npm run build` (npm test does)');
    leader = await createUser(ioc.app, 'leader', { username: 'pho.chu.tich', password: 'Pho-chu-tich-1' });
    supervisor = await loginAs(ioc.app, ioc.baseUrl, 'supervisor');
    unit = await loginAs(ioc.app, ioc.baseUrl, 'agency', { agencyId: TEST_AGENCY });
    browser = await launchChromium();
    await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await ioc?.close();
  });

  it('renders at 1024×768 and moves live when a case is resolved', async () => {
    const id = await report('Rác thải tồn đọng trước chợ Đông Ba');
    await act(supervisor, id, 'status', { status: 'verified' });
    await act(supervisor, id, 'assign', { agencyId: TEST_AGENCY });
    const { context, page } = await open({ width: 1024, height: 768 });
    await expect.poll(() => page.getByTestId('tile-received').textContent()).not.toBe('0');
    expect(await page.getByTestId('summary').textContent()).toMatch(
      /^\s*Hôm nay, IOC tiếp nhận \d+ phản ánh/,
    );
    const handled = page.getByTestId('tile-ty_le_phan_anh_da_xu_ly');
    const before = await handled.textContent();
    await act(unit, id, 'status', { status: 'in_progress' });
    await act(unit, id, 'status', {
      status: 'resolved',
      reply: 'HEPCO đã thu gom rác trước chợ Đông Ba lúc 10:00. Cảm ơn người dân đã phản ánh.',
    });
    // No reload: /live's incident:changed makes the page ask again.
    await expect.poll(() => handled.textContent(), { timeout: 20_000 }).not.toBe(before);
    await page.screenshot({ path: resolve(SHOTS, 'briefing-1024x768.png'), fullPage: true });

    // Print: the A4 print view fits and hides the controls.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav.controls').isVisible()).toBe(false);
    const printed = await page.pdf({ format: 'A4', printBackground: true });
    const doc = await getDocumentProxy(new Uint8Array(printed));
    expect(doc.numPages).toBeLessThanOrEqual(3);
    await context.close();
  });

  it('renders in portrait at 820×1180, and the last answer offline with its time', async () => {
    const { context, page } = await open({ width: 820, height: 1180 }, '/briefing?period=7d');
    expect(await page.getByTestId('briefing-meta').textContent()).toContain('7 ngày');
    await page.screenshot({ path: resolve(SHOTS, 'briefing-820x1180.png'), fullPage: true });
    // The service worker took over and stored the answer; the network goes away.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.reload();
    await page.waitForSelector('[data-ready="1"]', { timeout: 30_000 });
    await context.setOffline(true);
    await page.reload();
    await page
      .getByTestId('offline-badge')
      .waitFor({ timeout: 20_000 })
      .catch(() => undefined);
    const badge = await page.getByTestId('offline-badge').textContent();
    expect(badge).toMatch(/^Dữ liệu lúc \d{2}:\d{2}, đang mất kết nối$/);
    await page.screenshot({ path: resolve(SHOTS, 'briefing-offline-820x1180.png') });
    // A period never loaded on this tablet: the stored 7-day answer, and the badge says it is that one.
    await page.locator('button[data-period="30d"]').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="offline-badge"]')?.textContent?.startsWith('Mất kết nối'),
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.getByTestId('offline-badge').textContent()).toMatch(
      /^Mất kết nối: chưa lưu kỳ này, đang xem bản lưu 7 ngày qua · .+ lúc \d{2}:\d{2}$/,
    );
    expect(await page.getByTestId('briefing-meta').textContent()).toContain('7 ngày');
    await context.setOffline(false);
    await context.close();
  });

  it('GET /api/briefing.pdf states the period, the scope and the time in its first page', async () => {
    const me = await fetch(`${ioc.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(leader),
    });
    const cookie = me.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const res = await fetch(`${ioc.baseUrl}/api/briefing.pdf?period=30d`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    // Kept to look at (/tmp/shots/briefing.pdf).
    await writeFile(resolve(SHOTS, 'briefing.pdf'), bytes);
    const doc = await getDocumentProxy(bytes.slice());
    const { text } = await extractText(doc, { mergePages: false });
    const first = (text as string[])[0]!;
    expect(first).toContain('30 ngày');
    expect(first).toContain('Toàn thành phố');
    expect(first).toMatch(/Số liệu lúc \d{2}:\d{2}/);

    // The first page as a picture to look at, drawn by pdf.js (unpdf's build) in Chromium.
    const viewer = await (await browser.newContext({ viewport: { width: 900, height: 1273 } })).newPage();
    await viewer.route('http://pdf.local/**', (r) => {
      const u = r.request().url();
      if (u.endsWith('/pdfjs.mjs')) return r.fulfill({ path: PDFJS, contentType: 'text/javascript' });
      if (u.endsWith('/doc.pdf'))
        return r.fulfill({ body: Buffer.from(bytes), contentType: 'application/pdf' });
      return r.fulfill({
        body: '<body style="margin:0"><canvas id="c"></canvas></body>',
        contentType: 'text/html',
      });
    });
    await viewer.goto('http://pdf.local/');
    // A string, so that vitest leaves the browser's import() alone.
    await viewer.evaluate(`(async () => {
      const { getDocument } = await import('http://pdf.local/pdfjs.mjs');
      const pdf = await getDocument({ url: 'http://pdf.local/doc.pdf' }).promise;
      const first = await pdf.getPage(1);
      const viewport = first.getViewport({ scale: 900 / first.getViewport({ scale: 1 }).width });
      const canvas = document.getElementById('c');
      canvas.width = viewport.width;
      canvas.height = viewport.height;
      await first.render({ canvas, canvasContext: canvas.getContext('2d'), viewport }).promise;
    })()`);
    await viewer.locator('#c').screenshot({ path: resolve(SHOTS, 'briefing-pdf-page1.png') });
    await viewer.context().close();

    // Without Chromium on the server: 503 with a code the page explains (and the PDF button says so).
    const config = ioc.app.config as { chromiumPath?: string };
    const chromiumPath = config.chromiumPath;
    config.chromiumPath = '/nonexistent/chromium';
    try {
      const missing = await fetch(`${ioc.baseUrl}/api/briefing.pdf?period=7d`, { headers: { cookie } });
      expect(missing.status).toBe(503);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe(
        'IOC_BRIEFING_PDF_UNAVAILABLE',
      );
    } finally {
      config.chromiumPath = chromiumPath;
    }

    // Roles the briefing is not for are refused before Chromium starts.
    const agencyRes = await fetch(`${ioc.baseUrl}/api/briefing.pdf`, { headers: unit.headers() });
    expect(agencyRes.status).toBe(403);
    expect(errors).toEqual([]);
  });
});
