import {
  KPI_CATALOGUE,
  KPI_CATALOGUE_LIMITS,
  kpiValueProblem,
  type KpiCatalogueEntry,
  type KpiCatalogueInput,
  type KpiUnit,
} from '@hue-ioc/layers';
import type { Logger } from '@hue-ioc/streams';
import { AppError } from '../errors.ts';
import { reloadEvery } from '../reload-every.ts';
import type { ActorContext } from '../auth/access.service.ts';
import type { Db, Queryable } from '../storage/db.ts';
import {
  KpiCatalogueRepository,
  type KpiCatalogueRow,
  type KpiCatalogueValues,
} from '../storage/kpi-catalogue.repository.ts';

export interface KpiCatalogueDeps {
  db: Db;
  logger: Logger;
  /** Writes the access audit row of a change inside its transaction (access.service `record`). */
  audit: (
    actor: ActorContext,
    action: 'kpi_catalogue.create' | 'kpi_catalogue.update' | 'kpi_catalogue.delete',
    id: string,
    before: KpiCatalogueEntry | undefined,
    after: KpiCatalogueEntry | undefined,
    tx: Queryable,
  ) => Promise<void>;
}

/** What the KPI webhook needs of an entry (streams' KpiContext.catalogue). */
export interface KpiCatalogueLookup {
  unit: KpiUnit;
  active: boolean;
}

/** Seed ids (layers' KPI_CATALOGUE): re-added at every start if missing, so they are deactivated, not deleted. */
const SEED_IDS = new Set(KPI_CATALOGUE.map((k) => k.id));

export const publicKpiEntry = (r: KpiCatalogueRow): KpiCatalogueEntry => ({
  id: r.id,
  pillar: r.pillar,
  label: { vi: r.label_vi, en: r.label_en },
  unit: r.unit,
  target: r.target,
  goodDirection: r.good_direction,
  description: r.description,
  active: r.active,
  sortOrder: r.sort_order,
  version: r.version,
  hasSamples: r.has_samples,
  removable: !r.has_samples && !SEED_IDS.has(r.id),
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
  updatedBy: r.updated_by,
});

/**
 * The KPI catalogue as data (issue 13, item 1): the kpi_catalogue table, seeded from layers' KPI_CATALOGUE,
 * cached per node for the webhook (a lookup per sample, no query) and the briefing. A change on this node
 * is taken into use at once; other nodes reload every `start(intervalMs)` (the SLA table's way: no
 * Redis channel carries configuration changes between nodes today).
 */
export class KpiCatalogueService {
  private readonly repo: KpiCatalogueRepository;
  private entries: KpiCatalogueEntry[] = [];
  private byId = new Map<string, KpiCatalogueEntry>();
  private stopReload: (() => void) | null = null;
  private seeded = false;

  constructor(private readonly deps: KpiCatalogueDeps) {
    this.repo = new KpiCatalogueRepository(deps.db);
  }

  /** Seeds (first call) and reads the table into the cache. */
  async load(): Promise<void> {
    if (!this.seeded) {
      const added = await this.repo.seed(KPI_CATALOGUE);
      if (added > 0) this.deps.logger.info({ added }, 'KPI catalogue seeded');
      this.seeded = true;
    }
    this.set(await this.repo.list());
  }

  /** Reloads every `intervalMs`; a failed reload keeps the cached catalogue and is tried again next time. */
  start(intervalMs: number): void {
    this.stop();
    this.stopReload = reloadEvery(() => this.load(), intervalMs, this.deps.logger, 'KPI catalogue');
  }

  stop(): void {
    this.stopReload?.();
    this.stopReload = null;
  }

  /** Every entry, active or not, in sort order. */
  list(): KpiCatalogueEntry[] {
    return this.entries;
  }

  /** The active entries, in sort order: what the briefing shows. */
  active(): KpiCatalogueEntry[] {
    return this.entries.filter((e) => e.active);
  }

  get(id: string): KpiCatalogueEntry | undefined {
    return this.byId.get(id);
  }

  /** For the KPI webhook: the entry's unit and whether it takes samples, or undefined when unknown. */
  lookup(id: string): KpiCatalogueLookup | undefined {
    const e = this.byId.get(id);
    return e ? { unit: e.unit, active: e.active } : undefined;
  }

