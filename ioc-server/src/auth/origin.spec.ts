import { describe, expect, it } from 'vitest';
import { originMatchesHost } from './origin.ts';

describe('originMatchesHost', () => {
  it('accepts the page of this server, directly or through a proxy that rewrites Host', () => {
    expect(originMatchesHost('http://10.46.0.5:8080', { host: '10.46.0.5:8080' })).toBe(true);
    expect(
      originMatchesHost('https://ioc.hue.gov.vn', {
        host: 'ioc-server:8080',
        'x-forwarded-host': 'ioc.hue.gov.vn',
      }),
    ).toBe(true);
    expect(originMatchesHost('https://IOC.hue.gov.vn', { host: 'ioc.hue.gov.vn' })).toBe(true);
  });
  it('refuses another site, another port, an opaque or broken origin', () => {
    expect(originMatchesHost('https://evil.example', { host: 'ioc.hue.gov.vn' })).toBe(false);
    expect(originMatchesHost('http://ioc.hue.gov.vn:9999', { host: 'ioc.hue.gov.vn' })).toBe(false);
    expect(originMatchesHost('null', { host: 'ioc.hue.gov.vn' })).toBe(false);
    expect(originMatchesHost('not a url', { host: 'ioc.hue.gov.vn' })).toBe(false);
  });
});
