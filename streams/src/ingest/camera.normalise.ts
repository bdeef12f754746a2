import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { fail, ok, type Result } from '../reject.ts';
import type { WardIndex } from '../geo/wards.ts';
import { CAMERA_EVENT_CATEGORY, type CameraEventType, type CategoryCode } from '../incidents/taxonomy.ts';
import { DEVICE_ID, checkHttpUrl, checkSchema, parseJsonBody, parseTime, type Position } from './common.ts';
import type { TimeWindow } from './time-window.ts';
import {
  CameraEventSchema,
  CameraStatusSchema,
  type CameraEventPayload,
  type CameraStatusPayload,
} from './camera.schema.ts';

export const CAMERA_EVENTS_TOPIC_FILTER = 'hue/cameras/+/events';
export const CAMERA_STATUS_TOPIC_FILTER = 'hue/cameras/+/status';
/** No honest detection or heartbeat is bigger; refuse before parsing. */
export const MAX_CAMERA_PAYLOAD_BYTES = 8 * 1024;

const checkEvent = TypeCompiler.Compile(CameraEventSchema);
const checkStatus = TypeCompiler.Compile(CameraStatusSchema);

export interface NormalisedCameraEvent {
  kind: 'event';
  channel: 'camera';
  /** `${cameraId}:${type}:${ts ISO}`: an MQTT QoS 1 re-delivery is the same event. */
  sourceId: string;
  cameraId: string;
  type: CameraEventType;
  category: CategoryCode;
  confidence: number;
  snapshotUrl: string | null;
  ts: Date;
  position: Position | null;
  wardCode: string | null;
}

export interface NormalisedCameraStatus {
  kind: 'status';
  channel: 'camera';
  cameraId: string;
  online: boolean;
  ts: Date;
}

export interface CameraContext {
  receivedAt: Date;
  wards?: WardIndex;
  /**
   * The camera registry: where a camera stands (null when not surveyed), or undefined for a camera we do not
   * know, which is refused. Without a registry every camera is accepted without a position.
   */
  camera?: (cameraId: string) => { position: Position | null } | undefined;
  /** How old or far ahead `ts` may be; DEFAULT_TIME_WINDOW when absent. */
  timeWindow?: TimeWindow;
}

export function parseCameraTopic(topic: string): Result<{ cameraId: string; stream: 'events' | 'status' }> {
  const parts = topic.split('/');
  const stream = parts[3];
  if (
    parts.length !== 4 ||
    parts[0] !== 'hue' ||
    parts[1] !== 'cameras' ||
    (stream !== 'events' && stream !== 'status')
  ) {
    return fail('IOC_INGEST_TOPIC', `topic "${topic}" is not hue/cameras/{cameraId}/events or /status`);
  }
  const cameraId = parts[2] ?? '';
  if (!DEVICE_ID.test(cameraId))
    return fail('IOC_INGEST_DEVICE_ID', `camera id "${cameraId}" must match ${DEVICE_ID.source}`);
  return ok({ cameraId, stream });
}

/** Validates one MQTT message on a camera topic. Pure: the caller stores it and dead-letters the reject. */
export function normaliseCameraMessage(
  topic: string,
  payload: Uint8Array,
  ctx: CameraContext,
): Result<NormalisedCameraEvent | NormalisedCameraStatus> {
  const t = parseCameraTopic(topic);
  if (!t.ok) return t;
  const { cameraId, stream } = t.value;
  const registered = ctx.camera ? ctx.camera(cameraId) : { position: null };
  if (!registered) return fail('IOC_INGEST_UNKNOWN_DEVICE', `camera "${cameraId}" is not registered`);
  const body = parseJsonBody(payload, MAX_CAMERA_PAYLOAD_BYTES);
  if (!body.ok) return body;

  if (stream === 'status') {
    const schema = checkSchema(checkStatus, body.value, 'camera status');
    if (!schema.ok) return schema;
    const p = Value.Clone(body.value) as CameraStatusPayload;
    const ts = parseTime(p.ts, '/ts', ctx.receivedAt, ctx.timeWindow);
    if (!ts.ok) return ts;
    return ok({ kind: 'status', channel: 'camera', cameraId, online: p.online, ts: ts.value });
  }

  const schema = checkSchema(checkEvent, body.value, 'camera event');
  if (!schema.ok) return schema;
  const p = Value.Clone(body.value) as CameraEventPayload;
  const ts = parseTime(p.ts, '/ts', ctx.receivedAt, ctx.timeWindow);
  if (!ts.ok) return ts;
  let snapshotUrl: string | null = null;
  if (p.snapshot_url !== undefined) {
    const u = checkHttpUrl(p.snapshot_url, '/snapshot_url');
    if (!u.ok) return u;
    snapshotUrl = u.value;
  }
  const position = registered.position;
  const wardCode = position && ctx.wards ? (ctx.wards.wardAt(position[0], position[1])?.code ?? null) : null;
  return ok({
    kind: 'event',
    channel: 'camera',
    sourceId: `${cameraId}:${p.type}:${ts.value.toISOString()}`,
    cameraId,
    type: p.type,
    category: CAMERA_EVENT_CATEGORY[p.type],
    confidence: p.confidence,
    snapshotUrl,
    ts: ts.value,
    position,
    wardCode,
  });
}
