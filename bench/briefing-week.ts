/**
 * The briefing over a simulated month of Huế (issue 13's closing note): 15,000 cases over 30 days written in
 * SQL (test/support/incident-fixture.ts), ratings, the rollup refreshed; then, as a leader, the summary of
 * the last 7 days in Vietnamese and English, GET /api/briefing.pdf, and screenshots of /briefing at both
 * tablet sizes, in English and with a unit's late cases open, under /tmp/shots/briefing-sim-week-*.
 *
 *   node --import tsx bench/briefing-week.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { briefingSummaryText } from '@hue-ioc/layers';
import { startIoc } from '../ioc-server/test/support/start-ioc.ts';
import { createUser } from '../ioc-server/test/support/auth.ts';
import { fillIncidents } from '../ioc-server/test/support/incident-fixture.ts';
import { summaryInput } from '../ioc-web/src/lib/briefing/model.ts';

mkdirSync('/tmp/shots', { recursive: true });
const ioc = await startIoc();
const db = ioc.app.db;
try {
  const wards = ioc.app.wards.wards.map((w) => w.code);
  const agencies = (await db.query<{ id: string }>(`SELECT id FROM agencies ORDER BY id`)).map((a) => a.id);
  await fillIncidents(db, {
    total: 15_000,
    open: 160,
    wards,
    agencies,
    now: new Date(),
    years: 30 / 365,
    batch: 5_000,
  });
  await db.query(
    `UPDATE incidents SET rating = CASE WHEN abs(hashtext(id)) % 100 < 80 THEN 'hai_long'
       WHEN abs(hashtext(id)) % 100 < 92 THEN 'chap_nhan' ELSE 'khong_hai_long' END, rated_at = closed_at
     WHERE status = 'closed' AND abs(hashtext(id || 'r')) % 10 < 6`,
  );
  await db.exec(`CALL refresh_continuous_aggregate('incident_daily', NULL, now() - INTERVAL '1 hour')`);
  const leader = await createUser(ioc.app, 'leader', { username: 'lanh.dao', password: 'Lanh-dao-1' });
  const login = await fetch(`${ioc.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(leader),
  });
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const b = await (await fetch(`${ioc.baseUrl}/api/briefing?period=7d`, { headers: { cookie } })).json();
  writeFileSync('/tmp/briefing-sim-7d.json', JSON.stringify(b, null, 1));
  console.log('VI:', briefingSummaryText(summaryInput(b), 'vi'));
  console.log('EN:', briefingSummaryText(summaryInput(b), 'en'));
  const pdf = await fetch(`${ioc.baseUrl}/api/briefing.pdf?period=7d`, { headers: { cookie } });
  writeFileSync('/tmp/shots/briefing-sim-week.pdf', Buffer.from(await pdf.arrayBuffer()));
  console.log('pdf', pdf.status);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
  });
  for (const [name, width, height, lang] of [
    ['1024x768', 1024, 768, ''],
    ['820x1180', 820, 1180, ''],
    ['1024x768-en', 1024, 768, '&lang=en'],
  ] as const) {
    const ctx = await browser.newContext({
      viewport: { width, height },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    await ctx.addCookies(
      cookie
        .split('; ')
        .map((c) => ({ name: c.split('=')[0]!, value: c.split('=').slice(1).join('='), url: ioc.baseUrl })),
    );
    const page = await ctx.newPage();
    await page.goto(`${ioc.baseUrl}/briefing?period=7d${lang}`);
    await page.waitForSelector('[data-ready="1"]', { timeout: 120_000 });
    await page.screenshot({ path: `/tmp/shots/briefing-sim-week-${name}.png`, fullPage: true });
    if (name === '1024x768') {
      await page.locator('button.unit').first().click();
      await page.locator('[role=dialog] ol, [role=dialog] p.muted').first().waitFor({ timeout: 15_000 });
      await page.screenshot({ path: `/tmp/shots/briefing-sim-week-unit-cases.png` });
    }
    await ctx.close();
  }
  await browser.close();
} finally {
  await ioc.close();
}
