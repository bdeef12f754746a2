import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ErrorBodySchema, type LiveError } from './errors.ts';
import './formats.ts';
import { LayerIdSchema } from './feature.ts';
import type { LayerDelta, LayerSnapshot } from './delta.ts';

export type { LiveError };

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

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** The `error` of a refused handshake (`connect_error.data`) or command ack: the REST error's inner shape. */
export const LiveErrorSchema = ErrorBodySchema.properties.error;

export const SubscribeAckSchema = Type.Union(
  [
    Type.Object({
      ok: Type.Literal(true),
      layer: LayerIdSchema,
      seq: Type.Integer({ minimum: 0 }),
      mode: Type.Union([Type.Literal('snapshot'), Type.Literal('delta')]),
    }),
    Type.Object({ ok: Type.Literal(false), error: LiveErrorSchema }),
  ],
  { $id: 'SubscribeAck' },
);
export type SubscribeAck = Static<typeof SubscribeAckSchema>;

export const CommandAckSchema = Type.Union(
  [Type.Object({ ok: Type.Literal(true) }), Type.Object({ ok: Type.Literal(false), error: LiveErrorSchema })],
  { $id: 'CommandAck' },
);
export type CommandAck = Static<typeof CommandAckSchema>;

export const KpiScopeLevelSchema = Type.Union([
  Type.Literal('province'),
  Type.Literal('ward'),
  Type.Literal('agency'),
]);
export type KpiScopeLevel = Static<typeof KpiScopeLevelSchema>;

/** `kpi:update`: a KPI sample as it arrives (the REST `/api/kpis` item adds the 24 h series). */
export const KpiUpdateSchema = Type.Object(
  {
    kpi: Type.String({ description: 'KPI id (KPI_CATALOGUE), e.g. ty_le_xu_ly_dung_han' }),
    scope: Type.Object({ level: KpiScopeLevelSchema, code: Type.String() }),
    value: Type.Number(),
    target: Nullable(Type.Number()),
    ts: Type.String({ format: 'date-time' }),
  },
  { $id: 'KpiUpdate' },
);
export type KpiUpdate = Static<typeof KpiUpdateSchema>;

/** `ticker`: one line of the wall's ticker (the newest incidents and alarms). */
export const TickerItemSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.Union([Type.Literal('incident'), Type.Literal('alarm'), Type.Literal('sensor')]),
    /** Vietnamese text as shown on the wall; `textEn` for the English UI. */
    text: Type.String(),
    textEn: Type.String(),
    level: Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2), Type.Literal(3)]),
    ts: Type.String({ format: 'date-time' }),
  },
  { $id: 'TickerItem' },
);
export type TickerItem = Static<typeof TickerItemSchema>;

/** `incident:changed`: for consoles that follow single incidents (the current version and what lists show). */
export const IncidentChangedSchema = Type.Object(
  {
    id: Type.String(),
    version: Type.Integer({ minimum: 1 }),
    status: Type.Optional(Type.String()),
    priority: Type.Optional(Type.Integer()),
    agencyId: Type.Optional(Nullable(Type.String())),
    dueAt: Type.Optional(Nullable(Type.String())),
    updatedAt: Type.Optional(Type.String()),
  },
  { $id: 'IncidentChanged', additionalProperties: true },
);
export type IncidentChanged = Static<typeof IncidentChangedSchema>;

const FeatureWire = Type.Object({
  id: Type.String(),
  position: Nullable(Type.Tuple([Type.Number(), Type.Number()])),
  props: Type.Unknown(),
});

/** `layer:snapshot` (features per layer are described by the layer's props schema, e.g. IncidentPropsSchema). */
export const LayerSnapshotSchema = Type.Object(
  {
    layer: LayerIdSchema,
    seq: Type.Integer({ minimum: 0 }),
    serverTime: Type.Number(),
    changedAt: Nullable(Type.Number()),
    features: Type.Array(FeatureWire),
    columns: Type.Optional(
      Type.Object({
        ids: Type.Array(Type.String()),
        lon: Type.Array(Nullable(Type.Number())),
        lat: Type.Array(Nullable(Type.Number())),
        props: Type.Record(Type.String(), Type.Array(Type.Unknown())),
        absent: Type.Optional(Type.Record(Type.String(), Type.Array(Type.Integer()))),
        raw: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      }),
    ),
    /**
     * The features in the `wall` encoding (`auth.encoding: 'wall'`): one binary attachment (a Buffer from
     * the server, an ArrayBuffer in a browser) read by `decodeWallFeatures` (wall-wire.ts); text fields
     * are left out and fetched with `layer:text`.
     */
    packed: Type.Optional(
      Type.Unsafe<Uint8Array | ArrayBuffer>(Type.Unknown({ description: 'binary: wall-wire.ts' })),
    ),
  },
  { $id: 'LayerSnapshot' },
);

