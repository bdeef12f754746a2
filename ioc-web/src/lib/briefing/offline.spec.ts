import { describe, expect, it } from 'vitest';
import { briefingCacheKey, swRoute } from './offline';

const O = 'https://ioc.hue.gov.vn';
const build = new Set(['/_app/immutable/entry/start.abc123.js']);
const r = (method: string, path: string, mode: RequestMode = 'cors') =>
  swRoute(method, new URL(path, O), O, mode, build);

describe('the service worker keeps the briefing and nothing else', () => {
  it('stores the briefing shell, its answer and the hashed build files', () => {
    expect(r('GET', '/briefing?period=30d', 'navigate')).toBe('shell');
    expect(r('GET', '/api/briefing?period=7d&scope=ward:19774')).toBe('data');
    expect(r('GET', '/_app/immutable/entry/start.abc123.js')).toBe('asset');
  });

  it('leaves other API answers, the wall, the consoles and other origins alone', () => {
    for (const path of [
      '/api/incidents',
      '/api/auth/me',
      '/api/kpis',
      '/api/briefing.pdf',
      '/api/attachments/x',
    ])
      expect(r('GET', path)).toBe('pass');
    expect(r('GET', '/wall', 'navigate')).toBe('pass');
    expect(r('GET', '/dispatch', 'navigate')).toBe('pass');
    expect(r('GET', '/socket.io/?EIO=4')).toBe('pass');
    expect(swRoute('GET', new URL('https://tiles.example/a.png'), O, 'cors', build)).toBe('pass');
    expect(r('POST', '/api/incidents/1/status')).toBe('pass');
  });

  it('forgets the stored briefing on logout', () => {
    expect(r('POST', '/api/auth/logout')).toBe('logout');
  });
});

describe('one stored answer per question', () => {
  const key = (path: string) => briefingCacheKey(new URL(path, O));
  it('keys by period, scope and custom dates, in a fixed order, without the language', () => {
    expect(key('/api/briefing?scope=ward:19774&period=30d&lang=en')).toBe(
      '/api/briefing?period=30d&scope=ward%3A19774',
    );
    expect(key('/api/briefing?period=custom&from=2026-11-01&to=2026-11-15')).toBe(
      '/api/briefing?period=custom&scope=province&from=2026-11-01&to=2026-11-15',
    );
    expect(key('/api/briefing')).toBe(key('/api/briefing?period=7d&scope=province'));
    expect(key('/api/briefing?period=7d')).not.toBe(key('/api/briefing?period=30d'));
  });
});
