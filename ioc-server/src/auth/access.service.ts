import type { IncomingHttpHeaders } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import type { Logger } from '@hue-ioc/streams';
import type { Config } from '../config.ts';
import type { Db, Queryable } from '../storage/db.ts';
import { AppError } from '../errors.ts';
import { AuditRepository, type AuditQuery, type AuditRow } from './audit.repository.ts';
import { DisplayTokenRepository, type DisplayTokenRow } from './display-token.repository.ts';
import { credentialKey, type Principal, type Role } from './principal.ts';
import {
  burnPasswordCheck,
  csrfTokenFor,
  hashPassword,
  newSecret,
  sha256,
  verifyPassword,
} from './secrets.ts';
import { SessionRepository, type SessionUser } from './session.repository.ts';
import { normaliseUsername, UserRepository, type UserRow } from './user.repository.ts';

export const SESSION_COOKIE = 'ioc_session';
export const CSRF_COOKIE = 'ioc_csrf';
export const CSRF_HEADER = 'x-ioc-csrf';

/** Lockout (issue "Who may see and do what"): 5 failures per username and address in 15 minutes. */
export const LOCKOUT = { failures: 5, windowS: 15 * 60 } as const;

/** The first agency of a demo database when none is there yet (DOMAIN.md: Sở Xây dựng). */
const DEMO_AGENCY = {
  id: 'so-xay-dung',
  nameVi: 'Sở Xây dựng',
  nameEn: 'Department of Construction',
  kind: 'department',
};
const DEMO_USERS: readonly { username: string; displayName: string; role: Role }[] = [
  { username: 'admin', displayName: 'Quản trị hệ thống', role: 'admin' },
  { username: 'supervisor', displayName: 'Trưởng ca giám sát', role: 'supervisor' },
  { username: 'operator', displayName: 'Điều hành viên', role: 'operator' },
  { username: 'leader', displayName: 'Lãnh đạo thành phố', role: 'leader' },
  { username: 'agency', displayName: 'Cán bộ Sở Xây dựng', role: 'agency' },
];

/** Who did it, from where, in which request: what every audit row carries. */
export interface ActorContext {
  principal: Principal | null;
  ip: string | null;
  correlationId: string | null;
}

export interface LoginResult {
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
  principal: Principal;
}

/** A user as the admin API shows it: never the hash. */
export const publicUser = (u: UserRow) => ({
  id: u.id,
  username: u.username,
  displayName: u.display_name,
  role: u.role,
  agencyId: u.agency_id,
  active: u.active,
  createdAt: new Date(u.created_at).toISOString(),
  updatedAt: new Date(u.updated_at).toISOString(),
});

export const publicToken = (t: DisplayTokenRow) => ({
  id: t.id,
  name: t.name,
  hint: t.hint,
  createdBy: t.created_by,
  createdAt: new Date(t.created_at).toISOString(),
  lastUsedAt: t.last_used_at ? new Date(t.last_used_at).toISOString() : null,
  revokedAt: t.revoked_at ? new Date(t.revoked_at).toISOString() : null,
});

const sessionPrincipal = (s: SessionUser): Principal => ({
  id: `user:${s.user_id}`,
  role: s.role,
  ...(s.role === 'agency' && s.agency_id ? { agencyId: s.agency_id } : {}),
  userId: s.user_id,
  username: s.username,
  displayName: s.display_name,
  credential: { type: 'session', idHash: s.id_hash },
});

const tokenPrincipal = (t: DisplayTokenRow): Principal => ({
  id: `display-token:${t.id}`,
  role: 'display',
  displayName: t.name,
  credential: { type: 'display_token', tokenId: t.id },
});

/**
 * Accounts, sessions, display tokens and the audit trail: every decision about credentials, with the
 * database as the only state, so any replica can answer for a session another one opened.
 */
export class AccessService {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly tokens: DisplayTokenRepository;
  readonly audit: AuditRepository;

  constructor(
    private readonly deps: {
      db: Db;
      config: Pick<
        Config,
        | 'demo'
        | 'demoPassword'
        | 'displayToken'
        | 'adminUsername'
        | 'adminPassword'
        | 'sessionIdleS'
        | 'sessionMaxS'
      >;
      logger: Logger;
    },
  ) {
    this.users = new UserRepository(deps.db);
    this.sessions = new SessionRepository(deps.db);
    this.tokens = new DisplayTokenRepository(deps.db);
    this.audit = new AuditRepository(deps.db);
  }

  private get config() {
    return this.deps.config;
  }

  // ---- start-up ---------------------------------------------------------------------------------------

