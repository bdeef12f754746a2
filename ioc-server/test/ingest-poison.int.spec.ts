import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { signBody } from '@hue-ioc/streams';
import type { SensorProps } from '@hue-ioc/layers';
import { DISPLAY_TOKEN, LiveMirror, startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';

/**
 * Issue 11's findings on poison input, as regressions. One MQTT message whose JSON has a key "\u0000" made
 * keeping its dead letter fail (`invalid byte sequence for encoding "UTF8": 0x00`: the reason is text, the
 * details jsonb); the batch was retried every second without end, valid readings of it never reached the
 * map, and /readyz stayed 200. A signed webhook body with such a key answered 500 and kept nothing.
 */

const SECRET = 'test-ingest-secret-46';

/** A value of /metrics, by name and labels. */
async function metric(ioc: RunningIoc, name: string, labels: string): Promise<number | null> {
  const res = await fetch(`${ioc.baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${DISPLAY_TOKEN}` },
  });
  const text = await res.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? null : Number(line.split(' ').at(-1));
}

describe('poison messages are isolated; ingest goes on', () => {
  let ioc: RunningIoc;
  let pub: MqttClient;
  let sensors: LiveMirror;
  const run = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    ioc = await startIoc({
      overrides: { ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET } },
    });
    await ioc.app.ready();
    pub = await mqtt.connectAsync(ioc.mqttUrl, { protocolVersion: 4, clientId: `poison-pub-${run}` });
    sensors = new LiveMirror(ioc.baseUrl, 'sensors');
    await waitFor('the sensors snapshot', () => sensors.state);
  });
  afterAll(async () => {
    sensors?.close();
    await pub?.endAsync();
    await ioc?.close();
  });

  const valueOnLive = (id: string) =>
    (sensors.state?.features.get(id)?.props as SensorProps | undefined)?.value;

  it('a key "\\u0000" in one MQTT message: it is a dead letter, the readings beside it reach /live, /readyz stays honest', async () => {
    const ts = new Date(Date.now() - 60_000).toISOString();
    // Three rain gauges of one batch (published together, within the source's 20 ms linger).
    const poison = Buffer.from(JSON.stringify({ ts, value: 3.5, '\u0000': 1 }));
    await Promise.all([
      pub.publishAsync(`hue/sensors/rain/phu-hoi-${run}`, JSON.stringify({ ts, value: 4.5 }), { qos: 1 }),
      pub.publishAsync(`hue/sensors/rain/kim-long-nul-${run}`, poison, { qos: 1 }),
      pub.publishAsync(`hue/sensors/rain/vy-da-${run}`, JSON.stringify({ ts, value: 6.5 }), { qos: 1 }),
    ]);
    await waitFor('the two valid readings on /live', () => {
      return valueOnLive(`phu-hoi-${run}`) === 4.5 && valueOnLive(`vy-da-${run}`) === 6.5;
    });

    const [letter] = await ioc.app.db.query<{
      reason_code: string;
      reason: string;
      payload: Buffer;
      details: unknown;
    }>(`SELECT reason_code, reason, payload, details FROM dead_letters WHERE topic = $1`, [
      `hue/sensors/rain/kim-long-nul-${run}`,
    ]);
    expect(letter).toBeDefined();
    expect(letter!.reason_code).toBe('IOC_INGEST_SCHEMA');
    // The NUL is kept visibly escaped in the text columns; the raw bytes are kept exactly.
    expect(letter!.reason).toContain('/\\u0000');
    expect(Buffer.from(letter!.payload).equals(poison)).toBe(true);
    expect(letter!.details).toMatchObject({ escaped: true });
    expect(JSON.stringify(letter!.details)).toContain('\\\\u0000');

    // Nothing waits in the pipeline: acknowledged, not retried.
    await waitFor('the mqtt pipeline empty', async () => {
      return (await metric(ioc, 'ioc_ingest_oldest_pending_seconds', 'pipeline="mqtt"')) === 0;
    });
    expect(await metric(ioc, 'ioc_ingest_stalled', 'pipeline="mqtt"')).toBe(0);
    expect(await metric(ioc, 'ioc_ingest_batch_failures_total', 'pipeline="mqtt",kind="content"')).toBeNull();
    const ready = await fetch(`${ioc.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { ingest: true } });
  });

  it('a batch the database refuses for its content is split until the one message is isolated; the rest is stored', async () => {
    const ts = new Date(Date.now() - 30_000).toISOString();
    // A reading the database refuses for its content while the schema lets it through: a unit of one NUL
    // was that until the schema learnt to refuse it (issue 11), so the database is made to refuse one value
    // itself (a CHECK constraint for this test): the insert of the whole batch fails, for one message.
    await ioc.app.db.exec(`ALTER TABLE observations ADD CONSTRAINT poison_value CHECK (value <> 1.2345)`);
    const ids = Array.from({ length: 20 }, (_, i) => `tram-${i}-${run}`);
    const poisonId = ids[13]!;
    await Promise.all(
      ids.map((id, i) =>
        pub.publishAsync(
          `hue/sensors/rain/${id}`,
          JSON.stringify(id === poisonId ? { ts, value: 1.2345 } : { ts, value: i / 10 }),
          { qos: 1 },
        ),
      ),
    );
    await waitFor(
      '19 readings on /live',
      () => ids.filter((id) => id !== poisonId).every((id) => valueOnLive(id) !== undefined),
      20_000,
    );
    const stored = await ioc.app.db.query<{ device_id: string }>(
      `SELECT device_id FROM observations WHERE device_id = ANY($1::text[])`,
      [ids],
    );
    expect(stored.map((r) => r.device_id).sort()).toEqual(ids.filter((id) => id !== poisonId).sort());
    const letters = await ioc.app.db.query<{ reason_code: string; reason: string; payload: Buffer }>(
      `SELECT reason_code, reason, payload FROM dead_letters WHERE topic = $1`,
      [`hue/sensors/rain/${poisonId}`],
    );
    expect(letters).toHaveLength(1);
    expect(letters[0]!.reason_code).toBe('IOC_INGEST_STORAGE');
    expect(letters[0]!.reason).toMatch(/database refused it: .*poison_value/);
    expect(JSON.parse(Buffer.from(letters[0]!.payload).toString())).toEqual({ ts, value: 1.2345 });
    await ioc.app.db.exec(`ALTER TABLE observations DROP CONSTRAINT poison_value`);
    expect(await metric(ioc, 'ioc_ingest_isolated_total', 'pipeline="mqtt"')).toBe(1);
    expect(sensors.state!.features.has(poisonId)).toBe(false);
    expect((await fetch(`${ioc.baseUrl}/readyz`)).status).toBe(200);
  });

  it('a signed webhook whose JSON has a key "\\u0000" (or a lone surrogate) answers 400 and is kept as a dead letter', async () => {
    const report = {
      id: `hs-nul-${run}`,
      category: 'Thoát nước, ngập úng',
      description: 'Ngập sâu khoảng 30cm trước số 12 Lê Lợi sau mưa lớn.',
      lat: 16.4633,
      lon: 107.5902,
      address: '12 Lê Lợi, phường Thuận Hóa',
      media: [],
      reporter: { name: 'Nguyễn Văn An', phone: '0905123456' },
      created_at: new Date(Date.now() - 60_000).toISOString(),
    };
    for (const key of ['\u0000', '\ud800']) {
      // A hostile key first, so the schema's reason names it.
      const raw = `{${JSON.stringify(key)}:"x",${JSON.stringify(report).slice(1)}`;
      const res = await fetch(`${ioc.baseUrl}/api/ingest/hue-s`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signBody(SECRET, raw, Date.now() / 1000) },
        body: raw,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'IOC_INGEST_SCHEMA' } });
      const kept = await ioc.app.db.query<{ payload: Buffer }>(
        `SELECT payload FROM dead_letters WHERE source = 'hue-s' AND payload = $1::bytea`,
        [Buffer.from(raw)],
      );
      expect(kept).toHaveLength(1);
    }
    // The same report without the key is taken.
    const raw = JSON.stringify(report);
    const ok = await fetch(`${ioc.baseUrl}/api/ingest/hue-s`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signBody(SECRET, raw, Date.now() / 1000) },
      body: raw,
    });
    expect(ok.status).toBe(201);
  });
});
