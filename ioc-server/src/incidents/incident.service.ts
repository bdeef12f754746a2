import {
  enrich,
  findMergeTarget,
  type CameraEventType,
  type CategoryCode,
  type Logger,
  type MergeOptions,
  type MergeReason,
  type MergeSignal,
  type ReportMedia,
  type WorkingCalendar,
} from '@hue-ioc/streams';
import type { Feature, IncidentProps, IncidentStatus } from '@hue-ioc/layers';
import type { Db } from '../storage/db.ts';
import type { IncidentRepository, IncidentRow } from '../storage/incident.repository.ts';
import type { LayerHub } from '../live/layer-hub.ts';
import type { Metrics } from '../metrics.ts';

/** Anything that may open or join an incident, from any channel, already validated and normalised. */
export interface IncidentInput {
  channel: 'hue_s' | 'hotline' | 'camera' | 'sensor';
  /** The source's own id: with `channel`, the idempotency key. */
  sourceId: string;
  category: CategoryCode;
  signal?: MergeSignal;
  title: string;
  description: string;
  position: [number, number] | null;
  wardCode: string | null;
  address: string | null;
  media: ReportMedia[];
  reporter: { name: string | null; phone: string | null } | null;
  urgent?: boolean;
  alarmLevel?: 1 | 2 | 3;
  cameraEvent?: CameraEventType;
  occurredAt: Date;
  receivedAt: Date;
}

export type IncidentOutcome =
  | { outcome: 'created'; incidentId: string }
  | { outcome: 'merged'; incidentId: string; reason: MergeReason }
  | { outcome: 'duplicate'; incidentId: string };

export interface IncidentServiceDeps {
  db: Db;
  incidents: IncidentRepository;
  hub: LayerHub;
  calendar: WorkingCalendar;
  metrics: Metrics;
  logger: Logger;
  merge?: MergeOptions;
  now?: () => Date;
}

/** Serialises merge decisions across nodes sharing one PostgreSQL (PGlite has one connection anyway). */
const MERGE_LOCK = 4_619_001;

/**
 * Turns inputs from every channel into one incident stream (issue: ingest every channel): a re-delivery is
 * a no-op, a report near an open incident of a compatible kind joins it as another source with the reason
 * recorded, anything else opens a new incident with priority, responsible agency and deadline.
 */
export class IncidentService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;
  private readonly changeListeners = new Set<() => void>();

  constructor(private readonly deps: IncidentServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Follows changes this node makes to incidents (the wards layer recounts on them); returns the
   * unsubscribe function. Other nodes' changes reach their own listeners on those nodes.
   */
  onChanged(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** One at a time in this process, so two reports of one thing arriving together merge rather than race. */
  ingest(input: IncidentInput): Promise<IncidentOutcome> {
    const run = this.queue.then(() => this.ingestNow(input));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async ingestNow(input: IncidentInput): Promise<IncidentOutcome> {
    const { db, incidents } = this.deps;
    const windowMinutes = this.deps.merge?.windowMinutes ?? 120;
    const result = await db.transaction(async (tx) => {
      if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [MERGE_LOCK]);
      const existing = await incidents.incidentOfSource(tx, input.channel, input.sourceId);
      if (existing)
        return { outcome: { outcome: 'duplicate', incidentId: existing } as IncidentOutcome, row: null };

      const enrichment = enrich(
        {
          category: input.category,
          wardCode: input.wardCode,
          position: input.position,
          address: input.address,
          receivedAt: input.receivedAt,
          ...(input.urgent !== undefined ? { urgent: input.urgent } : {}),
          ...(input.alarmLevel !== undefined ? { alarmLevel: input.alarmLevel } : {}),
          ...(input.cameraEvent !== undefined ? { cameraEvent: input.cameraEvent } : {}),
        },
        { calendar: this.deps.calendar },
      );
      const source = {
        channel: input.channel,
        sourceId: input.sourceId,
        occurredAt: input.occurredAt,
        signal: input.signal ?? null,
        position: input.position,
        matchReason: null as MergeReason | null,
      };

      if (input.position) {
        // ~0.01° ≈ 1.1 km around Huế: a generous prefilter; the matcher applies the real distance.
        const since = new Date(input.occurredAt.getTime() - windowMinutes * 60_000);
        const open = await incidents.openNear(tx, input.position, 0.01, since);
        const decision = findMergeTarget(
          {
            channel: input.channel,
            sourceId: input.sourceId,
            category: input.category,
            position: input.position,
            at: input.occurredAt,
            ...(input.signal ? { signal: input.signal } : {}),
          },
          open,
          this.deps.merge,
        );
        if (decision.kind === 'duplicate')
          return {
            outcome: { outcome: 'duplicate', incidentId: decision.incidentId } as IncidentOutcome,
            row: null,
          };
        if (decision.kind === 'merge') {
          source.matchReason = decision.reason;
          const row = await incidents.attach(tx, decision.incidentId, source, enrichment.priority);
          await incidents.addEvent(tx, row.id, 'source_added', 'system', {
            channel: input.channel,
            sourceId: input.sourceId,
            reason: decision.reason,
          });
          return {
            outcome: { outcome: 'merged', incidentId: row.id, reason: decision.reason } as IncidentOutcome,
            row,
          };
        }
      }

      const id = await incidents.nextId(tx, input.receivedAt);
      const row = await incidents.insert(
        tx,
        {
          id,
          category: input.category,
          priority: enrichment.priority,
          title: input.title,
          description: input.description,
          position: input.position,
          wardCode: input.wardCode,
          address: input.address,
          agencyId: enrichment.agencyId,
          dueAt: enrichment.dueAt,
          reporter: input.reporter,
          media: input.media,
          createdAt: input.receivedAt,
        },
        source,
      );
      await incidents.addEvent(tx, id, 'created', 'system', {
        channel: input.channel,
        sourceId: input.sourceId,
        priorityRule: enrichment.priorityRule,
        routingRule: enrichment.routingRule,
        sla: enrichment.sla,
      });
      return { outcome: { outcome: 'created', incidentId: id } as IncidentOutcome, row };
    });

    this.deps.metrics.incidentOutcomes.inc({ channel: input.channel, outcome: result.outcome.outcome });
    if (result.row) {
      await this.deps.hub.apply('incidents', [incidentFeature(result.row)]);
      for (const listener of this.changeListeners) listener();
    }
    return result.outcome;
  }

  /**
   * Publishes open incidents the log does not hold yet (first start, or an in-process log after a
   * restart); what the log already has is left alone.
   */
  async load(): Promise<void> {
    const rows = await this.deps.incidents.listOpen();
    const missing = rows.filter((r) => {
      const f = this.deps.hub.get('incidents', r.id) as Feature<IncidentProps> | undefined;
      return !f || f.props.version < r.version;
    });
    for (let i = 0; i < missing.length; i += 1000) {
      await this.deps.hub.apply('incidents', missing.slice(i, i + 1000).map(incidentFeature));
    }
  }
}

export function incidentFeature(row: IncidentRow): Feature<IncidentProps> {
  return {
    id: row.id,
    position: row.lon !== null && row.lat !== null ? [row.lon, row.lat] : null,
    props: {
      version: row.version,
      status: row.status as IncidentStatus,
      category: row.category,
      priority: row.priority,
      title: row.title ?? '',
      wardCode: row.ward_code,
      agencyId: row.agency_id,
      dueAt: row.due_at?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      channels: row.sources.map((s) => s.channel),
    },
  };
}
