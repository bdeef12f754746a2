import { TypeCompiler } from '@sinclair/typebox/compiler';
import { SENSOR_KINDS, type SensorKind } from '@hue-ioc/layers';
import { fail, ok, type Result } from '../reject.ts';
import {
  MAX_READING,
  MAX_UNIT_LENGTH,
  MultiReadingSchema,
  SingleReadingSchema,
  type SensorReadingPayload,
} from './sensor-reading.schema.ts';
import { SENSOR_KIND_DEFAULTS } from './sensor-kinds.ts';
import {
  canonicalIsoMsBytes,
  checkTimeWindow,
  DEFAULT_TIME_WINDOW,
  inTimeWindow,
  isoTimeMs,
  type TimeWindow,
} from '../ingest/time-window.ts';

export const SENSOR_TOPIC_FILTER = 'hue/sensors/+/+';
const DEVICE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Bigger than any honest reading; refuse before parsing. */
export const MAX_SENSOR_PAYLOAD_BYTES = 16 * 1024;

const checkSingle = TypeCompiler.Compile(SingleReadingSchema);
const checkMulti = TypeCompiler.Compile(MultiReadingSchema);
/** One decoder for every message (a decode without `stream` starts afresh; one per message was ~0.3 µs). */
const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** For a unit cut out of a payload: a BOM there is a character of the text, not a stream's mark. */
const UNIT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const TOPIC_PREFIX = 'hue/sensors/';
const KINDS: ReadonlySet<string> = new Set(SENSOR_KINDS);

export interface SensorReading {
  deviceId: string;
  kind: SensorKind;
  metric: string;
  value: number;
  unit: string;
  ts: Date;
}

/**
 * Topics already read, frozen: the same devices publish all day. Bounded (emptied when full), so
 * a sender making up device ids costs a re-read, not memory.
 */
const TOPICS = new Map<string, Readonly<{ kind: SensorKind; deviceId: string }>>();
const MAX_CACHED_TOPICS = 8192;

export function parseSensorTopic(topic: string): Result<Readonly<{ kind: SensorKind; deviceId: string }>> {
  const known = TOPICS.get(topic);
  if (known) return ok(known);
  // hue/sensors/{kind}/{deviceId}: the prefix, then exactly one more separator.
  const slash = topic.startsWith(TOPIC_PREFIX) ? topic.indexOf('/', TOPIC_PREFIX.length) : -1;
  if (slash < 0 || topic.includes('/', slash + 1)) {
    return fail('IOC_INGEST_TOPIC', `topic "${topic}" is not hue/sensors/{kind}/{deviceId}`);
  }
  const kind = topic.slice(TOPIC_PREFIX.length, slash);
  const deviceId = topic.slice(slash + 1);
  if (!KINDS.has(kind)) {
    return fail(
      'IOC_INGEST_UNKNOWN_KIND',
      `unknown sensor kind "${kind}"; expected one of ${SENSOR_KINDS.join(', ')}`,
    );
  }
  if (!DEVICE_ID.test(deviceId)) {
    return fail('IOC_INGEST_DEVICE_ID', `device id "${deviceId}" must match ${DEVICE_ID.source}`);
  }
  if (TOPICS.size >= MAX_CACHED_TOPICS) TOPICS.clear();
  const parsed = Object.freeze({ kind: kind as SensorKind, deviceId });
  TOPICS.set(topic, parsed);
  return ok(parsed);
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
  // What almost every device sends, read in one pass over the bytes; on any doubt the full path decides.
  const c = readCanonicalReading(payload);
  if (c && inTimeWindow(c.ms, receivedAt, timeWindow)) {
    const defaults = SENSOR_KIND_DEFAULTS[kind];
    return ok([
      {
        deviceId,
        kind,
        metric: defaults.metric,
        value: c.value,
        unit: c.unit ?? defaults.unit,
        ts: new Date(c.ms),
      },
    ]);
  }
  let body: unknown;
  try {
    body = JSON.parse(UTF8.decode(payload));
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
  // JSON.parse's own fresh object, checked: nothing else holds it, so it is read as is (no clone).
  const p = body as SensorReadingPayload;
  const ms = isoTimeMs(p.ts);
  if (Number.isNaN(ms)) return fail('IOC_INGEST_TIME', `ts "${p.ts}" is not a valid time`);
  const ts = new Date(ms);
  const inWindow = checkTimeWindow(ts, receivedAt, timeWindow, 'ts', p.ts);
  if (!inWindow.ok) return inWindow;
  const defaults = SENSOR_KIND_DEFAULTS[kind];
  if ('value' in p) {
    // The schema check already refused non-finite numbers (JSON has none) and values past ±1e9.
    return ok([
      { deviceId, kind, metric: defaults.metric, value: p.value, unit: p.unit ?? defaults.unit, ts },
    ]);
  }
  const readings: SensorReading[] = [];
  for (const metric of Object.keys(p.values)) {
    readings.push({
      deviceId,
      kind,
      metric,
      value: p.values[metric]!,
      unit: metric === defaults.metric ? (p.unit ?? defaults.unit) : (p.unit ?? ''),
      ts,
    });
  }
  return ok(readings);
}

export interface CanonicalReading {
  /** `ts` as isoTimeMs reads it. */
  ms: number;
  value: number;
  unit: string | undefined;
}
/** What readCanonicalReading answers: one object for every message, valid until its next call. */
const canonical: CanonicalReading = {
  ms: 0,
  value: 0,
  unit: undefined,
};
const ascii = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0));
const TS_OPEN = ascii('{"ts":"');
const VALUE_KEY = ascii('","value":');
const UNIT_KEY = ascii(',"unit":"');
/** 10^k, exact as doubles for k ≤ 22. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The single-reading payload exactly as devices and the simulator write it, `{"ts":"<time>","value":<n>}`
 * or with `,"unit":"<u>"` before the `}`, read in one pass over its bytes: no text, no JSON.parse tree,
 * no schema check, no regex (together three quarters of the CPU per message, issue 15). Answers only
 * where UTF-8 decoding, JSON.parse, SingleReadingSchema and isoTimeMs would all accept the payload, with
 * the same time, value and unit. Anything else (whitespace, a BOM, another key order, a repeated key, an
 * escape, an exponent, more than 15 digits, `values`, a time not in canonical form) answers null and
 * takes the full path, whose reasons name the wrong field. normalise.spec.ts checks the subset against it.
 * @internal exported for that test; the answer is reused by the next call.
 */
