/**
 * The ports of the ingest pipelines (ARCHITECTURE.md "Inside ioc-server"; STYLE.md, immich's services):
 * each channel is source → streams pipeline (validate, normalise, enrich, dedupe key) → these ports. The
 * services that decide things (sensor and camera ingest, hotline import, alarms, the incident stream's merge
 * and priority) take them, never a Db, a repository or the hub, so their specs run on in-memory ports
 * (ioc-server/test/support/memory-ports.ts). Implemented in src/storage (over the repositories, in
 * TimescaleDB) and src/live (over the layer hub, in the event log).
 */
import type {
  CameraEventType,
  CategoryCode,
  InboundMessage,
  MergeReason,
  MergeSignal,
  NormalisedCameraEvent,
  OpenIncident,
  Reject,
  ReportMedia,
  SensorReading,
} from '@hue-ioc/streams';
import type { Feature } from '@hue-ioc/layers';
import type { DeviceRow } from '../storage/device.repository.ts';
import type { IncidentRow, NewIncident, SourceRow } from '../storage/incident.repository.ts';
import type { ImportJob } from '@hue-ioc/layers';

/** The time, asked of a port so specs can set it. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

// ── dead letters ───────────────────────────────────────────────────────────────────────────────────────

/** An input refused by a pipeline, kept with its raw bytes so it can be looked at and replayed. */
export interface DeadLetter {
  /** The channel as `dead_letters.source` and the metrics name it: `mqtt`, `hue-s`, `hotline`, `kpi`, `csv`. */
  source: string;
  reasonCode: string;
  reason: string;
  /** MQTT topic, request path or `hotline.csv#<row>`. */
  topic: string | null;
  payload: Uint8Array | null;
  details: unknown;
  receivedAt: Date;
}

/** Every channel's one way to refuse an input: stored in dead_letters, counted, logged (never the payload). */
export interface DeadLetterSink {
  /** Resolves once the letters are stored. */
  reject(letters: readonly DeadLetter[]): Promise<void>;
}

/** A pipeline's `Reject` as a dead letter (the details are the reject's own). */
export function deadLetterOf(
  source: string,
  reject: Reject,
  at: { topic: string | null; payload: Uint8Array | null; receivedAt: Date },
): DeadLetter {
  return {
    source,
    reasonCode: reject.code,
    reason: reject.reason,
    topic: at.topic === null ? null : at.topic.slice(0, 512),
    payload: at.payload,
    details: reject.details,
    receivedAt: at.receivedAt,
  };
}

// ── the on-disk spool ──────────────────────────────────────────────────────────────────────────────────

/** A batch the spool holds: `id` names it for `remove`. */
export interface SpooledBatch {
  id: string;
  messages: InboundMessage[];
}

/**
 * Where a channel keeps inbound messages while the database cannot take them (issue 11, "Database
 * outage"): bounded, on disk (under DATA_DIR), so an MQTT message may be acknowledged once it is here and
 * a restart loses nothing. Batches come back oldest first; one is removed only once it is stored.
 */
export interface IngestSpool {
  /** Keeps a batch durably (written and synced); false, keeping nothing, when it would pass the bound. */
  append(messages: readonly InboundMessage[]): Promise<boolean>;
  /** The oldest batches, as many as fit in `maxMessages` (at least one when any is held). */
  head(maxMessages: number): Promise<SpooledBatch[]>;
  remove(id: string): Promise<void>;
  /** Messages held now. */
  readonly messages: number;
  /** When the oldest message held was received, or null when empty. */
  readonly oldestAt: Date | null;
}

// ── sensor readings ────────────────────────────────────────────────────────────────────────────────────

/** A device first heard on its topic: registered with its kind's defaults and no position. */
export interface NewDevice {
  id: string;
  kind: string;
  unit: string;
  expectedIntervalS: number;
  thresholds: number[];
}

/** One MQTT batch of the sensor topics, as the pipeline left it. */
export interface ObservationBatch {
  readings: readonly SensorReading[];
  newDevices: readonly NewDevice[];
  /** The newest reading time per device (`devices.last_seen_at`). */
  lastSeen: ReadonlyMap<string, Date>;
  /** The batch's refused messages, kept in the same transaction as its readings. */
  rejects: readonly DeadLetter[];
}

export interface ObservationSink {
  /**
   * Stores a batch in one transaction: new devices, readings (a re-delivery — same device, metric and ts —
   * is skipped), the batch's dead letters and last-seen times. Resolves once durable: only then may the
   * MQTT batch be acknowledged (QoS 1). Returns how many readings were new and the devices registered.
   */
  storeBatch(batch: ObservationBatch): Promise<{ stored: number; registered: DeviceRow[] }>;
}

