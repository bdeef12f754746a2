import type { Logger } from '../logger.ts';
import { signBody } from '../ingest/signature.ts';
import { toWire, type SimChannel, type SimEvent } from './events.ts';

export type WebhookChannel = 'hue_s' | 'hotline' | 'kpi';

/** The per-source secrets of ARCHITECTURE.md "Access" (INGEST_SECRET_HUES, _HOTLINE, _KPI); null: not sent. */
export interface WebhookSecrets {
  hueS?: string | null;
  hotline?: string | null;
  kpi?: string | null;
}

export function secretFor(secrets: WebhookSecrets, channel: WebhookChannel): string | null {
  const s = channel === 'hue_s' ? secrets.hueS : channel === 'hotline' ? secrets.hotline : secrets.kpi;
  return s && s.length > 0 ? s : null;
}

/** Counters the simulator exposes; shared by the webhook sender and the MQTT side. */
export interface SimCounters {
  sent: Record<SimChannel, number>;
  failed: Record<SimChannel, number>;
  /** What the server answered to accepted webhooks. */
  outcomes: { created: number; merged: number; duplicate: number; stored: number };
  lastFailure: string | null;
  /** Webhooks still waiting when the simulator stopped: never sent, not a failure of the server. */
  dropped: number;
}

export function emptyCounters(): SimCounters {
  const zero = () => ({ hue_s: 0, hotline: 0, kpi: 0, sensor: 0, camera_event: 0, camera_status: 0 });
  return {
    sent: zero(),
    failed: zero(),
    outcomes: { created: 0, merged: 0, duplicate: 0, stored: 0 },
    lastFailure: null,
    dropped: 0,
  };
}

/**
 * Logs each kind of failure once, then at most every 10 s with how many were not logged, so a server that is
 * down does not flood the log.
 */
export class FailureLog {
  private readonly seen = new Map<string, { lastAt: number; suppressed: number }>();
  constructor(
    private readonly logger: Logger,
    private readonly counters: SimCounters,
    private readonly now: () => number = Date.now,
  ) {}

  record(channel: SimChannel, reason: string, extra: Record<string, unknown> = {}): void {
    this.counters.failed[channel]++;
    this.counters.lastFailure = `${channel}: ${reason}`;
    this.log(channel, reason, extra);
  }

  /** Logs (throttled) without counting a lost message: a broker connection that drops and comes back. */
  log(channel: SimChannel | 'mqtt', reason: string, extra: Record<string, unknown> = {}): void {
    const key = `${channel}|${reason}`;
    const entry = this.seen.get(key);
    const t = this.now();
    if (entry && t - entry.lastAt < 10_000) {
      entry.suppressed++;
      return;
    }
    this.logger.warn(
      { channel, reason, ...extra, ...(entry?.suppressed ? { suppressed: entry.suppressed } : {}) },
      channel === 'mqtt' ? 'simulator: MQTT connection problem' : 'simulator: message not accepted',
    );
    this.seen.set(key, { lastAt: t, suppressed: 0 });
  }
}

export interface WebhookSenderOptions {
  secrets: WebhookSecrets;
  counters: SimCounters;
  failures: FailureLog;
  clock: () => Date;
  fetch?: typeof fetch;
  /** Per request (10 s). */
  timeoutMs?: number;
  /** Per channel; beyond it the oldest waiting message is dropped and counted as failed (500). */
  maxQueue?: number;
}

/**
 * Posts events as signed webhooks (`X-Timestamp`, `X-Signature` over the exact body, ARCHITECTURE.md "Access"),
 * one request in flight per channel so each channel arrives in order. Until a base URL is set, events wait.
 * Nothing here throws: every refusal or network error is counted and logged with its reason.
 */
export class WebhookSender {
  private baseUrl: string | null = null;
  private readonly queues: Record<WebhookChannel, SimEvent[]> = { hue_s: [], hotline: [], kpi: [] };
  private readonly running = new Map<WebhookChannel, Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  private readonly wakers = new Set<() => void>();
  private closed = false;

  constructor(private readonly opts: WebhookSenderOptions) {}

  /** The server's base URL, e.g. `http://127.0.0.1:8080`; queued events go out from now on. */
  setBaseUrl(url: string): void {
    this.baseUrl = url.replace(/\/+$/, '');
    for (const c of Object.keys(this.queues) as WebhookChannel[]) this.kick(c);
  }

