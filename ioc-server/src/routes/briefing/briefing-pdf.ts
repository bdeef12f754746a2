import { AppError } from '../../errors.ts';

/** Chromium without its own network chatter; SwiftShader so the ward map's WebGL draws without a GPU. */
const ARGS = [
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

const READY_TIMEOUT_MS = 45_000;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface RenderBriefingPdf {
  chromiumPath: string;
  /** This server, as the browser reaches it (loopback). */
  origin: string;
  /** `/briefing?print=1&…` */
  path: string;
  /** The caller's session cookie: the page shows what the caller may see. */
  cookies: Record<string, string>;
  lang: 'vi' | 'en';
}

/**
 * Loads the print view in Chromium and prints it on A4. The header is taken from the page once it says it
 * is ready (`data-ready`): its period and scope line, and the time the figures were fetched.
 */
export async function renderBriefingPdf(o: RenderBriefingPdf): Promise<Buffer> {
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new AppError('IOC_BRIEFING_PDF_UNAVAILABLE', 'playwright-core is not installed on the server');
  }
  const browser = await playwright.chromium.launch({
    executablePath: o.chromiumPath,
    args: ARGS,
    headless: true,
  });
  try {
    const context = await browser.newContext({
      // A4's printable width at 96 dpi (210 mm − 2 × 12 mm margins): the map's canvas is drawn at its paper size.
      viewport: { width: 703, height: 1000 },
      locale: o.lang === 'en' ? 'en-GB' : 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
      serviceWorkers: 'block',
    });
    await context.addCookies(
      Object.entries(o.cookies).map(([name, value]) => ({ name, value, url: o.origin, httpOnly: true })),
    );
    const page = await context.newPage();
    await page.emulateMedia({ media: 'print' });
    await page.goto(`${o.origin}${o.path}`, { waitUntil: 'domcontentloaded' });
    const ready = await page
      .waitForSelector('[data-ready="1"], .notice.error', { timeout: READY_TIMEOUT_MS })
      .catch(() => null);
    if (!ready || (await ready.getAttribute('data-ready')) !== '1') {
      throw new AppError('IOC_BRIEFING_PDF_UNAVAILABLE', 'the briefing did not load for the PDF');
    }
    const title = (await page.locator('h1').first().textContent())?.trim() ?? '';
    const meta = (await page.getByTestId('briefing-meta').textContent())?.replace(/\s+/g, ' ').trim() ?? '';
    const made = (await page.getByTestId('generated-at').textContent())?.trim() ?? '';
    const header = `<div style="width:100%;font-size:8.5pt;font-family:'DejaVu Sans',sans-serif;padding:0 12mm;box-sizing:border-box;display:flex;justify-content:space-between;color:#33475c"><span><b>IOC Huế · ${escapeHtml(title)}</b> · ${escapeHtml(meta)}</span><span>${escapeHtml(made)}</span></div>`;
    const footer = `<div style="width:100%;font-size:8pt;font-family:'DejaVu Sans',sans-serif;padding:0 12mm;box-sizing:border-box;text-align:right;color:#33475c"><span class="pageNumber"></span>/<span class="totalPages"></span></div>`;
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: header,
      footerTemplate: footer,
      margin: { top: '16mm', bottom: '14mm', left: '12mm', right: '12mm' },
      preferCSSPageSize: false,
    });
  } finally {
    await browser.close().catch(() => {});
  }
}