// ── camera events ──────────────────────────────────────────────────────────────────────────────────────

/** One MQTT batch of the camera topics, as the pipeline left it. */
export interface CameraEventBatch {
  events: readonly NormalisedCameraEvent[];
  /** Cameras heard for the first time: registered without a position, as sensors are. */
  newCameras: readonly string[];
  rejects: readonly DeadLetter[];
}

export interface CameraEventSink {
  /**
   * Stores a batch in one transaction: new cameras, detections (a re-delivery is skipped) and the batch's
   * dead letters. Returns the `sourceId`s of the detections stored now and the cameras registered.
   */
  storeBatch(batch: CameraEventBatch): Promise<{ fresh: ReadonlySet<string>; registered: DeviceRow[] }>;
  /** Records which incident a stored detection opened or joined. */
  linkIncident(event: NormalisedCameraEvent, incidentId: string): Promise<void>;
}

// ── incidents ──────────────────────────────────────────────────────────────────────────────────────────

/** Anything that may open or join an incident, from any channel, already validated and normalised. */
export interface IncidentInput {
  channel: 'hue_s' | 'hotline' | 'open311' | 'camera' | 'sensor';
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

/** The one incident stream every channel feeds (IncidentService): create, merge or recognise a re-delivery. */
export interface IncidentSink {
  ingest(input: IncidentInput): Promise<IncidentOutcome>;
}

/** What the incident stream reads and writes within one decision. */
export interface IncidentStoreTx {
  /** The incident a source (channel + its own id) already belongs to, open or closed. */
  incidentOfSource(channel: string, sourceId: string): Promise<string | null>;
  /** Open incidents within a lon/lat box of ±`deg` around `position`, changed since `since`, with sources. */
  openNear(position: [number, number], deg: number, since: Date): Promise<OpenIncident[]>;
  /** The next incident id, `IOC-<yymm>-<6 digits>` (month of `at` in Huế). */
  nextId(at: Date): Promise<string>;
  insert(incident: NewIncident, source: SourceRow): Promise<IncidentRow>;
  /** Adds a source; the incident's priority becomes the more urgent (lower) of its own and `priority`. */
  attach(incidentId: string, source: SourceRow, priority: number): Promise<IncidentRow>;
  addEvent(incidentId: string, type: string, actor: string, data: unknown): Promise<void>;
}

export interface IncidentStore {
  /**
   * Runs one decision atomically, serialised against every other writer of the incident stream (other nodes
   * included), so two reports of one thing arriving together merge rather than race.
   */
  transaction<T>(fn: (tx: IncidentStoreTx) => Promise<T>): Promise<T>;
  listOpen(): Promise<IncidentRow[]>;
}

// ── sensor alarms ──────────────────────────────────────────────────────────────────────────────────────

/** A sensor's alarm state (device_alarms): level 0 is no alarm. */
export interface DeviceAlarm {
  deviceId: string;
  level: number;
  since: Date;
  incidentId: string | null;
  /** The highest value of the current alarm; null at level 0. */
  peak: number | null;
}

export interface AlarmStore {
  get(deviceIds: readonly string[]): Promise<Map<string, DeviceAlarm>>;
  /** Writes the states of several devices in one statement (a batch's changes). */
  putMany(alarms: readonly DeviceAlarm[]): Promise<void>;
}

// ── hotline imports ────────────────────────────────────────────────────────────────────────────────────

/** A hotline CSV import and its progress: the REST payload of layers (ImportJobSchema). */
export type { ImportJob };

/** Progress of bulk imports (import_jobs), readable while they run. */
export interface ImportJobStore {
  create(job: ImportJob, filename: string | null): Promise<void>;
  save(job: ImportJob): Promise<void>;
  get(id: string): Promise<ImportJob | null>;
}

// ── live layers ────────────────────────────────────────────────────────────────────────────────────────

/**
 * One live layer as its writer (src/live/<layer>-layer.ts) sees it: the features the event log holds on this
 * node (every node's writes applied) and a way to append changes.
 */
export interface LayerSink<P = unknown> {
  get(id: string): Feature<P> | undefined;
  features(): readonly Feature<P>[];
  /** Resolves once the changes are in the event log; subscribers get them on the next tick. */
  apply(upserts: readonly Feature<P>[], removes?: readonly string[]): Promise<void>;
}
