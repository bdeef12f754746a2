import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_USERNAME } from '@hue-ioc/streams';
import { DISPLAY_TOKEN, startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';
import { sessionFor, type Session } from './support/auth.ts';

/**
 * Issue 11, "the broker is closed", end to end: the whole server with its embedded broker, device
 * credentials issued through the admin API, readings through ingest into TimescaleDB.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Harness {
  ioc: RunningIoc;
  clients: MqttClient[];
  connect(opts?: IClientOptions): Promise<MqttClient>;
  refusal(opts: IClientOptions): Promise<number | undefined>;
  count(sql: string, params?: unknown[]): Promise<number>;
  metric(reason: string): Promise<number>;
}

async function harness(overrides: Parameters<typeof startIoc>[0]): Promise<Harness> {
  const ioc = await startIoc(overrides);
  await ioc.app.ready();
  await waitFor('ingest subscribed', () => ioc.app.mqttIngest.connected);
  const clients: MqttClient[] = [];
  const h: Harness = {
    ioc,
    clients,
    async connect(opts = {}) {
      const c = await mqtt.connectAsync(
        ioc.mqttUrl,
        { protocolVersion: 4, reconnectPeriod: 0, ...opts },
        false,
      );
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    },
    async refusal(opts) {
      try {
        const c = await h.connect(opts);
        await c.endAsync(true);
        return undefined;
      } catch (e) {
        return (e as { code?: number }).code ?? -1;
      }
    },
    async count(sql, params = []) {
      const [row] = await ioc.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params);
      return row!.n;
    },
    async metric(reason) {
      const text = await (
        await fetch(`${ioc.baseUrl}/metrics`, { headers: { authorization: `Bearer ${DISPLAY_TOKEN}` } })
      ).text();
      const m = new RegExp(`ioc_mqtt_refusals_total\\{reason="${reason}"\\} (\\d+)`).exec(text);
      return m ? Number(m[1]) : 0;
    },
  };
  return h;
}

const closedBy = (c: MqttClient) =>
  new Promise<void>((r) => (c.connected ? c.once('close', () => r()) : r()));

describe('embedded broker bound off loopback (MQTT_BIND=0.0.0.0): credentials required', () => {
  let h: Harness;
  let admin: Session;
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${h.ioc.baseUrl}${path}`, {
      method,
      headers: {
        ...admin.headers(true),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const issue = async (deviceId: string) => {
    const res = await api('POST', `/api/admin/devices/${deviceId}/credentials`, { note: 'lắp đặt trạm' });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return (await res.json()) as {
      id: number;
      username: string;
      secret: string;
      topics: string[];
      hint: string;
    };
  };
  const observations = (deviceId: string) => h.count('observations WHERE device_id = $1', [deviceId]);
  /** A reading from `deviceId`'s own credential, waited for in TimescaleDB. */
  const storedReading = async (device: MqttClient, deviceId: string, value: number) => {
    const ts = new Date(Date.now() - 1000).toISOString();
    await device.publishAsync(`hue/sensors/water_level/${deviceId}`, JSON.stringify({ ts, value }), {
      qos: 1,
    });
    await waitFor(`${deviceId} reading at ${ts}`, async () =>
      (await h.count('observations WHERE device_id = $1 AND ts = $2', [deviceId, ts])) === 1
        ? true
        : undefined,
    );
  };

  beforeAll(async () => {
    h = await harness({ overrides: { mqttBind: '0.0.0.0' } });
    admin = await sessionFor(h.ioc.app, 'admin');
  });
  afterEach(async () => {
    for (const c of h.clients.splice(0)) await c.endAsync(true).catch(() => undefined);
  });
  afterAll(async () => {
    await h?.ioc.close();
  });

  it('refuses anonymous clients even from 127.0.0.1, and unknown or wrong credentials', async () => {
    expect(await h.refusal({ clientId: 'tram-kim-long' })).toBe(5);
    expect(
      await h.refusal({ username: 'kim-long', password: 'ioc_dev_not-the-secret-of-kim-long-at-all' }),
    ).toBe(4);
    expect(
      await h.refusal({ username: INGEST_USERNAME, password: 'ioc_dev_guessing-the-internal-secret' }),
    ).toBe(4);
    expect(await h.metric('anonymous')).toBe(1);
    expect(await h.metric('bad_credentials')).toBe(2);
    expect(h.ioc.app.mqttIngest.connected).toBe(true);
  });

  it("lets a device publish its own readings; another device's topic or a new id is refused and nothing is stored", async () => {
    const cred = await issue('phu-oc');
    expect(cred).toMatchObject({ username: 'phu-oc', topics: ['hue/sensors/water_level/phu-oc'] });
    expect(cred.secret).toMatch(/^ioc_dev_[A-Za-z0-9_-]{43}$/);
    expect(cred.hint).toBe(cred.secret.slice(-4));
    // Only the hash is kept.
    expect(await h.count('device_credentials WHERE secret_hash = $1', [cred.secret])).toBe(0);

    const device = await h.connect({ clientId: 'tram-phu-oc', username: 'phu-oc', password: cred.secret });
    await storedReading(device, 'phu-oc', 0.9);

    const kimLongBefore = await observations('kim-long');
    const devicesBefore = await h.count('devices');
    const incidentsBefore = await h.count('incidents');
    // Kim Long at 4.8 m would be BĐ III (thresholds 1.0 / 2.0 / 3.5): a flood alarm and an incident.
    const ts = new Date(Date.now() - 1000).toISOString();
    const closed = closedBy(device);
    device.publish('hue/sensors/water_level/kim-long', JSON.stringify({ ts, value: 4.8 }), { qos: 1 });
    await closed;
    const again = await h.connect({ clientId: 'tram-phu-oc', username: 'phu-oc', password: cred.secret });
    const closedAgain = closedBy(again);
    again.publish('hue/sensors/water_level/tram-moi-46', JSON.stringify({ ts, value: 1.2 }), { qos: 1 });
    await closedAgain;
    await sleep(500);

    expect(await observations('kim-long')).toBe(kimLongBefore);
    expect(await h.count('device_alarms WHERE device_id = $1 AND level > 0', ['kim-long'])).toBe(0);
    expect(await h.count('incidents')).toBe(incidentsBefore);
    expect(await h.count('devices')).toBe(devicesBefore);
    expect(await h.count('devices WHERE id = $1', ['tram-moi-46'])).toBe(0);
    expect(await h.metric('publish_denied')).toBe(2);
  });

  it('refuses every subscription of a device (SUBACK 0x80): nobody but the server reads hue/#', async () => {
    const cred = await issue('kim-long');
    const device = await h.connect({ username: 'kim-long', password: cred.secret });
    const seen: string[] = [];
    device.on('message', (topic) => seen.push(topic));
    const err = await device
      .subscribeAsync(['hue/#', '#', 'hue/sensors/water_level/phu-oc'], { qos: 1 })
      .then(
        () => null,
        (e: unknown) => e as { packet?: { granted?: number[] } },
      );
    expect(err?.packet?.granted).toEqual([128, 128, 128]);
    await storedReading(device, 'kim-long', 1.1);
    expect(seen).toEqual([]);
  });

  it("refuses the server's client id to anyone without the server's credential; ingest keeps storing", async () => {
    const cred = await issue('phu-oc');
    const serverId = `hue-ioc-ingest-${h.ioc.config.nodeId}`;
    expect(await h.refusal({ clientId: serverId, username: 'phu-oc', password: cred.secret })).toBe(2);
    expect(await h.refusal({ clientId: serverId, username: INGEST_USERNAME, password: cred.secret })).toBe(4);
    expect(await h.metric('client_id_reserved')).toBe(1);
    await sleep(200);
    expect(h.ioc.app.mqttIngest.connected).toBe(true);
    const device = await h.connect({ username: 'phu-oc', password: cred.secret });
    await storedReading(device, 'phu-oc', 1.0);
    expect((await fetch(`${h.ioc.baseUrl}/readyz`)).status).toBe(200);
  });

  it('closes a 10 MB publish at its header, stores nothing of it, and keeps ingesting', async () => {
    const cred = await issue('phu-oc');
    const deadBefore = await h.count('dead_letters');
    const obsBefore = await observations('phu-oc');
    const device = await h.connect({ username: 'phu-oc', password: cred.secret });
    const closed = closedBy(device);
    device.publish('hue/sensors/water_level/phu-oc', Buffer.alloc(10 * 1024 * 1024, 0x20), { qos: 1 });
    await closed;
    await sleep(300);
    expect(await h.metric('oversize')).toBe(1);
    expect(await h.count('dead_letters')).toBe(deadBefore);
    expect(await observations('phu-oc')).toBe(obsBefore);
    const next = await h.connect({ username: 'phu-oc', password: cred.secret });
    await storedReading(next, 'phu-oc', 1.3);
  });

  it('stops a revoked credential at once (open connection closed, next login refused), with an audit trail', async () => {
    const first = await issue('kim-long');
    const second = await issue('kim-long');
    // Issuing again replaced the first secret.
    expect(await h.refusal({ username: 'kim-long', password: first.secret })).toBe(4);
    const device = await h.connect({ username: 'kim-long', password: second.secret });
    await storedReading(device, 'kim-long', 1.2);

    const closed = closedBy(device);
    const res = await api('DELETE', '/api/admin/devices/kim-long/credentials');
    expect(res.status).toBe(200);
    const revoked = (await res.json()) as { id: number; revokedAt: string | null };
    expect(revoked.id).toBe(second.id);
    expect(revoked.revokedAt).not.toBeNull();
    await closed;
    expect(await h.refusal({ username: 'kim-long', password: second.secret })).toBe(4);
    const again = await api('DELETE', '/api/admin/devices/kim-long/credentials');
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe(
      'IOC_DEVICE_CREDENTIAL_NOT_FOUND',
    );

    const list = (await (await api('GET', '/api/admin/devices/kim-long/credentials')).json()) as {
      items: { id: number; revokedAt: string | null; lastUsedAt: string | null }[];
    };
    expect(list.items.filter((c) => c.revokedAt === null)).toEqual([]);
    expect(list.items.find((c) => c.id === second.id)?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(list)).not.toContain(second.secret);
    const audit = (await (await api('GET', '/api/admin/audit?action=device_credential.revoke')).json()) as {
      items: { targetId: string; actorUsername: string }[];
    };
    expect(audit.items[0]).toMatchObject({ targetId: 'kim-long', actorUsername: admin.username });
    const issued = await h.count(
      `audit_events WHERE action = 'device_credential.issue' AND target_id = 'kim-long'`,
    );
    expect(issued).toBeGreaterThanOrEqual(2);
    expect(
      await h.count(`audit_events WHERE (before::text LIKE $1 OR after::text LIKE $1)`, [
        `%${second.secret}%`,
      ]),
    ).toBe(0);
  });

  it('answers 404 for an unknown device and refuses non-admins', async () => {
    const res = await api('POST', '/api/admin/devices/tram-khong-co/credentials', {});
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('IOC_DEVICE_NOT_FOUND');
    const operator = await sessionFor(h.ioc.app, 'operator');
    const forbidden = await fetch(`${h.ioc.baseUrl}/api/admin/devices/kim-long/credentials`, {
      method: 'POST',
      headers: { ...operator.headers(true), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(forbidden.status).toBe(403);
  });
});

describe('embedded broker on loopback (the default MQTT_BIND=127.0.0.1)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({});
  });
  afterEach(async () => {
    for (const c of h.clients.splice(0)) await c.endAsync(true).catch(() => undefined);
  });
  afterAll(async () => {
    await h?.ioc.close();
  });

  it("lets a local anonymous client publish readings (README's mosquitto_pub) but never subscribe or take the server's id", async () => {
    expect(h.ioc.app.mqtt.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(
      await h.refusal({ clientId: `hue-ioc-ingest-${h.ioc.config.nodeId}` }),
      "the server's client id",
    ).toBe(2);
    const local = await h.connect({ clientId: 'mosqpub-tram-phu-oc' });
    const seen: string[] = [];
    local.on('message', (topic) => seen.push(topic));
    const err = await local.subscribeAsync('hue/#', { qos: 1 }).then(
      () => null,
      (e: unknown) => e as { packet?: { granted?: number[] } },
    );
    expect(err?.packet?.granted).toEqual([128]);
    const ts = new Date(Date.now() - 1000).toISOString();
    await local.publishAsync('hue/sensors/water_level/phu-oc', JSON.stringify({ ts, value: 0.8 }), {
      qos: 1,
    });
    await waitFor('anonymous local reading stored', async () =>
      (await h.count('observations WHERE device_id = $1 AND ts = $2', ['phu-oc', ts])) === 1
        ? true
        : undefined,
    );
    expect(seen).toEqual([]);
    expect(h.ioc.app.mqttIngest.connected).toBe(true);
  });
});
