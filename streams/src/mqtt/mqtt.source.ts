import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from '../logger.ts';

export interface InboundMessage {
  topic: string;
  payload: Buffer;
  receivedAt: Date;
  /** True when the broker says this may be a re-delivery. */
  duplicate: boolean;
}

/** Stores a batch; resolves only once it is durable. A rejection leaves the batch unacknowledged. */
export type BatchSink = (batch: InboundMessage[]) => Promise<void>;

export interface MqttSourceOptions {
  url: string;
  /** Stable per node, so the broker keeps our QoS 1 messages while we are away (clean: false). */
  clientId: string;
  /** Credentials kept out of `url`, so that the url can be logged. */
  username?: string;
  password?: string;
  topics: string[];
  sink: BatchSink;
  logger: Logger;
  /** When set, subscribe as `$share/{group}/{topic}` so several nodes split the stream. */
  sharedGroup?: string;
  maxBatch?: number;
  lingerMs?: number;
}

/** Sentinel handed to mqtt.js so it continues with the next packet without sending PUBACK yet. */
const DEFER_ACK = Object.freeze(new Error('ack deferred until the batch is stored'));

/**
 * Subscribes to MQTT with QoS 1 and hands messages to a sink in batches. A PUBACK is sent only after the
 * sink stored the batch, so a crash before that makes the broker re-deliver (the sink must be idempotent).
 *
 * mqtt.js handles incoming packets one at a time and sends PUBACK when `handleMessage` calls back, which
 * would allow one message per database round trip. We call back at once with a sentinel error (mqtt.js
 * then skips its PUBACK and moves on) and send the PUBACK ourselves after the commit. This uses the
 * client's internal `_sendPacket`; the integration tests pin the behaviour (re-delivery of unacked messages).
 */
export class MqttSource {
  private client: MqttClient | undefined;
  private pending: { message: InboundMessage; messageId: number | undefined; qos: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly maxBatch: number;
  private readonly lingerMs: number;

  constructor(private readonly opts: MqttSourceOptions) {
    this.maxBatch = opts.maxBatch ?? 500;
    this.lingerMs = opts.lingerMs ?? 20;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    const options: IClientOptions = {
      clientId: this.opts.clientId,
      ...(this.opts.username !== undefined ? { username: this.opts.username } : {}),
      ...(this.opts.password !== undefined ? { password: this.opts.password } : {}),
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      resubscribe: true,
    };
    const client = mqtt.connect(this.opts.url, options);
    this.client = client;
    client.handleMessage = (packet: IPublishPacket, callback) => {
      this.accept(packet);
      callback(packet.qos > 0 ? DEFER_ACK : undefined);
    };
    client.on('error', (err) =>
      this.opts.logger.warn({ err: err.message, url: this.opts.url }, 'mqtt client error'),
    );
    client.on('offline', () =>
      this.opts.logger.warn({ url: this.opts.url }, 'mqtt broker unreachable, retrying'),
    );
    client.on('reconnect', () => this.opts.logger.debug({ url: this.opts.url }, 'mqtt reconnecting'));
    await new Promise<void>((resolve, reject) => {
      const onConnect = () => {
        client.off('error', onError);
        resolve();
      };
      const onError = (err: Error) => {
        client.off('connect', onConnect);
        reject(new Error(`cannot connect to MQTT broker at ${this.opts.url}: ${err.message}`));
      };
      client.once('connect', onConnect);
      client.once('error', onError);
    });
    const topics = this.opts.topics.map((t) =>
      this.opts.sharedGroup ? `$share/${this.opts.sharedGroup}/${t}` : t,
    );
    await client.subscribeAsync(
      topics.map((t) => t),
      { qos: 1 },
    );
  }

  private accept(packet: IPublishPacket): void {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    this.pending.push({
      message: { topic: packet.topic, payload, receivedAt: new Date(), duplicate: packet.dup ?? false },
      messageId: packet.messageId,
      qos: packet.qos,
    });
    if (this.pending.length >= this.maxBatch) this.scheduleFlush(0);
    else if (!this.timer) this.scheduleFlush(this.lingerMs);
  }

  private scheduleFlush(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, delay);
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    try {
      await this.opts.sink(batch.map((b) => b.message));
    } catch (err) {
      // Not acknowledged: the broker re-delivers after our next reconnect. Retry in-process too, so a
      // transient database error does not wait for a reconnect.
      this.opts.logger.error(
        { err: (err as Error).message, messages: batch.length },
        'mqtt batch not stored; will retry',
      );
      this.pending.unshift(...batch);
      if (!this.closed) this.scheduleFlush(1000);
      return;
    }
    const client = this.client;
    if (client?.connected) {
      for (const b of batch) {
        if (b.qos === 1 && b.messageId !== undefined) {
          (client as unknown as { _sendPacket(p: object): void })._sendPacket({
            cmd: 'puback',
            messageId: b.messageId,
          });
        }
      }
    }
    if (this.pending.length > 0) this.scheduleFlush(this.pending.length >= this.maxBatch ? 0 : this.lingerMs);
  }

  /** Stops taking messages, stores what is pending, then disconnects. */
  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }
    await this.flushing;
    await this.client?.endAsync();
  }
}
