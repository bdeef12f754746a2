import type { WardIndex } from '../geo/wards.ts';
import { cameraSources, SensorSource, type SimulatedCamera, type SimulatedDevice } from './device-sources.ts';
import type { SimChannel, SimEvent } from './events.ts';
import { KpiSource } from './kpi-source.ts';
import { WardPlaces } from './places.ts';
import { DuplicateQueue, HotlineSource, HueSSource, IdSequence } from './report-sources.ts';
import type { Scenario } from './scenario.ts';
import { World, type Source } from './world.ts';

export interface PlanOptions {
  seed: number;
  scenario: Scenario;
  /** Model time (epoch ms) at which the run starts. */
  start: number;
  /** Part of every Hue-S and hotline id: `[A-Za-z0-9]`, a few characters. */
  runId: string;
  /** Needed for citizen reports and ward KPIs. */
  wards: WardIndex | null;
  devices: readonly SimulatedDevice[];
  cameras: readonly SimulatedCamera[];
  /** Channels to generate; all by default (citizen reports only with `wards`). */
  channels?: ReadonlySet<SimChannel>;
  /** Multiplies the arrival rates of Hue-S reports and hotline tickets (1: ~120 Hue-S reports a normal day). */
  reportRate?: number;
  /** Shortest model time between two readings of one device (the real minimum × speed). */
  minPeriodMs?: number;
  /** Model time between two rounds of KPI samples (1 h). */
  kpiEveryMs?: number;
  urls?: { media: string; snapshots: string };
}

/** Where simulated media and snapshots point: `.example` (RFC 2606), so nobody mistakes them for real files. */
export const DEFAULT_SIM_URLS = {
  media: 'https://media.hue-s.example/phan-anh',
  snapshots: 'https://camera.hue-ioc.example/snapshots',
} as const;

/**
 * Everything that happens in a simulated Huế, in model-time order, from a seed: no clock, no I/O. The simulator
 * asks for the events up to the current model time and sends them; tests ask for a whole model day at once.
 * The same seed, start and run id give the same events whatever the wall clock does.
 */
export class SimulationPlan {
  readonly world: World;
  private readonly sources: Source[] = [];

  constructor(opts: PlanOptions) {
    const on = (c: SimChannel) => !opts.channels || opts.channels.has(c);
    const places = opts.wards ? new WardPlaces(opts.wards) : null;
    this.world = new World(opts.seed, opts.scenario, opts.start, opts.runId, opts.urls ?? DEFAULT_SIM_URLS);
    // A second of model time at least: a zero period would loop forever.
    const minPeriod = Math.max(1000, opts.minPeriodMs ?? 0);
    const rate = opts.reportRate ?? 1;

    if (on('sensor'))
      for (const d of opts.devices) this.sources.push(new SensorSource(this.world, d, minPeriod));
    for (const c of opts.cameras) {
      const [status, events] = cameraSources(this.world, c, minPeriod) as [Source, Source];
      if (on('camera_status')) this.sources.push(status);
      // Detections need the outage state the heartbeat keeps: with heartbeats off a camera never goes down.
      if (on('camera_event')) this.sources.push(events);
    }
    if (places && rate > 0) {
      const hotlineIds = new IdSequence(`TD-${opts.runId}`);
      const duplicates = new DuplicateQueue();
      if (on('hue_s'))
        this.sources.push(
          new HueSSource(this.world, places, rate, on('hotline') ? duplicates : null, hotlineIds),
        );
      if (on('hotline')) {
        this.sources.push(new HotlineSource(this.world, places, rate, hotlineIds));
        this.sources.push(duplicates);
      }
    }
    if (on('kpi')) this.sources.push(new KpiSource(this.world, opts.wards, opts.kpiEveryMs ?? 3_600_000));
  }

  /** All events with model time ≤ `t` not yet returned, in time order. */
  until(t: number): SimEvent[] {
    const out: SimEvent[] = [];
    for (;;) {
      let next: Source | undefined;
      for (const s of this.sources) if (s.nextAt <= t && (!next || s.nextAt < next.nextAt)) next = s;
      if (!next) break;
      for (const e of next.take()) out.push(e);
      // A runaway (a zero period) must not hang the caller.
      if (out.length > 200_000)
        throw new Error('simulation plan produced more than 200 000 events in one step');
    }
    return out;
  }
}
