import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { createUser, startIoc, type RunningIoc } from '@hue-ioc/server/testing';
import { ARTIFACTS, launchChromium } from './support/chromium.ts';

/**
 * The Hạn xử lý panel of /admin in real Chromium (issue 12, item 5): an admin reads the note that the
 * statutory days are editable defaults, sets a category's own deadline, is stopped by an out-of-range value,
 * and saves; the server's table and its audit trail have the change.
 */
describe('/admin Hạn xử lý in Chromium', () => {
  let ioc: RunningIoc;
  let browser: Browser;
  let admin: { username: string; password: string };
  const errors: string[] = [];

  beforeAll(async () => {
    ioc = await startIoc();
    if (!ioc.config.webDir) throw new Error('the web app is not built: run `npm run build` (npm test does)');
    admin = await createUser(ioc.app, 'admin', { username: 'quantri.sla', password: 'Han-xu-ly-2026!' });
    browser = await launchChromium({ webgl: false });
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await ioc?.close();
  });

  it('edits the roads deadline, refuses 0 working days, and saves with an audit row', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'vi-VN' });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ioc.baseUrl}/login?next=%2Fadmin%23sla`);
    await page.getByLabel('Tên đăng nhập').fill(admin.username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('tab', { name: 'Hạn xử lý' }).click();
    await page.getByTestId('sla-table').waitFor();
    await expect(page.getByRole('note').textContent()).resolves.toMatch(
      /giá trị mặc định, quản trị viên chỉnh sửa được/,
    );

    const roads = page.getByLabel('Hạ tầng giao thông (đường, vỉa hè, ổ gà) — Trung bình (ngày làm việc)');
    await expect(roads.getAttribute('placeholder')).resolves.toBe('5');
    await roads.fill('0');
    await page.getByRole('button', { name: 'Lưu bảng hạn xử lý' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/chưa hợp lệ/);
    expect(ioc.app.sla.current().byCategory.roads).toBeUndefined();

    await roads.fill('2');
    await page.getByRole('button', { name: 'Lưu bảng hạn xử lý' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã lưu bảng hạn xử lý.' }).waitFor();
    expect(ioc.app.sla.current().byCategory.roads).toEqual({ 3: { workingDays: 2 } });
    // The lighting and drainage exceptions of the seed stay as they were.
    expect(ioc.app.sla.current().byCategory.drainage).toEqual({
      2: { workingDays: 1 },
      3: { workingDays: 3 },
    });
    await page.screenshot({ path: resolve(ARTIFACTS, 'admin-sla.png'), fullPage: true });

    const audit = await ioc.app.db.query<{ actor_username: string }>(
      `SELECT actor_username FROM audit_events WHERE action = 'sla.replace'`,
    );
    expect(audit).toEqual([{ actor_username: admin.username }]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
