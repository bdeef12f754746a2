import type { SensorKind } from '@hue-ioc/layers';
import { CAMERA_EVENT_TYPES, type CameraEventType } from '../incidents/taxonomy.ts';
import { DEFAULT_CAMERA_PROFILE, PoissonArrivals, cameraEventRates, type CameraProfile } from './arrivals.ts';
import type { SimEvent } from './events.ts';
import { between, gauss, streamFor, weightedPick, type Rand } from './random.ts';
import { RAIN_GAUGE_FACTOR, floodCurveFor, floodLevel, type FloodCurve } from './scenario.ts';
import { nextValue, type SignalState } from './signals.ts';
import { hueHour, maxOverDay, type Source, type World } from './world.ts';

/** A device the simulator plays: its id and kind as in the device registry. */
export interface SimulatedDevice {
  id: string;
  kind: SensorKind;
  expectedIntervalS: number;
  /** Alarm levels; a water gauge with three (BĐ I–III) follows the flood even without a curve of its own. */
  thresholds?: number[];
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Something that happens every `period` of model time, first after a stagger so devices do not report together. */
abstract class Periodic implements Source {
  nextAt: number;
  constructor(
    start: number,
    protected readonly period: number,
    stagger: number,
  ) {
    this.nextAt = start + stagger;
  }
  take(): SimEvent[] {
    const t = this.nextAt;
    this.nextAt = t + this.period;
    return this.at(t);
  }
  protected abstract at(t: number): SimEvent[];
}

/**
 * Readings of one sensor at its own interval. River gauges follow the flood curve in the flood scenario; rain
 * gauges follow the city's rain (`World.rainAt`) times their catchment's factor; the rest as `nextValue`.
 */
export class SensorSource extends Periodic {
  private readonly state: SignalState;
  private readonly curve: FloodCurve | undefined;

  constructor(
    private readonly world: World,
    private readonly device: SimulatedDevice,
    minPeriod: number,
    private readonly rand: Rand = streamFor(world.seed, `sensor:${device.id}`),
  ) {
    const period = Math.max(device.expectedIntervalS * 1000, minPeriod);
    super(world.start, period, Math.floor(rand() * Math.min(period, minPeriod * 5)));
    this.state = { level: device.kind === 'water_level' ? (device.id === 'phu-oc' ? 0.9 : 0.55) : 0 };
    this.curve =
      device.kind === 'water_level' && world.scenario === 'flood'
        ? floodCurveFor(device.id, device.thresholds)
        : undefined;
  }

  protected at(t: number): SimEvent[] {
    return [
      {
        channel: 'sensor',
        at: t,
        deviceId: this.device.id,
        kind: this.device.kind,
        body: { value: this.valueAt(t) },
      },
    ];
  }

  private valueAt(t: number): number {
    const { kind, id } = this.device;
    if (this.curve) return round(floodLevel(this.curve, this.world.floodMinutesAt(t)), 2);
    if (kind === 'rain') {
      const city = this.world.rainAt(t) * (RAIN_GAUGE_FACTOR[id] ?? 1);
      return city <= 0.05 ? 0 : round(Math.max(0, city * (1 + 0.12 * gauss(this.rand))), 1);
    }
    return nextValue(kind, id, new Date(t), this.state, this.rand);
  }
}

/* ---------------------------------------------------------------- cameras */

export interface SimulatedCamera {
  id: string;
  position: [number, number];
}

/** What each reference camera watches (streams/src/devices/reference-cameras.ts). */
export const CAMERA_PROFILES: Readonly<Record<string, CameraProfile>> = {
  'cam-truong-tien': { traffic: 1, market: 0.2, lowLying: true, crowds: true },
  'cam-phu-xuan-bridge': { traffic: 1, market: 0.1, lowLying: true, crowds: false },
  'cam-ngo-mon': { traffic: 0.5, market: 0.6, lowLying: true, crowds: true },
  'cam-dong-ba': { traffic: 0.8, market: 1, lowLying: true, crowds: false },
  'cam-hung-vuong': { traffic: 1, market: 0.4, lowLying: false, crowds: false },
  'cam-an-cuu': { traffic: 0.9, market: 1, lowLying: false, crowds: false },
  'cam-le-loi': { traffic: 0.9, market: 0.3, lowLying: false, crowds: true },
  'cam-kim-long': { traffic: 0.6, market: 0.2, lowLying: true, crowds: false },
  'cam-vy-da': { traffic: 0.7, market: 0.3, lowLying: true, crowds: false },
  'cam-phu-bai': { traffic: 1, market: 0.1, lowLying: false, crowds: false },
};

/** Heartbeat interval of a camera (model time), and how long one stays up between outages on average. */
export const CAMERA_HEARTBEAT_MS = 5 * 60_000;
const MEAN_UPTIME_MS = 36 * 3_600_000;
const OUTAGE_MIN = [20, 90] as const;

/** Whether a camera is down, shared by its heartbeat and its detections. */
class CameraState {
  offlineUntil = -Infinity;
}

/**
 * Heartbeats `{ online: true }`; now and then (about every 36 model hours) the link drops: one
 * `{ online: false }`, silence for 20–90 model minutes, then heartbeats again.
 */
export class CameraStatusSource extends Periodic {
  constructor(
    private readonly camera: SimulatedCamera,
    private readonly state: CameraState,
    world: World,
    minPeriod: number,
    private readonly rand: Rand = streamFor(world.seed, `camera-status:${camera.id}`),
  ) {
    const period = Math.max(CAMERA_HEARTBEAT_MS, minPeriod);
    super(world.start, period, Math.floor(rand() * Math.min(period, minPeriod * 5)));
  }

