import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { cspDirectives } from './auth/security-headers.ts';

describe('loadConfig', () => {
  it('defaults to embedded services; the start profile turns the simulator and demo mode on', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      databaseUrl: null,
      embeddedDbThread: 'worker',
      redisUrl: null,
      mqttUrl: null,
      mqttPort: 1883,
      simulator: false,
      demo: false,
      displayToken: null,
    });
    const s = loadConfig({}, 'start');
    expect(s).toMatchObject({
      simulator: true,
      demo: true,
      displayToken: 'hue-demo-display',
      demoPassword: 'hue-demo',
    });
    expect(s.ingestSecrets.hueS).toBe('hue-demo-secret');
    expect(loadConfig({ SIMULATOR: 'off', DEMO: 'off' }, 'start')).toMatchObject({
      simulator: false,
      demo: false,
    });
  });

  it('switches each part to a real service by URL', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://ioc:secret@db:5432/ioc',
      REDIS_URL: 'redis://redis:6379',
      MQTT_URL: 'mqtt://mosquitto:1883',
    });
    expect(c).toMatchObject({
      databaseUrl: 'postgres://ioc:secret@db:5432/ioc',
      redisUrl: 'redis://redis:6379',
      mqttUrl: 'mqtt://mosquitto:1883',
    });
  });

  it('reads the ingest time window, the webhook rate limit and the trusted proxies', () => {
    expect(loadConfig({})).toMatchObject({
      ingestTimeWindow: { maxAgeDays: 30, maxSkewS: 300, csvMaxAgeDays: 366 },
      ingestRateLimit: 600,
      trustProxy: false,
    });
    expect(
      loadConfig({
        INGEST_MAX_AGE_DAYS: '7',
        INGEST_MAX_SKEW_S: '60',
        INGEST_CSV_MAX_AGE_DAYS: '730',
        INGEST_RATE_LIMIT: '120',
        TRUST_PROXY: '10.46.0.0/16, 127.0.0.1,::1,fd00::/8,loopback',
      }),
    ).toMatchObject({
      ingestTimeWindow: { maxAgeDays: 7, maxSkewS: 60, csvMaxAgeDays: 730 },
      ingestRateLimit: 120,
      trustProxy: ['10.46.0.0/16', '127.0.0.1', '::1', 'fd00::/8', 'loopback'],
    });
    expect(loadConfig({ TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    for (const wrong of ['true', '*', '10.0.0.0/33', '10.0.0', 'proxy.hue.gov.vn', ','])
      expect(() => loadConfig({ TRUST_PROXY: wrong }), wrong).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ INGEST_MAX_AGE_DAYS: '0' })).toThrow(/INGEST_MAX_AGE_DAYS/);
    expect(loadConfig({ EMBEDDED_DB_THREAD: 'worker' }).embeddedDbThread).toBe('worker');
    expect(() => loadConfig({ EMBEDDED_DB_THREAD: 'both' })).toThrow(
      /EMBEDDED_DB_THREAD="both" must be worker or main/,
    );
  });

  it('binds the embedded MQTT broker to loopback unless MQTT_BIND names an address', () => {
    expect(loadConfig({}).mqttBind).toBe('127.0.0.1');
    expect(loadConfig({ MQTT_BIND: '0.0.0.0' }).mqttBind).toBe('0.0.0.0');
    expect(loadConfig({ MQTT_BIND: '[::1]' }).mqttBind).toBe('::1');
    for (const wrong of ['everywhere', '0.0.0.0:1883', 'broker.hue.gov.vn'])
      expect(() => loadConfig({ MQTT_BIND: wrong }), wrong).toThrow(/MQTT_BIND/);
  });

  it('reads the Hue-S callback, the outbox retries and the rating windows', () => {
    expect(loadConfig({})).toMatchObject({
      huesCallbackUrl: null,
      outbox: { retryBaseMs: 2000, retryCapMs: 600_000, maxAttempts: 12, pollMs: 3000 },
      feedback: { reopenWindowS: 7 * 86_400, ratingWindowS: 7 * 86_400 },
    });
    const c = loadConfig({
      HUES_CALLBACK_URL: 'https://hue-s.thuathienhue.gov.vn/api/ioc/callback',
      OUTBOX_RETRY_BASE_MS: '500',
      OUTBOX_MAX_ATTEMPTS: '5',
      FEEDBACK_REOPEN_DAYS: '3',
      RATING_WINDOW_DAYS: '10',
    });
    expect(c).toMatchObject({
      huesCallbackUrl: 'https://hue-s.thuathienhue.gov.vn/api/ioc/callback',
      outbox: { retryBaseMs: 500, maxAttempts: 5 },
      feedback: { reopenWindowS: 3 * 86_400, ratingWindowS: 10 * 86_400 },
    });
    const err = (() => {
      try {
        loadConfig({
          HUES_CALLBACK_URL: 'ftp://hue-s.example.vn/cb',
          OUTBOX_RETRY_BASE_MS: '60000',
          OUTBOX_RETRY_CAP_MS: '1000',
          OUTBOX_MAX_ATTEMPTS: '0',
        });
      } catch (e) {
        return e as ConfigError;
      }
      return null;
    })();
    expect(err?.problems).toEqual([
      'HUES_CALLBACK_URL must use http:// or https:// (got "ftp:")',
      'OUTBOX_MAX_ATTEMPTS="0" must be an integer from 1 to 1000',
      'OUTBOX_RETRY_CAP_MS must be at least OUTBOX_RETRY_BASE_MS',
    ]);
  });

  it('reads the media origins the consoles may show images and video from, and puts them in the CSP', () => {
    expect(loadConfig({}).mediaOrigins).toEqual([]);
    const c = loadConfig({ MEDIA_ORIGINS: 'https://media.hue-s.vn, https://camera.hue.gov.vn:8443/' });
    expect(c.mediaOrigins).toEqual(['https://media.hue-s.vn', 'https://camera.hue.gov.vn:8443']);
    const csp = cspDirectives(null, null, c.mediaOrigins);
    expect(csp.imgSrc).toEqual(
      expect.arrayContaining(['https://media.hue-s.vn', 'https://camera.hue.gov.vn:8443']),
    );
    expect(csp.mediaSrc).toEqual(["'self'", 'https://media.hue-s.vn', 'https://camera.hue.gov.vn:8443']);
    expect(cspDirectives(null).mediaSrc).toEqual(["'self'"]);
    for (const wrong of ['media.hue-s.vn', 'https://media.hue-s.vn/anh', 'javascript:alert(1)', 'ftp://x.vn'])
      expect(() => loadConfig({ MEDIA_ORIGINS: wrong }), wrong).toThrow(/MEDIA_ORIGINS/);
  });

  it('names every wrong variable at once', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        SIMULATOR: 'maybe',
        MQTT_PORT: '70000',
        GEO_DIR: '/nowhere',
        ADMIN_USERNAME: 'root',
        WALL_CONFIG_FILE: '/nowhere/wall.json',
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      for (const name of [
        'PORT',
        'DATABASE_URL',
        'SIMULATOR',
        'MQTT_PORT',
        'GEO_DIR',
        'ADMIN_PASSWORD',
        'WALL_CONFIG_FILE',
      ])
        expect(problems).toContain(name);
    }
  });
});
