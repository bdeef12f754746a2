import { Type, type Static } from '@sinclair/typebox';
import { IncidentStatusSchema } from '../incident.ts';
import { CategoryCodeSchema } from '../category.ts';
import { RATINGS, WORKFLOW_ACTIONS } from '../workflow.ts';
import { PlainLine, PlainText } from './text.ts';
import '../formats.ts';

/**
 * The incident workflow's REST payloads (issue 12; ARCHITECTURE.md "REST", Incidents). The server validates,
 * serialises and documents its routes with these; the dispatch console and the agency inbox import them.
 */

const LonLat = Type.Tuple([
  Type.Number({ minimum: -180, maximum: 180 }),
  Type.Number({ minimum: -90, maximum: 90 }),
]);
const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const IncidentIdSchema = Type.String({
  pattern: '^[A-Za-z0-9-]{1,40}$',
  description: 'IOC-<yymm>-<n>',
});
export const IncidentIdParams = Type.Object({ id: IncidentIdSchema }, { additionalProperties: false });

export const ChannelSchema = Type.Union([
  Type.Literal('hue_s'),
  Type.Literal('hotline'),
  Type.Literal('camera'),
  Type.Literal('sensor'),
  Type.Literal('open311'),
]);
export type Channel = Static<typeof ChannelSchema>;

export const RatingSchema = Type.Union(RATINGS.map((r) => Type.Literal(r)));
export const WorkflowActionSchema = Type.Union(WORKFLOW_ACTIONS.map((a) => Type.Literal(a)));

/** The deadline's state: on time, due within the warning window (sắp đến hạn), past it, escalated. */
export const SlaStateSchema = Type.Union([
  Type.Literal('none'),
  Type.Literal('on_time'),
  Type.Literal('due_soon'),
  Type.Literal('overdue'),
  Type.Literal('escalated'),
]);
export type SlaState = Static<typeof SlaStateSchema>;

/** One incident in a queue. Personal data (the reporter) is masked per role. */
export const IncidentSummarySchema = Type.Object({
  id: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  status: IncidentStatusSchema,
  category: Type.String(),
  priority: Type.Integer({ minimum: 1, maximum: 4 }),
  title: Type.String(),
  description: Type.String(),
  address: Nullable(Type.String()),
  position: Nullable(LonLat),
  wardCode: Nullable(Type.String()),
  /** The unit the case is with now (null until assigned, and after a return). */
  agencyId: Nullable(Type.String()),
  /** What the routing table suggests. */
  suggestedAgencyId: Nullable(Type.String()),
  /** Hạn xử lý. */
  dueAt: Nullable(DateTime),
  slaState: SlaStateSchema,
  /** Channels that reported it, one entry per source. */
  channels: Type.Array(Type.String()),
  sourceCount: Type.Integer({ minimum: 0 }),
  createdAt: DateTime,
  updatedAt: DateTime,
  resolvedAt: Nullable(DateTime),
  closedAt: Nullable(DateTime),
  mergedInto: Nullable(Type.String()),
  rating: Nullable(RatingSchema),
});
export type IncidentSummary = Static<typeof IncidentSummarySchema>;

export const IncidentSourceSchema = Type.Object({
  channel: Type.String(),
  sourceId: Type.String(),
  occurredAt: DateTime,
  receivedAt: DateTime,
  signal: Nullable(Type.String()),
  position: Nullable(LonLat),
  /** Why this source joined the case (null for the one that opened it). */
  matchReason: Nullable(Type.Unknown()),
});

export const MediaSchema = Type.Object({
  url: Type.String(),
  type: Type.String(),
});

export const AttachmentSchema = Type.Object({
  id: Type.String(),
  filename: Type.String(),
  contentType: Type.String(),
  bytes: Type.Integer(),
  url: Type.String(),
  uploadedBy: Type.String(),
  uploadedAt: DateTime,
  width: Type.Optional(Type.Integer()),
  height: Type.Optional(Type.Integer()),
});
export type Attachment = Static<typeof AttachmentSchema>;

