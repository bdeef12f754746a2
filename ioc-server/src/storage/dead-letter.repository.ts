import type { DeadLetter } from '../ingest/ports.ts';
import type { Queryable } from './db.ts';

export interface DeadLetterRow {
  id: number;
  received_at: Date;
  source: string;
  reason_code: string;
  reason: string;
  topic: string | null;
  /** The raw payload, base64 (it may be any bytes). */
  payload_base64: string | null;
  details: unknown;
}

/** Longer reasons are cut: the payload (kept whole) is where the detail is. */
const MAX_REASON_CHARS = 4000;
const MAX_TOPIC_CHARS = 512;

/**
 * What PostgreSQL text refuses, and a valid JS string may hold: U+0000 (`invalid byte sequence for encoding
 * "UTF8": 0x00`, in text and in jsonb alike) and UTF-16 surrogates without their pair (which have no UTF-8
 * form; jsonb refuses their `\uD800` escapes). Invalid UTF-8 never reaches a string: it stays in the bytea
 * payload.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text any PostgreSQL text column takes: NUL and lone surrogates written as the six characters `\uXXXX`. */
export function storableText(value: string, max = Infinity): string {
  // Cut first, then escape: a cut through a surrogate pair leaves a lone half, which is escaped too.
  const cut = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return cut.replace(UNSTORABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `JSON.stringify` writes NUL as `\u0000` and a lone surrogate as `\udXXX` (well-formed stringify; a
 * paired one is written as itself), the escapes jsonb refuses. Preceded by an even run of backslashes, such
 * an escape is one; after an odd run it is text (`"\\u0000"` is a backslash and "u0000").
 */
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/gi;

/**
 * The details as jsonb will take them, whatever strings (keys included) they hold. When something had to be
 * escaped they are kept as `{ escaped: true, details }`, the offending characters written as `\uXXXX` text,
 * so a reader knows the text is not the sender's exactly (the raw payload is). Details that are not JSON
 * (a cycle, a BigInt) are replaced by a note rather than failing the insert.
 */
export function storableDetails(details: unknown): string | null {
  if (details === undefined) return null;
  let json: string | undefined;
  try {
    json = JSON.stringify(details);
  } catch (e) {
    return JSON.stringify({ unserialisable: storableText((e as Error).message, MAX_REASON_CHARS) });
  }
  if (json === undefined) return null;
  const escaped = json.replace(UNSTORABLE_ESCAPE, '$1\\\\u$2');
  return escaped === json ? json : `{"escaped":true,"details":${escaped}}`;
}

export class DeadLetterRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * One statement per batch. Payloads travel as base64 text so any bytes survive both drivers; reason,
   * topic and details are made storable (storableText, storableDetails), so that no content of a refused
   * message can make keeping it fail (issue 11: one NUL in a JSON key stalled all sensor ingest).
   */
  async insertBatch(q: Queryable, letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await q.query(
      `INSERT INTO dead_letters (received_at, source, reason_code, reason, topic, payload, details)
       SELECT r, s, c, why, t, decode(p, 'base64'), d
       FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[])
         AS x(r, s, c, why, t, p, d)`,
      [
        letters.map((l) => (Number.isNaN(l.receivedAt.getTime()) ? new Date() : l.receivedAt)),
        letters.map((l) => storableText(l.source, 64)),
        letters.map((l) => storableText(l.reasonCode, 64)),
        letters.map((l) => storableText(l.reason, MAX_REASON_CHARS)),
        letters.map((l) => (l.topic === null ? null : storableText(l.topic, MAX_TOPIC_CHARS))),
        letters.map((l) => (l.payload ? Buffer.from(l.payload).toString('base64') : null)),
        letters.map((l) => storableDetails(l.details)),
      ],
    );
  }

  async recent(limit = 100, source?: string): Promise<DeadLetterRow[]> {
    return this.db.query<DeadLetterRow>(
      `SELECT id::int AS id, received_at, source, reason_code, reason, topic,
              encode(payload, 'base64') AS payload_base64, details
       FROM dead_letters WHERE ($2::text IS NULL OR source = $2) ORDER BY id DESC LIMIT $1`,
      [limit, source ?? null],
    );
  }
}
