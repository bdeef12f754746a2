import { describe, expect, it } from 'vitest';
import type { AlertProps, Feature, SensorProps } from '@hue-ioc/layers';
import { LayerHub } from './layer-hub.ts';
import { MemoryEventLog } from './event-log/memory.event-log.ts';
import { SensorsLayer } from './sensors-layer.ts';
import { AlertsLayer } from './alerts-layer.ts';
import { hubLayer } from './layer-sink.ts';
import type { DeviceRow } from '../storage/device.repository.ts';
import { MemoryLayer } from '../../test/support/memory-ports.ts';

const kimLong: DeviceRow = {
  id: 'kim-long',
  kind: 'water_level',
  name: 'Trạm Kim Long (sông Hương)',
  lon: 107.553,
  lat: 16.462,
  ward_code: '19774',
  thresholds: [1, 2, 3.5],
  unit: 'm',
  expected_interval_s: 600,
  metadata: {},
  auto_registered: false,
  last_seen_at: null,
};

describe('SensorsLayer', () => {
  it('shows a gauge offline after 3 silent intervals with an alert, and clears both when it reports again', async () => {
    let now = Date.parse('2026-11-27T08:00:00Z');
    const hub = new LayerHub({
      log: new MemoryEventLog(),
      tickMs: 60_000,
      layers: ['sensors', 'alerts'],
    });
    await hub.start();
    const layer = new SensorsLayer(
      hubLayer<SensorProps>(hub, 'sensors'),
      new AlertsLayer(hubLayer<AlertProps>(hub, 'alerts')),
      () => now,
    );
    await layer.load(
      [kimLong],
      [{ device_id: 'kim-long', metric: 'water_level', value: 0.6, unit: 'm', ts: new Date(now - 60_000) }],
    );
    expect((hub.get('sensors', 'kim-long') as Feature<SensorProps>).props.state).toBe('normal');

    now += 31 * 60_000; // 3 × 10 min of silence
    await layer.sweepOffline();
    expect((hub.get('sensors', 'kim-long') as Feature<SensorProps>).props.state).toBe('offline');
    expect((hub.get('alerts', 'offline:kim-long') as Feature<AlertProps>).props).toMatchObject({
      kind: 'device_offline',
      level: 0,
      name: 'Trạm Kim Long (sông Hương)',
    });

    await layer.applyReadings([
      { deviceId: 'kim-long', metric: 'water_level', value: 2.2, unit: 'm', ts: new Date(now) },
    ]);
    expect((hub.get('sensors', 'kim-long') as Feature<SensorProps>).props).toMatchObject({
      state: 'alarm2',
      value: 2.2,
    });
    expect(hub.get('alerts', 'offline:kim-long')).toBeUndefined();

    // An older reading arriving late never replaces the newer one.
    await layer.applyReadings([
      { deviceId: 'kim-long', metric: 'water_level', value: 0.4, unit: 'm', ts: new Date(now - 5 * 60_000) },
    ]);
    expect((hub.get('sensors', 'kim-long') as Feature<SensorProps>).props.value).toBe(2.2);
    hub.stop();
  });

  it('publishes the newest reading of a batch once, and compares with the layer by instant whatever its form', async () => {
    const now = Date.parse('2026-11-27T08:00:00Z');
    const sensors = new MemoryLayer<SensorProps>();
    const layer = new SensorsLayer(sensors, new AlertsLayer(new MemoryLayer<AlertProps>()), () => now);
    await layer.load([kimLong], []);
    const at = (minAgo: number, value: number) => ({
      deviceId: 'kim-long',
      metric: 'water_level',
      value,
      unit: 'm',
      ts: new Date(now - minAgo * 60_000),
    });
    const before = sensors.applied.length;
    await layer.applyReadings([at(3, 1.1), at(1, 2.4), at(2, 1.8), { ...at(0, 9), metric: 'battery' }]);
    expect(sensors.applied.length).toBe(before + 1);
    expect(sensors.get('kim-long')!.props).toMatchObject({
      value: 2.4,
      observedAt: '2026-11-27T07:59:00.000Z',
      alarmLevel: 2,
      state: 'alarm2',
    });
    // The same batch again (a re-delivery) sends nothing.
    await layer.applyReadings([at(1, 2.4)]);
    expect(sensors.applied.length).toBe(before + 1);
    // Another node wrote the time with an offset (each write below is one `applied` entry of its own):
    // the same instant as 07:59Z is not newer; 07:59:15Z is older than 07:59:30+07 … 07:59:45Z is newer.
    const f = sensors.get('kim-long')!;
    await sensors.apply([{ ...f, props: { ...f.props, observedAt: '2026-11-27T14:59:00+07:00' } }]);
    await layer.applyReadings([at(1, 2.4)]);
    expect(sensors.applied.length).toBe(before + 2);
    await sensors.apply([{ ...f, props: { ...f.props, observedAt: '2026-11-27T14:59:30+07:00' } }]);
    await layer.applyReadings([at(0.75, 2.6)]);
    expect(sensors.applied.length).toBe(before + 3);
    await layer.applyReadings([at(0.25, 2.7)]);
    expect(sensors.applied.length).toBe(before + 4);
    expect(sensors.get('kim-long')!.props).toMatchObject({ value: 2.7, state: 'alarm2' });
  });
});
