import type { Role } from '@hue-ioc/layers';

// The roles are declared once, in layers (role.ts), for the web's consoles too; test/domain-lists.int.spec.ts
// pins the `users.role` CHECK constraint to them.
export { ROLES, isRole, type Role } from '@hue-ioc/layers';

/** The credential a principal was built from: what revalidation looks up again. */
export type Credential =
  | { type: 'session'; /** hex SHA-256 of the session cookie */ idHash: string }
  | { type: 'display_token'; tokenId: number };

/**
 * Who is asking, on REST (`request.principal`) and on /live (`socket.data.principal`): a logged-in user
 * (session cookie) or a wall screen (display token).
 */
export interface Principal {
  /** `user:<id>` or `display-token:<id>`: stable, safe to log. */
  id: string;
  role: Role;
  /** Set for the `agency` role only: the one agency whose incidents it may see and handle. */
  agencyId?: string;
  /** Set for users. */
  userId?: number;
  username?: string;
  displayName?: string;
  credential: Credential;
}

/** Same credential (session or token): used to find the sockets of a revoked credential. */
export function credentialKey(c: Credential): string {
  return c.type === 'session' ? `s:${c.idHash}` : `t:${c.tokenId}`;
}
