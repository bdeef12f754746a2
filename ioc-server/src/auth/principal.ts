/** The roles of the IOC (ARCHITECTURE.md, "Access"); the `users.role` CHECK constraint lists the same. */
export const ROLES = ['admin', 'supervisor', 'operator', 'agency', 'leader', 'display'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

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
