import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../logger.ts';
import type { WardIndex } from '../geo/wards.ts';
import type { SimulatedCamera, SimulatedDevice } from './device-sources.ts';
import { SIM_CHANNELS, toWire, type SimChannel, type SimEvent } from './events.ts';
import { SimulationPlan } from './plan.ts';
import { streamFor } from './random.ts';
import type { Scenario } from './scenario.ts';
import {
  emptyCounters,
  FailureLog,
  secretFor,
  WebhookSender,
  type SimCounters,
  type WebhookChannel,
  type WebhookSecrets,
} from './webhook-sender.ts';

export type { SimulatedCamera, SimulatedDevice } from './device-sources.ts';
export type { SimChannel, SimEvent } from './events.ts';
export { SimulationPlan, type PlanOptions } from './plan.ts';
export { SCENARIOS, isScenario, type Scenario } from './scenario.ts';
export type { WebhookSecrets } from './webhook-sender.ts';

export interface SimulatorOptions {
  /** The broker for sensor readings and camera messages; null sends nothing over MQTT. */
  mqttUrl: string | null;
  /** The broker's username and password, when it requires them (the server gives its in-process publisher's). */
  mqttCredentials?: { username: string; password: string };
  devices: SimulatedDevice[];
  /** Model time runs `speed` times faster than wall time and devices report `speed` times as often. */
  speed: number;
  logger: Logger;
  seed?: number;
  /** Shortest real interval between two readings of one device. */
  minIntervalMs?: number;
  clock?: () => Date;
  /** `normal` (default) or `flood`. */
  scenario?: Scenario;
  /** The ward file: needed for Hue-S reports, hotline tickets and ward KPIs. */
  wards?: WardIndex;
  /** Cameras to play (heartbeats and detections), e.g. `referenceCameraSeeds(wards)`. */
  cameras?: readonly SimulatedCamera[];
  /**
   * The signed webhooks (Hue-S, hotline, KPI). A channel without a secret is not simulated. Without `baseUrl`
   * events wait until `start({ baseUrl })` or `startWebhooks({ baseUrl })`.
   */
  webhooks?: { baseUrl?: string; secrets: WebhookSecrets; timeoutMs?: number };
  /** Multiplies the arrival rates of citizen reports (1: ~120 Hue-S reports on a normal model day). */
  reportRate?: number;
  /** Model time at the start (default: now), e.g. 09:00 in Huế to begin with the morning peak. */
  modelStart?: Date;
  /** Part of the Hue-S and hotline ids; default from the start time, so reruns do not collide. */
  runId?: string;
  /** Keep trying to reach the broker at start (default) or fail at the first refusal (the CLI). */
  mqttRetryConnect?: boolean;
  /** Real time between two steps of the simulation (250 ms). */
  tickMs?: number;
  fetch?: typeof fetch;
}

export interface SimulatorStats extends SimCounters {
  modelTime: Date;
  scenario: Scenario;
  speed: number;
  runId: string;
  /** Webhooks waiting for the server. */
  queued: number;
  /** MQTT messages published and not yet acknowledged. */
  inflight: number;
}

/**
 * The Huế simulator: plays Hue-S citizens, the 19001075 hotline, KPI feeds, cameras and sensors through the
 * public entry points only — signed webhooks and MQTT (`hue/sensors/{kind}/{id}`, `hue/cameras/{id}/events`
 * and `/status`, QoS 1) — so everything it produces crosses the same validation and storage path as real data.
 * What happens is decided by a `SimulationPlan` in model time (model = start + (now − start) × speed); the
 * messages carry the wall-clock time of sending, since the server refuses times in the future.
 */
export class Simulator {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private plan: SimulationPlan | undefined;
  private sender: WebhookSender | undefined;
  private readonly counters: SimCounters = emptyCounters();
  private readonly failures: FailureLog;
  private readonly clock: () => Date;
  private readonly scenario: Scenario;
  private realStart = 0;
  private modelStart = 0;
  private runId = '';
  private inflight = 0;
  private stopped = false;

  constructor(private readonly opts: SimulatorOptions) {
    if (!(opts.speed > 0)) throw new Error(`simulator speed must be positive, not ${opts.speed}`);
    this.clock = opts.clock ?? (() => new Date());
    this.scenario = opts.scenario ?? 'normal';
    this.failures = new FailureLog(opts.logger, this.counters);
  }

  /** Messages accepted so far, all channels together. */
  get count(): number {
    return Object.values(this.counters.sent).reduce((s, n) => s + n, 0);
  }

  /** Model time at which the run started (the flood's hour 0). */
  get modelStartTime(): Date {
    return new Date(this.modelStart);
  }

  /** Model time at wall-clock time `now`. */
  modelTime(now: Date = this.clock()): Date {
    return new Date(this.modelStart + (now.getTime() - this.realStart) * this.opts.speed);
  }

  stats(): SimulatorStats {
    return {
      sent: { ...this.counters.sent },
      failed: { ...this.counters.failed },
      outcomes: { ...this.counters.outcomes },
      lastFailure: this.counters.lastFailure,
      dropped: this.counters.dropped,
      modelTime: this.modelTime(),
      scenario: this.scenario,
      speed: this.opts.speed,
      runId: this.runId,
      queued: this.sender?.queued ?? 0,
      inflight: this.inflight,
    };
  }

