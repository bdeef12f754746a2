import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { WardIndex } from '../geo/wards.ts';
import { referenceCameraSeeds } from '../devices/reference-cameras.ts';
import { referenceDeviceSeeds } from '../devices/reference-devices.ts';
import { haversineM } from '../incidents/merge.ts';
import { normaliseCameraMessage } from '../ingest/camera.normalise.ts';
import { normaliseHotlineTicket } from '../ingest/hotline.normalise.ts';
import { normaliseHueSReport } from '../ingest/hue-s.normalise.ts';
import { normaliseKpiSample } from '../ingest/kpi.normalise.ts';
import { normaliseSensorMessage } from '../sensors/normalise.ts';
import { isUrgentOnlyHour } from './arrivals.ts';
import { toWire, type SimEvent } from './events.ts';
import { SimulationPlan, type PlanOptions } from './plan.ts';
import { DUPLICATE_DELAY_MIN, DUPLICATE_DISTANCE_M } from './report-sources.ts';
import { FLOOD_PRONE_WARDS } from './scenario.ts';
import { hueHour } from './world.ts';

const GEO_DIR = resolve(import.meta.dirname, '../../../geo');
/** Midnight in Huế on the day of the 2025 flood crest at Kim Long. */
const MIDNIGHT = Date.parse('2025-10-27T00:00:00+07:00');
const HOUR = 3_600_000;

type Of<C extends SimEvent['channel']> = Extract<SimEvent, { channel: C }>;
const only = <C extends SimEvent['channel']>(events: SimEvent[], c: C) =>
  events.filter((e): e is Of<C> => e.channel === c);

