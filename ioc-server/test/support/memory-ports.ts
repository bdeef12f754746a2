/**
 * In-memory implementations of the ingest ports (src/ingest/ports.ts) for the services' unit specs: no
 * database, no broker, no event log. They keep the contracts the storage and live implementations keep
 * (re-deliveries skipped on the same keys, a transaction all or nothing, priority only climbing), and
 * expose what they hold so a spec can look.
 */
import type { Feature, IncidentProps } from '@hue-ioc/layers';
import {
  silentLogger,
  WorkingCalendar,
  type MergeSignal,
  type NormalisedCameraEvent,
  type InboundMessage,
  type OpenIncident,
  type SensorReading,
} from '@hue-ioc/streams';
import type {
  AlarmStore,
  CameraEventBatch,
  CameraEventSink,
  Clock,
  DeadLetter,
  DeadLetterSink,
  DeviceAlarm,
  ImportJob,
  ImportJobStore,
  IngestSpool,
  IncidentStore,
  IncidentStoreTx,
  LayerSink,
  NewDevice,
  ObservationBatch,
  ObservationSink,
  SpooledBatch,
} from '../../src/ingest/ports.ts';
import type { DeviceRow } from '../../src/storage/device.repository.ts';
import type { IncidentRow, NewIncident, SourceRow } from '../../src/storage/incident.repository.ts';
import { IncidentService } from '../../src/incidents/incident.service.ts';
import { IncidentsLayer } from '../../src/live/incidents-layer.ts';
import { createMetrics } from '../../src/metrics.ts';

/** A clock a spec moves by hand. */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: string | Date) {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** The spool in memory, bounded by a number of messages. */
export class MemorySpool implements IngestSpool {
  readonly batches: SpooledBatch[] = [];
  private seq = 0;
  constructor(private readonly maxMessages = Infinity) {}
  get messages(): number {
    return this.batches.reduce((n, b) => n + b.messages.length, 0);
  }
  get oldestAt(): Date | null {
    return this.batches[0]?.messages[0]?.receivedAt ?? null;
  }
  append(messages: readonly InboundMessage[]): Promise<boolean> {
    if (this.messages + messages.length > this.maxMessages) return Promise.resolve(false);
    this.batches.push({ id: String(this.seq++), messages: [...messages] });
    return Promise.resolve(true);
  }
  head(maxMessages: number): Promise<SpooledBatch[]> {
    const out: SpooledBatch[] = [];
    let n = 0;
    for (const b of this.batches) {
      if (out.length > 0 && n + b.messages.length > maxMessages) break;
      out.push(b);
      n += b.messages.length;
    }
    return Promise.resolve(out);
  }
  remove(id: string): Promise<void> {
    const i = this.batches.findIndex((b) => b.id === id);
    if (i >= 0) this.batches.splice(i, 1);
    return Promise.resolve();
  }
}

export class MemoryDeadLetterSink implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];
  reject(letters: readonly DeadLetter[]): Promise<void> {
    this.letters.push(...letters);
    return Promise.resolve();
  }
}

/** A layer as the event log would hold it, applied at once (no tick). */
export class MemoryLayer<P> implements LayerSink<P> {
  readonly state = new Map<string, Feature<P>>();
  /** Every apply call, in order. */
  readonly applied: { upserts: Feature<P>[]; removes: string[] }[] = [];
  get(id: string): Feature<P> | undefined {
    return this.state.get(id);
  }
  features(): readonly Feature<P>[] {
    return [...this.state.values()];
  }
  apply(upserts: readonly Feature<P>[], removes: readonly string[] = []): Promise<void> {
    this.applied.push({ upserts: [...upserts], removes: [...removes] });
    for (const id of removes) this.state.delete(id);
    for (const f of upserts) this.state.set(f.id, f);
    return Promise.resolve();
  }
}

/** A device row as `devices` holds it. */
export function deviceRow(d: Partial<DeviceRow> & Pick<DeviceRow, 'id' | 'kind'>): DeviceRow {
  return {
    name: d.id,
    lon: null,
    lat: null,
    ward_code: null,
    thresholds: [],
    unit: null,
    expected_interval_s: 300,
    metadata: {},
    auto_registered: false,
    last_seen_at: null,
    ...d,
  };
}

const registered = (d: NewDevice): DeviceRow =>
  deviceRow({
    id: d.id,
    kind: d.kind,
    unit: d.unit,
    thresholds: d.thresholds,
    expected_interval_s: d.expectedIntervalS,
    auto_registered: true,
  });

/** observations + devices + the batch's dead letters; a reading is unique on (device, metric, ts). */
export class MemoryObservationSink implements ObservationSink {
  readonly readings = new Map<string, SensorReading>();
  readonly devices = new Map<string, DeviceRow>();
  /** Batches stored, as handed over (the point where the MQTT batch may be acknowledged). */
  readonly batches: ObservationBatch[] = [];

