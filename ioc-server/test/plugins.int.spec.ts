import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/config.ts';
import { buildApp } from '../src/app.ts';

const dirs: string[] = [];
const apps: FastifyInstance[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function configForTest() {
  const dataDir = await mkdtemp(join(tmpdir(), 'hue-ioc-plugins-'));
  dirs.push(dataDir);
  return loadConfig({}, 'default', {
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    dataDir,
    mqttPort: 0,
    mqttPortExplicit: true,
  });
}

describe('the app as named plugins', () => {
  it('boots the reference API with only the plugins it needs: no broker, no event log, no /live', async () => {
    const app = await buildApp(await configForTest(), {
      only: { plugins: ['db', 'geo', 'repositories', 'access'], routes: ['reference'] },
    });
    apps.push(app);
    await app.ready();
    expect(app.hasDecorator('db')).toBe(true);
    expect(app.hasDecorator('hub')).toBe(false);
    expect(app.hasDecorator('live')).toBe(false);
    expect(app.hasDecorator('mqtt')).toBe(false);

    const wards = await app.inject({ method: 'GET', url: '/api/wards' });
    expect(wards.statusCode).toBe(200);
    const items = (wards.json() as { items: { code: string; name: string }[] }).items;
    expect(items).toHaveLength(40);
    expect(items.map((w) => w.name)).toContain('Phường Phú Xuân');
    // The routes of plugins that did not load are not there.
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(404);
  });

  it('refuses a subset that lacks a dependency, naming it', async () => {
    const built = buildApp(await configForTest(), {
      only: { plugins: ['db', 'geo', 'repositories', 'access', 'kpis'], routes: ['reference', 'health'] },
    });
    await expect(built).rejects.toThrow(/dependency 'mqtt-ingest' of plugin 'routes\/health'/);
  });

  it('starts in dependency order and stops in the reverse order', async () => {
    const app = await buildApp(await configForTest());
    apps.push(app);
    // MQTT ingest subscribes once every plugin and route is in place (onReady), not while they load.
    expect(app.mqttIngest.connected).toBe(false);
    await app.ready();
    expect(app.mqttIngest.connected).toBe(true);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { db: true, mqtt: true, live: true } });

    // Closing: the MQTT subscription ends before the broker, the hub before the event log, the db last.
    const closed: string[] = [];
    const hub = app.hub;
    const origStop = hub.stop.bind(hub);
    hub.stop = () => {
      closed.push(`hub (mqtt connected: ${app.mqttIngest.connected})`);
      origStop();
    };
    const log = app.eventLog;
    const origClose = log.close.bind(log);
    log.close = async () => {
      closed.push('event-log');
      await origClose();
    };
    const db = app.db;
    const origDbClose = db.close.bind(db);
    db.close = async () => {
      closed.push('db');
      await origDbClose();
    };
    apps.pop();
    await app.close();
    expect(closed).toEqual(['hub (mqtt connected: false)', 'event-log', 'db']);
  });
});