/** One row of the timeline (incident_events): the case's history and its audit. */
export const IncidentEventSchema = Type.Object({
  ts: DateTime,
  type: Type.String(),
  actor: Nullable(Type.String()),
  data: Type.Unknown(),
});
export type IncidentEvent = Static<typeof IncidentEventSchema>;

/** A transition the caller may take now (from the state table, for this principal). */
export const AllowedActionSchema = Type.Object({
  action: WorkflowActionSchema,
  to: IncidentStatusSchema,
  requires: Type.Array(Type.String()),
});

export const IncidentDetailSchema = Type.Composite([
  IncidentSummarySchema,
  Type.Object({
    reporter: Nullable(Type.Object({ name: Nullable(Type.String()), phone: Nullable(Type.String()) })),
    media: Type.Array(MediaSchema),
    sources: Type.Array(IncidentSourceSchema),
    attachments: Type.Array(AttachmentSchema),
    timeline: Type.Array(IncidentEventSchema),
    routing: Type.Object({
      agencyId: Nullable(Type.String()),
      ruleId: Nullable(Type.String()),
      reason: Nullable(Type.String()),
    }),
    sla: Type.Object({
      /** The rule that set the deadline: clock hours (immediate process) or working days. */
      hours: Nullable(Type.Number()),
      workingDays: Nullable(Type.Number()),
      source: Nullable(Type.String()),
      /** Working minutes left until the deadline (negative when past it); null without a deadline. */
      workingMinutesLeft: Nullable(Type.Integer()),
      breachedAt: Nullable(DateTime),
      escalatedAt: Nullable(DateTime),
    }),
    publicReply: Nullable(Type.String()),
    ratingComment: Nullable(Type.String()),
    duplicates: Type.Array(Type.String()),
    allowedActions: Type.Array(AllowedActionSchema),
  }),
]);
export type IncidentDetail = Static<typeof IncidentDetailSchema>;

const Many = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Optional(Type.Union([t, Type.Array(t, { maxItems: 20 })]));

export const IncidentSortSchema = Type.Union([
  Type.Literal('due'),
  Type.Literal('-due'),
  Type.Literal('priority'),
  Type.Literal('received'),
  Type.Literal('-received'),
]);
export type IncidentSort = Static<typeof IncidentSortSchema>;

/** GET /api/incidents: every filter optional; several statuses as `status=new&status=verified`. */
export const IncidentQuerySchema = Type.Object(
  {
    status: Many(IncidentStatusSchema),
    category: Many(CategoryCodeSchema),
    ward: Many(Type.String({ pattern: '^[0-9]{5}$' })),
    agency: Many(Type.String({ minLength: 1, maxLength: 100 })),
    priority: Many(Type.Integer({ minimum: 1, maximum: 4 })),
    channel: Many(ChannelSchema),
    overdue: Type.Optional(Type.Boolean()),
    /** Open cases due within this many hours (sắp đến hạn). */
    dueWithinHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 30 })),
    dueBefore: Type.Optional(DateTime),
    dueAfter: Type.Optional(DateTime),
    /** minLon,minLat,maxLon,maxLat */
    bbox: Type.Optional(
      Type.String({ pattern: '^-?[0-9.]{1,12},-?[0-9.]{1,12},-?[0-9.]{1,12},-?[0-9.]{1,12}$' }),
    ),
    /** Words to find in the id, title, description and address: "ngap" finds "ngập". */
    q: Type.Optional(PlainLine({ minLength: 1, maxLength: 200 })),
    sort: Type.Optional(IncidentSortSchema),
    cursor: Type.Optional(Type.String({ maxLength: 300 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);
export type IncidentQuery = Static<typeof IncidentQuerySchema>;

export const IncidentPageSchema = Type.Object({
  items: Type.Array(IncidentSummarySchema),
  nextCursor: Type.Optional(Type.String()),
  /** Matches of the filters (capped: `totalCapped` says when the count stopped at 10,000). */
  total: Type.Integer(),
  totalCapped: Type.Boolean(),
});
export type IncidentPage = Static<typeof IncidentPageSchema>;

const Reason = PlainText({ minLength: 3, maxLength: 2000 });
const ExpectedVersion = Type.Integer({ minimum: 1 });

export const AssignBodySchema = Type.Object(
  {
    expectedVersion: ExpectedVersion,
    agencyId: Type.String({ minLength: 1, maxLength: 100 }),
    /** The deadline; defaults to the SLA table's for the category and priority. */
    dueAt: Type.Optional(DateTime),
    priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);
export type AssignBody = Static<typeof AssignBodySchema>;

export const StatusBodySchema = Type.Object(
  {
    expectedVersion: ExpectedVersion,
    status: IncidentStatusSchema,
    reason: Type.Optional(Reason),
    /** For `extended`: the new deadline. */
    dueAt: Type.Optional(DateTime),
    /** For `resolved`: the unit's reply, published to the citizen. */
    reply: Type.Optional(PlainText({ minLength: 3, maxLength: 4000 })),
    /** For `resolved`: attachments uploaded before (POST /api/incidents/:id/attachments). */
    attachmentIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10 })),
  },
  { additionalProperties: false },
);
export type StatusBody = Static<typeof StatusBodySchema>;

