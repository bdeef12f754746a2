import type { Feature, WardProps } from '@hue-ioc/layers';
import type { WardIndex } from '@hue-ioc/streams';
import type { IncidentRepository } from '../storage/incident.repository.ts';
import type { LayerHub } from './layer-hub.ts';

/**
 * The `wards` layer: one feature per phường/xã at its label point with open, overdue and urgent counts.
 * Recounted from the database (cheap: 40 rows) after incident changes, debounced, and once a minute so
 * "overdue" follows the clock.
 */
export class WardsLayer {
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly hub: LayerHub,
    private readonly wards: WardIndex,
    private readonly incidents: IncidentRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(everyMs = 60_000): void {
    this.timer = setInterval(() => this.changed(0), everyMs);
    this.timer.unref();
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    return this.running;
  }

  /** Schedules a recount (coalesces bursts of changes into one). */
  changed(delayMs = 500): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.running = this.running.then(() => this.recount()).catch(() => undefined);
    }, delayMs);
    this.pending.unref();
  }

  async recount(): Promise<void> {
    const counts = new Map((await this.incidents.wardCounts(this.now())).map((c) => [c.ward_code, c]));
    const features: Feature<WardProps>[] = [];
    for (const w of this.wards.wards) {
      const c = counts.get(w.code);
      const open = c?.open ?? 0;
      const next: Feature<WardProps> = {
        id: w.code,
        position: w.labelPoint,
        props: {
          name: w.name,
          population: w.population,
          open,
          overdue: c?.overdue ?? 0,
          urgent: c?.urgent ?? 0,
          openPer10k: w.population > 0 ? Math.round((open / w.population) * 10_000 * 100) / 100 : 0,
        },
      };
      const cur = this.hub.get('wards', w.code);
      if (!cur || JSON.stringify(cur) !== JSON.stringify(next)) features.push(next);
    }
    if (features.length > 0) await this.hub.apply('wards', features);
  }
}
