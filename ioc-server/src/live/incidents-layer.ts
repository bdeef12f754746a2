import type { Feature, IncidentProps, IncidentStatus } from '@hue-ioc/layers';
import type { LayerSink } from '../ingest/ports.ts';
import type { IncidentRow } from '../storage/incident.repository.ts';

/** The one writer of the `incidents` layer: an incident's current state, without personal data. */
export class IncidentsLayer {
  constructor(private readonly sink: LayerSink<IncidentProps>) {}

  async publish(rows: readonly IncidentRow[]): Promise<void> {
    if (rows.length > 0) await this.sink.apply(rows.map(incidentFeature));
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