  protected at(t: number): SimEvent[] {
    if (t < this.state.offlineUntil) return [];
    if (this.rand() < this.period / MEAN_UPTIME_MS) {
      this.state.offlineUntil = t + between(this.rand, OUTAGE_MIN[0], OUTAGE_MIN[1]) * 60_000;
      return [{ channel: 'camera_status', at: t, cameraId: this.camera.id, body: { online: false } }];
    }
    return [{ channel: 'camera_status', at: t, cameraId: this.camera.id, body: { online: true } }];
  }
}

/**
 * Detections of one camera's analytics: congestion at rush hours, parking and litter by day (more at markets),
 * rare accidents, flooding when it rains hard or in the flood. Confidence 0.5–0.99, so some stay below the
 * server's thresholds (0.7–0.85).
 */
export class CameraEventSource implements Source {
  nextAt: number;
  private readonly arrivals: PoissonArrivals;
  private readonly profile: CameraProfile;
  private readonly rand: Rand;
  private n = 0;

  constructor(
    private readonly world: World,
    private readonly camera: SimulatedCamera,
    private readonly state: CameraState,
  ) {
    this.profile = CAMERA_PROFILES[camera.id] ?? DEFAULT_CAMERA_PROFILE;
    const total = (t: number) => sum(this.ratesAt(t));
    // Rates grow with rain (saturating at 75 mm/h) and flood progress: their maxima bound the process.
    const bound = maxOverDay((h) => sum(cameraEventRates(this.profile, h, 75, 1))) * 1.05;
    this.arrivals = new PoissonArrivals(
      world.start,
      total,
      bound,
      streamFor(world.seed, `camera-events:${camera.id}`),
    );
    this.rand = streamFor(world.seed, `camera-content:${camera.id}`);
    this.nextAt = this.arrivals.next();
  }

  private ratesAt(t: number): Record<CameraEventType, number> {
    return cameraEventRates(this.profile, hueHour(t), this.world.rainAt(t), this.world.floodProgressAt(t));
  }

  take(): SimEvent[] {
    const t = this.nextAt;
    this.nextAt = this.arrivals.next();
    const rates = this.ratesAt(t);
    const type = weightedPick(
      this.rand,
      CAMERA_EVENT_TYPES.map((k) => [k, rates[k]] as const),
    );
    const confidence = round(Math.min(0.99, 0.5 + 0.49 * Math.sqrt(this.rand())), 2);
    if (t < this.state.offlineUntil) return [];
    this.n++;
    return [
      {
        channel: 'camera_event',
        at: t,
        cameraId: this.camera.id,
        body: {
          type,
          confidence,
          snapshot_url: `${this.world.urls.snapshots}/${this.camera.id}/${this.world.runId}-${String(this.n).padStart(5, '0')}.jpg`,
        },
      },
    ];
  }
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((s, v) => s + v, 0);

/** The heartbeat and detections of one camera, sharing whether it is down. */
export function cameraSources(world: World, camera: SimulatedCamera, minPeriod: number): Source[] {
  const state = new CameraState();
  return [
    new CameraStatusSource(camera, state, world, minPeriod),
    new CameraEventSource(world, camera, state),
  ];
}
