import { createHash } from 'node:crypto';
import type { AlertProps, Feature } from '@hue-ioc/layers';
import type { Logger, Reject, Result, WardIndex } from '@hue-ioc/streams';
import type { Counter } from 'prom-client';
import { deadLetterOf, type Clock, type DeadLetterSink } from '../ingest/ports.ts';
import type { AlertsLayer } from '../live/alerts-layer.ts';
import { coverage } from './cap-area.ts';
import { parseCap, parseFeedOrCap, type InboundCap, type InboundInfo } from './cap-parse.ts';
import type { CapRepository, InboundRow } from './cap.repository.ts';

/** A warning that names no expiry leaves the wall after a day unless updated (CAP: "until further notice"). */
const DEFAULT_EXPIRY_MS = 24 * 3600_000;
const FLOOD = /\b(flood|flash flood|inundation|high water)|lũ|lụt|ngập|triều cường|nước dâng/iu;
const STORM =
  /\b(storm|typhoon|cyclone|hurricane|tropical depression|tropical storm)|bão|áp thấp nhiệt đới/iu;

export type CapInOutcome = {
  id: string;
  outcome: 'stored' | 'duplicate';
  /** Whether it is on the wall now (Actual, covering Huế, not cancelled or expired). */
  onWall: boolean;
  hazard: 'flood' | 'storm' | null;
};

/** Flood or storm, from the event, its codes and headline (1.1 and 1.2 alike), or null. */
export function hazardOf(info: readonly InboundInfo[]): 'flood' | 'storm' | null {
  const words = info.flatMap((i) => [
    i.event,
    i.headline ?? '',
    ...i.eventCode.map((c) => `${c.valueName} ${c.value}`),
  ]);
  const text = words.join(' \n ');
  if (STORM.test(text)) return 'storm';
  if (FLOOD.test(text)) return 'flood';
  return null;
}

const LEVEL: Record<string, number> = { Extreme: 3, Severe: 2, Moderate: 1, Minor: 1, Unknown: 1 };

export interface CapInDeps {
  repo: CapRepository;
  wards: WardIndex;
  alerts: AlertsLayer;
  deadLetters: DeadLetterSink;
  clock: Clock;
  logger: Logger;
  messages: Counter<'via' | 'outcome'>;
}

/**
 * CAP in (issue 14): a warning from another system (POST /api/ingest/cap, CAP_FEED_URL) whose area covers Huế
 * becomes a `cap_warning` on the `alerts` layer; its Updates replace it, its Cancel or its expiry removes it.
 * Every message is stored (cap_inbound), once: a redelivery of sender + identifier + sent is a duplicate.
 */
export class CapInService {
  private sweep: NodeJS.Timeout | null = null;

  constructor(private readonly deps: CapInDeps) {}

  /** Parses and applies one document; a refusal is dead-lettered and returned. */
  async accept(raw: Uint8Array, via: string, topic: string): Promise<Result<CapInOutcome>> {
    const parsed = parseCap(raw);
    if (!parsed.ok) {
      await this.refuse(parsed.reject, raw, via, topic);
      return parsed;
    }
    return { ok: true, value: await this.apply(parsed.value, new TextDecoder().decode(raw), via) };
  }

  async refuse(reject: Reject, raw: Uint8Array, via: string, topic: string): Promise<void> {
    this.deps.messages.inc({ via: via === 'webhook' ? 'webhook' : 'feed', outcome: 'rejected' });
    // A 10 MB body is kept as its first 64 KB: enough to see what it was.
    const payload = raw.byteLength > 65_536 ? raw.subarray(0, 65_536) : raw;
    await this.deps.deadLetters.reject([
      deadLetterOf('cap', reject, { topic, payload, receivedAt: this.deps.clock.now() }),
    ]);
  }

