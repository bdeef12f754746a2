import type { IncidentChanged, IncidentSummary } from '@hue-ioc/layers';
import { ApiError } from '$lib/console/api';
import type { QueueFilter } from './filters';
import { incidentsApi } from './incidents-api';
import { appendPage, patchFromChange, placeIncident, type QueueState } from './queue';

const PAGE = 500;

/**
 * The loaded queue of a console page and what /live does to it: pages of GET /api/incidents as the list
 * scrolls, a changed case patched or placed in it, an unknown one fetched once and placed.
 */
export class QueueController {
  state = $state.raw<QueueState>({ items: [], hasMore: false, total: 0 });
  capped = $state(false);
  loading = $state(false);
  error = $state<unknown>(null);
  /** Cases inserted by /live since the filter was applied (a small counter in the header). */
  arrived = $state(0);
  #filter: QueueFilter;
  #cursor: string | undefined;
  /** Bumped per reload: a page that answers after a newer reload is dropped. */
  #gen = 0;
  #fetching = new Set<string>();

  constructor(filter: QueueFilter) {
    this.#filter = filter;
  }

  get filter(): QueueFilter {
    return this.#filter;
  }

  async reload(filter: QueueFilter = this.#filter): Promise<void> {
    this.#filter = filter;
    const gen = ++this.#gen;
    this.loading = true;
    this.error = null;
    try {
      const page = await incidentsApi.page(filter, { limit: PAGE });
      if (gen !== this.#gen) return;
      this.#cursor = page.nextCursor;
      this.state = { items: page.items, hasMore: !!page.nextCursor, total: page.total };
      this.capped = page.totalCapped;
      this.arrived = 0;
    } catch (e) {
      if (gen === this.#gen) this.error = e;
    } finally {
      if (gen === this.#gen) this.loading = false;
    }
  }

  async more(): Promise<void> {
    if (this.loading || !this.state.hasMore || !this.#cursor) return;
    const gen = this.#gen;
    this.loading = true;
    try {
      const page = await incidentsApi.page(this.#filter, { cursor: this.#cursor, limit: PAGE });
      if (gen !== this.#gen) return;
      this.#cursor = page.nextCursor;
      this.state = appendPage(this.state, page.items, !!page.nextCursor, page.total);
    } catch (e) {
      if (gen === this.#gen) this.error = e;
    } finally {
      if (gen === this.#gen) this.loading = false;
    }
  }

  /** The case as it is now (an action's answer or a fetched detail): placed by the filter. */
  place(item: IncidentSummary): void {
    const r = placeIncident(this.state, item, this.#filter, Date.now());
    if (r.placement !== 'ignored') this.state = r.state;
    if (r.placement === 'inserted') this.arrived++;
  }

  /** `incident:changed`: the row patched from the event when held, else the case fetched and placed. */
  change(change: IncidentChanged): void {
    const patched = patchFromChange(this.state.items, change);
    if (patched) {
      this.place(patched);
      return;
    }
    if (this.state.items.some((x) => x.id === change.id && x.version >= change.version)) return;
    if (this.#fetching.has(change.id)) return;
    this.#fetching.add(change.id);
    const gen = this.#gen;
    incidentsApi
      .get(change.id)
      .then((detail) => {
        if (gen === this.#gen) this.place(detail);
      })
      .catch((e: unknown) => {
        // 404: not ours to see (an agency user and another unit's case); nothing to place.
        if (!(e instanceof ApiError)) throw e;
      })
      .finally(() => this.#fetching.delete(change.id));
  }
}
