import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import {
  applyDelta,
  stateFromSnapshot,
  type LayerDelta,
  type LayerSnapshot,
  type LayerState,
  type SensorProps,
} from '@hue-ioc/layers';
import {
  connectLive,
  DISPLAY_TOKEN,
  startIoc,
  waitFor,
  type LiveClient,
  type RunningIoc,
} from './support/start-ioc.ts';

/**
 * The walking skeleton end to end: a real MQTT client publishes to a real broker → streams validates →
 * TimescaleDB stores → the sensors layer changes → a real socket.io client receives it.
 * Runs on the embedded broker, and again on the machine's broker when IOC_TEST_MQTT_URL is set (CI).
 */
const brokers: { name: string; url: string | undefined }[] = [
  { name: 'embedded aedes broker', url: undefined },
];
if (process.env.IOC_TEST_MQTT_URL)
  brokers.push({ name: `real broker ${process.env.IOC_TEST_MQTT_URL}`, url: process.env.IOC_TEST_MQTT_URL });

describe.each(brokers)('sensor pipeline on $name', ({ url }) => {
  let ioc: RunningIoc;
  let publisher: MqttClient;
  // Unique ids per run so a shared real broker or retained state cannot leak between runs.
  const run = Math.random().toString(36).slice(2, 7);
  const rainId = `rain-test-${run}`;

  beforeAll(async () => {
    ioc = await startIoc({ mqttUrl: url });
    await ioc.app.ready();
    publisher = await mqtt.connectAsync(ioc.mqttUrl, { protocolVersion: 4, clientId: `test-pub-${run}` });
  });
  afterAll(async () => {
    await publisher?.endAsync();
    await ioc?.close();
  });

  it('stores a reading, feeds the per-minute rollup and pushes it to a /live client as a gapless delta', async () => {
    const client: LiveClient = connectLive(ioc.baseUrl);
    const deltas: LayerDelta[] = [];
    let state: LayerState | null = null;
    client.on('layer:snapshot', (s: LayerSnapshot) => {
      state = stateFromSnapshot(s);
    });
    client.on('layer:delta', (d) => {
      deltas.push(d);
      state = applyDelta(state!, d).state;
    });
    try {
      const ack = await client.timeout(5000).emitWithAck('subscribe', { layer: 'sensors' });
      expect(ack).toMatchObject({ ok: true, layer: 'sensors', mode: 'snapshot' });
      expect(state).not.toBeNull();
      const kimLong = state!.features.get('kim-long');
      expect(kimLong?.props).toMatchObject({ kind: 'water_level', thresholds: [1, 2, 3.5] });
      expect(kimLong?.position).toEqual([107.553, 16.462]);

      const ts = new Date(Date.now() - 1000).toISOString();
      const sentAt = Date.now();
      await publisher.publishAsync(
        'hue/sensors/water_level/kim-long',
        JSON.stringify({ ts, value: 2.34, unit: 'm' }),
        { qos: 1 },
      );
      const seen = await waitFor('kim-long at 2.34 m on /live', () => {
        const f = state?.features.get('kim-long');
        return (f?.props as SensorProps | undefined)?.value === 2.34 ? f : undefined;
      });
      const latencyMs = Date.now() - sentAt;
      expect(latencyMs).toBeLessThan(1000);
      expect(seen.props).toMatchObject({ alarmLevel: 2, state: 'alarm2', observedAt: ts });

      // Two more readings from a new device: auto-registered, kind from the topic, no position.
      await publisher.publishAsync(
        `hue/sensors/rain/${rainId}`,
        // Distinct timestamps: a second reading at the same (device, metric, ts) is a re-delivery and is
        // dropped as a duplicate; two publishes can fall in the same millisecond on a fast broker.
        JSON.stringify({ ts: new Date(Date.now() - 2000).toISOString(), value: 12.5 }),
        { qos: 1 },
      );
      await publisher.publishAsync(
        `hue/sensors/rain/${rainId}`,
        JSON.stringify({ ts: new Date().toISOString(), values: { rain_rate: 31, rain_24h: 80 } }),
        { qos: 1 },
      );
      await waitFor(
        'the new rain gauge at 31 mm/h',
        () => (state?.features.get(rainId)?.props as SensorProps | undefined)?.value === 31,
      );
      expect(state!.features.get(rainId)).toMatchObject({
        position: null,
        props: { kind: 'rain', alarmLevel: 2, unit: 'mm/h' },
      });

      // Deltas chain without a gap.
      for (let i = 1; i < deltas.length; i++) expect(deltas[i]!.from).toBe(deltas[i - 1]!.seq);
      expect(deltas[0]!.from).toBe(ack.ok ? ack.seq : -1);

      const rows = await ioc.app.db.query<{ value: number; metric: string }>(
        `SELECT metric, value FROM observations WHERE device_id = $1 ORDER BY ts, metric`,
        [rainId],
      );
      expect(rows).toEqual([
        { metric: 'rain_rate', value: 12.5 },
        { metric: 'rain_24h', value: 80 },
        { metric: 'rain_rate', value: 31 },
      ]);
      const kim = await ioc.app.db.query<{ value: number }>(
        `SELECT value FROM observations WHERE device_id = 'kim-long' AND ts = $1`,
        [ts],
      );
      expect(kim).toEqual([{ value: 2.34 }]);

      await ioc.app.db.exec(
        `CALL refresh_continuous_aggregate('observations_1m', now() - interval '1 hour', now() + interval '1 minute')`,
      );
      const rollup = await ioc.app.db.query<{ samples: number; max_value: number }>(
        `SELECT samples::int AS samples, max_value FROM observations_1m WHERE device_id = $1 AND metric = 'rain_rate'`,
        [rainId],
      );
      expect(rollup.reduce((n, r) => n + r.samples, 0)).toBe(2);
      expect(Math.max(...rollup.map((r) => r.max_value))).toBe(31);
    } finally {
      client.close();
    }
  });

  it('keeps malformed messages in dead_letters with a reason and keeps running', async () => {
    const bad: [string, string | Buffer, string][] = [
      ['hue/sensors/water_level/kim-long', '{"ts": "yesterday", "value": 1}', 'IOC_INGEST_SCHEMA'],
      ['hue/sensors/water_level/kim-long', 'not json at all', 'IOC_INGEST_JSON'],
      ['hue/sensors/water_level/kim-long', Buffer.from([0xff, 0xfe, 0x00]), 'IOC_INGEST_JSON'],
      [
        `hue/sensors/radiation/geiger-${run}`,
        JSON.stringify({ ts: new Date().toISOString(), value: 1 }),
        'IOC_INGEST_UNKNOWN_KIND',
      ],
      [
        'hue/sensors/water_level/kim-long',
        JSON.stringify({ ts: new Date().toISOString(), value: '2.0' }),
        'IOC_INGEST_SCHEMA',
      ],
    ];
    const before = await ioc.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters');
    for (const [topic, payload] of bad) await publisher.publishAsync(topic, payload, { qos: 1 });
    const letters = await waitFor('5 dead letters', async () => {
      const rows = await ioc.app.repos.deadLetters.recent(50, 'mqtt');
      return rows.length - before[0]!.n >= bad.length ? rows.slice(0, bad.length).reverse() : undefined;
    });
    expect(letters.map((l) => l.reason_code)).toEqual(bad.map((b) => b[2]));
    expect(letters[0]!.reason).toMatch(/ts/);
    expect(Buffer.from(letters[2]!.payload_base64!, 'base64')).toEqual(Buffer.from([0xff, 0xfe, 0x00]));
    expect(letters[3]!.topic).toBe(`hue/sensors/radiation/geiger-${run}`);
    const metrics = await (
      await fetch(`${ioc.baseUrl}/metrics`, { headers: { authorization: `Bearer ${DISPLAY_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/ioc_dead_letters_total\{source="mqtt",reason="IOC_INGEST_SCHEMA"\} 2/);
    // Still healthy and still ingesting.
    expect((await fetch(`${ioc.baseUrl}/readyz`)).status).toBe(200);
  });

  it('treats a re-delivered reading as a no-op', async () => {
    const ts = new Date(Date.now() - 5000).toISOString();
    const body = JSON.stringify({ ts, value: 0.77 });
    await publisher.publishAsync('hue/sensors/water_level/phu-oc', body, { qos: 1 });
    await publisher.publishAsync('hue/sensors/water_level/phu-oc', body, { qos: 1 });
    await waitFor('phu-oc reading stored', async () => {
      const r = await ioc.app.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM observations WHERE device_id = 'phu-oc' AND ts = $1`,
        [ts],
      );
      return r[0]!.n === 1;
    });
    await new Promise((r) => setTimeout(r, 200));
    const r = await ioc.app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM observations WHERE device_id = 'phu-oc' AND ts = $1`,
      [ts],
    );
    expect(r[0]!.n).toBe(1);
  });
});
