import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to embedded services; the start profile turns the simulator and demo mode on', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      databaseUrl: null,
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
