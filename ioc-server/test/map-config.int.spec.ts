import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { DISPLAY_TOKEN, startIoc, type RunningIoc } from './support/start-ioc.ts';
import { sessionFor } from './support/auth.ts';

// The basemap of the wall and the consoles (issue 12, item 8): MAP_STYLE_URL.

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
};

describe('MAP_STYLE_URL', () => {
  it('is unset by default: the offline style', () => {
    expect(loadConfig({}).mapStyleUrl).toBeNull();
  });

  it.each([
    'https://tiles.hue.gov.vn/styles/ioc-dark/style.json',
    'http://10.20.0.5:8081/styles/basic/style.json',
    'pmtiles://https://tiles.hue.gov.vn/hue-2026.pmtiles',
    'pmtiles:///tiles/hue.pmtiles',
  ])('takes %s', (url) => {
    expect(loadConfig({ MAP_STYLE_URL: url }).mapStyleUrl).toBe(url);
  });

  it.each([
    ['ftp://tiles.hue.gov.vn/style.json', /http:\/\/, https:\/\/ or pmtiles:\/\//],
    ['tiles.hue.gov.vn/style.json', /not a valid URL/],
    ['pmtiles://tiles/hue.pmtiles', /pmtiles:\/\/ URL must name/],
    ['pmtiles://file:///etc/passwd', /pmtiles:\/\/ URL must name/],
    ['https://admin:secret@tiles.hue.gov.vn/style.json', /credentials/],
  ])('refuses %s, by name', (url, message) => {
    const problems = problemsOf({ MAP_STYLE_URL: url });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^MAP_STYLE_URL /);
    expect(problems[0]).toMatch(message);
  });
});

describe('the basemap URL reaches the wall and the consoles', () => {
  const STYLE = 'https://tiles.hue.gov.vn/styles/ioc-dark/style.json';
  let ioc: RunningIoc;
  beforeAll(async () => {
    ioc = await startIoc({ overrides: { mapStyleUrl: STYLE } });
  }, 120_000);
  afterAll(async () => {
    await ioc?.close();
  });

  it('GET /api/wall/config answers it with the scenes (display token)', async () => {
    const res = await fetch(`${ioc.baseUrl}/api/wall/config`, {
      headers: { authorization: `Bearer ${DISPLAY_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { mapStyleUrl: string | null; scenes: unknown[] };
    expect(body.mapStyleUrl).toBe(STYLE);
    expect(body.scenes.length).toBeGreaterThan(0);
  });

  it('GET /api/map/config answers it to a signed-in console, and the CSP lets the maps fetch from it', async () => {
    const operator = await sessionFor(ioc.app, 'operator');
    const res = await fetch(`${ioc.baseUrl}/api/map/config`, { headers: operator.headers() });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ styleUrl: STYLE });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/connect-src [^;]*https:\/\/tiles\.hue\.gov\.vn/);
    expect(csp).toMatch(/img-src [^;]*https:\/\/tiles\.hue\.gov\.vn/);
    expect((await fetch(`${ioc.baseUrl}/api/map/config`)).status).toBe(401);
  });
});
