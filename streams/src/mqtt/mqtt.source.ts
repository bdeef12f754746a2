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
  /**
   * How long an idle source waits to fill a batch (default 0: group commit — a message that finds nothing
   * in flight is stored at once, and what arrives while a batch is being stored makes the next batch, so
   * batches grow with the load by themselves and an idle pipeline adds no wait).
   */
  lingerMs?: number;
  /** Messages held unacknowledged at most (default 10,000); past it the broker holds the rest. */
  maxPending?: number;
  /** A sink that rejected is tried again after retryMinMs, doubling up to retryMaxMs (250 ms, 5 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
}

/** Sentinel handed to mqtt.js so it continues with the next packet without sending PUBACK yet. */
const DEFER_ACK = Object.freeze(new Error('ack deferred until the batch is stored'));

interface Held {
  message: InboundMessage;
  messageId: number | undefined;
  qos: number;
  /** The broker session it came in (see `session`). */
  session: number;
}

/**
 * Subscribes to MQTT with QoS 1 and hands messages to a sink in batches. A PUBACK is sent only after the
 * sink stored the batch, so a crash before that makes the broker re-deliver (the sink must be idempotent).
 * A sink that rejects acknowledges nothing: the batch is tried again with backoff, and while it waits the
 * messages held stay bounded (`maxPending`); the persistent session (clean: false, a stable client id)
 * has the broker keep what we have not acknowledged across our reconnects and restarts.
 *
 * mqtt.js handles incoming packets one at a time and sends PUBACK when `handleMessage` calls back, which
 * would allow one message per database round trip. We call back at once with a sentinel error (mqtt.js
 * then skips its PUBACK and moves on) and send the PUBACK ourselves after the commit. This uses the
 * client's internal `_sendPacket`; the integration tests pin the behaviour (re-delivery of unacked messages).
 * Calling back later is how the bound works: mqtt.js then stops reading the socket.
 */
export class MqttSource {
  private client: MqttClient | undefined;
  private pending: Held[] = [];
  private inFlight: Held[] = [];
  /** QoS 1 messages held, by `${session}:${messageId}`: a re-delivery of one of them is not taken twice. */
  private readonly held = new Map<string, Held>();
  /** mqtt.js callbacks held back while over `maxPending`. */
  private withheld: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private flushing = false;
  private flushed: Promise<void> = Promise.resolve();
  private closed = false;
  private failures = 0;
  private retryAt = 0;
  private lastAck: number | null = null;
  /** Counts broker sessions: bumped on each CONNACK that says the broker has no session of ours. */
  private session = 0;
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  private readonly maxPending: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;

  constructor(private readonly opts: MqttSourceOptions) {
    this.maxBatch = opts.maxBatch ?? 500;
    this.lingerMs = opts.lingerMs ?? 0;
    this.maxPending = opts.maxPending ?? 10_000;
    this.retryMinMs = opts.retryMinMs ?? 250;
    this.retryMaxMs = opts.retryMaxMs ?? 5000;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Messages received and not yet acknowledged (stored or not), and when the oldest of them came. */
  get backlog(): { messages: number; oldestAt: Date | null } {
    const oldest = this.inFlight[0] ?? this.pending[0];
    return { messages: this.backlogSize, oldestAt: oldest?.message.receivedAt ?? null };
  }

  /** When a batch was last stored (ms since the epoch), or null. */
  get lastAckAt(): number | null {
    return this.lastAck;
  }

  private get backlogSize(): number {
    return this.pending.length + this.inFlight.length;
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
      const next = () => callback(packet.qos > 0 ? DEFER_ACK : undefined);
      // Over the bound, mqtt.js reads nothing more until a batch is stored: the broker holds the rest.
      if (this.backlogSize >= this.maxPending && !this.closed) this.withheld.push(next);
      else next();
    };
    let subscribed = false;
    client.on('connect', (connack) => {
      // Acknowledgements name message ids of a session; a broker that kept none of ours has a new one, in
      // which the ids of messages we still hold may name other messages. Those are stored, never acked.
      if (!connack.sessionPresent) this.session++;
      // After a reconnect, subscribe again even when the broker says it kept our session: Mosquitto 2.0.11
      // restores a persistent session across its restart but not its shared ($share) subscriptions, and
      // nothing reaches us until we do (measured). Subscribing again to a subscription it did keep changes
      // nothing (MQTT 3.1.1 §3.8.4: it replaces it, queued messages stay).
      if (subscribed)
        client.subscribe(this.subscriptionTopics(), { qos: 1 }, (err) => {
          if (err)
            this.opts.logger.warn({ err: err.message }, 'mqtt re-subscribe failed; retrying on reconnect');
        });
    });
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
    await client.subscribeAsync(this.subscriptionTopics(), { qos: 1 });
    subscribed = true;
  }

