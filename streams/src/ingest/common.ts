import type { TSchema } from '@sinclair/typebox';
import { HUE_BBOX, inBox } from '@hue-ioc/layers';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { fail, ok, type Result } from '../reject.ts';
import type { WardIndex } from '../geo/wards.ts';
import { wardFromAddress } from '../geo/address.ts';
import { checkTimeWindow, DEFAULT_TIME_WINDOW, isoTimeMs, type TimeWindow } from './time-window.ts';

/** The inbound channels of ARCHITECTURE.md ("Flow"); `channel` + `sourceId` is the idempotency key. */
export type IngestChannel = 'hue_s' | 'hotline' | 'open311' | 'camera' | 'sensor' | 'kpi';

/** An id a source gives its own records: Hue-S report ids, hotline ticket ids. */
export const SOURCE_ID = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$';
/** Camera and device ids, as in MQTT topics. */
export const DEVICE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A timestamp further ahead than this is a clock fault, not data (the default; see TimeWindow). */
export const MAX_FUTURE_SKEW_MS = DEFAULT_TIME_WINDOW.maxSkewMs;

/** Refuse before parsing: bigger than any honest payload of these channels. */
export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;

export interface IngestContext {
  receivedAt: Date;
  wards: WardIndex;
  /** How old or far ahead a timestamp may be; DEFAULT_TIME_WINDOW (30 days back, 5 minutes ahead) when absent. */
  timeWindow?: TimeWindow;
}

export type Position = [lon: number, lat: number];

/** Runs a compiled TypeBox check; the reason names the first wrong fields by JSON pointer. */
export function checkSchema<T extends TSchema>(
  check: TypeCheck<T>,
  body: unknown,
  what: string,
): Result<true> {
  if (check.Check(body)) return ok(true);
  const errors = [...check.Errors(body)]
    .slice(0, 5)
    .map((e) => ({ path: e.path || '/', message: e.message }));
  return fail(
    'IOC_INGEST_SCHEMA',
    `${what} does not match its schema: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
    errors,
  );
}

/**
 * Parses an RFC 3339 time, refusing impossible dates (2026-02-30) and times outside `window` around
 * `receivedAt` (by default more than 30 days old or 5 minutes ahead).
 */
export function parseTime(
  value: string,
  path: string,
  receivedAt: Date,
  window: TimeWindow = DEFAULT_TIME_WINDOW,
): Result<Date> {
  const ms = isoTimeMs(value);
  if (Number.isNaN(ms)) return fail('IOC_INGEST_TIME', `${path} "${value}" is not a valid time`, { path });
  return checkTimeWindow(new Date(ms), receivedAt, window, path, value);
}

export function checkPosition(lon: number, lat: number, path: string): Result<Position> {
  if (!Number.isFinite(lon) || !Number.isFinite(lat))
    return fail('IOC_INGEST_SCHEMA', `${path} must be finite numbers`, { path });
  // HUE_BBOX: the province plus about 10 km (layers/src/area.ts).
  if (!inBox(HUE_BBOX, lon, lat)) {
    return fail('IOC_INGEST_OUT_OF_AREA', `${path} (${lat}, ${lon}) is outside Thành phố Huế`, {
      path,
      lat,
      lon,
    });
  }
  return ok([lon, lat]);
}

/**
 * Vietnamese phone numbers as E.164: mobiles 0[3|5|7|8|9]x xxx xxxx (10 digits since the 2018 renumbering) and
 * landlines 02xx xxx xxxx (11 digits; Huế is 0234), written with +84, 84 or 0 and any spaces, dots or dashes.
 */
export function normaliseVietnamesePhone(value: string, path: string): Result<string> {
  const compact = value.replace(/[\s.\-()]/g, '');
  const m = /^(?:\+84|0084|84|0)(\d{9,10})$/.exec(compact);
  const national = m?.[1];
  if (!national || !(/^[35789]\d{8}$/.test(national) || /^2\d{9}$/.test(national))) {
    return fail('IOC_INGEST_PHONE', `${path} is not a Vietnamese mobile or landline number`, { path });
  }
  return ok(`+84${national}`);
}

/** Media and snapshot links: absolute http(s) only (no javascript:, data:, file: or relative links reach a console). */
export function checkHttpUrl(value: string, path: string): Result<string> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('IOC_INGEST_URL', `${path} is not an absolute URL`, { path });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return fail('IOC_INGEST_URL', `${path} must be http or https, not ${url.protocol}`, { path });
  if (url.username || url.password)
    return fail('IOC_INGEST_URL', `${path} must not carry credentials`, { path });
  return ok(url.toString());
}

/** Free text as stored: NFC (iOS sends NFD), control characters removed, whitespace runs collapsed, trimmed. */
export function cleanText(value: string): string {
  return wellFormed(value)
    .normalize('NFC')
    .replace(/(?![\t\n\r])\p{Cc}/gu, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

export interface Located {
  position: Position | null;
  wardCode: string | null;
  /** How the ward was found: inside its polygon, or named in the address. */
  wardVia: 'position' | 'address' | null;
}

/** The ward of a report: by its position when it has one inside a ward, else by the address text. */
export function locate(position: Position | null, address: string | null, wards: WardIndex): Located {
  if (position) {
    const w = wards.wardAt(position[0], position[1]);
    if (w) return { position, wardCode: w.code, wardVia: 'position' };
  }
  if (address) {
    const m = wardFromAddress(address, wards);
    if (m) return { position, wardCode: m.ward.code, wardVia: 'address' };
  }
  return { position, wardCode: null, wardVia: null };
}

/** Decodes a message body (MQTT payload or raw webhook body) as UTF-8 JSON with a size limit. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `value` with each lone UTF-16 surrogate replaced by U+FFFD (String.prototype.toWellFormed, ES2024). */
export function wellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, '\uFFFD');
}

function wellFormedReviver(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.every((k) => wellFormed(k) === k)) return value;
  // A key with a half character: rebuilt with defineProperty, so a key "__proto__" stays an own property.
  const out = {};
  for (const k of keys)
    Object.defineProperty(out, wellFormed(k), {
      value: (value as Record<string, unknown>)[k],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

export function parseJsonBody(payload: Uint8Array | string, maxBytes: number): Result<unknown> {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  if (bytes.byteLength > maxBytes)
    return fail('IOC_INGEST_TOO_LARGE', `payload of ${bytes.byteLength} bytes exceeds ${maxBytes}`);
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // Valid UTF-8 holds no lone surrogate, but a JSON escape can (`"\ud800"`): PostgreSQL's jsonb refuses
    // it and the whole report was a 500 (found by the fuzz). Such a half character becomes U+FFFD, as an
    // invalid byte does in every UTF-8 decoder that does not refuse: the report is kept, the text marked.
    return ok(SURROGATE_ESCAPE.test(text) ? JSON.parse(text, wellFormedReviver) : JSON.parse(text));
  } catch (e) {
    return fail('IOC_INGEST_JSON', `payload is not UTF-8 JSON: ${(e as Error).message}`);
  }
}
