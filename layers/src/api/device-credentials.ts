import { PlainLine } from './text.ts';
import { Type, type Static } from '@sinclair/typebox';
import '../formats.ts';

/**
 * MQTT credentials of field devices (issue 11, "the broker is closed"): an admin issues one per device
 * (the secret is answered once, only its hash is kept) and revokes it. The device logs in to the broker
 * with its id as the username and the secret as the password.
 */

/** A device id as topics carry it (streams' DEVICE_ID). */
export const DeviceIdParamsSchema = Type.Object(
  { id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }) },
  { additionalProperties: false },
);

export const DeviceCredentialSchema = Type.Object({
  id: Type.Integer(),
  deviceId: Type.String(),
  /** The last 4 characters of the secret, to tell secrets apart. */
  hint: Type.String(),
  createdBy: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  /** The last broker login with it (recorded at most once a minute). */
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type DeviceCredential = Static<typeof DeviceCredentialSchema>;

export const NewDeviceCredentialSchema = Type.Composite([
  DeviceCredentialSchema,
  Type.Object({
    /** The MQTT username: the device id. */
    username: Type.String(),
    secret: Type.String({ description: 'shown once: the MQTT password to configure on the device' }),
    /** The topics this credential may publish to; nothing else, and no subscriptions. */
    topics: Type.Array(Type.String()),
  }),
]);
export type NewDeviceCredential = Static<typeof NewDeviceCredentialSchema>;

export const NewDeviceCredentialBodySchema = Type.Object(
  {
    /** Why (a new gateway, a leaked secret): kept in the audit trail. */
    note: Type.Optional(PlainLine({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type NewDeviceCredentialBody = Static<typeof NewDeviceCredentialBodySchema>;