/** `layer:delta`: from `from` to `seq`, coalesced per feature. */
export const LayerDeltaSchema = Type.Object(
  {
    layer: LayerIdSchema,
    from: Type.Integer({ minimum: 0 }),
    seq: Type.Integer({ minimum: 0 }),
    serverTime: Type.Number(),
    changedAt: Nullable(Type.Number()),
    upserts: Type.Array(FeatureWire),
    removes: Type.Array(Type.String()),
  },
  { $id: 'LayerDelta' },
);

/**
 * Snapshot encodings: `json` (features as objects), `columnar` (one JSON array per property), `wall`
 * (typed binary columns without free text: wall-wire.ts; what the wall draws, ~15–25 B per incident).
 * Deltas are JSON in every encoding, text included (they are small, and they refresh a client's text cache).
 */
export const LIVE_ENCODINGS = ['json', 'columnar', 'wall'] as const;
export type LiveEncoding = (typeof LIVE_ENCODINGS)[number];

/** What a client puts in the socket.io handshake `auth`. */
export const LiveHandshakeAuthSchema = Type.Object(
  {
    /** A display token; a browser with a session cookie may omit it. */
    token: Type.Optional(Type.String()),
    /** Absent means the current version (LIVE_PROTOCOL_VERSION); an explicit unknown one is refused. */
    protocol: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Snapshot encoding: `json` (the default, readable for debugging), `columnar` or `wall` (smallest). */
    encoding: Type.Optional(Type.Union(LIVE_ENCODINGS.map((e) => Type.Literal(e)))),
  },
  { $id: 'LiveHandshakeAuth' },
);
export type LiveHandshakeAuth = Static<typeof LiveHandshakeAuthSchema>;

/**
 * Presence on a case (issue 12): a console that opens a case watches it, and everyone watching it is told who
 * else has it open, so two supervisors do not work one case at once (the second writer still gets 409).
 */
export const PresenceRequestSchema = Type.Object(
  { incidentId: Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' }) },
  { $id: 'PresenceRequest', additionalProperties: false },
);
export type PresenceRequest = Static<typeof PresenceRequestSchema>;

export const PresenceViewerSchema = Type.Object({
  /** The principal's id (`user:<id>`); one entry per person, however many tabs. */
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
});
export type PresenceViewer = Static<typeof PresenceViewerSchema>;

export const PresenceSchema = Type.Object(
  { incidentId: Type.String(), viewers: Type.Array(PresenceViewerSchema) },
  { $id: 'Presence' },
);
export type Presence = Static<typeof PresenceSchema>;

export type PresenceAck =
  { ok: true; viewers: PresenceViewer[] } | { ok: false; error: { code: string; message: string } };

/** Most ids one `layer:text` may ask for (a panel shows a handful; a wall asks as it shows them). */
export const LAYER_TEXT_MAX_IDS = 200;

/**
 * `layer:text {layer, ids}`: the text fields a `wall` snapshot leaves out (WALL_TEXT_FIELDS: an incident's
 * title), for the given features, answered through the ack. Scoped like a snapshot: ids this principal may
 * not see (or that are not on the layer) are left out of the answer, not refused, so an answer never tells
 * whether another agency's incident exists.
 */
export const LayerTextRequestSchema = Type.Object(
  {
    layer: LayerIdSchema,
    ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: LAYER_TEXT_MAX_IDS,
    }),
  },
  { $id: 'LayerTextRequest', additionalProperties: false },
);
export type LayerTextRequest = Static<typeof LayerTextRequestSchema>;

export const LayerTextItemSchema = Type.Object({
  id: Type.String(),
  /** The feature's `version` prop when it has one: text of an older version is stale. */
  version: Type.Optional(Type.Integer()),
  /** The left-out fields, by name (`{ title }` for incidents). */
  text: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])),
});
export type LayerTextItem = Static<typeof LayerTextItemSchema>;

export const LayerTextAckSchema = Type.Union(
  [
    Type.Object({ ok: Type.Literal(true), layer: LayerIdSchema, items: Type.Array(LayerTextItemSchema) }),
    Type.Object({ ok: Type.Literal(false), error: LiveErrorSchema }),
  ],
  { $id: 'LayerTextAck' },
);
export type LayerTextAck = Static<typeof LayerTextAckSchema>;

/** Events the server emits on /live. Typed once here; server and web both use this map. */
export interface LiveServerToClient {
  'layer:snapshot': (snapshot: LayerSnapshot) => void;
  'layer:delta': (delta: LayerDelta) => void;
  'kpi:update': (update: KpiUpdate) => void;
  ticker: (item: TickerItem) => void;
  'incident:changed': (change: IncidentChanged) => void;
  presence: (presence: Presence) => void;
}

/** Commands a client sends on /live; every one is answered through its ack. */
export interface LiveClientToServer {
  subscribe: (request: SubscribeRequest, ack: (result: SubscribeAck) => void) => void;
  unsubscribe: (request: UnsubscribeRequest, ack: (result: CommandAck) => void) => void;
  'presence:watch': (request: PresenceRequest, ack: (result: PresenceAck) => void) => void;
  'presence:leave': (request: PresenceRequest, ack: (result: CommandAck) => void) => void;
  'layer:text': (request: LayerTextRequest, ack: (result: LayerTextAck) => void) => void;
}