  private async apply(cap: InboundCap, document: string, via: string): Promise<CapInOutcome> {
    const areas = cap.info.flatMap((i) => i.area);
    const cov = coverage(this.deps.wards, areas);
    const hazard = hazardOf(cap.info);
    const known = await this.deps.repo.inboundChainOf(cap.references);
    const chain =
      known ??
      `cap:${createHash('sha256').update(`${cap.sender}\n${cap.identifier}`).digest('hex').slice(0, 24)}`;
    const expiries = cap.info.map((i) => i.expires?.getTime()).filter((t): t is number => t !== undefined);
    const expires =
      expiries.length > 0
        ? new Date(Math.max(...expiries))
        : new Date(cap.sent.getTime() + DEFAULT_EXPIRY_MS);
    const vi = cap.info.find((i) => /^vi/i.test(i.language)) ?? cap.info[0];
    const en = cap.info.find((i) => /^en/i.test(i.language));
    const severity = vi?.severity ?? 'Unknown';
    const stored = await this.deps.repo.insertInbound({
      sender: cap.sender,
      identifier: cap.identifier,
      sent: cap.sent,
      sent_text: cap.sentText,
      msg_type: cap.msgType,
      status: cap.status,
      cap_version: cap.version,
      references: cap.referencesText,
      chain,
      headline: vi?.headline ?? null,
      event: vi?.event ?? en?.event ?? '(no info)',
      severity,
      hazard,
      covers_hue: cov.covers,
      ward_codes: cov.wardCodes,
      expires,
      via,
      document,
    });
    const outcome = stored ? 'stored' : 'duplicate';
    this.deps.messages.inc({ via: via === 'webhook' ? 'webhook' : 'feed', outcome });
    if (stored) {
      this.deps.logger.info(
        {
          sender: cap.sender,
          identifier: cap.identifier,
          msgType: cap.msgType,
          coversHue: cov.covers,
          hazard,
        },
        'CAP warning received',
      );
    }
    // The wall follows the chain's newest message whatever this one was (an old Update arriving late
    // changes nothing).
    await this.refresh();
    const onWall = this.deps.alerts.has(chain);
    return { id: chain, outcome, onWall, hazard };
  }

  /** The wall's `cap:` features from the chains' newest messages; cancelled and expired ones removed. */
  async refresh(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const heads = await this.deps.repo.inboundHeads();
    const live = heads.filter(
      (h) => h.msg_type !== 'Cancel' && h.covers_hue && (h.expires === null || h.expires.getTime() > now),
    );
    const features = live.map((h) => this.feature(h)).filter((f): f is Feature<AlertProps> => f !== null);
    await this.deps.alerts.capWarnings(features, [], new Set(features.map((f) => f.id)));
  }

  private feature(h: InboundRow): Feature<AlertProps> | null {
    const cov = h.ward_codes.length > 0 ? this.deps.wards.byCode(h.ward_codes[0]!) : undefined;
    const position: [number, number] | null = cov
      ? cov.labelPoint
      : coverage(this.deps.wards, [{ areaDesc: 'Huế', polygon: [], circle: [], geocode: [] }]).position;
    return {
      id: h.chain,
      position,
      props: {
        kind: 'cap_warning',
        deviceId: h.sender,
        deviceKind: 'cap',
        name: h.headline ?? h.event,
        level: LEVEL[h.severity] ?? 1,
        value: null,
        unit: null,
        since: h.sent.toISOString(),
        incidentId: null,
        wardCode: h.ward_codes[0] ?? null,
        hazard: h.hazard,
        expires: h.expires?.toISOString() ?? null,
        nameEn: null,
      },
    };
  }

  /** Loads the warnings in force and sweeps expiries every `everyMs`. */
  async start(everyMs = 30_000): Promise<void> {
    await this.refresh();
    this.sweep = setInterval(() => {
      this.refresh().catch((err: unknown) => this.deps.logger.warn({ err }, 'CAP expiry sweep failed'));
    }, everyMs);
    this.sweep.unref();
  }

  stop(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = null;
  }

  /** What a polled feed body lists, for the poller. */
  static readFeed = parseFeedOrCap;
}
