import { Type } from '@sinclair/typebox';
import {
  AssignBodySchema,
  CategoryCodeSchema,
  CommentBodySchema,
  ErrorBodySchema,
  IncidentActionResultSchema,
  IncidentDetailSchema,
  IncidentIdParams,
  IncidentPageSchema,
  IncidentQuerySchema,
  ListSchema,
  MergeBodySchema,
  ResponseTemplateSchema,
  SplitBodySchema,
  StatusBodySchema,
  type Attachment,
  type IncidentDetail,
} from '@hue-ioc/layers';
import { responseTemplatesFor, workingMinutesBetween } from '@hue-ioc/streams';
import type { FastifyRequest } from 'fastify';
import { agencyScope, requirePrincipal } from '../../auth/access.plugin.ts';
import { redactReporter } from '../../auth/personal-data.ts';
import { AppError } from '../../errors.ts';
import { detailParts, listIncidents, summaryOf } from '../../incidents/incident-queries.ts';
import type { WorkflowBy } from '../../incidents/workflow.service.ts';
import type { IncidentRow } from '../../storage/incident.repository.ts';
import { routePlugin, type RouteApp } from '../route-plugin.ts';

const errors = { 400: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema };

/**
 * The incident workflow's REST (ARCHITECTURE.md "REST", Incidents; issue 12): the queue, the case view and
 * the actions, each checked by the workflow against the state table and the caller's version. An agency
 * user only ever sees its own unit's cases; another unit's id answers 404. Personal data by role.
 */
