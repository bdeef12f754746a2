import { Type, type Static } from '@sinclair/typebox';
import { LayerIdSchema, type LayerId } from './feature.ts';
import type { LayerDelta, LayerSnapshot } from './delta.ts';

/**
 * Version of the /live protocol. Clients may send it in the handshake (`auth.protocol`; absent means this
 * version); a server that does not speak an explicitly named version refuses it with IOC_LIVE_PROTOCOL.
 */
export const LIVE_PROTOCOL_VERSION = 1;
export const LIVE_NAMESPACE = '/live';

export const SubscribeRequestSchema = Type.Object(
  {
    layer: LayerIdSchema,
    /** The last sequence the client applied; absent for a fresh snapshot. */
    since: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type SubscribeRequest = Static<typeof SubscribeRequestSchema>;

export const UnsubscribeRequestSchema = Type.Object(
  { layer: LayerIdSchema },
  { additionalProperties: false },
);
export type UnsubscribeRequest = Static<typeof UnsubscribeRequestSchema>;

export interface LiveError {
  /** IOC_<AREA>_<WHAT> */
  code: string;
  message: string;
  details?: unknown;
}

export type SubscribeAck =
  { ok: true; layer: LayerId; seq: number; mode: 'snapshot' | 'delta' } | { ok: false; error: LiveError };

export type CommandAck = { ok: true } | { ok: false; error: LiveError };

export interface KpiUpdate {
  kpi: string;
  scope: { level: 'province' | 'ward' | 'agency'; code: string };
  value: number;
  target: number | null;
  ts: string;
}

export interface TickerItem {
  id: string;
  kind: 'incident' | 'alarm' | 'sensor';
  /** Vietnamese text as shown on the wall; `textEn` for the English UI. */
  text: string;
  textEn: string;
  level: 0 | 1 | 2 | 3;
  ts: string;
}

export interface IncidentChanged {
  id: string;
  version: number;
  [key: string]: unknown;
}

/** Events the server emits on /live. Typed once here; server and web both use this map. */
export interface LiveServerToClient {
  'layer:snapshot': (snapshot: LayerSnapshot) => void;
  'layer:delta': (delta: LayerDelta) => void;
  'kpi:update': (update: KpiUpdate) => void;
  ticker: (item: TickerItem) => void;
  'incident:changed': (change: IncidentChanged) => void;
}

/** Commands a client sends on /live; every one is answered through its ack. */
export interface LiveClientToServer {
  subscribe: (request: SubscribeRequest, ack: (result: SubscribeAck) => void) => void;
  unsubscribe: (request: UnsubscribeRequest, ack: (result: CommandAck) => void) => void;
}

/** What a client puts in the socket.io handshake `auth`. */
export interface LiveHandshakeAuth {
  token?: string;
  /** Absent means the current version (LIVE_PROTOCOL_VERSION); an explicit unknown one is refused. */
  protocol?: number;
  /** Snapshot encoding: `json` (the default, readable for debugging) or `columnar` (smaller). */
  encoding?: LiveEncoding;
}

export const LIVE_ENCODINGS = ['json', 'columnar'] as const;
export type LiveEncoding = (typeof LIVE_ENCODINGS)[number];
