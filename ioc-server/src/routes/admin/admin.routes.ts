import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../errors.ts';
import { actorOf } from '../../auth/access.plugin.ts';
import { publicToken, publicUser } from '../../auth/access.service.ts';
import { ROLES } from '../../auth/principal.ts';
import { routePlugin } from '../route-plugin.ts';

const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });
const Password = Type.String({ minLength: 8, maxLength: 256 });
const DisplayName = Type.String({ minLength: 1, maxLength: 120 });
const AgencyId = Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()]);

const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  agencyId: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const NewUserBody = Type.Object(
  {
    username: Type.String({ pattern: '^[A-Za-z0-9._-]{3,64}$' }),
    displayName: DisplayName,
    password: Password,
    role: RoleSchema,
    /** Required for the `agency` role, ignored for the others. */
    agencyId: Type.Optional(AgencyId),
  },
  { additionalProperties: false },
);

const UserPatchBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    role: Type.Optional(RoleSchema),
    agencyId: Type.Optional(AgencyId),
    active: Type.Optional(Type.Boolean()),
    /** A password reset: ends the user's sessions like every change of rights. */
    password: Type.Optional(Password),
  },
  { additionalProperties: false, minProperties: 1 },
);

const TokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  /** The last 4 characters, to tell tokens apart. */
  hint: Type.String(),
  createdBy: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const NewTokenSchema = Type.Composite([
  TokenSchema,
  Type.Object({ token: Type.String({ description: 'shown once: store it on the screen' }) }),
]);
const NewTokenBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

const AuditQuerySchema = Type.Object(
  {
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
const AuditItemSchema = Type.Object({
  id: Type.Integer(),
  ts: Type.String({ format: 'date-time' }),
  actorUserId: Type.Union([Type.Integer(), Type.Null()]),
  actorUsername: Type.Union([Type.String(), Type.Null()]),
  actorRole: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  correlationId: Type.Union([Type.String(), Type.Null()]),
});

const AgencySchema = Type.Object({
  id: Type.String(),
  nameVi: Type.String(),
  nameEn: Type.String(),
  kind: Type.String(),
  wardCode: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
});

const encodeCursor = (ts: string, id: number) => Buffer.from(JSON.stringify([ts, id])).toString('base64url');
function decodeCursor(cursor: string): { ts: string; id: number } {
  try {
    const [ts, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (
      typeof ts === 'string' &&
      /^\d{4}-\d\d-\d\d[ T][\d:.]+(Z|[+-]\d\d(:?\d\d)?)?$/.test(ts) &&
      Number.isInteger(id)
    )
      return { ts, id: id as number };
  } catch {
    // fall through
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

  app.post<{ Body: Static<typeof NewUserBody> }>(
    '/api/admin/users',
    { schema: { body: NewUserBody, response: { 201: UserSchema } } },
    async (req, reply) => {
      const row = await access.createUser(req.body, actorOf(req));
      return reply.code(201).send(publicUser(row));
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UserPatchBody> }>(
    '/api/admin/users/:id',
    { schema: { params: IdParams, body: UserPatchBody, response: { 200: UserSchema } } },
    async (req) => publicUser(await access.updateUser(req.params.id, req.body, actorOf(req))),
  );

  app.get(
    '/api/admin/display-tokens',
    { schema: { response: { 200: Type.Object({ items: Type.Array(TokenSchema) }) } } },
    async () => ({ items: (await access.tokens.list()).map(publicToken) }),
  );

  app.post<{ Body: Static<typeof NewTokenBody> }>(
    '/api/admin/display-tokens',
    { schema: { body: NewTokenBody, response: { 201: NewTokenSchema } } },
    async (req, reply) => {
      const { row, token } = await access.createDisplayToken(req.body.name, actorOf(req));
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ...publicToken(row), token });
    },
  );

  /** Revokes (the row stays for the audit); open /live sockets using it are cut within seconds. */
  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/admin/display-tokens/:id',
    { schema: { params: IdParams, response: { 200: TokenSchema } } },
    async (req) => publicToken(await access.revokeDisplayToken(req.params.id, actorOf(req))),
  );

  app.get<{ Querystring: Static<typeof AuditQuerySchema> }>(
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
