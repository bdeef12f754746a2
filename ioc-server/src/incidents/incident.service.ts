import {
  enrich,
  findMergeTarget,
  type Logger,
  type MergeOptions,
  type MergeReason,
  type SlaTable,
  type WorkingCalendar,
} from '@hue-ioc/streams';
import type { IncidentInput, IncidentOutcome, IncidentSink, IncidentStore } from '../ingest/ports.ts';
import type { IncidentRow } from '../storage/incident.repository.ts';
import type { IncidentsLayer } from '../live/incidents-layer.ts';
import type { Metrics } from '../metrics.ts';

export type { IncidentInput, IncidentOutcome } from '../ingest/ports.ts';

export interface IncidentServiceDeps {
  store: IncidentStore;
  layer: IncidentsLayer;
  calendar: WorkingCalendar;
  /** The deadline table now (the `sla` plugin: editable by an admin); streams' SLA_DEFAULTS without it. */
  sla?: () => SlaTable;
  metrics: Metrics;
  logger: Logger;
  merge?: MergeOptions;
}

/**
 * Turns inputs from every channel into one incident stream (issue: ingest every channel): a re-delivery is
 * a no-op, a report near an open incident of a compatible kind joins it as another source with the reason
 * recorded, anything else opens a new incident with priority, responsible agency and deadline.
 */
export class IncidentService implements IncidentSink {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly changeListeners = new Set<() => void>();

  constructor(private readonly deps: IncidentServiceDeps) {}

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
    const windowMinutes = this.deps.merge?.windowMinutes ?? 120;
    const result = await this.deps.store.transaction(async (tx) => {
      const existing = await tx.incidentOfSource(input.channel, input.sourceId);
      if (existing)
        return {
          outcome: { outcome: 'duplicate', incidentId: existing } as IncidentOutcome,
          row: null as IncidentRow | null,
        };

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
        { calendar: this.deps.calendar, ...(this.deps.sla ? { sla: this.deps.sla() } : {}) },
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
        const open = await tx.openNear(input.position, 0.01, since);
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
          const row = await tx.attach(decision.incidentId, source, enrichment.priority);
          await tx.addEvent(row.id, 'source_added', 'system', {
            channel: input.channel,
            sourceId: input.sourceId,
            reason: decision.reason,
            version: row.version,
          });
          return {
            outcome: { outcome: 'merged', incidentId: row.id, reason: decision.reason } as IncidentOutcome,
            row,
          };
        }
      }

      const id = await tx.nextId(input.receivedAt);
      const row = await tx.insert(
        {
          id,
          category: input.category,
          priority: enrichment.priority,
          title: input.title,
          description: input.description,
          position: input.position,
          wardCode: input.wardCode,
          address: input.address,
          suggestedAgencyId: enrichment.agencyId,
          routingRule: enrichment.routingRule,
          sla: {
            ...(enrichment.sla.hours !== undefined ? { hours: enrichment.sla.hours } : {}),
            ...(enrichment.sla.workingDays !== undefined ? { workingDays: enrichment.sla.workingDays } : {}),
            source: enrichment.sla.source,
            urgent: enrichment.priority === 1,
          },
          dueAt: enrichment.dueAt,
          reporter: input.reporter,
          media: input.media,
          createdAt: input.receivedAt,
        },
        source,
      );
      await tx.addEvent(id, 'created', 'system', {
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
      await this.deps.layer.publish([result.row]);
      for (const listener of this.changeListeners) listener();
    }
    return result.outcome;
  }

  /**
   * Publishes rows another part of this node changed (the workflow: assignments, status changes, merges) on
   * the incidents layer, and tells the change listeners (the wards layer recounts).
   */
  async published(rows: readonly IncidentRow[]): Promise<void> {
    await this.deps.layer.publish(rows);
    for (const listener of this.changeListeners) listener();
  }

  /** Publishes the open incidents the log does not hold yet (IncidentsLayer.load). */
  async load(): Promise<void> {
    await this.deps.layer.load(await this.deps.store.listOpen());
  }
}