  /**
   * ARCHITECTURE.md, "Access": demo mode seeds the five demo accounts on an empty users table; otherwise
   * only a first admin from ADMIN_USERNAME/ADMIN_PASSWORD. The configured display token (DEMO_DISPLAY_TOKEN,
   * set by demo mode or explicitly) is registered unless a token with that value exists — a revoked one
   * stays revoked. Logs names, never passwords or tokens.
   */
  async seed(): Promise<void> {
    const { config, logger } = this.deps;
    const system: ActorContext = { principal: null, ip: null, correlationId: 'seed' };
    await this.sessions.deleteExpired(config.sessionIdleS);
    if ((await this.users.count()) === 0) {
      if (config.demo) {
        const agencyId = await this.demoAgency();
        const passwordHash = await hashPassword(config.demoPassword);
        for (const u of DEMO_USERS) {
          const row = await this.users.create({
            ...u,
            passwordHash,
            agencyId: u.role === 'agency' ? agencyId : null,
          });
          if (row)
            await this.record(system, 'user.create', 'user', String(row.id), undefined, publicUser(row));
        }
        logger.info({ users: DEMO_USERS.map((u) => u.username), agencyId }, 'demo accounts created');
      } else if (config.adminUsername && config.adminPassword) {
        if (config.adminPassword.length < 12)
          logger.warn({}, 'ADMIN_PASSWORD is shorter than 12 characters: change it after the first login');
        const row = await this.users.create({
          username: config.adminUsername,
          displayName: config.adminUsername,
          passwordHash: await hashPassword(config.adminPassword),
          role: 'admin',
          agencyId: null,
        });
        if (row) await this.record(system, 'user.create', 'user', String(row.id), undefined, publicUser(row));
        logger.info({ username: row?.username }, 'first admin account created from ADMIN_USERNAME');
      } else {
        logger.warn({}, 'no accounts: set ADMIN_USERNAME and ADMIN_PASSWORD to create the first admin');
      }
    }
    if (config.displayToken) {
      const token = config.displayToken;
      const row = await this.tokens.create({
        name: config.demo ? 'Demo wall (DEMO_DISPLAY_TOKEN)' : 'DEMO_DISPLAY_TOKEN',
        tokenHash: sha256(token),
        hint: token.slice(-4),
        createdBy: null,
      });
      if (row)
        await this.record(
          system,
          'display_token.create',
          'display_token',
          String(row.id),
          undefined,
          publicToken(row),
        );
    }
  }

