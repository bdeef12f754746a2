import { describe, expect, it } from 'vitest';
import { originMatchesHost, proxyTrust } from './origin.ts';

describe('originMatchesHost', () => {
  it('accepts the page of this server, directly or through a trusted proxy that rewrites Host', () => {
    expect(originMatchesHost('http://10.46.0.5:8080', { host: '10.46.0.5:8080' })).toBe(true);
    expect(
      originMatchesHost(
        'https://ioc.hue.gov.vn',
        { host: 'ioc-server:8080', 'x-forwarded-host': 'ioc.hue.gov.vn' },
        true,
      ),
    ).toBe(true);
    expect(originMatchesHost('https://IOC.hue.gov.vn', { host: 'ioc.hue.gov.vn' })).toBe(true);
  });
  it('ignores X-Forwarded-Host from a peer TRUST_PROXY does not name', () => {
    expect(
      originMatchesHost('https://ioc.hue.gov.vn', {
        host: 'ioc-server:8080',
        'x-forwarded-host': 'ioc.hue.gov.vn',
      }),
    ).toBe(false);
  });
  it('refuses another site, another port, an opaque or broken origin', () => {
    expect(originMatchesHost('https://evil.example', { host: 'ioc.hue.gov.vn' })).toBe(false);
    expect(originMatchesHost('http://ioc.hue.gov.vn:9999', { host: 'ioc.hue.gov.vn' })).toBe(false);
    expect(originMatchesHost('null', { host: 'ioc.hue.gov.vn' })).toBe(false);
    expect(originMatchesHost('not a url', { host: 'ioc.hue.gov.vn' })).toBe(false);
  });
});

describe('proxyTrust (TRUST_PROXY)', () => {
  it('trusts nobody when off', () => {
    const trusted = proxyTrust(false);
    for (const a of ['127.0.0.1', '::1', '10.46.0.2', undefined]) expect(trusted(a)).toBe(false);
  });
  it('trusts the addresses, CIDRs and named ranges it lists, IPv4-mapped addresses included', () => {
    const trusted = proxyTrust(['10.46.0.0/16', '203.113.1.7', 'loopback', 'fd00::/8']);
    expect(trusted('10.46.3.9')).toBe(true);
    expect(trusted('::ffff:10.46.3.9')).toBe(true);
    expect(trusted('203.113.1.7')).toBe(true);
    expect(trusted('127.0.0.1')).toBe(true);
    expect(trusted('::1')).toBe(true);
    expect(trusted('fd12::5')).toBe(true);
    expect(trusted('10.47.0.1')).toBe(false);
    expect(trusted('203.113.1.8')).toBe(false);
    expect(trusted('fe80::1')).toBe(false);
    expect(trusted(undefined)).toBe(false);
  });
});
