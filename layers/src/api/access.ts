import { Type, type Static } from '@sinclair/typebox';
import { RoleSchema } from '../role.ts';
import '../formats.ts';
import { PlainLine } from './text.ts';

/**
 * Access payloads (ARCHITECTURE.md "Access"): login, the current principal, accounts, display tokens and
 * the audit trail. The server validates and documents its routes with these; the console imports them.
 */

export const LoginBodySchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBodySchema>;

export const MeSchema = Type.Object({
  /** `user:<id>` or `display-token:<id>`. */
  id: Type.String(),
  kind: Type.Union([Type.Literal('user'), Type.Literal('display_token')]),
  role: RoleSchema,
  userId: Type.Optional(Type.Integer()),
  username: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String()),
  agencyId: Type.Optional(Type.String()),
  /** For session users: the value to send as X-IOC-CSRF on POST/PATCH/DELETE. */
  csrfToken: Type.Optional(Type.String()),
  expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
});
export type Me = Static<typeof MeSchema>;

const Password = Type.String({ minLength: 8, maxLength: 256 });
const DisplayName = PlainLine({ minLength: 1, maxLength: 120 });
const AgencyIdInput = Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()]);

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  agencyId: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type User = Static<typeof UserSchema>;

export const NewUserSchema = Type.Object(
  {
    username: Type.String({ pattern: '^[A-Za-z0-9._-]{3,64}$' }),
    displayName: DisplayName,
    password: Password,
    role: RoleSchema,
    /** Required for the `agency` role, ignored for the others. */
    agencyId: Type.Optional(AgencyIdInput),
  },
  { additionalProperties: false },
);
export type NewUser = Static<typeof NewUserSchema>;

export const UserPatchSchema = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    role: Type.Optional(RoleSchema),
    agencyId: Type.Optional(AgencyIdInput),
    active: Type.Optional(Type.Boolean()),
    /** A password reset: ends the user's sessions like every change of rights. */
    password: Type.Optional(Password),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UserPatch = Static<typeof UserPatchSchema>;

export const DisplayTokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  /** The last 4 characters, to tell tokens apart. */
  hint: Type.String(),
  createdBy: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type DisplayToken = Static<typeof DisplayTokenSchema>;

export const NewDisplayTokenSchema = Type.Composite([
  DisplayTokenSchema,
  Type.Object({ token: Type.String({ description: 'shown once: store it on the screen' }) }),
]);
export type NewDisplayToken = Static<typeof NewDisplayTokenSchema>;

export const NewDisplayTokenBodySchema = Type.Object(
  { name: PlainLine({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const AuditQuerySchema = Type.Object(
  {
    actor: Type.Optional(PlainLine({ minLength: 1, maxLength: 100 })),
    action: Type.Optional(PlainLine({ minLength: 1, maxLength: 100 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuerySchema>;

export const AuditItemSchema = Type.Object({
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
export type AuditItem = Static<typeof AuditItemSchema>;
