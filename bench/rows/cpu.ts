/**
 * CPU per message: a capture of the simulator's MQTT traffic (sensor readings of the reference network,
 * generated deterministically: SimulationPlan seed 46, the flood scenario so gauges cross their BĐ levels)
 * replayed through what the server does with each message before the database: parse → validate → normalise
 * (normaliseSensorMessage) → the sensors layer's features (SensorsLayer.applyReadings, in batches of 100 as
 * MqttSource hands them) → the `layer:delta` frame encoded as socket.io sends it. Baseline: a bare
 * `JSON.parse` loop over the same payloads. Ratio = our time / the bare loop's, same process, interleaved.
 */
import { join } from 'node:path';
import type { Feature, SensorProps } from '@hue-ioc/layers';
import {
  normaliseSensorMessage,
  referenceDeviceSeeds,
  SimulationPlan,
  WardIndex,
  type SensorReading,
} from '@hue-ioc/streams';
import { SensorsLayer } from '../../ioc-server/src/live/sensors-layer.ts';
import { AlertsLayer } from '../../ioc-server/src/live/alerts-layer.ts';
import { deviceRow, MemoryLayer } from '../../ioc-server/test/support/memory-ports.ts';
import { type BenchRow, median } from '../lib/bench.ts';

interface Captured {
  topic: string;
  payload: Buffer;
}

async function capture(n: number): Promise<{ messages: Captured[]; wards: WardIndex }> {
  const wards = await WardIndex.load(join(import.meta.dirname, '..', '..', 'geo'));
  const devices = referenceDeviceSeeds(wards);
  const start = Date.UTC(2026, 9, 26, 0, 0, 0); // the flood of late October (DOMAIN.md)
  const plan = new SimulationPlan({
    seed: 46,
    scenario: 'flood',
    start,
    runId: 'bench',
    wards: null,
    devices: devices.map((d) => ({
      id: d.id,
      kind: d.kind,
      expectedIntervalS: d.expectedIntervalS,
      thresholds: d.thresholds,
    })),
    cameras: [],
    channels: new Set(['sensor']),
    minPeriodMs: 1000,
  });
  const out: Captured[] = [];
  // Readings carry the time of sending: spread the capture over the last minutes (the server refuses old ones).
  const now = Date.now();
  for (let t = start; out.length < n; t += 3_600_000) {
    for (const e of plan.until(t)) {
      if (e.channel !== 'sensor' || out.length >= n) continue;
      const ts = new Date(now - 600_000 + out.length * 10).toISOString();
      out.push({
        topic: `hue/sensors/${e.kind}/${e.deviceId}`,
        payload: Buffer.from(JSON.stringify({ ts, ...e.body })),
      });
    }
  }
  return { messages: out, wards };
}

export const cpuRow: BenchRow = {
  name: 'cpu',
  title: 'CPU per message',
  method:
    'a deterministic simulator capture replayed through parse → validate → normalise → sensors layer → delta frame encode; vs a bare JSON.parse loop over the same capture',
  runs: 5,
  targets: [
    { text: '≤ 3× the bare JSON.parse', met: (m) => !!m.baseline && m.value / m.baseline.value <= 3 },
  ],
  async run(ctx) {
    const n = ctx.flag('cpu-messages', 20_000);
    const { messages, wards } = await capture(n);
    const devices = referenceDeviceSeeds(wards);
    const receivedAt = new Date();
    const bare = () => {
      const t = performance.now();
      let sink = 0;
      for (const m of messages) sink += (JSON.parse(m.payload.toString('utf8')) as { value: number }).value;
      if (Number.isNaN(sink)) throw new Error('no values');
      return performance.now() - t;
    };
    const ours = async () => {
      const sensors = new MemoryLayer<SensorProps>();
      const layer = new SensorsLayer(sensors, new AlertsLayer(new MemoryLayer()), () => receivedAt.getTime());
      await layer.load(
        devices.map((d) =>
          deviceRow({
            id: d.id,
            kind: d.kind,
            thresholds: d.thresholds,
            unit: d.unit,
            expected_interval_s: d.expectedIntervalS,
            lon: d.position[0],
            lat: d.position[1],
            ward_code: d.wardCode,
            name: d.name,
          }),
        ),
        [],
      );
      let bytes = 0;
      let rejected = 0;
      const t = performance.now();
      for (let i = 0; i < messages.length; i += 100) {
        const readings: SensorReading[] = [];
        for (const m of messages.slice(i, i + 100)) {
          const r = normaliseSensorMessage(m.topic, m.payload, receivedAt);
          if (r.ok) readings.push(...r.value);
          else rejected++;
        }
        const from = sensors.applied.length;
        await layer.applyReadings(readings);
        const upserts: Feature[] = sensors.applied.slice(from).flatMap((a) => a.upserts);
        bytes +=
          `42/live,${JSON.stringify(['layer:delta', { layer: 'sensors', from: i, seq: i + 1, upserts, removes: [], changedAt: receivedAt.getTime() }])}`
            .length;
      }
      const ms = performance.now() - t;
      if (rejected > 0) throw new Error(`${rejected} of the capture's messages were rejected`);
      return { ms, bytes };
    };
    // Warm-up of both (JIT), then alternate so that drift in the machine's load hits both alike.
    bare();
    await ours();
    const b: number[] = [];
    const o: number[] = [];
    let bytes = 0;
    for (let k = 0; k < 3; k++) {
      b.push(bare());
      const r = await ours();
      o.push(r.ms);
      bytes = r.bytes;
    }
    const oursUs = (median(o) * 1000) / messages.length;
    const bareUs = (median(b) * 1000) / messages.length;
    ctx.log(
      `    ${messages.length.toLocaleString('en')} messages: ours ${oursUs.toFixed(2)} µs/msg, JSON.parse ${bareUs.toFixed(2)} µs/msg`,
    );
    return [
      {
        label: 'µs per message',
        value: oursUs,
        baseline: { label: 'µs per bare JSON.parse', value: bareUs },
        notes: { messages: messages.length, 'frame bytes': bytes },
      },
    ];
  },
};
