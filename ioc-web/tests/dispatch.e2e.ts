import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  createUser,
  DISPLAY_TOKEN,
  freePort,
  signBody,
  startIoc,
  TEST_AGENCY,
  type RunningIoc,
} from '@hue-ioc/server/testing';
import { ARTIFACTS, launchChromium } from './support/chromium.ts';

/**
 * /dispatch and /agency in real Chromium against the real server (issue 12): a Hue-S report appears in the
 * supervisor's queue live (no reload), the supervisor verifies it and assigns it to a unit; the unit's
 * staff find it in their phone inbox, accept it and resolve it with a reply and a photo; Hue-S (a real HTTP
 * receiver here) gets the signed reply through the outbox; the citizen's rating closes the case; the wall
 * counts it no more.
 */
const PHOTO = resolve(import.meta.dirname, 'fixtures', 'o-ga-da-va.jpg');

interface Callback {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: { id: string; event: string; status: string; reply?: string };
}
const SECRET = 'e2e-dispatch-secret';
const TITLE = 'Ổ gà sâu giữa đường Hùng Vương';

describe('/dispatch and /agency in Chromium', () => {
  let ioc: RunningIoc;
  let browser: Browser;
  let supervisor: { username: string; password: string };
  let unit: { username: string; password: string };
  let receiver: Server;
  const callbacks: Callback[] = [];
  const errors: string[] = [];

  async function logIn(page: Page, username: string, password: string, next: string) {
    await page.goto(`${ioc.baseUrl}/login?next=${encodeURIComponent(next)}`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${ioc.baseUrl}${next}`);
  }

  /** Posts `raw` to an ingest route signed with the Hue-S secret, as Hue-S does. */
  const postSigned = (path: string, raw: string) =>
    fetch(`${ioc.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signBody(SECRET, raw, Math.floor(Date.now() / 1000)),
      },
      body: raw,
    });

  beforeAll(async () => {
    // Hue-S's callback endpoint: answers 200 and keeps what it was sent.
    const port = await freePort();
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        callbacks.push({ headers: req.headers, raw, body: JSON.parse(raw) as Callback['body'] });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', r));
    ioc = await startIoc({
      overrides: {
        ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET },
        huesCallbackUrl: `http://127.0.0.1:${port}/hue-s/callback`,
      },
    });
    if (!ioc.config.webDir) throw new Error('the web app is not built: run `npm run build` (npm test does)');
    supervisor = await createUser(ioc.app, 'supervisor', {
      username: 'giamsat.ca1',
      password: 'Giam-sat-ca-1',
    });
    unit = await createUser(ioc.app, 'agency', { username: 'soxaydung.hien', password: 'So-xay-dung-1' });
    browser = await launchChromium();
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await ioc?.close();
    await new Promise((r) => receiver?.close(r));
  });

  it('shows a new report live, verifies and assigns it; the unit resolves it with a photo on a phone; Hue-S gets the reply; the rating closes it', async () => {
    const desk = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'vi-VN' });
    const page = await desk.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await logIn(page, supervisor.username, supervisor.password, '/dispatch');
    await expect.poll(() => page.getByTestId('link-state').textContent()).toContain('Trực tuyến');

    const wall = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await wall.goto(`${ioc.baseUrl}/wall?token=${DISPLAY_TOKEN}`);
    const openOnWall = () => wall.locator('section.panel[data-open]').getAttribute('data-open');
    await expect.poll(openOnWall, { timeout: 20_000 }).toBe('0');

    const huesId = `HS-E2E-${Date.now()}`;
    const raw = JSON.stringify({
      id: huesId,
      category: 'Hạ tầng giao thông',
      title: TITLE,
      description: 'Ổ gà rộng khoảng 1 m trước số 83 Hùng Vương, xe máy dễ té ngã khi trời mưa.',
      lat: 16.4602,
      lon: 107.5936,
      address: '83 Hùng Vương',
      media: [{ url: 'https://hue-s.example.vn/media/o-ga-hung-vuong.jpg', type: 'image' }],
      reporter: { name: 'Trần Thị Bình', phone: '0905111222' },
      created_at: new Date().toISOString(),
    });
    const res = await postSigned('/api/ingest/hue-s', raw);
    expect(res.ok).toBe(true);

    // Live: the row appears without a reload.
    const row = page.locator('[role=option]', { hasText: TITLE });
    await row.waitFor({ timeout: 20_000 });
    await expect.poll(openOnWall, { timeout: 20_000 }).toBe('1');
    await row.click();
    const view = page.getByTestId('case-view');
    await expect.poll(() => view.getByTestId('case-status').textContent()).toBe('Mới tiếp nhận');
    await view.locator('button[data-action=verify]').click();
    await expect.poll(() => view.getByTestId('case-status').textContent()).toBe('Đã xác minh');
    await view.locator('button[data-action=assign]').click();
    await view.locator('#f-agency').selectOption(TEST_AGENCY);
    await view.locator('[data-testid=action-form] button[type=submit]').click();
    await expect.poll(() => view.getByTestId('case-status').textContent()).toBe('Đã chuyển xử lý');
    await expect.poll(() => row.getAttribute('data-status')).toBe('assigned');
    await page.screenshot({ path: resolve(ARTIFACTS, 'dispatch-case.png') });

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'vi-VN',
      isMobile: true,
      hasTouch: true,
    });
    const inbox = await phone.newPage();
    inbox.on('pageerror', (e) => errors.push(e.message));
    await logIn(inbox, unit.username, unit.password, '/agency');
    const card = inbox.locator('[data-testid=agency-queue] button', { hasText: TITLE });
    await card.waitFor({ timeout: 20_000 });
    await inbox.screenshot({ path: resolve(ARTIFACTS, 'agency-inbox.png') });
    await card.click();
    const mine = inbox.getByTestId('case-view');
    await mine.locator('button[data-action=accept]').click();
    await expect.poll(() => mine.getByTestId('case-status').textContent()).toBe('Đang xử lý');
    await mine.locator('button[data-action=resolve]').click();
    await mine
      .locator('#f-reply')
      .fill('Đơn vị đã vá ổ gà trước số 83 Hùng Vương lúc 15:00. Cảm ơn người dân đã phản ánh.');
    // The photo of the result, as a phone camera hands it over.
    await mine.locator('[data-testid=action-form] input[type=file]').setInputFiles(PHOTO);
    await mine.locator('[data-testid=action-form] .success').waitFor({ timeout: 20_000 });
    await mine.locator('[data-testid=action-form] button[type=submit]').click();
    await expect.poll(() => mine.getByTestId('case-status').textContent()).toBe('Đã xử lý');
    const [stored] = await ioc.app.db.query<{ content_type: string; public: boolean; incident_id: string }>(
      `SELECT a.content_type, a.public, a.incident_id FROM attachments a
       JOIN incident_sources s ON s.incident_id = a.incident_id WHERE s.source_id = $1`,
      [huesId],
    );
    expect(stored).toMatchObject({ content_type: 'image/jpeg', public: true });

    // Hue-S gets the unit's reply, signed with the Hue-S secret, once.
    await expect
      .poll(() => callbacks.filter((c) => c.body.id === huesId && c.body.event === 'reply').length, {
        timeout: 20_000,
      })
      .toBe(1);
    const reply = callbacks.find((c) => c.body.id === huesId && c.body.event === 'reply')!;
    expect(reply.body.reply).toContain('Đơn vị đã vá ổ gà');
    const ts = String(reply.headers['x-timestamp']);
    const mac = createHmac('sha256', SECRET).update(`${ts}.${reply.raw}`).digest('hex');
    expect(reply.headers['x-signature']).toBe(`sha256=${mac}`);
    expect(reply.headers['idempotency-key']).toBeTruthy();

    // The citizen rates it in Hue-S: the case closes.
    const rating = JSON.stringify({ id: huesId, rating: 'hai_long', comment: 'Cảm ơn, xử lý nhanh.' });
    const rated = await postSigned('/api/ingest/hue-s/feedback', rating);
    expect(rated.status).toBe(200);
    const [closed] = await ioc.app.db.query<{ status: string; rating: string }>(
      `SELECT status, rating FROM incidents WHERE id = $1`,
      [stored!.incident_id],
    );
    expect(closed).toEqual({ status: 'closed', rating: 'hai_long' });
    await expect.poll(openOnWall, { timeout: 20_000 }).toBe('0');
    await wall.screenshot({ path: resolve(ARTIFACTS, 'wall-after-close.png') });
    await inbox.screenshot({ path: resolve(ARTIFACTS, 'agency-resolved.png'), fullPage: true });

    // The supervisor's queue (open cases) drops the resolved case live.
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(0);
    expect(errors).toEqual([]);
    await desk.close();
    await phone.close();
  });

  it('never goes back to an older version: a reload sent before an action and answered after it does not undo the action', async () => {
    const desk = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'vi-VN' });
    const page = await desk.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await logIn(page, supervisor.username, supervisor.password, '/dispatch');
    await expect.poll(() => page.getByTestId('link-state').textContent()).toContain('Trực tuyến');

    const title = 'Cây đổ chắn lối vào đường Lê Duẩn';
    const huesId = `HS-E2E-ORDER-${Date.now()}`;
    const raw = JSON.stringify({
      id: huesId,
      category: 'Hạ tầng giao thông',
      title,
      description: 'Cây phượng đổ sau mưa, chắn nửa đường, xe máy phải đi vòng.',
      // 4 km from the first test's report: not merged into it.
      lat: 16.43,
      lon: 107.56,
      address: '12 Lê Duẩn',
      media: [],
      reporter: { name: 'Lê Văn Cường', phone: '0905333444' },
      created_at: new Date().toISOString(),
    });
    const res = await postSigned('/api/ingest/hue-s', raw);
    expect(res.ok).toBe(true);
    const [source] = await ioc.app.db.query<{ incident_id: string }>(
      `SELECT incident_id FROM incident_sources WHERE source_id = $1`,
      [huesId],
    );
    const id = source!.incident_id;

    const row = page.locator('[role=option]', { hasText: title });
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    const view = page.getByTestId('case-view');
    const status = () => view.getByTestId('case-status').textContent();
    await expect.poll(status).toBe('Mới tiếp nhận');
    // Every status the case view shows, in the order it shows them.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenStatuses: string[] }).seenStatuses = seen;
      const read = () => {
        const text = document.querySelector('[data-testid=case-view] [data-testid=case-status]')?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      };
      read();
      new MutationObserver(read).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    });

    // The case's GET is read from the server at once and answered 3 s later: a slow link in a flood.
    let fetched = 0;
    let answered = 0;
    await page.route(
      (url) => url.pathname === `/api/incidents/${id}`,
      async (route) => {
        if (route.request().method() !== 'GET') return route.continue();
        const response = await route.fetch();
        fetched++;
        await new Promise((r) => setTimeout(r, 3000));
        await route.fulfill({ response }).catch(() => undefined);
        answered++;
      },
    );
    await view.locator('button[data-action=verify]').click();
    await expect.poll(status).toBe('Đã xác minh');
    // /live said it changed: the view's reload has read version 2 and is on its way back.
    await expect.poll(() => fetched, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    await view.locator('button[data-action=assign]').click();
    await view.locator('#f-agency').selectOption(TEST_AGENCY);
    await view.locator('[data-testid=action-form] button[type=submit]').click();
    await expect.poll(status).toBe('Đã chuyển xử lý');
    // Every held reload has been answered, the one for the assignment's own change included.
    await expect.poll(() => fetched > 0 && answered === fetched, { timeout: 20_000 }).toBe(true);
    await page.waitForTimeout(500);
    await expect.poll(() => answered === fetched, { timeout: 20_000 }).toBe(true);

    expect(await status()).toBe('Đã chuyển xử lý');
    expect(await row.getAttribute('data-status')).toBe('assigned');
    const seen = await page.evaluate(() => (window as unknown as { seenStatuses: string[] }).seenStatuses);
    expect(seen).toEqual(['Mới tiếp nhận', 'Đã xác minh', 'Đã chuyển xử lý']);
    expect(errors).toEqual([]);
    await desk.close();
  });
});
