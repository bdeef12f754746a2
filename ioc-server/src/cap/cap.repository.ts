import type { Queryable, Tx } from '../storage/db.ts';
import type { CapInfo, CapMsgType } from './cap-document.ts';

export interface CapMessageRow {
  identifier: string;
  sender: string;
  sent: Date;
  sent_text: string;
  msg_type: CapMsgType;
  status: string;
  references: string | null;
  chain: string;
  source_kind: 'gauge' | 'alarm' | 'incident';
  source_ref: string;
  level: number;
  expires: Date | null;
  info: CapInfo[];
  document: string;
  published_by: string | null;
  superseded_by: string | null;
}

const OUT_COLUMNS = `identifier, sender, sent, sent_text, msg_type, status, "references", chain, source_kind,
  source_ref, level, expires, info, document, published_by, superseded_by`;

export interface InboundRow {
  id: string;
  sender: string;
  identifier: string;
  sent_text: string;
  msg_type: string;
  chain: string;
  headline: string | null;
  event: string;
  severity: string;
  hazard: 'flood' | 'storm' | null;
  covers_hue: boolean;
  ward_codes: string[];
  expires: Date | null;
  sent: Date;
}

/** CAP messages out (cap_messages) and in (cap_inbound), migration 0019. */
export class CapRepository {
  constructor(private readonly db: Queryable) {}

  async get(identifier: string): Promise<CapMessageRow | null> {
    const rows = await this.db.query<CapMessageRow>(
      `SELECT ${OUT_COLUMNS} FROM cap_messages WHERE identifier = $1`,
      [identifier],
    );
    return rows[0] ?? null;
  }

  /** The open chain's head of a source, locked for the transaction. */
  async openHead(tx: Tx, kind: string, ref: string): Promise<CapMessageRow | null> {
    const rows = await tx.query<CapMessageRow>(
      `SELECT ${OUT_COLUMNS} FROM cap_messages
        WHERE source_kind = $1 AND source_ref = $2 AND superseded_by IS NULL AND msg_type <> 'Cancel'
        FOR UPDATE`,
      [kind, ref],
    );
    return rows[0] ?? null;
  }

  /** Every message of a chain, oldest first. */
  async chain(q: Queryable, chain: string): Promise<CapMessageRow[]> {
    return q.query<CapMessageRow>(
      `SELECT ${OUT_COLUMNS} FROM cap_messages WHERE chain = $1 ORDER BY sent, identifier`,
      [chain],
    );
  }

  /** Inserts the chain's next message; the head it supersedes is closed first (one open head per source). */
  async insert(tx: Tx, r: CapMessageRow, supersedes: string | null): Promise<void> {
    if (supersedes)
      await tx.query(`UPDATE cap_messages SET superseded_by = $1 WHERE identifier = $2`, [
        r.identifier,
        supersedes,
      ]);
    await tx.query(
      `INSERT INTO cap_messages (${OUT_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, NULL)`,
      [
        r.identifier,
        r.sender,
        r.sent,
        r.sent_text,
        r.msg_type,
        r.status,
        r.references,
        r.chain,
        r.source_kind,
        r.source_ref,
        r.level,
        r.expires,
        JSON.stringify(r.info),
        r.document,
        r.published_by,
      ],
    );
  }

  /** The heads of open chains that have not expired: what the Atom feed lists. */
  async active(now: Date): Promise<CapMessageRow[]> {
    return this.db.query<CapMessageRow>(
      `SELECT ${OUT_COLUMNS} FROM cap_messages
        WHERE superseded_by IS NULL AND msg_type <> 'Cancel' AND (expires IS NULL OR expires > $1)
        ORDER BY sent DESC LIMIT 500`,
      [now],
    );
  }

  // ── inbound ─────────────────────────────────────────────────────────────────────────────────────────

  /** The chain of the first earlier message named, or null when none of them reached us. */
  async inboundChainOf(refs: readonly { sender: string; identifier: string }[]): Promise<string | null> {
    if (refs.length === 0) return null;
    const rows = await this.db.query<{ chain: string }>(
      `SELECT chain FROM cap_inbound
        WHERE (sender, identifier) IN (SELECT * FROM unnest($1::text[], $2::text[]))
        ORDER BY sent LIMIT 1`,
      [refs.map((r) => r.sender), refs.map((r) => r.identifier)],
    );
    return rows[0]?.chain ?? null;
  }

  /** Stores an inbound message; false when it was here already (a redelivery). */
  async insertInbound(
    r: Omit<InboundRow, 'id'> & {
      status: string;
      cap_version: string;
      references: string | null;
      via: string;
      document: string;
    },
  ): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO cap_inbound (sender, identifier, sent, sent_text, msg_type, status, cap_version, "references",
         chain, headline, event, severity, hazard, covers_hue, ward_codes, expires, via, document)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::text[], $16, $17, $18)
       ON CONFLICT (sender, identifier, sent_text) DO NOTHING RETURNING id`,
      [
        r.sender,
        r.identifier,
        r.sent,
        r.sent_text,
        r.msg_type,
        r.status,
        r.cap_version,
        r.references,
        r.chain,
        r.headline,
        r.event,
        r.severity,
        r.hazard,
        r.covers_hue,
        r.ward_codes,
        r.expires,
        r.via,
        r.document,
      ],
    );
    return rows.length > 0;
  }

  /** The newest message of each inbound chain, for the wall: Cancel and expiry decide what is still shown. */
  async inboundHeads(): Promise<InboundRow[]> {
    return this.db.query<InboundRow>(
      `SELECT DISTINCT ON (chain) id::text, sender, identifier, sent_text, msg_type, chain, headline, event,
              severity, hazard, covers_hue, ward_codes, expires, sent
         FROM cap_inbound WHERE status = 'Actual' AND msg_type IN ('Alert', 'Update', 'Cancel')
        ORDER BY chain, sent DESC, id DESC`,
    );
  }
}