export function readCanonicalReading(b: Uint8Array): Readonly<CanonicalReading> | null {
  if (!bytesAt(b, 0, TS_OPEN)) return null;
  const tsEnd = b.indexOf(34, TS_OPEN.length); // "
  if (tsEnd < 0) return null;
  const ms = canonicalIsoMsBytes(b, TS_OPEN.length, tsEnd);
  if (Number.isNaN(ms) || !bytesAt(b, tsEnd, VALUE_KEY)) return null;
  // A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?, at most 15 digits and no exponent, so that mantissa and
  // 10^k are exact doubles and their quotient is the correctly rounded value JSON.parse gives.
  let i = tsEnd + VALUE_KEY.length;
  const negative = b[i] === 45;
  if (negative) i++;
  let mantissa = 0;
  let nDigits = 0;
  let c = b[i] ?? -1;
  if (c === 48) {
    i++;
    nDigits = 1;
  } else if (c >= 49 && c <= 57) {
    while (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      if (++nDigits > 15) return null;
      c = b[++i] ?? -1;
    }
  } else return null;
  let scale = 0;
  if (b[i] === 46) {
    c = b[++i] ?? -1;
    while (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      scale++;
      if (++nDigits > 15) return null;
      c = b[++i] ?? -1;
    }
    if (scale === 0) return null;
  }
  const magnitude = scale === 0 ? mantissa : mantissa / POW10[scale]!;
  const value = negative ? -magnitude : magnitude;
  if (!(value >= -MAX_READING && value <= MAX_READING)) return null;
  let unit: string | undefined;
  if (bytesAt(b, i, UNIT_KEY)) {
    const from = i + UNIT_KEY.length;
    let j = from;
    let wide = false;
    for (; j < b.length; j++) {
      c = b[j]!;
      if (c === 34) break;
      // Escapes, controls and DEL go the full path (JSON.parse or the unit pattern refuse them there).
      if (c === 92 || c < 0x20 || c === 0x7f) return null;
      if (c >= 0x80) wide = true;
    }
    if (j === from || j >= b.length) return null;
    if (wide) {
      // Non-ASCII (µg/m³): decoded as the full path would, then the pattern's other ranges (C1, surrogates).
      try {
        unit = UNIT_UTF8.decode(b.subarray(from, j));
      } catch {
        return null;
      }
      for (let k = 0; k < unit.length; k++) {
        const u = unit.charCodeAt(k);
        if ((u >= 0x7f && u <= 0x9f) || (u >= 0xd800 && u <= 0xdfff)) return null;
      }
    } else unit = latin1(b, from, j);
    if (unit.length > MAX_UNIT_LENGTH) return null;
    i = j + 1;
  }
  if (i !== b.length - 1 || b[i] !== 125) return null; // }
  canonical.ms = ms;
  canonical.value = value;
  canonical.unit = unit;
  return canonical;
}

/** Whether the bytes of `b` at `at` are `lit`. */
function bytesAt(b: Uint8Array, at: number, lit: Uint8Array): boolean {
  if (at + lit.length > b.length) return false;
  for (let k = 0; k < lit.length; k++) if (b[at + k] !== lit[k]) return false;
  return true;
}

/** ASCII bytes as text. */
function latin1(b: Uint8Array, from: number, to: number): string {
  let out = '';
  for (let k = from; k < to; k++) out += String.fromCharCode(b[k]!);
  return out;
}