export const MergeBodySchema = Type.Object(
  {
    expectedVersion: ExpectedVersion,
    /** The case this one duplicates: it absorbs this one's sources; this one closes as merged. */
    into: IncidentIdSchema,
    intoExpectedVersion: ExpectedVersion,
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);
export type MergeBody = Static<typeof MergeBodySchema>;

export const SplitBodySchema = Type.Object(
  {
    expectedVersion: ExpectedVersion,
    /** The sources that are another matter: they leave this case for a new one. */
    sources: Type.Array(
      Type.Object(
        { channel: Type.String({ maxLength: 20 }), sourceId: Type.String({ maxLength: 200 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type SplitBody = Static<typeof SplitBodySchema>;

export const CommentBodySchema = Type.Object(
  {
    expectedVersion: ExpectedVersion,
    text: PlainText({ minLength: 1, maxLength: 4000 }),
    /** Internal notes stay inside; a public comment goes to the citizen. */
    public: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export type CommentBody = Static<typeof CommentBodySchema>;

/** The answer to every action: the case as it is now. */
export const IncidentActionResultSchema = Type.Object({
  incident: IncidentDetailSchema,
  /** For split: the new case. */
  created: Type.Optional(Type.String()),
});

/** `details` of 409 IOC_INCIDENT_STALE. */
export const StaleDetailsSchema = Type.Object({
  currentVersion: Type.Integer(),
  status: IncidentStatusSchema,
  /** Fields that differ from what the caller last saw, by the events since `expectedVersion`. */
  changes: Type.Array(IncidentEventSchema),
});

/** `details` of 409 IOC_INCIDENT_TRANSITION. */
export const TransitionDetailsSchema = Type.Object({
  from: IncidentStatusSchema,
  to: Type.String(),
  allowed: Type.Array(
    Type.Object({ action: Type.String(), to: Type.String(), requires: Type.Array(Type.String()) }),
  ),
});

/** Hue-S feedback: the citizen's rating of the published reply. */
export const FeedbackBodySchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100 }),
    rating: RatingSchema,
    comment: Type.Optional(PlainText({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type FeedbackBody = Static<typeof FeedbackBodySchema>;

/** Response templates per category, for the public reply. */
export const ResponseTemplateSchema = Type.Object({
  id: Type.String(),
  category: Type.Union([CategoryCodeSchema, Type.Literal('*')]),
  title: Type.String(),
  text: Type.String(),
});
export type ResponseTemplate = Static<typeof ResponseTemplateSchema>;
