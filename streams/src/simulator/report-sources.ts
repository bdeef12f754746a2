import { categoryOf, type CategoryCode } from '../incidents/taxonomy.ts';
import type { Position } from '../ingest/common.ts';
import type { Ward } from '../geo/wards.ts';
import {
  FLOOD_SURGE,
  PoissonArrivals,
  categoryWeights,
  duplicateChance,
  hotlineRate,
  hueSRate,
  hueSUrgentRate,
  isUrgentOnlyHour,
} from './arrivals.ts';
import type { HotlineMeta, SimEvent } from './events.ts';
import { offsetPosition, placeIn, type Place, type WardPlaces } from './places.ts';
import { between, intBetween, streamFor, weightedPick, type Rand } from './random.ts';
import { FLOOD_PRONE_WARDS } from './scenario.ts';
import {
  hotlineAgent,
  hotlineSummary,
  reportText,
  vietnameseMobile,
  vietnameseName,
  type TemplateSet,
} from './texts.ts';
import { hueHour, maxOverDay, type Source, type World } from './world.ts';

/** How the Hue-S app lists a category: its Vietnamese label without the parenthesis ("Hạ tầng giao thông"). */
export function appLabel(category: CategoryCode): string {
  return categoryOf(category).vi.replace(/\s*\(.*\)$/, '');
}

/** A duplicate comes 5–30 model minutes after its report, 50–120 m away (the merge window is 150 m, 120 min). */
export const DUPLICATE_DELAY_MIN = [5, 30] as const;
export const DUPLICATE_DISTANCE_M = [50, 120] as const;

interface Drawn {
  urgent: boolean;
  flood: boolean;
  category: CategoryCode;
  ward: Ward;
  position: Position;
  place: Place;
  set: TemplateSet;
}

/** Urgency, category and place of a report at `t` (shared by Hue-S and the hotline). */
function drawReport(
  world: World,
  places: WardPlaces,
  t: number,
  rand: Rand,
  baseRate: number,
  surgeRate: number,
  urgentShare: number,
): Drawn {
  const hour = hueHour(t);
  const flood = surgeRate > 0 && rand() * (baseRate + surgeRate) < surgeRate;
  // At night Hue-S takes urgent matters only; a flooded home at night is one.
  const urgent = isUrgentOnlyHour(hour) || (flood ? rand() < 0.3 : rand() < urgentShare);
  const category: CategoryCode = flood
    ? 'drainage'
    : weightedPick(rand, categoryWeights(urgent, world.rainAt(t)));
  const ward = flood ? places.pickWardAmong(rand, FLOOD_PRONE_WARDS) : places.pickWard(rand);
  const position = places.pointIn(ward, rand);
  const place = placeIn(ward, rand);
  return {
    urgent,
    flood,
    category,
    ward,
    position,
    place,
    set: flood ? 'flood' : urgent ? 'urgent' : 'ordinary',
  };
}

/** Model-time queue of hotline tickets that repeat Hue-S reports. */
export class DuplicateQueue implements Source {
  private readonly pending: { at: number; make: () => SimEvent }[] = [];

  get nextAt(): number {
    return this.pending[0]?.at ?? Infinity;
  }

  add(at: number, make: () => SimEvent): void {
    let i = this.pending.length;
    while (i > 0 && (this.pending[i - 1]?.at ?? 0) > at) i--;
    this.pending.splice(i, 0, { at, make });
  }

  take(): SimEvent[] {
    const next = this.pending.shift();
    return next ? [next.make()] : [];
  }
}

/** Sequence numbers of one channel's ids, shared by its sources. */
export class IdSequence {
  private n = 0;
  constructor(private readonly prefix: string) {}
  next(): string {
    this.n++;
    return `${this.prefix}-${String(this.n).padStart(6, '0')}`;
  }
}