  private subscriptionTopics(): string[] {
    return this.opts.topics.map((t) => (this.opts.sharedGroup ? `$share/${this.opts.sharedGroup}/${t}` : t));
  }

  private accept(packet: IPublishPacket): void {
    // Closing: what arrives now is neither stored nor acknowledged; the broker keeps it for our next session.
    if (this.closed) return;
    const key =
      packet.qos > 0 && packet.messageId !== undefined ? `${this.session}:${packet.messageId}` : null;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (key !== null && packet.dup) {
      const prior = this.held.get(key);
      // The broker re-sent one we hold (after a reconnect): the acknowledgement, when it is stored, covers both.
      if (prior && prior.message.topic === packet.topic && prior.message.payload.equals(payload)) return;
    }
    const held: Held = {
      message: { topic: packet.topic, payload, receivedAt: new Date(), duplicate: packet.dup ?? false },
      messageId: packet.messageId,
      qos: packet.qos,
      session: this.session,
    };
    this.pending.push(held);
    if (key !== null) this.held.set(key, held);
    this.kick();
  }

  /**
   * Schedules the next flush: never before a retry is due; at once for a full batch or with no linger
   * (setImmediate, so the messages of the socket read being handled now go together); else after the linger.
   */
  private kick(): void {
    if (this.flushing || this.closed || this.pending.length === 0) return;
    const now = Date.now();
    const due =
      this.retryAt > now ? this.retryAt - now : this.pending.length >= this.maxBatch ? 0 : this.lingerMs;
    if (this.timer) {
      if (due > 0) return;
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (due <= 0 && this.immediate) return;
    if (due <= 0) {
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.flushed = this.flush();
      });
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushed = this.flush();
    }, due);
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    const batch = this.pending.splice(0, this.maxBatch);
    this.inFlight = batch;
    try {
      if (batch.length === 0) return;
      try {
        await this.opts.sink(batch.map((b) => b.message));
      } catch (err) {
        // Not acknowledged: the broker keeps it, and re-delivers after a reconnect. Retry in-process too,
        // backing off, so a database that is back does not wait for a reconnect and one that is down is
        // not hammered.
        this.failures++;
        const delay = Math.min(this.retryMinMs * 2 ** (this.failures - 1), this.retryMaxMs);
        this.retryAt = Date.now() + delay;
        this.opts.logger.error(
          { err: (err as Error).message, messages: batch.length, held: this.backlogSize, retryInMs: delay },
          'mqtt batch not stored; not acknowledged, will retry',
        );
        this.pending.unshift(...batch);
        return;
      }
      this.failures = 0;
      this.retryAt = 0;
      this.lastAck = Date.now();
      this.acknowledge(batch);
    } finally {
      this.inFlight = [];
      this.flushing = false;
      this.release();
      this.kick();
    }
  }

  private acknowledge(batch: readonly Held[]): void {
    const client = this.client;
    for (const b of batch) {
      if (b.messageId === undefined) continue;
      this.held.delete(`${b.session}:${b.messageId}`);
      // Not connected: the broker re-delivers on reconnect, and the sink finds it stored already.
      if (b.qos !== 1 || b.session !== this.session || !client?.connected) continue;
      (client as unknown as { _sendPacket(p: object): void })._sendPacket({
        cmd: 'puback',
        messageId: b.messageId,
      });
    }
  }

  /** Lets mqtt.js read on once the messages held are under the bound again. */
  private release(): void {
    while (this.withheld.length > 0 && (this.closed || this.backlogSize < this.maxPending))
      this.withheld.shift()!();
  }

  /** Stops taking messages, stores what is pending (one try), then disconnects. */
  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    await this.flushed;
    if (this.pending.length > 0) await this.flush();
    this.release();
    await this.client?.endAsync();
  }
}