  constructor(private readonly deadLetters: MemoryDeadLetterSink) {}

  async storeBatch(batch: ObservationBatch): Promise<{ stored: number; registered: DeviceRow[] }> {
    const fresh = batch.newDevices.filter((d) => !this.devices.has(d.id)).map(registered);
    let stored = 0;
    for (const r of batch.readings) {
      const key = `${r.deviceId}|${r.metric}|${r.ts.toISOString()}`;
      if (this.readings.has(key)) continue;
      this.readings.set(key, r);
      stored++;
    }
    for (const d of fresh) this.devices.set(d.id, d);
    for (const [id, ts] of batch.lastSeen) {
      const d = this.devices.get(id);
      if (d && (!d.last_seen_at || d.last_seen_at < ts)) this.devices.set(id, { ...d, last_seen_at: ts });
    }
    await this.deadLetters.reject(batch.rejects);
    this.batches.push(batch);
    return { stored, registered: fresh };
  }
}

/** camera_events + cameras registered from their topic + the batch's dead letters. */
export class MemoryCameraEventSink implements CameraEventSink {
  readonly events = new Map<string, { event: NormalisedCameraEvent; incidentId: string | null }>();
  readonly cameras = new Map<string, DeviceRow>();

  constructor(private readonly deadLetters: MemoryDeadLetterSink) {}

  async storeBatch(
    batch: CameraEventBatch,
  ): Promise<{ fresh: ReadonlySet<string>; registered: DeviceRow[] }> {
    const fresh = new Set<string>();
    for (const e of batch.events) {
      if (this.events.has(e.sourceId)) continue;
      this.events.set(e.sourceId, { event: e, incidentId: null });
      fresh.add(e.sourceId);
    }
    const rows = batch.newCameras
      .filter((id) => !this.cameras.has(id))
      .map((id) => deviceRow({ id, kind: 'camera', unit: '', auto_registered: true }));
    for (const d of rows) this.cameras.set(d.id, d);
    await this.deadLetters.reject(batch.rejects);
    return { fresh, registered: rows };
  }

  linkIncident(e: NormalisedCameraEvent, incidentId: string): Promise<void> {
    const stored = this.events.get(e.sourceId);
    if (stored) stored.incidentId = incidentId;
    return Promise.resolve();
  }
}

export class MemoryAlarmStore implements AlarmStore {
  readonly alarms = new Map<string, DeviceAlarm>();
  /** Statements a database would have run (putMany calls with something to write). */
  writes = 0;
  get(deviceIds: readonly string[]): Promise<Map<string, DeviceAlarm>> {
    const out = new Map<string, DeviceAlarm>();
    for (const id of deviceIds) {
      const a = this.alarms.get(id);
      if (a) out.set(id, { ...a });
    }
    return Promise.resolve(out);
  }
  putMany(alarms: readonly DeviceAlarm[]): Promise<void> {
    if (alarms.length > 0) this.writes++;
    for (const a of alarms) this.alarms.set(a.deviceId, { ...a });
    return Promise.resolve();
  }
}

export class MemoryImportJobStore implements ImportJobStore {
  readonly jobs = new Map<string, ImportJob & { filename: string | null }>();
  create(job: ImportJob, filename: string | null): Promise<void> {
    this.jobs.set(job.id, { ...structuredClone(job), filename });
    return Promise.resolve();
  }
  save(job: ImportJob): Promise<void> {
    const filename = this.jobs.get(job.id)?.filename ?? null;
    this.jobs.set(job.id, { ...structuredClone(job), filename });
    return Promise.resolve();
  }
  get(id: string): Promise<ImportJob | null> {
    const j = this.jobs.get(id);
    if (!j) return Promise.resolve(null);
    const { filename: _filename, ...job } = structuredClone(j);
    return Promise.resolve(job);
  }
}

/** Finished incidents absorb no new reports (layers' incident states). */
const FINISHED = new Set(['rejected', 'resolved', 'closed']);

interface IncidentState {
  rows: Map<string, IncidentRow>;
  /** `${channel} ${sourceId}` → the source and its incident. */
  sources: Map<string, { incidentId: string; source: SourceRow }>;
  events: { incidentId: string; type: string; actor: string; data: unknown }[];
  seq: number;
}

/** incidents + incident_sources + incident_events; each transaction is all or nothing. */
/**
 * The workflow columns of a case nobody has touched yet (migration 0009): what a new row holds, for test
 * rows built by hand (`{ ...NO_WORKFLOW_YET, id, status, … }`).
 */
export const NO_WORKFLOW_YET = {
  suggested_agency_id: null,
  routing_rule: null,
  routing_reason: null,
  sla: null,
  verified_at: null,
  assigned_at: null,
  accepted_at: null,
  breached_at: null,
  escalated_at: null,
  public_reply: null,
  rating: null,
  rating_comment: null,
  rated_at: null,
  merged_into: null,
} as const satisfies Partial<IncidentRow>;

