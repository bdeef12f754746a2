/**
 * Takes a 1920×1080 screenshot of a page in Debian Chromium (playwright-core; no browser download).
 *
 *   node --import tsx ioc-web/scripts/screenshot.ts <url> <out.png> [--wait-ms=N] [--wait-live]
 *     [--clip=x,y,width,height]
 *
 * --wait-live waits until the wall's test hook reports a live connection with sensors before the
 * extra wait. Browser console errors are printed, so a broken page does not pass unnoticed.
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
  return {
    url,
    out,
    waitMs: Number.isFinite(waitMs) ? waitMs : 3000,
    waitLive: !!flag('wait-live'),
    clip,
  };
}

async function main(): Promise<void> {
  const { url, out, waitMs, waitLive, clip } = parseArgs(process.argv.slice(2));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
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
    await page.waitForTimeout(waitMs);
    await page.screenshot({ path: out, ...(clip ? { clip } : {}) });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
  }
}

await main();
