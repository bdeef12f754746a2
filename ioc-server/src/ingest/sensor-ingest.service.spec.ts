import { describe, expect, it } from 'vitest';
import type { AlertProps, SensorProps } from '@hue-ioc/layers';
import { silentLogger, type InboundMessage } from '@hue-ioc/streams';
import { SensorIngestService } from './sensor-ingest.service.ts';
import { AlarmService } from '../incidents/alarm.service.ts';
import { AlertsLayer } from '../live/alerts-layer.ts';
import { SensorsLayer } from '../live/sensors-layer.ts';
import { createMetrics } from '../metrics.ts';
import type { ObservationSink } from './ports.ts';
import {
  deviceRow,
  ManualClock,
  MemoryAlarmStore,
  MemoryDeadLetterSink,
  MemoryLayer,
  MemoryObservationSink,
  memoryIncidentService,
} from '../../test/support/memory-ports.ts';

/**
 * The sensor pipeline on memory ports: MQTT batch → streams (validate, normalise) → ObservationSink (readings,
 * devices and the batch's dead letters together) → sensors layer → alarms (AlarmStore, incident stream,
 * alerts layer). No database, no broker.
 */
const kimLong = deviceRow({
  id: 'kim-long',
  kind: 'water_level',
  name: 'Trạm Kim Long (sông Hương)',
  lon: 107.553,
  lat: 16.462,
  ward_code: '19774',
  thresholds: [1, 2, 3.5], // BĐ I / II / III, m (QĐ 05/2020/QĐ-TTg levels for the Hương at Kim Long)
  unit: 'm',
  expected_interval_s: 600,
});
const KIM_LONG = 'hue/sensors/water_level/kim-long';

async function setup(opts: { observations?: ObservationSink } = {}) {
  const clock = new ManualClock('2026-11-27T01:00:00Z'); // 08:00 in Huế
  const deadLetters = new MemoryDeadLetterSink();
  const stored = new MemoryObservationSink(deadLetters);
  const sensors = new MemoryLayer<SensorProps>();
  const alerts = new MemoryLayer<AlertProps>();
  const alertsLayer = new AlertsLayer(alerts);
  const layer = new SensorsLayer(sensors, alertsLayer, () => clock.now().getTime());
  await layer.load([kimLong], []);
  const incidents = memoryIncidentService(clock);
  const alarmStore = new MemoryAlarmStore();
  const alarms = new AlarmService({
    store: alarmStore,
    incidents: incidents.service,
    alerts: alertsLayer,
    clock,
    logger: silentLogger,
  });
  const metrics = createMetrics();
  const service = new SensorIngestService({
    observations: opts.observations ?? stored,
    layer,
    metrics,
    logger: silentLogger,
    alarms,
  });
  /** A message as the MQTT source hands it over, received now. */
  const msg = (topic: string, payload: unknown): InboundMessage => ({
    topic,
    payload: Buffer.isBuffer(payload)
      ? payload
      : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    receivedAt: clock.now(),
    duplicate: false,
  });
  /** A Kim Long reading `minAgo` minutes before now. */
  const level = (value: number, minAgo = 0) =>
    msg(KIM_LONG, { ts: new Date(clock.now().getTime() - minAgo * 60_000).toISOString(), value, unit: 'm' });
  const counter = async (source: string, outcome: string) => {
    const m = await metrics.ingestMessages.get();
    return m.values.find((v) => v.labels.source === source && v.labels.outcome === outcome)?.value ?? 0;
  };
  return {
    clock,
    deadLetters,
    stored,
    sensors,
    alerts,
    incidents,
    alarmStore,
    service,
    msg,
    level,
    counter,
  };
}