/**
 * Phản ánh hiện trường from the Hue-S app: arrivals follow the hour of day (`hueSRate`) times `rate`, plus the
 * flood's surge; some get a hotline duplicate (`duplicateChance`).
 */
export class HueSSource implements Source {
  nextAt: number;
  private readonly arrivals: PoissonArrivals;
  private readonly rand: Rand;
  private readonly ids: IdSequence;

  constructor(
    private readonly world: World,
    private readonly places: WardPlaces,
    private readonly rate: number,
    private readonly duplicates: DuplicateQueue | null,
    private readonly hotlineIds: IdSequence,
  ) {
    const surge = world.scenario === 'flood' ? FLOOD_SURGE.hueS : 0;
    const bound = rate * (maxOverDay(hueSRate) + surge) * 1.05;
    this.arrivals = new PoissonArrivals(
      world.start,
      (t) => rate * (hueSRate(hueHour(t)) + this.surge(t)),
      bound,
      streamFor(world.seed, 'hue-s:arrivals'),
    );
    this.rand = streamFor(world.seed, 'hue-s:content');
    this.ids = new IdSequence(`HUES-${world.runId}`);
    this.nextAt = this.arrivals.next();
  }

  private surge(t: number): number {
    return FLOOD_SURGE.hueS * this.world.floodProgressAt(t);
  }

  take(): SimEvent[] {
    const t = this.nextAt;
    this.nextAt = this.arrivals.next();
    const rand = this.rand;
    const hour = hueHour(t);
    const base = hueSRate(hour);
    const d = drawReport(this.world, this.places, t, rand, base, this.surge(t), hueSUrgentRate(hour) / base);
    const text = reportText(d.category, d.set, d.place, rand);
    const id = this.ids.next();
    const mediaCount = rand() < 0.1 ? 0 : intBetween(rand, 1, 3);
    const media = Array.from({ length: mediaCount }, (_, i) => {
      const video = i === 0 && rand() < 0.15;
      return {
        url: `${this.world.urls.media}/${id}-${i + 1}.${video ? 'mp4' : 'jpg'}`,
        type: video ? ('video' as const) : ('image' as const),
      };
    });
    const event: SimEvent = {
      channel: 'hue_s',
      at: t,
      body: {
        id,
        category: appLabel(d.category),
        ...(rand() < 0.7 ? { title: text.title } : {}),
        description: text.text,
        lat: d.position[1],
        lon: d.position[0],
        ...(rand() < 0.8 ? { address: `${d.place.local}, ${d.place.ward}` } : {}),
        media,
        reporter: { name: vietnameseName(rand), phone: vietnameseMobile(rand) },
        ...(d.urgent ? { urgent: true } : {}),
      },
      meta: {
        category: d.category,
        wardCode: d.ward.code,
        urgent: d.urgent,
        flood: d.flood,
        position: d.position,
      },
    };

    const hotlinePerHour = hotlineRate(hour) + FLOOD_SURGE.hotline * this.world.floodProgressAt(t);
    if (rand() < duplicateChance(base + this.surge(t), hotlinePerHour) && this.duplicates) {
      const delay = between(rand, DUPLICATE_DELAY_MIN[0], DUPLICATE_DELAY_MIN[1]) * 60_000;
      const seed = Math.floor(rand() * 2 ** 32);
      this.duplicates.add(t + delay, () => this.duplicateOf(event, d, t + delay, seed));
    }
    return [event];
  }