describe('SimulationPlan', () => {
  let wards: WardIndex;
  let base: PlanOptions;
  let normalDay: SimEvent[];
  let floodDay: SimEvent[];

  beforeAll(async () => {
    wards = await WardIndex.load(GEO_DIR);
    base = {
      seed: 46,
      scenario: 'normal',
      start: MIDNIGHT,
      runId: 'T1',
      wards,
      devices: referenceDeviceSeeds(wards),
      cameras: referenceCameraSeeds(wards),
      // As at speed 60 with 1 s between readings at least.
      minPeriodMs: 60_000,
    };
    normalDay = new SimulationPlan(base).until(MIDNIGHT + 24 * HOUR);
    floodDay = new SimulationPlan({ ...base, scenario: 'flood' }).until(MIDNIGHT + 24 * HOUR);
  });

  it('is deterministic for a seed, whatever steps it is asked in, and differs for another seed', () => {
    const stepped = new SimulationPlan(base);
    const pieces: SimEvent[] = [];
    for (let t = MIDNIGHT; t <= MIDNIGHT + 24 * HOUR; t += 7 * 60_000 + 13) pieces.push(...stepped.until(t));
    pieces.push(...stepped.until(MIDNIGHT + 24 * HOUR));
    expect(pieces).toEqual(normalDay);
    const other = new SimulationPlan({ ...base, seed: 47 }).until(MIDNIGHT + 24 * HOUR);
    expect(only(other, 'hue_s').map((e) => e.at)).not.toEqual(only(normalDay, 'hue_s').map((e) => e.at));
  });

  it('hands out events in model-time order, each once', () => {
    for (let i = 1; i < normalDay.length; i++)
      expect(normalDay[i]!.at).toBeGreaterThanOrEqual(normalDay[i - 1]!.at);
    const plan = new SimulationPlan(base);
    const first = plan.until(MIDNIGHT + HOUR);
    expect(plan.until(MIDNIGHT + HOUR)).toEqual([]);
    expect(first.length).toBeGreaterThan(0);
  });

  it('plays every channel on a normal day in plausible numbers', () => {
    const count = (c: SimEvent['channel']) => normalDay.filter((e) => e.channel === c).length;
    expect(count('hue_s')).toBeGreaterThan(90);
    expect(count('hue_s')).toBeLessThan(220);
    expect(count('hotline')).toBeLessThan(count('hue_s'));
    expect(count('hotline')).toBeGreaterThan(20);
    expect(count('camera_event')).toBeGreaterThan(100);
    expect(count('camera_status')).toBeGreaterThan(2000);
    // At the start and every model hour: 5 province indicators + 2 per ward × 5 wards.
    expect(count('kpi')).toBe(24 * 15);
    expect(count('sensor')).toBeGreaterThan(1000);
  });

  it('sends only urgent Hue-S reports between 00:00 and 07:30', () => {
    for (const day of [normalDay, floodDay]) {
      const night = only(day, 'hue_s').filter((e) => isUrgentOnlyHour(hueHour(e.at)));
      expect(night.length).toBeGreaterThan(0);
      for (const e of night) expect(e.body.urgent).toBe(true);
      const daytime = only(day, 'hue_s').filter((e) => !isUrgentOnlyHour(hueHour(e.at)));
      expect(daytime.filter((e) => e.body.urgent !== true).length / daytime.length).toBeGreaterThan(0.7);
    }
  });

  it('repeats ~20–30 % of hotline tickets from a Hue-S report 50–120 m and 5–30 min away, same category', () => {
    for (const day of [normalDay, floodDay]) {
      const hueS = new Map(only(day, 'hue_s').map((e) => [e.body.id, e]));
      const tickets = only(day, 'hotline');
      const dups = tickets.filter((t) => t.meta.duplicateOf);
      expect(dups.length / tickets.length).toBeGreaterThan(0.15);
      expect(dups.length / tickets.length).toBeLessThan(0.35);
      for (const t of dups) {
        const report = hueS.get(t.meta.duplicateOf!.id)!;
        expect(report).toBeDefined();
        const minutes = (t.at - report.at) / 60_000;
        expect(minutes).toBeGreaterThanOrEqual(DUPLICATE_DELAY_MIN[0]);
        expect(minutes).toBeLessThanOrEqual(DUPLICATE_DELAY_MIN[1]);
        const d = haversineM([report.body.lon, report.body.lat], [t.body.lon!, t.body.lat!]);
        expect(d).toBeGreaterThanOrEqual(DUPLICATE_DISTANCE_M[0] - 1);
        expect(d).toBeLessThanOrEqual(DUPLICATE_DISTANCE_M[1] + 1);
        expect(t.meta.category).toBe(report.meta.category);
        expect(t.body.urgent === true).toBe(report.body.urgent === true);
      }
    }
  });

  it('gives some hotline tickets no pin, only an address naming the ward', () => {
    const unpinned = only(normalDay, 'hotline').filter((t) => t.body.lat === undefined);
    expect(unpinned.length).toBeGreaterThan(5);
    for (const t of unpinned) {
      expect(t.body.lon).toBeUndefined();
      expect(t.body.address).toMatch(/, (phường|xã) /);
    }
  });

  it('uses ids unique to the run', () => {
    const ids = [
      ...only(floodDay, 'hue_s').map((e) => e.body.id),
      ...only(floodDay, 'hotline').map((e) => e.body.ticket_id),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.includes('-T1-'))).toBe(true);
  });

  it('produces nothing our own server refuses: every payload passes the streams normalisers', () => {
    const cameras = new Map(referenceCameraSeeds(wards).map((c) => [c.id, { position: c.position }]));
    const devices = new Map(referenceDeviceSeeds(wards).map((d) => [d.id, d]));
    for (const day of [normalDay, floodDay]) {
      for (const e of day) {
        // Sent "now": the payload's time is the wall clock at sending, here the model time itself.
        const now = new Date(e.at);
        const wire = toWire(e, now);
        const ctx = { receivedAt: now, wards };
        const raw = new TextEncoder().encode(JSON.stringify(wire.body));
        switch (e.channel) {
          case 'hue_s': {
            const r = normaliseHueSReport(JSON.parse(JSON.stringify(wire.body)), ctx);
            if (!r.ok) throw new Error(`${r.reject.code} ${r.reject.reason}`);
            expect(r.value.category).toBe(e.meta.category);
            expect(r.value.wardCode).toBe(e.meta.wardCode);
            expect(r.value.urgent).toBe(e.meta.urgent);
            break;
          }
          case 'hotline': {
            const r = normaliseHotlineTicket(JSON.parse(JSON.stringify(wire.body)), ctx);
            if (!r.ok) throw new Error(`${r.reject.code} ${r.reject.reason}`);
            expect(r.value.category).toBe(e.meta.category);
            expect(r.value.wardCode, `${e.body.address}`).toBe(e.meta.wardCode);
            expect(r.value.wardVia).toBe(e.body.lat === undefined ? 'address' : 'position');
            break;
          }
          case 'kpi': {
            const r = normaliseKpiSample(JSON.parse(JSON.stringify(wire.body)), ctx);
            if (!r.ok) throw new Error(`${r.reject.code} ${r.reject.reason}`);
            expect(r.value.target).not.toBeNull();
            break;
          }
          case 'camera_event':
          case 'camera_status': {
            if (wire.transport !== 'mqtt') throw new Error('cameras speak MQTT');
            const r = normaliseCameraMessage(wire.topic, raw, { ...ctx, camera: (id) => cameras.get(id) });
            if (!r.ok) throw new Error(`${r.reject.code} ${r.reject.reason}`);
            break;
          }
          case 'sensor': {
            if (wire.transport !== 'mqtt') throw new Error('sensors speak MQTT');
            expect(devices.get(e.deviceId)?.kind).toBe(e.kind);
            const r = normaliseSensorMessage(wire.topic, raw, now);
            if (!r.ok) throw new Error(`${r.reject.code} ${r.reject.reason}`);
            break;
          }
        }
      }
    }
  });

  it('in a flood, sends a surge of drainage reports from the low-lying wards along the Hương and Bồ', () => {
    const prone = new Set(FLOOD_PRONE_WARDS.map(([n]) => wards.byShortName(n)!.code));
    const firstHours = (day: SimEvent[]) => only(day, 'hue_s').filter((e) => e.at < MIDNIGHT + 4 * HOUR);
    const flood = firstHours(floodDay);
    const normal = firstHours(normalDay);
    expect(flood.length).toBeGreaterThan(normal.length * 5);
    const drainage = flood.filter((e) => e.meta.category === 'drainage');
    expect(drainage.length / flood.length).toBeGreaterThan(0.7);
    expect(drainage.filter((e) => prone.has(e.meta.wardCode)).length / drainage.length).toBeGreaterThan(0.8);
    expect(only(floodDay, 'hotline').filter((e) => e.at < MIDNIGHT + 4 * HOUR).length).toBeGreaterThan(
      only(normalDay, 'hotline').filter((e) => e.at < MIDNIGHT + 4 * HOUR).length * 3,
    );
    const cameraFloods = only(floodDay, 'camera_event').filter(
      (e) => e.body.type === 'flooding' && e.at < MIDNIGHT + 4 * HOUR,
    );
    expect(cameraFloods.length).toBeGreaterThan(10);
  });

  it('publishes Kim Long and Phú Ốc through BĐ I, II and III within the first model hour, in order, and heavy rain', () => {
    const levels = (id: string) =>
      only(floodDay, 'sensor')
        .filter((e) => e.deviceId === id && e.at <= MIDNIGHT + 70 * 60_000)
        .map((e) => ({ min: (e.at - MIDNIGHT) / 60_000, v: e.body.value }));
    for (const [id, [t1, t2, t3]] of [
      ['kim-long', [1.0, 2.0, 3.5]],
      ['phu-oc', [1.5, 3.0, 4.5]],
    ] as const) {
      const series = levels(id);
      expect(series[0]!.v).toBeLessThan(t1);
      const first = (l: number) => series.find((p) => p.v >= l)?.min ?? Infinity;
      expect(first(t1)).toBeLessThan(first(t2));
      expect(first(t2)).toBeLessThan(first(t3));
      expect(first(t3)).toBeLessThanOrEqual(61);
      for (let i = 1; i < series.length; i++) expect(series[i]!.v).toBeGreaterThanOrEqual(series[i - 1]!.v);
    }
    const upstreamRain = only(floodDay, 'sensor').filter(
      (e) => e.deviceId === 'rain-a-luoi' && e.at < MIDNIGHT + HOUR,
    );
    expect(Math.min(...upstreamRain.map((e) => e.body.value))).toBeGreaterThanOrEqual(30);
    // A normal day keeps the rivers low.
    const normalKimLong = only(normalDay, 'sensor').filter((e) => e.deviceId === 'kim-long');
    expect(Math.max(...normalKimLong.map((e) => e.body.value))).toBeLessThan(1.0);
  });

  it('has camera confidences on both sides of the thresholds, and cameras that go offline for a while', () => {
    const conf = only(normalDay, 'camera_event').map((e) => e.body.confidence);
    expect(Math.min(...conf)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...conf)).toBeLessThanOrEqual(0.99);
    expect(conf.filter((c) => c < 0.7).length).toBeGreaterThan(5);
    expect(conf.filter((c) => c >= 0.85).length).toBeGreaterThan(5);
    const statuses = only(normalDay, 'camera_status');
    expect(statuses.filter((s) => s.body.online).length / statuses.length).toBeGreaterThan(0.97);
    const down = new SimulationPlan({ ...base, scenario: 'normal' }).until(MIDNIGHT + 10 * 24 * HOUR);
    const offline = only(down, 'camera_status').filter((s) => !s.body.online);
    expect(offline.length).toBeGreaterThan(0);
    // After going offline a camera is silent (no heartbeat, no detection) for 20–90 model minutes.
    for (const off of offline.slice(0, 5)) {
      const next = down.find((e) => e.at > off.at && 'cameraId' in e && e.cameraId === off.cameraId)!;
      expect((next.at - off.at) / 60_000).toBeGreaterThanOrEqual(20);
    }
  });

  it('sees congestion at rush hours more than at night', () => {
    const congestion = only(normalDay, 'camera_event').filter((e) => e.body.type === 'congestion');
    const rush = congestion.filter((e) => {
      const h = hueHour(e.at);
      return (h >= 6.5 && h < 8) || (h >= 16.5 && h < 18);
    });
    const night = congestion.filter((e) => hueHour(e.at) < 5);
    expect(rush.length).toBeGreaterThan(night.length * 3);
  });
});
