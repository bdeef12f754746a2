import type { Feature, IncidentProps, IncidentStatus } from '@hue-ioc/layers';
import type { LayerSink } from '../ingest/ports.ts';
import type { IncidentRow } from '../storage/incident.repository.ts';

/** A case that left the process (rejected, closed, merged) stays on the layer this long, then is removed. */
export const RETAIN_FINISHED_MS = 5 * 60_000;

/**
 * The one writer of the `incidents` layer: an incident's current state, without personal data. A case that
 * is done (rejected, closed, merged into another) is published once more with its final state — the wall
 * drops it, the consoles see the change — and removed from the layer RETAIN_FINISHED_MS later, so the
 * layer holds the open cases and those awaiting the citizen's rating, not the city's whole history.
 */
export class IncidentsLayer {
  private readonly leaving = new Map<string, number>();
  private sweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly sink: LayerSink<IncidentProps>,
    private readonly opts: { retainFinishedMs?: number; now?: () => number } = {},
  ) {}

  async publish(rows: readonly IncidentRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.sink.apply(rows.map(incidentFeature));
    const now = this.opts.now?.() ?? Date.now();
    for (const r of rows) {
      if (isGone(r)) this.leaving.set(r.id, now + (this.opts.retainFinishedMs ?? RETAIN_FINISHED_MS));
      else this.leaving.delete(r.id);
    }
    if (this.leaving.size > 0) this.startSweep();
  }

  /** Removes the finished cases whose time on the layer is up. */
  async removeFinished(): Promise<void> {
    const now = this.opts.now?.() ?? Date.now();
    const due: string[] = [];
    for (const [id, at] of this.leaving) {
      if (at > now) continue;
      this.leaving.delete(id);
      const f = this.sink.get(id);
      // Reopened in between (a newer upsert not finished): it stays.
      if (f && (f.props.status === 'closed' || f.props.status === 'rejected')) due.push(id);
    }
    if (due.length > 0) await this.sink.apply([], due);
  }

  stop(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = null;
  }

  private startSweep(): void {
    if (this.sweep) return;
    const every = Math.max(1000, Math.min(30_000, (this.opts.retainFinishedMs ?? RETAIN_FINISHED_MS) / 4));
    this.sweep = setInterval(() => void this.removeFinished().catch(() => undefined), every);
    this.sweep.unref();
  }

  /**
   * Publishes open incidents the log does not hold yet (first start, or an in-process log after a
   * restart); what the log already has at the same or a newer version is left alone.
   */
  async load(rows: readonly IncidentRow[]): Promise<void> {
    const missing = rows.filter((r) => {
      const f = this.sink.get(r.id);
      return !f || f.props.version < r.version;
    });
    for (let i = 0; i < missing.length; i += 1000) await this.publish(missing.slice(i, i + 1000));
  }
}

/** Out of the process for good: rejected, closed (rated, timed out, or merged into another case). */
const isGone = (r: IncidentRow) => r.status === 'closed' || r.status === 'rejected' || r.merged_into !== null;

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
