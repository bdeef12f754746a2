import { Value } from '@sinclair/typebox/value';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { SENSOR_KINDS, type SensorKind } from '@hue-ioc/layers';
import { fail, ok, type Result } from '../reject.ts';
import {
  MultiReadingSchema,
  SingleReadingSchema,
  type SensorReadingPayload,
} from './sensor-reading.schema.ts';
import { SENSOR_KIND_DEFAULTS } from './sensor-kinds.ts';
import { checkTimeWindow, DEFAULT_TIME_WINDOW, type TimeWindow } from '../ingest/time-window.ts';

export const SENSOR_TOPIC_FILTER = 'hue/sensors/+/+';
const DEVICE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Bigger than any honest reading; refuse before parsing. */
export const MAX_SENSOR_PAYLOAD_BYTES = 16 * 1024;

const checkSingle = TypeCompiler.Compile(SingleReadingSchema);
const checkMulti = TypeCompiler.Compile(MultiReadingSchema);

export interface SensorReading {
  deviceId: string;
  kind: SensorKind;
  metric: string;
  value: number;
  unit: string;
  ts: Date;
}

export function parseSensorTopic(topic: string): Result<{ kind: SensorKind; deviceId: string }> {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== 'hue' || parts[1] !== 'sensors') {
    return fail('IOC_INGEST_TOPIC', `topic "${topic}" is not hue/sensors/{kind}/{deviceId}`);
  }
  const kind = parts[2] ?? '';
  const deviceId = parts[3] ?? '';
  if (!(SENSOR_KINDS as readonly string[]).includes(kind)) {
    return fail(
      'IOC_INGEST_UNKNOWN_KIND',
      `unknown sensor kind "${kind}"; expected one of ${SENSOR_KINDS.join(', ')}`,
    );
  }
  if (!DEVICE_ID.test(deviceId)) {
    return fail('IOC_INGEST_DEVICE_ID', `device id "${deviceId}" must match ${DEVICE_ID.source}`);
  }
  return ok({ kind: kind as SensorKind, deviceId });
}

/**
 * Validates one MQTT message on a sensor topic and turns it into readings (one per metric).
 * Pure: the caller decides what to store and where rejects go.
 */
export function normaliseSensorMessage(
  topic: string,
  payload: Uint8Array,
  receivedAt: Date,
  /** How old or far ahead `ts` may be (a gauge whose clock reset sends 1970 or year 1). */
  timeWindow: TimeWindow = DEFAULT_TIME_WINDOW,
): Result<SensorReading[]> {
  const t = parseSensorTopic(topic);
  if (!t.ok) return t;
  const { kind, deviceId } = t.value;
  if (payload.byteLength > MAX_SENSOR_PAYLOAD_BYTES) {
    return fail(
      'IOC_INGEST_TOO_LARGE',
      `payload of ${payload.byteLength} bytes exceeds ${MAX_SENSOR_PAYLOAD_BYTES}`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (e) {
    return fail('IOC_INGEST_JSON', `payload is not UTF-8 JSON: ${(e as Error).message}`);
  }
  // Check against the shape the sender meant, so the reason names the wrong field rather than "no union member".
  const check = typeof body === 'object' && body !== null && 'values' in body ? checkMulti : checkSingle;
  if (!check.Check(body)) {
    const errors = [...check.Errors(body)]
      .slice(0, 5)
      .map((e) => ({ path: e.path || '/', message: e.message }));
    return fail(
      'IOC_INGEST_SCHEMA',
      `payload does not match the sensor reading schema: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
      errors,
    );
  }
  const p = Value.Clone(body) as SensorReadingPayload;
  const ts = new Date(p.ts);
  if (Number.isNaN(ts.getTime()) || !calendarDateExists(p.ts))
    return fail('IOC_INGEST_TIME', `ts "${p.ts}" is not a valid time`);
  const inWindow = checkTimeWindow(ts, receivedAt, timeWindow, 'ts', p.ts);
  if (!inWindow.ok) return inWindow;
  const defaults = SENSOR_KIND_DEFAULTS[kind];
  if ('value' in p) {
    if (!Number.isFinite(p.value)) return fail('IOC_INGEST_SCHEMA', 'value must be a finite number');
    return ok([
      { deviceId, kind, metric: defaults.metric, value: p.value, unit: p.unit ?? defaults.unit, ts },
    ]);
  }
  const readings: SensorReading[] = [];
  for (const [metric, value] of Object.entries(p.values)) {
    readings.push({
      deviceId,
      kind,
      metric,
      value,
      unit: metric === defaults.metric ? (p.unit ?? defaults.unit) : (p.unit ?? ''),
      ts,
    });
  }
  return ok(readings);
}

/** `Date` rolls 2026-02-30 over to March; a device that sends it has a broken clock, so refuse it. */
function calendarDateExists(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  if (!m) return false;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d && h < 24 && mi < 60;
}
