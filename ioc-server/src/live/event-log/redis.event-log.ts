import { Redis } from 'ioredis';
import type { Feature, LayerId } from '@hue-ioc/layers';
import type { Logger } from '@hue-ioc/streams';
import { seqBaseNow, type EventLog, type LayerChange, type LogEntry } from './event-log.ts';

/**
 * Appends atomically: next sequence number (initialised from a time base when the key is new),
 * the entry in the layer's stream with that number as its id, and the layer's current state in a hash.
 * KEYS: stream, seq, state, changed-at. ARGV: entry JSON, maxlen, seq base, now ms, then id/feature pairs.
 */
const APPEND_LUA = `
redis.call('SET', KEYS[2], ARGV[3], 'NX')
redis.call('INCR', KEYS[2])
-- Read back as a string: Lua 5.1 would print a number this large in exponent form.
local seq = redis.call('GET', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'e', ARGV[1], 't', ARGV[4])
redis.call('SET', KEYS[4], ARGV[4])
for i = 5, #ARGV, 2 do
  if ARGV[i + 1] == '' then
    redis.call('HDEL', KEYS[3], ARGV[i])
  else
    redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  end
end
return seq
`;

/** Reads seq, state and change time in one atomic step, so the snapshot is exactly the state at that seq. */
const SNAPSHOT_LUA = `
local seq = redis.call('GET', KEYS[1])
local state = redis.call('HGETALL', KEYS[2])
local at = redis.call('GET', KEYS[3])
return { seq or false, state, at or false }
`;

export interface RedisEventLogOptions {
  url: string;
  /** Key prefix, so several deployments (or test runs) can share one Redis. */
  prefix: string;
  logger: Logger;
  /** Approximate entries kept per layer stream (XADD MAXLEN ~). */
  maxEntries?: number;
}

/**
 * The event log on Redis Streams: stream ids are `<seq>-0`, so the protocol's sequence numbers are the
 * stream ids and every node reports the same numbers. Each node tails the streams with XREAD BLOCK on its
 * own connection and feeds its local layer state.
 */
export class RedisEventLog implements EventLog {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private reader: Redis | undefined;
  private closed = false;
  private tailing: Promise<void> | undefined;
  private readonly maxEntries: number;

  private constructor(private readonly opts: RedisEventLogOptions) {
    this.redis = new Redis(opts.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 3,
      enableAutoPipelining: true,
    });
    this.maxEntries = opts.maxEntries ?? 20_000;
  }

  static async connect(opts: RedisEventLogOptions): Promise<RedisEventLog> {
    const log = new RedisEventLog(opts);
    try {
      await log.redis.connect();
    } catch (e) {
      log.redis.disconnect();
      throw new Error(`cannot connect to REDIS_URL: ${(e as Error).message}`);
    }
    log.redis.on('error', (err: Error) => opts.logger.warn({ err: err.message }, 'redis error'));
    log.redis.defineCommand('iocAppend', { numberOfKeys: 4, lua: APPEND_LUA });
    log.redis.defineCommand('iocSnapshot', { numberOfKeys: 3, lua: SNAPSHOT_LUA });
    return log;
  }

  private keys(layer: LayerId) {
    const p = `${this.opts.prefix}:layer:${layer}`;
    return { stream: `${p}:log`, seq: `${p}:seq`, state: `${p}:state`, changedAt: `${p}:changed-at` };
  }

  async append(layer: LayerId, changes: readonly LayerChange[]): Promise<number> {
    const k = this.keys(layer);
    if (changes.length === 0) return Number((await this.redis.get(k.seq)) ?? 0);
    const args: string[] = [
      JSON.stringify(changes),
      String(this.maxEntries),
      String(seqBaseNow()),
      String(Date.now()),
    ];
    for (const c of changes) args.push(c.id, c.feature ? JSON.stringify(c.feature) : '');
    const seq = await (this.redis as unknown as { iocAppend(...a: string[]): Promise<number> }).iocAppend(
      k.stream,
      k.seq,
      k.state,
      k.changedAt,
      ...args,
    );
    return Number(seq);
  }

  async snapshot(layer: LayerId) {
    const k = this.keys(layer);
    const [seq, flat, at] = await (
      this.redis as unknown as {
        iocSnapshot(...a: string[]): Promise<[string | null, string[], string | null]>;
      }
    ).iocSnapshot(k.seq, k.state, k.changedAt);
    const features: Feature[] = [];
    for (let i = 1; i < flat.length; i += 2) features.push(JSON.parse(flat[i]!) as Feature);
    return { seq: seq ? Number(seq) : 0, features, changedAt: at ? Number(at) : null };
  }

  async range(layer: LayerId, after: number, upTo: number): Promise<LogEntry[] | null> {
    if (upTo <= after) return [];
    const k = this.keys(layer);
    // The stream must still hold the entry right after `after` (or start before it).
    const first = await this.redis.xrange(k.stream, '-', '+', 'COUNT', 1);
    const firstSeq = first[0] ? Number(first[0][0].split('-')[0]) : null;
    if (firstSeq === null || firstSeq > after + 1) {
      // Numbers are dense per layer (INCR), so a missing after+1 means it was trimmed.
      return null;
    }
    const rows = await this.redis.xrange(k.stream, `${after}-1`, `${upTo}-0`);
    return rows.map(([id, fields]) => this.toEntry(layer, id, fields));
  }

  private toEntry(layer: LayerId, id: string, fields: string[]): LogEntry {
    const f: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
    return {
      layer,
      seq: Number(id.split('-')[0]),
      ts: Number(f.t ?? 0),
      changes: JSON.parse(f.e ?? '[]') as LayerChange[],
    };
  }

  async tail(from: ReadonlyMap<LayerId, number>, onEntry: (entry: LogEntry) => void): Promise<void> {
    this.reader = this.redis.duplicate();
    const reader = this.reader;
    // Its own connection (XREAD BLOCK): without a listener ioredis reports every failed reconnect as an
    // unhandled error event while Redis is down; the loop below logs the failed reads.
    reader.on('error', () => undefined);
    const layers = [...from.keys()];
    const streams = layers.map((l) => this.keys(l).stream);
    const byStream = new Map(layers.map((l) => [this.keys(l).stream, l] as const));
    // XREAD returns ids strictly greater than these: everything after each snapshot's seq.
    const ids = layers.map((l) => `${from.get(l) ?? 0}-0`);
    const loop = async () => {
      while (!this.closed) {
        try {
          const res = (await reader.xread('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', ...streams, ...ids)) as
            [string, [string, string[]][]][] | null;
          if (!res) continue;
          for (const [stream, rows] of res) {
            const i = streams.indexOf(stream);
            const layer = byStream.get(stream)!;
            for (const [id, fields] of rows) {
              ids[i] = id;
              onEntry(this.toEntry(layer, id, fields));
            }
          }
        } catch (e) {
          if (this.closed) break;
          this.opts.logger.warn({ err: (e as Error).message }, 'redis event log tail failed; retrying');
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    };
    this.tailing = loop();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reader?.disconnect();
    await this.tailing;
    await this.redis.quit().catch(() => undefined);
  }
}
