import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser); CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots the browser tests and benches save (git-ignored). */
export const ARTIFACTS = resolve(import.meta.dirname, '../../../artifacts');

/** No network chatter of Chromium's own: the tests see only our server's requests. */
const QUIET = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** WebGL for the wall's map (MapLibre + deck.gl) without a GPU: SwiftShader. */
const SOFTWARE_WEBGL = ['--enable-unsafe-swiftshader', '--use-angle=swiftshader'];

/** Headless Chromium for the browser tests and benches; `webgl: false` for pages without a map. */
export function launchChromium(opts: { webgl?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: opts.webgl === false ? QUIET : [...QUIET, ...SOFTWARE_WEBGL],
    headless: true,
  });
}
