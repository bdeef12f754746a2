import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createUser, startIoc, type RunningIoc } from '@hue-ioc/server/testing';
import { ARTIFACTS, launchChromium } from './support/chromium.ts';

/**
 * The login page and /admin in real Chromium against the real server: an admin logs in, issues a display
 * token (shown once), revokes it and finds both in the audit log; a wrong password and an operator are
 * told so in Vietnamese.
 */
const VIEWPORT = { width: 1440, height: 900 };
const TOKEN_NAME = 'Màn hình tường phòng giao ban';

describe('/login and /admin in Chromium', () => {
  let ioc: RunningIoc;
  let browser: Browser;
  let admin: { username: string; password: string };
  let operator: { username: string; password: string };
  const errors: string[] = [];

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'vi-VN' });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    return { context, page };
  }

  async function logIn(page: Page, username: string, password: string, next = '') {
    await page.goto(`${ioc.baseUrl}/login${next}`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
  }

  beforeAll(async () => {
    ioc = await startIoc();
    if (!ioc.config.webDir) throw new Error('the web app is not built: run `npm run build` (npm test does)');
    admin = await createUser(ioc.app, 'admin', { username: 'quantri.ioc', password: 'Hue-IOC-2026!' });
    operator = await createUser(ioc.app, 'operator', {
      username: 'dieuhanh.ca1',
      password: 'Ca-truc-sang-1',
    });
    browser = await launchChromium({ webgl: false });
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await ioc?.close();
  });

  it('sends an anonymous visitor of /admin to the login page and refuses a wrong password in Vietnamese', async () => {
    const { context, page } = await newPage();
    await page.goto(`${ioc.baseUrl}/admin`);
    await page.waitForURL(/\/login\?next=%2Fadmin/);
    await page.getByLabel('Tên đăng nhập').fill(admin.username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill('sai-mat-khau');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    const error = page.getByTestId('login-error');
    await expect.poll(() => error.textContent()).toBe('Sai tên đăng nhập hoặc mật khẩu.');
    // The password field is emptied and focused for the next try; the page stays on /login.
    expect(await page.getByLabel('Mật khẩu', { exact: true }).inputValue()).toBe('');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.screenshot({ path: resolve(ARTIFACTS, 'login.png') });
    await context.close();
  });

  it('lets an admin log in, issue a display token shown once, revoke it, and find both in the audit log', async () => {
    const { context, page } = await newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ioc.baseUrl });
    await logIn(page, admin.username, admin.password);
    await page.waitForURL(`${ioc.baseUrl}/admin`);
    // Users: the list shows both accounts with Vietnamese role names.
    const users = page.getByTestId('users-table');
    await expect
      .poll(() => users.locator(`tr[data-username="${admin.username}"]`).innerText())
      .toMatch(/Quản trị/);
    await expect
      .poll(() => users.locator(`tr[data-username="${operator.username}"]`).innerText())
      .toMatch(/Điều hành viên/);
    await expect.poll(() => page.getByTestId('signed-in-as').innerText()).toMatch(/Quản trị/);

    // Create a handling-unit account with the agency picker, then lock it from the edit dialog.
    await page.getByLabel('Tên đăng nhập').fill('hepco.xuly');
    await page.getByLabel('Họ và tên').fill('Nguyễn Thị Hoa');
    await page.getByLabel('Mật khẩu').fill('Hepco-2026-xl');
    await page.getByLabel('Vai trò').selectOption('agency');
    await page.getByLabel('Đơn vị', { exact: true }).selectOption({ index: 1 });
    const agencyName = await page.getByLabel('Đơn vị', { exact: true }).locator('option:checked').innerText();
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await expect
      .poll(() => page.getByTestId('users-notice').innerText())
      .toBe('Đã tạo tài khoản hepco.xuly.');
    const hepco = users.locator('tr[data-username="hepco.xuly"]');
    expect(await hepco.innerText()).toContain(agencyName);
    expect(await hepco.innerText()).toContain('Đơn vị xử lý');
    await hepco.getByRole('button', { name: 'Sửa hepco.xuly' }).click();
    const edit = page.getByRole('dialog');
    await edit.getByLabel('Cho phép đăng nhập').uncheck();
    await page.screenshot({ path: resolve(ARTIFACTS, 'admin-user-edit.png') });
    await edit.getByRole('button', { name: 'Lưu' }).click();
    await edit.waitFor({ state: 'hidden' });
    await expect.poll(() => hepco.innerText()).toContain('Đã khóa');
    await page.screenshot({ path: resolve(ARTIFACTS, 'admin-users.png'), fullPage: true });

    // The tabs follow the arrow keys (WAI-ARIA tabs pattern).
    await page.getByRole('tab', { name: 'Người dùng' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Mã màn hình' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');

    // Tokens: create one; the secret and the ready wall URL are shown once.
    await page.getByRole('tab', { name: 'Mã màn hình' }).click();
    await page.getByLabel('Tên màn hình').fill(TOKEN_NAME);
    await page.getByRole('button', { name: 'Tạo mã' }).click();
    const box = page.getByTestId('new-token');
    await box.waitFor();
    expect(await box.innerText()).toMatch(/chỉ hiển thị MỘT LẦN/);
    const token = await page.getByTestId('new-token-value').inputValue();
    expect(token).toMatch(/^ioc_dt_/);
    expect(await page.getByTestId('new-token-url').inputValue()).toBe(
      `${ioc.baseUrl}/wall?token=${encodeURIComponent(token)}`,
    );
    await box.getByRole('button', { name: 'Sao chép' }).first().click();
    await expect.poll(() => box.innerText()).toMatch(/Đã sao chép/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    // The token works as a display token.
    const asDisplay = await fetch(`${ioc.baseUrl}/api/auth/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(asDisplay.status).toBe(200);
    const row = page.getByTestId('tokens-table').locator('tr', { hasText: TOKEN_NAME });
    expect(await row.innerText()).toContain(`…${token.slice(-4)}`);
    await page.screenshot({ path: resolve(ARTIFACTS, 'admin-tokens.png'), fullPage: true });

    // Dismissed, it is gone from the page for good.
    await box.getByRole('button', { name: 'Tôi đã lưu mã, đóng' }).click();
    await box.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(token);

    // Revoke, after a confirmation; Cancel first leaves it valid.
    await row.getByRole('button', { name: `Thu hồi ${TOKEN_NAME}` }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.innerText()).toMatch(/không hoàn tác/);
    await dialog.getByRole('button', { name: 'Hủy' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await row.getByTestId('token-status').innerText()).toBe('Đang hiệu lực');
    await row.getByRole('button', { name: `Thu hồi ${TOKEN_NAME}` }).click();
    await dialog.getByRole('button', { name: 'Thu hồi mã' }).click();
    await expect.poll(() => row.getByTestId('token-status').innerText()).toMatch(/^Đã thu hồi/);
    const revoked = await fetch(`${ioc.baseUrl}/api/auth/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.status).toBe(401);

    // Audit: the login, the token's creation and its revocation, newest first, by this admin.
    await page.getByRole('tab', { name: 'Nhật ký' }).click();
    const audit = page.getByTestId('audit-table');
    await audit.waitFor();
    for (const [action, label] of [
      ['auth.login', 'Đăng nhập'],
      ['user.create', 'Tạo tài khoản'],
      ['user.update', 'Sửa tài khoản'],
      ['display_token.create', 'Tạo mã màn hình'],
      ['display_token.revoke', 'Thu hồi mã màn hình'],
    ] as const) {
      const entry = audit.locator(`tr[data-action="${action}"]`).first();
      await expect.poll(() => entry.innerText()).toContain(label);
      expect(await entry.innerText()).toContain(admin.username);
    }
    await page.screenshot({ path: resolve(ARTIFACTS, 'admin-audit.png'), fullPage: true });
    // The failed attempt of the first test is there too; filtering by action keeps only token creations.
    expect(await audit.locator('tr[data-action="auth.login_failed"]').count()).toBeGreaterThan(0);
    await page.getByLabel('Hành động').selectOption('display_token.create');
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    // (The other one is the seeded test display token, made by the system at start.)
    await expect
      .poll(() => audit.locator('tbody tr:not([data-action="display_token.create"])').count())
      .toBe(0);
    expect(await audit.locator('tbody tr', { hasText: TOKEN_NAME }).count()).toBe(1);

    // Log out: back to /login, and the session is gone.
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.waitForURL(/\/login$/);
    const me = await page.evaluate(() => fetch('/api/auth/me').then((r) => r.status));
    expect(me).toBe(401);
    await context.close();
  });

  it('tells an operator that /admin is not for them', async () => {
    const { context, page } = await newPage();
    await logIn(page, operator.username, operator.password);
    // Not an admin: the login goes to the operator's own console (/dispatch), not to /admin.
    await page.waitForURL(`${ioc.baseUrl}/dispatch`);
    await page.goto(`${ioc.baseUrl}/admin`);
    const forbidden = page.getByTestId('forbidden');
    await expect.poll(() => forbidden.innerText()).toMatch(/không có quyền/);
    expect(await forbidden.innerText()).toMatch(/Điều hành viên/);
    expect(await page.getByTestId('users-table').count()).toBe(0);
    await context.close();
  });

  it('explains a lockout and a network failure in Vietnamese, and speaks English with ?lang=en', async () => {
    const locked = await createUser(ioc.app, 'supervisor', {
      username: 'giamsat.ca2',
      password: 'Giam-sat-ca-2',
    });
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${ioc.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: locked.username, password: `doan-sai-${i}` }),
      });
      expect(res.status).toBe(401);
    }
    const { context, page } = await newPage();
    await logIn(page, locked.username, locked.password);
    const error = page.getByTestId('login-error');
    await expect
      .poll(() => error.textContent())
      .toMatch(/^Tài khoản tạm bị khóa vì đăng nhập sai quá nhiều lần\. Hãy thử lại sau khoảng 1[45] phút/);

    await page.route('**/api/auth/login', (route) => route.abort('internetdisconnected'));
    await page.getByLabel('Mật khẩu', { exact: true }).fill(locked.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect
      .poll(() => error.textContent())
      .toBe('Không kết nối được máy chủ IOC. Kiểm tra mạng rồi thử lại.');

    await page.goto(`${ioc.baseUrl}/login?lang=en`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Log in');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await context.close();
  });

  it('had no uncaught page errors', () => {
    expect(errors).toEqual([]);
  });
});