  /** `so-xay-dung` when present (the incident seed may have added it), else the first; created when there is none. */
  private async demoAgency(): Promise<string> {
    const agencies = await this.users.agencies();
    if (agencies.length === 0) {
      await this.deps.db.query(
        `INSERT INTO agencies (id, name_vi, name_en, kind) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
        [DEMO_AGENCY.id, DEMO_AGENCY.nameVi, DEMO_AGENCY.nameEn, DEMO_AGENCY.kind],
      );
      return DEMO_AGENCY.id;
    }
    return (agencies.find((a) => a.id === DEMO_AGENCY.id) ?? agencies[0]!).id;
  }

  // ---- login, logout, who is asking --------------------------------------------------------------------

  async login(
    username: string,
    password: string,
    ctx: { ip: string | null; userAgent: string | null; correlationId: string | null },
  ): Promise<LoginResult> {
    const name = normaliseUsername(username);
    const actor: ActorContext = { principal: null, ip: ctx.ip, correlationId: ctx.correlationId };
    const failures = await this.audit.recentFailures(name, ctx.ip, LOCKOUT.windowS);
    if (failures.count >= LOCKOUT.failures) {
      const retryAfterS = failures.oldest
        ? Math.max(
            1,
            Math.ceil((new Date(failures.oldest).getTime() + LOCKOUT.windowS * 1000 - Date.now()) / 1000),
          )
        : LOCKOUT.windowS;
      await this.record(actor, 'auth.login_locked', 'user', name);
      throw new AppError(
        'IOC_AUTH_LOCKED',
        `too many failed logins for this account from this address; try again in ${Math.ceil(retryAfterS / 60)} min`,
        {
          retryAfterS,
        },
      );
    }
    const user = await this.users.byUsername(name);
    const ok =
      user && user.active
        ? await verifyPassword(user.password_hash, password)
        : (await burnPasswordCheck(password), false);
    if (!user || !ok) {
      await this.record(actor, 'auth.login_failed', 'user', name, undefined, {
        reason: !user ? 'unknown_user' : !user.active ? 'inactive' : 'password',
      });
      throw new AppError('IOC_AUTH_INVALID', 'wrong username or password');
    }
    const sessionId = newSecret();
    const idHash = sha256(sessionId);
    const { expires_at } = await this.sessions.create({
      idHash,
      userId: user.id,
      maxS: this.config.sessionMaxS,
      ip: ctx.ip,
      userAgent: ctx.userAgent?.slice(0, 300) ?? null,
    });
    const principal = sessionPrincipal({
      id_hash: idHash,
      user_id: user.id,
      username: user.username,
      display_name: user.display_name,
      role: user.role,
      agency_id: user.agency_id,
      idle_s: 0,
      expires_at,
    });
    await this.record({ ...actor, principal }, 'auth.login', 'user', name);
    return { sessionId, csrfToken: csrfTokenFor(sessionId), expiresAt: new Date(expires_at), principal };
  }

  /** Ends the session; a no-op when it is already gone. */
  async logout(sessionId: string, actor: ActorContext): Promise<void> {
    const idHash = sha256(sessionId);
    if (await this.sessions.delete(idHash))
      await this.record(actor, 'auth.logout', 'session', idHash.slice(0, 12));
  }

  /** The user of a live session (and marks it used), or null. */
  async principalFromSession(sessionId: string): Promise<Principal | null> {
    const idHash = sha256(sessionId);
    const [s] = await this.sessions.valid([idHash], this.config.sessionIdleS);
    if (!s) return null;
    // Refresh the idle clock at most every quarter of the idle time (capped at a minute): not a write per request.
    if (s.idle_s > Math.min(60, this.config.sessionIdleS / 4)) await this.sessions.touch([idHash]);
    return sessionPrincipal(s);
  }

  async principalFromToken(token: string): Promise<Principal | null> {
    if (token.length < 8 || token.length > 200) return null;
    const row = await this.tokens.activeByHash(sha256(token));
    if (!row) return null;
    void this.tokens.markUsed(row.id).catch(() => undefined);
    return tokenPrincipal(row);
  }

  /**
   * Who sent these headers: `Authorization: Bearer <display token>` first, else the session cookie.
   * `sessionId` is returned for the CSRF check.
   */
  async resolve(
    headers: IncomingHttpHeaders,
    cookies?: Record<string, string | undefined>,
  ): Promise<{ principal: Principal | null; sessionId: string | null }> {
    const auth = headers.authorization;
    if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) {
      return {
        principal: await this.principalFromToken(auth.replace(/^bearer\s+/i, '').trim()),
        sessionId: null,
      };
    }
    const jar = cookies ?? (typeof headers.cookie === 'string' ? fastifyCookie.parse(headers.cookie) : {});
    const sessionId = jar[SESSION_COOKIE];
    if (!sessionId) return { principal: null, sessionId: null };
    return { principal: await this.principalFromSession(sessionId), sessionId };
  }

  /**
   * The credential keys (principal.ts `credentialKey`) of these principals that still hold, with the
   * same role and agency: a revoked token, an ended or expired session, a deactivated user or a changed
   * role all drop out. Sessions still in use on /live get their idle clock refreshed.
   */
  async stillValid(principals: readonly Principal[]): Promise<Set<string>> {
    const hashes = new Set<string>();
    const tokenIds = new Set<number>();
    for (const p of principals) {
      if (p.credential.type === 'session') hashes.add(p.credential.idHash);
      else tokenIds.add(p.credential.tokenId);
    }
    const sessions = await this.sessions.valid([...hashes], this.config.sessionIdleS);
    const byHash = new Map(sessions.map((s) => [s.id_hash, s]));
    const stale = sessions
      .filter((s) => s.idle_s > Math.min(60, this.config.sessionIdleS / 4))
      .map((s) => s.id_hash);
    if (stale.length > 0) await this.sessions.touch(stale);
    const tokens = await this.tokens.activeIds([...tokenIds]);
    const valid = new Set<string>();
    for (const p of principals) {
      if (p.credential.type === 'display_token') {
        if (tokens.has(p.credential.tokenId)) valid.add(credentialKey(p.credential));
        continue;
      }
      const s = byHash.get(p.credential.idHash);
      if (s && s.role === p.role && (s.role !== 'agency' || s.agency_id === p.agencyId))
        valid.add(credentialKey(p.credential));
    }
    return valid;
  }

  // ---- administration ------------------------------------------------------------------------------

  async createUser(
    input: { username: string; displayName: string; password: string; role: Role; agencyId?: string | null },
    actor: ActorContext,
  ): Promise<UserRow> {
    const agencyId = await this.checkAgency(input.role, input.agencyId ?? null);
    const row = await this.users.create({
      username: input.username,
      displayName: input.displayName,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      agencyId,
    });
    if (!row)
      throw new AppError(
        'IOC_AUTH_USERNAME_TAKEN',
        `the username "${normaliseUsername(input.username)}" is taken`,
      );
    await this.record(actor, 'user.create', 'user', String(row.id), undefined, publicUser(row));
    return row;
  }

  /**
   * Changes role, agency, active flag, display name or password. Any change but the display name ends
   * the user's sessions, so the new rights (or none) apply at once, on REST and on /live.
   */
  async updateUser(
    id: number,
    patch: {
      displayName?: string;
      password?: string;
      role?: Role;
      agencyId?: string | null;
      active?: boolean;
    },
    actor: ActorContext,
  ): Promise<UserRow> {
    return this.deps.db.transaction(async (tx) => {
      const before = await this.users.byId(id, tx);
      if (!before) throw new AppError('IOC_AUTH_USER_NOT_FOUND', `no user ${id}`);
      const role = patch.role ?? before.role;
      const agencyId =
        patch.agencyId !== undefined || patch.role !== undefined
          ? await this.checkAgency(
              role,
              patch.agencyId !== undefined ? patch.agencyId : role === 'agency' ? before.agency_id : null,
              tx,
            )
          : undefined;
      const losesAdmin =
        before.role === 'admin' && before.active && (role !== 'admin' || patch.active === false);
      if (losesAdmin && (await this.users.otherActiveAdmins(id, tx)) === 0) {
        throw new AppError('IOC_AUTH_LAST_ADMIN', 'this is the last active admin: make another admin first');
      }
      const after = await this.users.update(
        id,
        {
          ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
          ...(patch.password !== undefined ? { passwordHash: await hashPassword(patch.password) } : {}),
          ...(patch.role !== undefined ? { role: patch.role } : {}),
          ...(agencyId !== undefined ? { agencyId } : {}),
          ...(patch.active !== undefined ? { active: patch.active } : {}),
        },
        tx,
      );
      if (!after) throw new AppError('IOC_AUTH_USER_NOT_FOUND', `no user ${id}`);
      const rightsChanged =
        patch.password !== undefined ||
        after.role !== before.role ||
        after.agency_id !== before.agency_id ||
        after.active !== before.active;
      const ended = rightsChanged ? await this.sessions.deleteForUser(id, tx) : 0;
      await this.record(
        actor,
        'user.update',
        'user',
        String(id),
        publicUser(before),
        {
          ...publicUser(after),
          ...(patch.password !== undefined ? { passwordReset: true } : {}),
          sessionsEnded: ended,
        },
        tx,
      );
      return after;
    });
  }

  /** The agency id to store for a role: required (and existing) for `agency`, none for the others. */
  private async checkAgency(
    role: Role,
    agencyId: string | null,
    q: Queryable = this.deps.db,
  ): Promise<string | null> {
    if (role !== 'agency') return null;
    if (!agencyId) throw new AppError('IOC_AUTH_AGENCY_REQUIRED', 'an agency account needs agencyId');
    if (!(await this.users.agencyExists(agencyId, q)))
      throw new AppError('IOC_AUTH_AGENCY_UNKNOWN', `no agency "${agencyId}"`);
    return agencyId;
  }

  /** A new display token: the secret is returned once and only its hash is kept. */
  async createDisplayToken(
    name: string,
    actor: ActorContext,
  ): Promise<{ row: DisplayTokenRow; token: string }> {
    const token = newSecret('ioc_dt_');
    const row = await this.tokens.create({
      name,
      tokenHash: sha256(token),
      hint: token.slice(-4),
      createdBy: actor.principal?.userId ?? null,
    });
    if (!row) throw new AppError('IOC_INTERNAL', 'token collision'); // 256 random bits: not in this universe
    await this.record(
      actor,
      'display_token.create',
      'display_token',
      String(row.id),
      undefined,
      publicToken(row),
    );
    return { row, token };
  }

  async revokeDisplayToken(id: number, actor: ActorContext): Promise<DisplayTokenRow> {
    const result = await this.tokens.revoke(id);
    if (!result) throw new AppError('IOC_AUTH_TOKEN_NOT_FOUND', `no display token ${id}`);
    if (!result.before.revoked_at) {
      await this.record(
        actor,
        'display_token.revoke',
        'display_token',
        String(id),
        publicToken(result.before),
        publicToken(result.after),
      );
    }
    return result.after;
  }

  listAudit(query: AuditQuery): Promise<AuditRow[]> {
    return this.audit.list(query);
  }

  async record(
    actor: ActorContext,
    action: string,
    targetType: string | null,
    targetId: string | null,
    before?: unknown,
    after?: unknown,
    q: Parameters<AuditRepository['record']>[1] = this.deps.db,
  ): Promise<void> {
    await this.audit.record(
      {
        actorUserId: actor.principal?.userId ?? null,
        actorUsername: actor.principal?.username ?? (actor.principal ? actor.principal.id : null),
        actorRole: actor.principal?.role ?? null,
        action,
        targetType,
        targetId,
        ip: actor.ip,
        before,
        after,
        correlationId: actor.correlationId,
      },
      q,
    );
  }
}

export { csrfTokenFor };
