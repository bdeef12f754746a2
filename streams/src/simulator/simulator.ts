import mqtt, { type MqttClient } from 'mqtt';
import type { SensorKind } from '@hue-ioc/layers';
import type { Logger } from '../logger.ts';
import { mulberry32, nextValue, type SignalState } from './signals.ts';

export interface SimulatedDevice {
  id: string;
  kind: SensorKind;
  expectedIntervalS: number;
}

export interface SimulatorOptions {
  mqttUrl: string;
  devices: SimulatedDevice[];
  /** Model time runs `speed` times faster than wall time and devices report `speed` times as often. */
  speed: number;
  logger: Logger;
  seed?: number;
  /** Shortest real interval between two readings of one device. */
  minIntervalMs?: number;
  clock?: () => Date;
}

/**
 * The Huế simulator: publishes readings for the seeded devices to the broker exactly as a field device
 * would (topic `hue/sensors/{kind}/{deviceId}`, QoS 1, JSON `{ ts, value, unit }`). It never calls into the
 * server, so everything it produces crosses the same validation and storage path as real data.
 */
export class Simulator {
  private client: MqttClient | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly states = new Map<string, SignalState>();
  private readonly rand: () => number;
  private readonly startedAt: number;
  private published = 0;

  constructor(private readonly opts: SimulatorOptions) {
    this.rand = mulberry32(opts.seed ?? 46);
    this.startedAt = (opts.clock?.() ?? new Date()).getTime();
  }

  get count(): number {
    return this.published;
  }

  private modelTime(now: Date): Date {
    return new Date(this.startedAt + (now.getTime() - this.startedAt) * this.opts.speed);
  }

  async start(): Promise<void> {
    this.client = await mqtt.connectAsync(this.opts.mqttUrl, {
      clientId: `ioc-simulator-${process.pid}-${Math.floor(this.rand() * 1e9)}`,
      protocolVersion: 4,
      reconnectPeriod: 1000,
    });
    const minInterval = this.opts.minIntervalMs ?? 1000;
    for (const device of this.opts.devices) {
      const interval = Math.max(minInterval, (device.expectedIntervalS * 1000) / this.opts.speed);
      this.publishReading(device);
      // Stagger devices so they do not all report on the same tick.
      const offset = Math.floor(this.rand() * Math.min(interval, 5000));
      const t = setTimeout(() => {
        this.publishReading(device);
        this.timers.push(setInterval(() => this.publishReading(device), interval));
      }, offset);
      this.timers.push(t);
    }
    this.opts.logger.info({ devices: this.opts.devices.length, speed: this.opts.speed }, 'simulator publishing');
  }

  private publishReading(device: SimulatedDevice): void {
    const now = this.opts.clock?.() ?? new Date();
    let state = this.states.get(device.id);
    if (!state) {
      state = { level: device.kind === 'water_level' ? (device.id === 'phu-oc' ? 0.9 : 0.55) : 0 };
      this.states.set(device.id, state);
    }
    const value = nextValue(device.kind, device.id, this.modelTime(now), state, this.rand);
    const payload = JSON.stringify({ ts: now.toISOString(), value });
    this.client?.publish(`hue/sensors/${device.kind}/${device.id}`, payload, { qos: 1 }, (err) => {
      if (err) this.opts.logger.warn({ err: err.message, device: device.id }, 'simulator publish failed');
      else this.published++;
    });
  }

  async stop(): Promise<void> {
    for (const t of this.timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    this.timers = [];
    await this.client?.endAsync();
  }
}