  /**
   * Creates (expectedVersion 0) or updates one entry, with its audit row in the same transaction.
   * 409 IOC_KPI_CATALOGUE_STALE when the entry is not at the version read (or exists already), 409
   * IOC_KPI_CATALOGUE_IN_USE when the unit of an indicator with samples would change, 400 when the target is
   * outside the unit's range.
   */
  async put(
    id: string,
    input: KpiCatalogueInput,
    actor: ActorContext,
  ): Promise<{ entry: KpiCatalogueEntry; created: boolean }> {
    const values = valuesOf(input);
    if (!values.labelVi || !values.labelEn)
      throw new AppError('IOC_REQUEST_INVALID', 'label.vi and label.en must not be blank', {
        path: '/label',
      });
    if (values.target !== null) {
      const problem = kpiValueProblem(values.unit, values.target);
      if (problem)
        throw new AppError('IOC_REQUEST_INVALID', `target ${problem}`, {
          path: '/target',
          unit: values.unit,
        });
    }
    const by = actor.principal?.username ?? actor.principal?.id ?? 'system';
    const result = await this.deps.db.transaction(async (tx) => {
      const before = await this.repo.get(id, tx, true);
      // Left out: an update keeps its place, a new entry goes last.
      if (input.sortOrder === undefined)
        values.sortOrder =
          before?.sort_order ??
          Math.min(KPI_CATALOGUE_LIMITS.sortOrder, Math.max(0, ...this.entries.map((e) => e.sortOrder)) + 10);
      const stale = (current: KpiCatalogueRow | null) =>
        new AppError(
          'IOC_KPI_CATALOGUE_STALE',
          current
            ? `kpi ${id} is at version ${current.version}, not ${input.expectedVersion}`
            : `kpi ${id} does not exist (create it with expectedVersion 0)`,
          { currentVersion: current?.version ?? 0, current: current ? publicKpiEntry(current) : null },
        );
      if (input.expectedVersion === 0) {
        if (before || !(await this.repo.insert(id, values, by, tx))) throw stale(before);
      } else {
        if (!before || before.version !== input.expectedVersion) throw stale(before);
        if (before.has_samples && before.unit !== values.unit)
          throw new AppError(
            'IOC_KPI_CATALOGUE_IN_USE',
            `kpi ${id} has samples in ${before.unit}: its unit cannot become ${values.unit}`,
            { path: '/unit', unit: before.unit },
          );
        if (!(await this.repo.update(id, input.expectedVersion, values, by, tx))) throw stale(before);
      }
      const after = await this.repo.get(id, tx);
      if (!after) throw new Error(`kpi_catalogue ${id} vanished inside its own transaction`);
      const entry = publicKpiEntry(after);
      await this.deps.audit(
        actor,
        before ? 'kpi_catalogue.update' : 'kpi_catalogue.create',
        id,
        before ? publicKpiEntry(before) : undefined,
        entry,
        tx,
      );
      return { entry, created: !before };
    });
    await this.refresh();
    return result;
  }

  /**
   * Deletes an entry nobody sent values of (a mistaken one); an indicator with samples, or one of the
   * seed's, is deactivated instead (409 IOC_KPI_CATALOGUE_IN_USE).
   */
  async remove(id: string, expectedVersion: number, actor: ActorContext): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const before = await this.repo.get(id, tx, true);
      if (!before) throw new AppError('IOC_NOT_FOUND', `no kpi ${id} in the catalogue`);
      if (before.version !== expectedVersion)
        throw new AppError(
          'IOC_KPI_CATALOGUE_STALE',
          `kpi ${id} is at version ${before.version}, not ${expectedVersion}`,
          { currentVersion: before.version, current: publicKpiEntry(before) },
        );
      if (before.has_samples || SEED_IDS.has(id))
        throw new AppError(
          'IOC_KPI_CATALOGUE_IN_USE',
          before.has_samples
            ? `kpi ${id} has samples: deactivate it instead`
            : `kpi ${id} is one of the seed's indicators: deactivate it instead`,
        );
      if (!(await this.repo.delete(id, expectedVersion, tx)))
        throw new AppError('IOC_KPI_CATALOGUE_IN_USE', `kpi ${id} received samples meanwhile`);
      await this.deps.audit(actor, 'kpi_catalogue.delete', id, publicKpiEntry(before), undefined, tx);
    });
    await this.refresh();
  }

  /** After a change on this node: reload now; a failure leaves the periodic reload to catch up. */
  private async refresh(): Promise<void> {
    try {
      this.set(await this.repo.list());
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'KPI catalogue reload after a change failed');
    }
  }

  private set(rows: KpiCatalogueRow[]): void {
    this.entries = rows.map(publicKpiEntry);
    this.byId = new Map(this.entries.map((e) => [e.id, e]));
  }
}

function valuesOf(input: KpiCatalogueInput): KpiCatalogueValues {
  return {
    pillar: input.pillar,
    labelVi: input.label.vi.trim(),
    labelEn: input.label.en.trim(),
    unit: input.unit,
    target: input.target ?? null,
    goodDirection: input.goodDirection,
    description: input.description?.trim() || null,
    active: input.active,
    sortOrder: input.sortOrder ?? 0,
  };
}