  get queued(): number {
    return this.queues.hue_s.length + this.queues.hotline.length + this.queues.kpi.length;
  }

  enqueue(e: SimEvent & { channel: WebhookChannel }): void {
    if (this.closed) return;
    const q = this.queues[e.channel];
    q.push(e);
    if (q.length > (this.opts.maxQueue ?? 500)) {
      q.shift();
      this.opts.failures.record(
        e.channel,
        'queue full: the server does not keep up (oldest message dropped)',
      );
    }
    this.kick(e.channel);
  }

  private kick(channel: WebhookChannel): void {
    if (this.running.has(channel) || this.baseUrl === null || this.closed) return;
    const run = this.drainChannel(channel).finally(() => {
      this.running.delete(channel);
      // An event enqueued while this run was finishing found it still marked running: start again.
      if (this.queues[channel].length > 0) this.kick(channel);
    });
    this.running.set(channel, run);
  }

  private async drainChannel(channel: WebhookChannel): Promise<void> {
    const q = this.queues[channel];
    while (!this.closed && this.baseUrl !== null) {
      const e = q.shift();
      if (!e) return;
      const reachable = await this.post(e as SimEvent & { channel: WebhookChannel }, this.baseUrl);
      // The server is down or unreachable: wait a moment rather than burn through the queue.
      if (!reachable) await this.pause(1000);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakers.delete(wake);
        resolve();
      }, ms);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.wakers.add(wake);
    });
  }

  /** Sends one event; false when the server could not be reached (network error, timeout). */
  private async post(e: SimEvent & { channel: WebhookChannel }, baseUrl: string): Promise<boolean> {
    const secret = secretFor(this.opts.secrets, e.channel);
    if (!secret) {
      this.opts.failures.record(e.channel, 'no secret configured for this channel');
      return true;
    }
    const now = this.opts.clock();
    const wire = toWire(e, now);
    if (wire.transport !== 'http') return true;
    const raw = JSON.stringify(wire.body);
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(), this.opts.timeoutMs ?? 10_000);
    try {
      const res = await (this.opts.fetch ?? fetch)(`${baseUrl}${wire.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signBody(secret, raw, now) },
        body: raw,
        signal: controller.signal,
      });
      const text = await res.text();
      if (res.ok) {
        this.opts.counters.sent[e.channel]++;
        const outcome = parseOutcome(text);
        if (outcome) this.opts.counters.outcomes[outcome]++;
        return true;
      }
      const err = parseError(text);
      this.opts.failures.record(e.channel, `HTTP ${res.status}${err ? ` ${err.code}: ${err.message}` : ''}`, {
        path: wire.path,
      });
      return true;
    } catch (err) {
      const reason = controller.signal.aborted
        ? this.closed
          ? 'aborted: simulator stopped'
          : `timeout after ${this.opts.timeoutMs ?? 10_000} ms`
        : networkReason(err);
      this.opts.failures.record(e.channel, reason, { url: `${baseUrl}${wire.path}` });
      return false;
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
  }

  /** Lets queued events go out for up to `drainMs`, then aborts what is in flight and drops the rest. */
  async close(drainMs = 0): Promise<void> {
    if (drainMs > 0 && this.baseUrl !== null) {
      const deadline = Date.now() + drainMs;
      while ((this.queued > 0 || this.running.size > 0) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    this.closed = true;
    for (const c of this.controllers) c.abort();
    for (const wake of this.wakers) wake();
    this.wakers.clear();
    await Promise.allSettled([...this.running.values()]);
    for (const q of Object.values(this.queues)) {
      this.opts.counters.dropped += q.length;
      q.length = 0;
    }
  }
}

function parseOutcome(text: string): 'created' | 'merged' | 'duplicate' | 'stored' | null {
  try {
    const o = (JSON.parse(text) as { outcome?: unknown }).outcome;
    return o === 'created' || o === 'merged' || o === 'duplicate' || o === 'stored' ? o : null;
  } catch {
    return null;
  }
}

function parseError(text: string): { code: string; message: string } | null {
  try {
    const e = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    return e && typeof e.code === 'string' ? { code: e.code, message: String(e.message ?? '') } : null;
  } catch {
    return text.trim() ? { code: 'non-JSON answer', message: text.trim().slice(0, 200) } : null;
  }
}

/** "ECONNREFUSED 127.0.0.1:8080" rather than undici's bare "fetch failed". */
function networkReason(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `network: ${cause}` : `network: ${e.message ?? String(err)}`;
}