export class MemoryIncidentStore implements IncidentStore {
  private state: IncidentState = { rows: new Map(), sources: new Map(), events: [], seq: 0 };

  constructor(private readonly clock: Clock) {}

  get rows(): ReadonlyMap<string, IncidentRow> {
    return this.state.rows;
  }
  eventsOf(incidentId: string): { type: string; data: unknown }[] {
    return this.state.events.filter((e) => e.incidentId === incidentId);
  }

  async transaction<T>(fn: (tx: IncidentStoreTx) => Promise<T>): Promise<T> {
    const before = structuredClone(this.state);
    try {
      return await fn(this.tx());
    } catch (e) {
      this.state = before;
      throw e;
    }
  }

  listOpen(): Promise<IncidentRow[]> {
    return Promise.resolve([...this.state.rows.values()].filter((r) => !FINISHED.has(r.status)));
  }

  private tx(): IncidentStoreTx {
    const s = this.state;
    const addSource = (incidentId: string, source: SourceRow) =>
      s.sources.set(`${source.channel} ${source.sourceId}`, { incidentId, source });
    return {
      incidentOfSource: (channel, sourceId) =>
        Promise.resolve(s.sources.get(`${channel} ${sourceId}`)?.incidentId ?? null),
      openNear: (position, deg, since) => {
        const near: OpenIncident[] = [];
        for (const r of s.rows.values()) {
          if (FINISHED.has(r.status) || r.lon === null || r.lat === null || r.updated_at < since) continue;
          if (Math.abs(r.lon - position[0]) > deg || Math.abs(r.lat - position[1]) > deg) continue;
          near.push({
            id: r.id,
            category: r.category as OpenIncident['category'],
            position: [r.lon, r.lat],
            sources: [...s.sources.values()]
              .filter((x) => x.incidentId === r.id)
              .map(({ source }) => ({
                channel: source.channel,
                sourceId: source.sourceId,
                at: source.occurredAt,
                position: source.position,
                ...(source.signal ? { signal: source.signal as MergeSignal } : {}),
              })),
          });
        }
        return Promise.resolve(near);
      },
      nextId: (at) => {
        const local = new Date(at.getTime() + 7 * 3_600_000); // Asia/Ho_Chi_Minh
        const yymm = `${String(local.getUTCFullYear()).slice(2)}${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
        return Promise.resolve(`IOC-${yymm}-${String(++s.seq).padStart(6, '0')}`);
      },
      insert: (i: NewIncident, source: SourceRow) => {
        const row: IncidentRow = {
          id: i.id,
          version: 1,
          status: 'new',
          category: i.category,
          priority: i.priority,
          title: i.title,
          description: i.description,
          lon: i.position?.[0] ?? null,
          lat: i.position?.[1] ?? null,
          ward_code: i.wardCode,
          address: i.address,
          agency_id: null,
          ...NO_WORKFLOW_YET,
          suggested_agency_id: i.suggestedAgencyId,
          routing_rule: i.routingRule?.id ?? null,
          routing_reason: i.routingRule?.description ?? null,
          sla: i.sla,
          due_at: i.dueAt,
          sources: [
            {
              channel: source.channel,
              sourceId: source.sourceId,
              at: source.occurredAt.toISOString(),
              signal: source.signal,
            },
          ],
          reporter: i.reporter,
          media: i.media,
          created_at: i.createdAt,
          updated_at: i.createdAt,
          resolved_at: null,
          closed_at: null,
        };
        s.rows.set(row.id, row);
        addSource(row.id, source);
        return Promise.resolve(row);
      },
      attach: (incidentId, source, priority) => {
        const cur = s.rows.get(incidentId);
        if (!cur) return Promise.reject(new Error(`no incident ${incidentId}`));
        addSource(incidentId, source);
        const row: IncidentRow = {
          ...cur,
          version: cur.version + 1,
          priority: Math.min(cur.priority, priority),
          updated_at: this.clock.now(),
          sources: [
            ...cur.sources,
            {
              channel: source.channel,
              sourceId: source.sourceId,
              at: source.occurredAt.toISOString(),
              signal: source.signal,
            },
          ],
        };
        s.rows.set(incidentId, row);
        return Promise.resolve(row);
      },
      addEvent: (incidentId, type, actor, data) => {
        s.events.push({ incidentId, type, actor, data });
        return Promise.resolve();
      },
    };
  }
}

/** The incident stream on memory ports: the real service, its store and the `incidents` layer in memory. */
export function memoryIncidentService(clock: Clock) {
  const store = new MemoryIncidentStore(clock);
  const layer = new MemoryLayer<IncidentProps>();
  const metrics = createMetrics();
  const service = new IncidentService({
    store,
    layer: new IncidentsLayer(layer),
    calendar: new WorkingCalendar(),
    metrics,
    logger: silentLogger,
  });
  return { store, layer, metrics, service };
}
