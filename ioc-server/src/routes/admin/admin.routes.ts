import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  AgencySchema,
  AuditItemSchema,
  AuditQuerySchema,
  DisplayTokenSchema as TokenSchema,
  NewDisplayTokenBodySchema as NewTokenBody,
  NewDisplayTokenSchema as NewTokenSchema,
  NewUserSchema as NewUserBody,
  UserPatchSchema as UserPatchBody,
  UserSchema,
} from '@hue-ioc/layers';
import { AppError } from '../../errors.ts';
import { actorOf } from '../../auth/access.plugin.ts';
import { publicToken, publicUser } from '../../auth/access.service.ts';
import { routePlugin } from '../route-plugin.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });

const encodeCursor = (ts: string, id: number) => Buffer.from(JSON.stringify([ts, id])).toString('base64url');

/**
 * What a cursor holds: the last row's `ts` as Postgres prints it and its id (a bigint, within JavaScript's
 * safe integers). Checked in full before it reaches SQL: a cursor of 1e20 or of month 99 answered 500.
 */
const AuditCursor = Type.Tuple([
  Type.String({
    pattern:
      '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])[ T]([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,6})?(Z|[+-]\\d\\d(:?\\d\\d)?)?$',
    maxLength: 40,
  }),
  Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
]);

/** 2026-02-30 passes the pattern; Postgres would refuse it (500). */
function dayExists(ts: string): boolean {
  const [y, m, d] = ts.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

function decodeCursor(cursor: string): { ts: string; id: number } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  if (Value.Check(AuditCursor, value) && dayExists(value[0])) {
    const [ts, id] = value;
    return { ts, id };
  }
  throw new AppError('IOC_REQUEST_INVALID', 'cursor is not one this API returned');
}

/** Users, display tokens, the audit trail (admin only, policy.ts) and the agency list (any role). */
export const adminRoutes = routePlugin('admin', [], async (app) => {
  const { access } = app;

  app.get(
    '/api/admin/users',
    { schema: { response: { 200: Type.Object({ items: Type.Array(UserSchema) }) } } },
    async () => ({
      items: (await access.users.list()).map(publicUser),
    }),
  );

  app.post(
    '/api/admin/users',
    { schema: { body: NewUserBody, response: { 201: UserSchema } } },
    async (req, reply) => {
      const row = await access.createUser(req.body, actorOf(req));
      return reply.code(201).send(publicUser(row));
    },
  );

  app.patch(
    '/api/admin/users/:id',
    { schema: { params: IdParams, body: UserPatchBody, response: { 200: UserSchema } } },
    async (req) => publicUser(await access.updateUser(req.params.id, req.body, actorOf(req))),
  );

  app.get(
    '/api/admin/display-tokens',
    { schema: { response: { 200: Type.Object({ items: Type.Array(TokenSchema) }) } } },
    async () => ({ items: (await access.tokens.list()).map(publicToken) }),
  );

  app.post(
    '/api/admin/display-tokens',
    { schema: { body: NewTokenBody, response: { 201: NewTokenSchema } } },
    async (req, reply) => {
      const { row, token } = await access.createDisplayToken(req.body.name, actorOf(req));
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ...publicToken(row), token });
    },
  );

  /** Revokes (the row stays for the audit); open /live sockets using it are cut within seconds. */
  app.delete(
    '/api/admin/display-tokens/:id',
    { schema: { params: IdParams, response: { 200: TokenSchema } } },
    async (req) => publicToken(await access.revokeDisplayToken(req.params.id, actorOf(req))),
  );

  app.get(
    '/api/admin/audit',
    {
      schema: {
        querystring: AuditQuerySchema,
        response: {
          200: Type.Object({ items: Type.Array(AuditItemSchema), nextCursor: Type.Optional(Type.String()) }),
        },
      },
    },
    async (req) => {
      const { actor, action, from, to, cursor } = req.query;
      const limit = req.query.limit ?? 100;
      const rows = await access.listAudit({
        ...(actor !== undefined ? { actor } : {}),
        ...(action !== undefined ? { action } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(cursor !== undefined ? { after: decodeCursor(cursor) } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({
          id: r.id,
          ts: new Date(r.ts).toISOString(),
          actorUserId: r.actor_user_id,
          actorUsername: r.actor_username,
          actorRole: r.actor_role,
          action: r.action,
          targetType: r.target_type,
          targetId: r.target_id,
          ip: r.ip,
          before: r.before,
          after: r.after,
          correlationId: r.correlation_id,
        })),
        ...(rows.length > limit && last ? { nextCursor: encodeCursor(last.ts_text, last.id) } : {}),
      };
    },
  );

  app.get(
    '/api/agencies',
    { schema: { response: { 200: Type.Object({ items: Type.Array(AgencySchema) }) } } },
    async () => ({
      items: (await access.users.agencies()).map((a) => ({
        id: a.id,
        nameVi: a.name_vi,
        nameEn: a.name_en,
        kind: a.kind,
        wardCode: a.ward_code,
        phone: a.phone,
      })),
    }),
  );
});
