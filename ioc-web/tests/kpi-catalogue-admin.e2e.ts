import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUser, signBody, startIoc, type RunningIoc } from '@hue-ioc/server/testing';
import { ARTIFACTS, launchChromium } from './support/chromium.ts';

/**
 * The Danh mục chỉ số panel of /admin in real Chromium (issue 13, item 1): an admin adds a Kinh tế số
 * indicator (an out-of-range target is stopped first), a feed sends a value, the briefing shows it under
 * its pillar; an edit made meanwhile by another admin answers the stale-version message; deactivating it
 * makes the KPI webhook refuse its samples. The server's catalogue and audit trail have each change.
 */
const SECRET = 'e2e-kpi-catalogue-secret';

describe('/admin Danh mục chỉ số in Chromium', () => {
  let ioc: RunningIoc;
  let browser: Browser;
  let admin: { username: string; password: string };
  const errors: string[] = [];

  beforeAll(async () => {
    ioc = await startIoc({
      overrides: { ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET } },
    });
    if (!ioc.config.webDir) throw new Error('the web app is not built: run `npm run build` (npm test does)');
    admin = await createUser(ioc.app, 'admin', { username: 'quantri.kpi', password: 'Chi-so-so-2026!' });
    browser = await launchChromium({ webgl: false });
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await ioc?.close();
  });

  const sendSample = async (kpi: string, value: number) => {
    const raw = JSON.stringify({
      kpi,
      scope: { level: 'province', code: '46' },
      value,
      ts: new Date(Date.now() - 10 * 60_000).toISOString(),
    });
    const res = await fetch(`${ioc.baseUrl}/api/ingest/kpi`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signBody(SECRET, raw, Math.floor(Date.now() / 1000)),
      },
      body: raw,
    });
    return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
  };
  const form = (page: Page) => page.locator('form.editor');

  it('adds an indicator, shows its value on the briefing, answers a stale edit, and deactivates it', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'vi-VN' });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${ioc.baseUrl}/login?next=%2Fadmin%23kpis`);
    await page.getByLabel('Tên đăng nhập').fill(admin.username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('tab', { name: 'Danh mục chỉ số' }).click();
    await page.getByTestId('kpi-catalogue-kinh_te_so').waitFor();
    await expect(page.getByRole('note').textContent()).resolves.toMatch(/webhook KPI/);
    // The seed, by pillar.
    await expect(
      page.getByTestId('kpi-catalogue-chinh_quyen_so').locator('tr[data-kpi]').count(),
    ).resolves.toBe(6);
    await expect(page.getByTestId('kpi-catalogue-xa_hoi_so').textContent()).resolves.toMatch(
      /Hộ gia đình có cáp quang/,
    );

    // A new Kinh tế số indicator; 120% is stopped in the page.
    await page.getByRole('button', { name: 'Thêm chỉ số' }).click();
    const f = form(page);
    await f.getByLabel('Mã chỉ số').fill('ty_le_tieu_thuong_qr');
    await f.getByLabel('Trụ cột').selectOption('kinh_te_so');
    await f.getByLabel('Tên tiếng Việt').fill('Tiểu thương chợ Đông Ba nhận thanh toán QR');
    await f.getByLabel('Tên tiếng Anh').fill('Đông Ba market stalls taking QR payments');
    await f.getByLabel('Mục tiêu').fill('120');
    await f.getByRole('button', { name: 'Lưu chỉ số' }).click();
    await expect(f.getByRole('alert').textContent()).resolves.toMatch(/chưa hợp lệ/i);
    await expect(f.textContent()).resolves.toMatch(/ngoài khoảng của đơn vị tính/);
    expect(ioc.app.kpiCatalogue.get('ty_le_tieu_thuong_qr')).toBeUndefined();
    await f.getByLabel('Mục tiêu').fill('80');
    await f.getByRole('button', { name: 'Lưu chỉ số' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã lưu chỉ số ty_le_tieu_thuong_qr.' }).waitFor();
    expect(ioc.app.kpiCatalogue.get('ty_le_tieu_thuong_qr')).toMatchObject({
      pillar: 'kinh_te_so',
      unit: '%',
      target: 80,
      goodDirection: 'up',
      active: true,
      updatedBy: admin.username,
    });
    const row = page.getByTestId('kpi-catalogue-kinh_te_so').locator('tr[data-kpi="ty_le_tieu_thuong_qr"]');
    await expect(row.textContent()).resolves.toMatch(/Đang dùng/);

    // A feed sends its value; the leaders' briefing shows it under Kinh tế số.
    expect((await sendSample('ty_le_tieu_thuong_qr', 63.5)).status).toBe(201);
    const briefing = await context.newPage();
    briefing.on('pageerror', (e) => errors.push(e.message));
    await briefing.goto(`${ioc.baseUrl}/briefing`);
    await briefing.waitForSelector('[data-ready="1"]', { timeout: 30_000 });
    const item = briefing.locator('[data-pillar="kinh_te_so"] li[data-kpi="ty_le_tieu_thuong_qr"]');
    await item.waitFor();
    await expect(item.textContent()).resolves.toMatch(/Tiểu thương chợ Đông Ba.*63,5%.*mục tiêu 80,0%/s);
    await briefing
      .locator('#indicators')
      .screenshot({ path: resolve(ARTIFACTS, 'briefing-kpi-pillars.png') });
    await briefing.close();

    // Another admin changes the same indicator while this one edits it: the stale version is explained.
    await page.getByRole('button', { name: 'Sửa chỉ số ty_le_tieu_thuong_qr' }).click();
    const other = ioc.app.kpiCatalogue.get('ty_le_tieu_thuong_qr')!;
    await ioc.app.kpiCatalogue.put(
      'ty_le_tieu_thuong_qr',
      {
        pillar: other.pillar,
        label: other.label,
        unit: other.unit,
        target: 85,
        goodDirection: other.goodDirection,
        active: true,
        expectedVersion: other.version,
      },
      { principal: null, ip: null, correlationId: null },
    );
    await f.getByLabel('Đang sử dụng (nhận số liệu)').uncheck();
    await f.getByRole('button', { name: 'Lưu chỉ số' }).click();
    await expect(f.getByRole('alert').textContent()).resolves.toMatch(/vừa được người khác thay đổi/);
    expect(ioc.app.kpiCatalogue.get('ty_le_tieu_thuong_qr')?.active).toBe(true);
    // Saving again goes against the reloaded version; the unit is locked now that it has values.
    // (the form takes the reloaded indicator after the alert: polled, not read once)
    await expect.poll(() => f.getByLabel('Đơn vị tính').isDisabled(), { timeout: 10_000 }).toBe(true);
    await f.getByRole('button', { name: 'Lưu chỉ số' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã lưu chỉ số ty_le_tieu_thuong_qr.' }).waitFor();
    expect(ioc.app.kpiCatalogue.get('ty_le_tieu_thuong_qr')).toMatchObject({ active: false, version: 3 });
    await expect(row.textContent()).resolves.toMatch(/Ngừng dùng.*đã có số liệu/s);
    await expect(row.getByRole('button', { name: /Xoá/ }).count()).resolves.toBe(0);

    const refused = await sendSample('ty_le_tieu_thuong_qr', 64);
    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe('IOC_INGEST_KPI_INACTIVE');

    await page.getByTestId('kpi-catalogue-kinh_te_so').scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(ARTIFACTS, 'admin-kpi-catalogue.png'), fullPage: true });
    const audit = await ioc.app.db.query<{ action: string; actor_username: string | null }>(
      `SELECT action, actor_username FROM audit_events WHERE action LIKE 'kpi_catalogue.%' ORDER BY ts, id`,
    );
    expect(audit).toEqual([
      { action: 'kpi_catalogue.create', actor_username: admin.username },
      { action: 'kpi_catalogue.update', actor_username: null },
      { action: 'kpi_catalogue.update', actor_username: admin.username },
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