describe('SensorIngestService on memory ports', () => {
  it('stores a batch and keeps its malformed messages as dead letters with their reasons, in the same store call', async () => {
    const { clock, service, stored, deadLetters, sensors, msg, level, counter } = await setup();
    const now = clock.now().toISOString();
    const garbage = Buffer.from([0xff, 0xfe, 0x00]);
    await service.handleBatch([
      level(2.34, 1),
      msg(KIM_LONG, '{"ts": "hôm qua", "value": 1}'),
      msg(KIM_LONG, garbage),
      msg('hue/sensors/radiation/geiger-dong-ba', { ts: now, value: 1 }),
      msg('hue/sensors/rain/mua-huong-tra', { ts: now, values: { rain_rate: 31, rain_24h: 80 } }),
    ]);

    // One store call held the readings and the rejects: they commit (and the batch is acked) together.
    expect(stored.batches).toHaveLength(1);
    expect(stored.batches[0]!.rejects).toHaveLength(3);
    expect([...stored.readings.values()].map((r) => [r.deviceId, r.metric, r.value])).toEqual([
      ['kim-long', 'water_level', 2.34],
      ['mua-huong-tra', 'rain_rate', 31],
      ['mua-huong-tra', 'rain_24h', 80],
    ]);
    expect(deadLetters.letters.map((l) => [l.source, l.reasonCode, l.topic])).toEqual([
      ['mqtt', 'IOC_INGEST_SCHEMA', KIM_LONG],
      ['mqtt', 'IOC_INGEST_JSON', KIM_LONG],
      ['mqtt', 'IOC_INGEST_UNKNOWN_KIND', 'hue/sensors/radiation/geiger-dong-ba'],
    ]);
    expect(deadLetters.letters[0]!.reason).toMatch(/ts/);
    expect(deadLetters.letters[2]!.reason).toMatch(/radiation/);
    expect(Buffer.from(deadLetters.letters[1]!.payload!)).toEqual(garbage);
    expect(await counter('mqtt', 'stored')).toBe(3);

    // The layer: Kim Long at BĐ II; the unknown rain gauge registered from its topic, without a position.
    expect(sensors.get('kim-long')!.props).toMatchObject({ value: 2.34, alarmLevel: 2, state: 'alarm2' });
    expect(stored.devices.get('mua-huong-tra')).toMatchObject({ kind: 'rain', auto_registered: true });
    expect(sensors.get('mua-huong-tra')).toMatchObject({
      position: null,
      props: { kind: 'rain', value: 31, unit: 'mm/h', alarmLevel: 2 },
    });
    expect(stored.devices.get('mua-huong-tra')!.last_seen_at!.toISOString()).toBe(now);
  });

  it('treats a re-delivered reading as a no-op: stored once, counted as a duplicate, no second alarm source', async () => {
    const { service, stored, incidents, level, counter } = await setup();
    const reading = level(2.3, 2);
    await service.handleBatch([reading]);
    await service.handleBatch([{ ...reading, duplicate: true }]);
    expect(stored.readings.size).toBe(1);
    expect(await counter('mqtt', 'stored')).toBe(1);
    expect(await counter('mqtt', 'duplicate')).toBe(1);
    expect(incidents.store.rows.size).toBe(1);
    expect([...incidents.store.rows.values()][0]!.sources).toHaveLength(1);
  });

  it('does not touch the layers when the batch could not be stored (it stays unacknowledged)', async () => {
    const failing: ObservationSink = { storeBatch: () => Promise.reject(new Error('connection reset')) };
    const { service, sensors, alerts, level } = await setup({ observations: failing });
    const before = sensors.applied.length;
    await expect(service.handleBatch([level(3.7)])).rejects.toThrow('connection reset');
    expect(sensors.applied).toHaveLength(before);
    expect(alerts.state.size).toBe(0);
  });

  it('raises Kim Long BĐ I → II → III on one incident whose priority climbs, and falls back with hysteresis', async () => {
    const { clock, service, alerts, alarmStore, incidents, level } = await setup();
    const alert = () => alerts.get('alarm:kim-long')?.props;
    const step = async (value: number) => {
      clock.advance(10 * 60_000);
      await service.handleBatch([level(value)]);
    };

    await step(1.2);
    expect(alert()).toMatchObject({ kind: 'sensor_alarm', level: 1, value: 1.2, name: kimLong.name });
    const incidentId = alert()!.incidentId!;
    const incident = () => incidents.store.rows.get(incidentId)!;
    expect(incident()).toMatchObject({ priority: 3, category: 'drainage', ward_code: '19774' });
    expect(incident().title).toContain('Kim Long');

    await step(2.3);
    expect(alert()).toMatchObject({ level: 2, incidentId });
    expect(incident().priority).toBe(2);

    await step(3.61);
    expect(alert()).toMatchObject({ level: 3, incidentId });
    expect(incident().priority).toBe(1);
    expect(incident().sources.map((s) => s.sourceId.split(':')[1])).toEqual(['level1', 'level2', 'level3']);
    const raisedAt = alert()!.since;

    // 3.47 m is under BĐ III but within its 5 cm band: still III, since unchanged.
    await step(3.47);
    expect(alert()).toMatchObject({ level: 3, since: raisedAt });
    // 3.40 m is below 3.45: down to II. 1.97 m is within II's band: still II. No new incident source.
    await step(3.4);
    expect(alert()!.level).toBe(2);
    await step(1.97);
    expect(alert()!.level).toBe(2);
    expect(incident().sources).toHaveLength(3);

    // 0.5 m clears it: the alert goes, the stored state is back to 0 with no peak and no incident.
    await step(0.5);
    expect(alerts.get('alarm:kim-long')).toBeUndefined();
    expect(alarmStore.alarms.get('kim-long')).toMatchObject({ level: 0, incidentId: null, peak: null });
    expect(incident().sources).toHaveLength(3);
    expect(incidents.store.rows.size).toBe(1);
  });

  it('writes a device in alarm only when its state or peak changes, once per batch', async () => {
    const { clock, service, alarmStore, level } = await setup();
    const step = async (...values: number[]) => {
      clock.advance(60_000);
      const before = alarmStore.writes;
      await service.handleBatch(values.map((v) => level(v)));
      return alarmStore.writes - before;
    };
    expect(await step(1.2)).toBe(1); // raised: BĐ I
    expect(await step(1.1)).toBe(0); // still BĐ I, below the peak: nothing to write
    expect(await step(1.5)).toBe(1); // a new peak
    expect(alarmStore.alarms.get('kim-long')).toMatchObject({ level: 1, peak: 1.5 });
    expect(await step(1.4)).toBe(0);
    expect(await step(0.2)).toBe(1); // cleared
    expect(alarmStore.alarms.get('kim-long')).toMatchObject({ level: 0, peak: null });
    expect(await step(0.3)).toBe(0); // quiet: the store is not even asked
  });
});