  /** The same matter told to Tổng đài 19001075 by someone a few houses away. */
  private duplicateOf(report: SimEvent & { channel: 'hue_s' }, d: Drawn, at: number, seed: number): SimEvent {
    const rand = streamFor(seed, 'duplicate');
    // Near a ward boundary, try a few bearings for a point in the same ward as the report.
    let position: Position = d.position;
    let wardCode: string | undefined;
    for (let i = 0; i < 8 && wardCode !== d.ward.code; i++) {
      position = offsetPosition(
        d.position,
        between(rand, DUPLICATE_DISTANCE_M[0], DUPLICATE_DISTANCE_M[1]),
        rand() * 2 * Math.PI,
      );
      wardCode = this.places.wards.wardAt(position[0], position[1])?.code;
    }
    const text = reportText(d.category, d.set, d.place, rand);
    const meta: HotlineMeta = {
      category: d.category,
      wardCode: wardCode ?? d.ward.code,
      urgent: d.urgent,
      flood: d.flood,
      position,
      duplicateOf: { id: report.body.id, at: report.at, position: d.position },
    };
    return {
      channel: 'hotline',
      at,
      body: {
        ticket_id: this.hotlineIds.next(),
        ...(rand() < 0.7 || d.category === 'other' ? { category: appLabel(d.category) } : {}),
        summary: hotlineSummary(text.text, rand),
        caller_phone: vietnameseMobile(rand),
        address: `${d.place.local}, ${d.place.ward}`,
        // The agent pins the place: without a position the server cannot merge across channels.
        lat: position[1],
        lon: position[0],
        agent: hotlineAgent(rand),
        ...(d.urgent ? { urgent: true } : {}),
      },
      meta,
    };
  }
}

/**
 * Tickets of Tổng đài 19001075 that are not repeats: fewer than Hue-S, open day and night. Nearly half come
 * without a pin, with an address naming the ward ("kiệt 12 Phan Đình Phùng, phường Thuận Hóa").
 */
export class HotlineSource implements Source {
  nextAt: number;
  private readonly arrivals: PoissonArrivals;
  private readonly rand: Rand;

  constructor(
    private readonly world: World,
    private readonly places: WardPlaces,
    rate: number,
    private readonly ids: IdSequence,
  ) {
    const surge = world.scenario === 'flood' ? FLOOD_SURGE.hotline : 0;
    const bound = rate * (maxOverDay(hotlineRate) + surge) * 1.05;
    this.arrivals = new PoissonArrivals(
      world.start,
      (t) => rate * (hotlineRate(hueHour(t)) + FLOOD_SURGE.hotline * world.floodProgressAt(t)),
      bound,
      streamFor(world.seed, 'hotline:arrivals'),
    );
    this.rand = streamFor(world.seed, 'hotline:content');
    this.nextAt = this.arrivals.next();
  }

  take(): SimEvent[] {
    const t = this.nextAt;
    this.nextAt = this.arrivals.next();
    const rand = this.rand;
    const hour = hueHour(t);
    const night = isUrgentOnlyHour(hour);
    const flood = this.world.scenario === 'flood' ? FLOOD_SURGE.hotline * this.world.floodProgressAt(t) : 0;
    // The hotline is not bound by Hue-S's night rule: a third of night calls are urgent.
    const d = drawReport(this.world, this.places, t, rand, hotlineRate(hour), flood, night ? 0.3 : 0.05);
    const urgent = night ? rand() < 0.35 || d.flood : d.urgent;
    const set: TemplateSet = d.flood ? 'flood' : urgent ? 'urgent' : 'ordinary';
    const text = reportText(d.category, set, d.place, rand);
    const pinned = rand() < 0.55;
    return [
      {
        channel: 'hotline',
        at: t,
        body: {
          ticket_id: this.ids.next(),
          ...(rand() < 0.6 || d.category === 'other' ? { category: appLabel(d.category) } : {}),
          summary: hotlineSummary(text.text, rand),
          caller_phone: vietnameseMobile(rand),
          address: `${d.place.local}, ${d.place.ward}`,
          ...(pinned ? { lat: d.position[1], lon: d.position[0] } : {}),
          agent: hotlineAgent(rand),
          ...(urgent ? { urgent: true } : {}),
        },
        meta: {
          category: d.category,
          wardCode: d.ward.code,
          urgent,
          flood: d.flood,
          position: d.position,
          duplicateOf: null,
        },
      },
    ];
  }
}
