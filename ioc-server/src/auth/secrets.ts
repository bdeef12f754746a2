import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * Passwords: argon2id with the OWASP minimum (19 MiB, 2 passes, 1 lane), which is also the library's
 * default; the parameters travel in the PHC string, so raising them later keeps old hashes verifiable.
 */
// algorithm 2 is Algorithm.Argon2id (a const enum, which verbatimModuleSyntax cannot import).
const ARGON2 = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // not a PHC string we know: never a match
  }
}

/** Verified against when the username is unknown, so a miss costs as long as a wrong password. */
let dummyHash: Promise<string> | null = null;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummyHash, password);
}

/** A 256-bit random secret, URL-safe (session ids, display tokens). */
export const newSecret = (prefix = ''): string => `${prefix}${randomBytes(32).toString('base64url')}`;

export const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/**
 * The CSRF token of a session: derived from the session id, so it needs no storage and cannot be
 * computed by anyone who does not hold the (httpOnly) session cookie. Sent to the page in a readable
 * cookie and in /api/auth/me; required back in the X-IOC-CSRF header on every cookie-authenticated
 * mutation (double submit, bound to the session).
 */
export const csrfTokenFor = (sessionId: string): string =>
  createHash('sha256').update(`ioc-csrf:${sessionId}`, 'utf8').digest('base64url');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
