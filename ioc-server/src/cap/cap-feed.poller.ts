import type { Logger } from '@hue-ioc/streams';
import type { Counter } from 'prom-client';
import type { CapInService } from './cap-in.service.ts';
import { MAX_CAP_BYTES, MAX_FEED_BYTES, parseFeedOrCap } from './cap-parse.ts';

/** Documents read per poll at most: a feed listing thousands is read a page a poll. */
const MAX_DOCS_PER_POLL = 50;
const TIMEOUT_MS = 20_000;

export interface CapFeedPollerDeps {
  url: string;
  intervalS: number;
  capIn: CapInService;
  logger: Logger;
  polls: Counter<'outcome'>;
  fetch?: typeof fetch;
}

/** A body read up to `limit` bytes; more is an error (a server may send anything, of any length). */
async function readLimited(res: Response, limit: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit)
    throw new Error(`body of ${declared} bytes over ${limit}`);
  const reader = res.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    // One byte over the limit is enough to refuse; the parser then reports IOC_CAP_TOO_LARGE.
    if (total > limit + 1) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Polls CAP_FEED_URL every CAP_FEED_INTERVAL_SECONDS (an Atom or RSS feed of CAP documents, or one document)
 * with a conditional GET (ETag / Last-Modified). A failure (network, status, a refused document) is logged
 * and counted (`ioc_cap_feed_polls_total{outcome}`) and the next poll comes as usual: it never throws.
 * Documents already read are not fetched again while the feed lists them.
 */
export class CapFeedPoller {
  private timer: NodeJS.Timeout | null = null;
  private etag: string | null = null;
  private lastModified: string | null = null;
  private seen = new Set<string>();
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly deps: CapFeedPollerDeps) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.poll().finally(() => {
        this.running = null;
        if (!this.stopped) this.timer = setTimeout(tick, this.deps.intervalS * 1000);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One poll; never rejects. */
  async poll(): Promise<void> {
    const f = this.deps.fetch ?? fetch;
    try {
      const headers: Record<string, string> = {
        accept: 'application/atom+xml, application/cap+xml, application/xml;q=0.9, */*;q=0.1',
      };
      if (this.etag) headers['if-none-match'] = this.etag;
      if (this.lastModified) headers['if-modified-since'] = this.lastModified;
      const res = await f(this.deps.url, {
        headers,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'follow',
      });
      if (res.status === 304) {
        await res.body?.cancel();
        this.deps.polls.inc({ outcome: 'not_modified' });
        return;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`HTTP ${res.status}`);
      }
      const body = await readLimited(res, MAX_FEED_BYTES);
      const content = parseFeedOrCap(body, this.deps.url);
      if (!content.ok) {
        await this.deps.capIn.refuse(content.reject, body, this.deps.url, this.deps.url);
        this.deps.polls.inc({ outcome: 'rejected' });
        this.deps.logger.warn({ url: this.deps.url, code: content.reject.code }, 'CAP feed refused');
        return;
      }
      if (content.value.kind === 'cap') {
        await this.deps.capIn.accept(body, this.deps.url, this.deps.url);
      } else {
        const links = content.value.links;
        const fresh = links.filter((l) => !this.seen.has(l)).slice(0, MAX_DOCS_PER_POLL);
        for (const link of fresh) {
          try {
            const doc = await f(link, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' });
            if (!doc.ok) throw new Error(`HTTP ${doc.status}`);
            const bytes = await readLimited(doc, MAX_CAP_BYTES);
            await this.deps.capIn.accept(bytes, this.deps.url, link);
            this.seen.add(link);
          } catch (err) {
            this.deps.polls.inc({ outcome: 'document_failed' });
            this.deps.logger.warn({ url: link, err: (err as Error).message }, 'CAP document fetch failed');
          }
        }
        // Forget what the feed no longer lists, so memory follows the feed.
        const listed = new Set(links);
        for (const l of this.seen) if (!listed.has(l)) this.seen.delete(l);
      }
      // Validators only after a body was read through: a failed poll asks again in full.
      this.etag = res.headers.get('etag');
      this.lastModified = res.headers.get('last-modified');
      this.deps.polls.inc({ outcome: 'ok' });
    } catch (err) {
      this.deps.polls.inc({ outcome: 'failed' });
      this.deps.logger.warn({ url: this.deps.url, err: (err as Error).message }, 'CAP feed poll failed');
    }
  }
}