  /** Channels this configuration plays. */
  channels(): SimChannel[] {
    const { opts } = this;
    const secrets = opts.webhooks?.secrets;
    const web = (c: WebhookChannel) => secrets !== undefined && secretFor(secrets, c) !== null;
    return SIM_CHANNELS.filter((c) => {
      switch (c) {
        case 'sensor':
          return opts.mqttUrl !== null && opts.devices.length > 0;
        case 'camera_event':
        case 'camera_status':
          return opts.mqttUrl !== null && (opts.cameras?.length ?? 0) > 0;
        case 'hue_s':
        case 'hotline':
          return web(c) && opts.wards !== undefined;
        case 'kpi':
          return web(c);
      }
    });
  }

  /** Connects to the broker and starts; webhooks go out once a base URL is known (here or `startWebhooks`). */
  async start(startOpts: { baseUrl?: string } = {}): Promise<void> {
    const { opts } = this;
    const seed = opts.seed ?? 46;
    if (opts.mqttUrl !== null) {
      this.client = await mqtt.connectAsync(
        opts.mqttUrl,
        {
          clientId: `ioc-simulator-${process.pid}-${Math.floor(streamFor(seed, `client:${Date.now()}`)() * 1e9)}`,
          protocolVersion: 4,
          reconnectPeriod: 1000,
          connectTimeout: 10_000,
          ...(opts.mqttCredentials ?? {}),
        },
        opts.mqttRetryConnect ?? true,
      );
      this.client.on('error', (err) =>
        this.failures.log('mqtt', `MQTT: ${err.message}`, { url: opts.mqttUrl }),
      );
    }
    const now = this.clock();
    this.realStart = now.getTime();
    this.modelStart = opts.modelStart?.getTime() ?? this.realStart;
    this.runId =
      opts.runId ??
      Math.floor(this.realStart / 1000)
        .toString(36)
        .toUpperCase();
    const channels = this.channels();
    this.plan = new SimulationPlan({
      seed,
      scenario: this.scenario,
      start: this.modelStart,
      runId: this.runId,
      wards: opts.wards ?? null,
      devices: opts.devices,
      cameras: opts.cameras ?? [],
      channels: new Set(channels),
      reportRate: opts.reportRate ?? 1,
      minPeriodMs: (opts.minIntervalMs ?? 1000) * opts.speed,
    });
    if (opts.webhooks) {
      this.sender = new WebhookSender({
        secrets: opts.webhooks.secrets,
        counters: this.counters,
        failures: this.failures,
        clock: this.clock,
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
        ...(opts.webhooks.timeoutMs ? { timeoutMs: opts.webhooks.timeoutMs } : {}),
      });
      const baseUrl = startOpts.baseUrl ?? opts.webhooks.baseUrl;
      if (baseUrl) this.sender.setBaseUrl(baseUrl);
    }
    this.step();
    this.timer = setInterval(() => this.step(), opts.tickMs ?? 250);
    opts.logger.info(
      {
        scenario: this.scenario,
        speed: opts.speed,
        seed,
        runId: this.runId,
        channels,
        devices: opts.devices.length,
        cameras: opts.cameras?.length ?? 0,
      },
      'simulator started',
    );
  }

  /** Where the webhooks go (the server's own base URL, known once it listens). */
  startWebhooks({ baseUrl }: { baseUrl: string }): void {
    if (!this.sender) {
      this.opts.logger.warn({ baseUrl }, 'simulator: no webhook secrets were given, nothing is posted');
      return;
    }
    this.sender.setBaseUrl(baseUrl);
    this.opts.logger.info({ baseUrl }, 'simulator posting webhooks');
  }

  /** One step: everything due up to the current model time goes out. Never throws (it runs in a timer). */
  private step(): void {
    if (this.stopped || !this.plan) return;
    try {
      const now = this.clock();
      // A late step (a busy event loop) may carry two messages of one device: a millisecond apart, so the
      // server does not take the second for a re-delivery of the first (same topic and ts).
      const perTopic = new Map<string, number>();
      for (const e of this.plan.until(this.modelTime(now).getTime())) this.send(e, now, perTopic);
    } catch (err) {
      this.opts.logger.error({ err: (err as Error).message }, 'simulator step failed');
    }
  }

  private send(e: SimEvent, now: Date, perTopic: Map<string, number>): void {
    if (e.channel === 'hue_s' || e.channel === 'hotline' || e.channel === 'kpi') {
      this.sender?.enqueue(e);
      return;
    }
    const client = this.client;
    if (!client) return;
    const key = e.channel === 'sensor' ? e.deviceId : `${e.channel}:${e.cameraId}`;
    const k = perTopic.get(key) ?? 0;
    perTopic.set(key, k + 1);
    const wire = toWire(e, new Date(now.getTime() + k));
    if (wire.transport !== 'mqtt') return;
    const channel = wire.channel;
    this.inflight++;
    client.publish(wire.topic, JSON.stringify(wire.body), { qos: 1 }, (err) => {
      this.inflight--;
      if (err) this.failures.record(channel, `MQTT publish: ${err.message}`, { topic: wire.topic });
      else this.counters.sent[channel]++;
    });
  }

  /** Stops the steps, lets queued webhooks go out for up to `drainMs`, and disconnects. No timer is left. */
  async stop(stopOpts: { drainMs?: number } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const drainMs = stopOpts.drainMs ?? 0;
    const deadline = Date.now() + drainMs;
    await this.sender?.close(drainMs);
    while (this.inflight > 0 && this.client?.connected && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const client = this.client;
    this.client = undefined;
    if (client) {
      // Unacknowledged QoS 1 messages are not waited for beyond the drain: a broker that is gone would hang us.
      await (client.connected && this.inflight === 0 ? client.endAsync() : client.endAsync(true));
    }
  }
}
