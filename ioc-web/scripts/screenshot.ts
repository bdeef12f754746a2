/**
 * Takes a 1920×1080 screenshot of a page in Debian Chromium (playwright-core; no browser download).
 *
 *   node --import tsx ioc-web/scripts/screenshot.ts <url> <out.png> [--wait-ms=N] [--wait-live]
 *     [--clip=x,y,width,height] [--viewport=WxH] [--login=user:password] [--click=selector]
 *
 * --wait-live waits until the wall's test hook reports a live connection with sensors before the
 * extra wait. --login signs in through POST /api/auth/login first (the consoles: /dispatch, /agency);
 * --viewport sets the size (default 1920x1080; 390x844 for a phone); --click clicks a selector after the
 * page loaded (e.g. a queue row to open the case view). Browser console errors are printed, so a broken
 * page does not pass unnoticed.
 */
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
];

interface Options {
  url: string;
  out: string;
  waitMs: number;
  waitLive: boolean;
  clip: { x: number; y: number; width: number; height: number } | undefined;
  viewport: { width: number; height: number };
  login: { username: string; password: string } | undefined;
  click: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const positional = argv.filter((a) => !a.startsWith('--'));
  const flag = (name: string) => argv.find((a) => a.startsWith(`--${name}`));
  const [url, out] = positional;
  if (!url || !out) {
    console.error(
      'usage: screenshot.ts <url> <out.png> [--wait-ms=N] [--wait-live] [--clip=x,y,width,height]',
    );
    process.exit(2);
  }
  const waitMs = Number(flag('wait-ms')?.split('=')[1] ?? 3000);
  const [x = NaN, y = NaN, width = NaN, height = NaN] = (flag('clip')?.split('=')[1] ?? '')
    .split(',')
    .map(Number);
  const clip = [x, y, width, height].every(Number.isFinite) ? { x, y, width, height } : undefined;
  const [vw = 1920, vh = 1080] = (flag('viewport')?.split('=')[1] ?? '1920x1080').split('x').map(Number);
  const login = flag('login')?.split('=').slice(1).join('=');
  const sep = login?.indexOf(':') ?? -1;
  return {
    url,
    out,
    waitMs: Number.isFinite(waitMs) ? waitMs : 3000,
    waitLive: !!flag('wait-live'),
    clip,
    viewport: { width: vw || 1920, height: vh || 1080 },
    login: login && sep > 0 ? { username: login.slice(0, sep), password: login.slice(sep + 1) } : undefined,
    click: flag('click')?.split('=').slice(1).join('='),
  };
}

async function main(): Promise<void> {
  const { url, out, waitMs, waitLive, clip, viewport, login, click } = parseArgs(process.argv.slice(2));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    if (login) {
      const res = await page.request.post(new URL('/api/auth/login', url).toString(), { data: login });
      if (!res.ok()) throw new Error(`login failed: HTTP ${res.status()}`);
    }
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') console.error(`[browser ${m.type()}] ${m.text()}`);
    });
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    await page.goto(url, { waitUntil: 'load' });
    if (waitLive) {
      await page.waitForFunction(
        () => window.__iocWall?.state() === 'live' && window.__iocWall.sensors().length > 0,
        undefined,
        { timeout: 30_000 },
      );
    }
    if (click) {
      await page.waitForSelector(click, { timeout: 30_000 });
      await page.click(click);
    }
    await page.waitForTimeout(waitMs);
    await page.screenshot({ path: out, ...(clip ? { clip } : {}) });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
  }
}

await main();