export const incidentRoutes = routePlugin('incidents', ['workflow', 'repositories'], async (app) => {
  const { workflow, db } = app;
  const by = (req: FastifyRequest): WorkflowBy => ({ kind: 'principal', principal: requirePrincipal(req) });

  /** The row as this request may see it, or 404. */
  const visibleRow = async (req: FastifyRequest, id: string): Promise<IncidentRow> => {
    const row = await app.repos.incidents.get(id);
    const scope = agencyScope(req);
    if (!row || (scope !== null && row.agency_id !== scope))
      throw new AppError('IOC_INCIDENT_NOT_FOUND', `no incident ${id}`);
    return row;
  };

  const detail = async (req: FastifyRequest, row: IncidentRow): Promise<IncidentDetail> => {
    const principal = requirePrincipal(req);
    const now = new Date();
    const [parts, attachments] = await Promise.all([detailParts(db, row.id), attachmentsOf(app, row.id)]);
    const summary = summaryOf(row, now, app.calendar);
    const urgent = row.sla?.urgent ?? row.priority === 1;
    return {
      ...summary,
      reporter: redactReporter(row.reporter, principal.role),
      media: row.media,
      sources: parts.sources.map((s) => ({
        channel: s.channel,
        sourceId: s.source_id,
        occurredAt: s.occurred_at.toISOString(),
        receivedAt: s.received_at.toISOString(),
        signal: s.signal,
        position: s.lon !== null && s.lat !== null ? [s.lon, s.lat] : null,
        matchReason: s.match_reason ?? null,
      })),
      attachments,
      timeline: parts.events.map((e) => ({
        ts: e.ts.toISOString(),
        type: e.type,
        actor: e.actor,
        data: e.data,
      })),
      routing: {
        agencyId: row.suggested_agency_id,
        ruleId: row.routing_rule,
        reason: row.routing_reason,
      },
      sla: {
        hours: row.sla?.hours ?? null,
        workingDays: row.sla?.workingDays ?? null,
        source: row.sla?.source ?? null,
        // Urgent cases run on the clock; the others in office time (the countdown the unit sees).
        workingMinutesLeft: row.due_at
          ? urgent
            ? Math.round((row.due_at.getTime() - now.getTime()) / 60_000)
            : Math.round(workingMinutesBetween(now, row.due_at, app.calendar))
          : null,
        breachedAt: row.breached_at?.toISOString() ?? null,
        escalatedAt: row.escalated_at?.toISOString() ?? null,
      },
      publicReply: row.public_reply,
      ratingComment: row.rating_comment,
      duplicates: parts.duplicates,
      allowedActions: workflow.allowedActions(row, by(req)).map((t) => ({
        action: t.action,
        to: t.to,
        requires: [...t.requires],
      })),
    };
  };

  app.get(
    '/api/incidents',
    {
      schema: {
        querystring: IncidentQuerySchema,
        response: { 200: IncidentPageSchema, 400: ErrorBodySchema },
      },
    },
    async (req) => {
      const now = new Date();
      const page = await listIncidents(db, req.query, agencyScope(req), now);
      return {
        items: page.rows.map((r) => summaryOf(r, now, app.calendar)),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        total: page.total,
        totalCapped: page.totalCapped,
      };
    },
  );

  app.get(
    '/api/incidents/:id',
    { schema: { params: IncidentIdParams, response: { 200: IncidentDetailSchema, 404: ErrorBodySchema } } },
    async (req) => detail(req, await visibleRow(req, req.params.id)),
  );

  app.post(
    '/api/incidents/:id/assign',
    {
      schema: {
        params: IncidentIdParams,
        body: AssignBodySchema,
        response: { 200: IncidentActionResultSchema, ...errors },
      },
    },
    async (req) => {
      const b = req.body;
      const row = await workflow.transition(
        req.params.id,
        {
          to: 'assigned',
          expectedVersion: b.expectedVersion,
          agencyId: b.agencyId,
          ...(b.dueAt ? { dueAt: new Date(b.dueAt) } : {}),
          ...(b.priority !== undefined ? { priority: b.priority } : {}),
          ...(b.reason ? { reason: b.reason } : {}),
        },
        by(req),
      );
      return { incident: await detail(req, row) };
    },
  );

  app.post(
    '/api/incidents/:id/status',
    {
      schema: {
        params: IncidentIdParams,
        body: StatusBodySchema,
        response: { 200: IncidentActionResultSchema, ...errors },
      },
    },
    async (req) => {
      const b = req.body;
      if (b.status === 'assigned')
        throw new AppError('IOC_REQUEST_INVALID', 'assign with POST /api/incidents/:id/assign');
      // A reply's photos are this case's own uploads (POST /api/incidents/:id/attachments).
      if (b.attachmentIds?.length) {
        const ids = [...new Set(b.attachmentIds)];
        const found = await db.query<{ id: string }>(
          `SELECT id FROM attachments WHERE incident_id = $1 AND id = ANY ($2::text[])`,
          [req.params.id, ids],
        );
        if (found.length !== ids.length)
          throw new AppError(
            'IOC_ATTACHMENT_INVALID',
            'attachmentIds names files not uploaded to this case',
            {
              unknown: ids.filter((id) => !found.some((f) => f.id === id)),
            },
          );
      }
      const row = await workflow.transition(
        req.params.id,
        {
          to: b.status,
          expectedVersion: b.expectedVersion,
          ...(b.reason ? { reason: b.reason } : {}),
          ...(b.dueAt ? { dueAt: new Date(b.dueAt) } : {}),
          ...(b.reply ? { reply: b.reply } : {}),
          ...(b.attachmentIds ? { attachmentIds: b.attachmentIds } : {}),
        },
        by(req),
      );
      return { incident: await detail(req, row) };
    },
  );

  app.post(
    '/api/incidents/:id/merge',
    {
      schema: {
        params: IncidentIdParams,
        body: MergeBodySchema,
        response: { 200: IncidentActionResultSchema, ...errors },
      },
    },
    async (req) => {
      const { target } = await workflow.merge(req.params.id, req.body, by(req));
      return { incident: await detail(req, target) };
    },
  );

  app.post(
    '/api/incidents/:id/split',
    {
      schema: {
        params: IncidentIdParams,
        body: SplitBodySchema,
        response: { 200: IncidentActionResultSchema, ...errors },
      },
    },
    async (req) => {
      const { source, created } = await workflow.split(req.params.id, req.body, by(req), (tx, at) =>
        app.repos.incidents.nextId(tx, at),
      );
      return { incident: await detail(req, source), created: created.id };
    },
  );

  app.post(
    '/api/incidents/:id/comments',
    {
      schema: {
        params: IncidentIdParams,
        body: CommentBodySchema,
        response: { 200: IncidentActionResultSchema, ...errors },
      },
    },
    async (req) => {
      const row = await workflow.comment(req.params.id, req.body, by(req));
      return { incident: await detail(req, row) };
    },
  );

  app.get(
    '/api/response-templates',
    {
      schema: {
        querystring: Type.Object(
          { category: Type.Optional(CategoryCodeSchema) },
          { additionalProperties: false },
        ),
        response: { 200: ListSchema(ResponseTemplateSchema) },
      },
    },
    async (req) => ({ items: responseTemplatesFor(req.query.category) }),
  );
});

/** The case's attachments, when the attachments plugin is loaded. */
async function attachmentsOf(app: RouteApp, id: string): Promise<Attachment[]> {
  const store = (app as unknown as { attachments?: { list(id: string): Promise<Attachment[]> } }).attachments;
  return store ? store.list(id) : [];
}
