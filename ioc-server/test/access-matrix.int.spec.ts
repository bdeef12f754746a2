import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMutating } from '../src/auth/policy.ts';
import { ROLES, type Role } from '../src/auth/principal.ts';
import { DISPLAY_TOKEN, startIoc, type RunningIoc } from './support/start-ioc.ts';
import { createUser, openSession } from './support/auth.ts';

/**
 * The role × route matrix, generated from the policy table through the routes the app really
 * registered (`app.accessRoutes`): every cell is one HTTP request. A route added without a policy row
 * never gets here — the app refuses to start (access.plugin.spec.ts).
 *
 * Requests are made so that an allowed one stops at validation or lookup and changes nothing: `:id`
 * params are 0 (below every minimum, or no such record) and bodies are `{}`. So "allowed" means "not
 * refused by access control" (neither 401 IOC_AUTH_REQUIRED nor 403 IOC_AUTH_FORBIDDEN/IOC_AUTH_CSRF).
 */
type Actor = { name: string; role: Role | null; headers: () => Promise<Record<string, string>> };

const AUTH_DENIALS = new Set(['IOC_AUTH_REQUIRED', 'IOC_AUTH_FORBIDDEN', 'IOC_AUTH_CSRF']);

describe('access matrix: every route × every role', () => {
  let ioc: RunningIoc;
  const actors: Actor[] = [];

  beforeAll(async () => {
    ioc = await startIoc();
    actors.push({ name: 'anonymous', role: null, headers: async () => ({}) });
    actors.push({
      name: 'display token',
      role: 'display',
      headers: async () => ({ authorization: `Bearer ${DISPLAY_TOKEN}` }),
    });
    for (const role of ROLES) {
      const user = await createUser(ioc.app, role);
      // A fresh session per request: a cell (logout) may end its session without touching the next one.
      actors.push({
        name: `${role} session`,
        role,
        headers: async () => (await openSession(ioc.app, user.id, user.username)).headers(true),
      });
    }
  });
  afterAll(async () => {
    await ioc?.close();
  });

  it('allows exactly the roles of each route and refuses the others with 401 or 403', async () => {
    const routes = ioc.app.accessRoutes.filter((r) => !r.staticFile);
    expect(routes.length).toBeGreaterThan(15);
    const failures: string[] = [];
    let cells = 0;
    for (const route of routes) {
      const path = route.url.replace(/:\w+/g, '0');
      for (const actor of actors) {
        const headers = await actor.headers();
        const mutating = isMutating(route.method);
        const res = await fetch(`${ioc.baseUrl}${path}`, {
          method: route.method,
          headers: { ...headers, ...(mutating ? { 'content-type': 'application/json' } : {}) },
          ...(mutating ? { body: '{}' } : {}),
        });
        const text = await res.text();
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
        } catch {
          code = undefined; // not JSON (metrics, GeoJSON): no error
        }
        cells++;
        const open = route.policy.scope === 'public' || route.policy.scope === 'signed';
        const allowed = open || (actor.role !== null && route.policy.roles.includes(actor.role));
        const cell = `${route.method} ${route.url} as ${actor.name}: ${res.status} ${code ?? ''}`;
        if (allowed) {
          if (code !== undefined && AUTH_DENIALS.has(code)) failures.push(`${cell} (expected allowed)`);
          // A signed route answers its own 401 for a missing signature; any other allowed route never does.
          if (!open && (res.status === 401 || res.status === 403))
            failures.push(`${cell} (expected allowed)`);
        } else if (actor.role === null) {
          if (res.status !== 401 || code !== 'IOC_AUTH_REQUIRED')
            failures.push(`${cell} (expected 401 IOC_AUTH_REQUIRED)`);
        } else if (res.status !== 403 || code !== 'IOC_AUTH_FORBIDDEN') {
          failures.push(`${cell} (expected 403 IOC_AUTH_FORBIDDEN)`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(cells).toBe(routes.length * actors.length);
    console.info(`access matrix: ${routes.length} routes × ${actors.length} actors = ${cells} cells`);
    // Every cell is a real request (about 800 with issue 14's routes): 40 s on a quiet machine.
  }, 300_000);

  it('never lets leader or display change anything', () => {
    for (const route of ioc.app.accessRoutes.filter((r) => isMutating(r.method))) {
      expect(route.policy.roles, `${route.method} ${route.url}`).not.toContain('leader');
      expect(route.policy.roles, `${route.method} ${route.url}`).not.toContain('display');
    }
  });

  it('serves the web app and its client-side routes to anyone', async () => {
    const files = ioc.app.accessRoutes.filter((r) => r.staticFile);
    if (files.length === 0) return; // API-only run: no web build
    for (const file of files.slice(0, 5)) {
      expect((await fetch(`${ioc.baseUrl}${file.url}`)).status, file.url).toBe(200);
    }
    const shell = await fetch(`${ioc.baseUrl}/wall?token=abc`);
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-type')).toMatch(/text\/html/);
    // The shell's inline boot script is allowed by hash, not by 'unsafe-inline'.
    expect(shell.headers.get('content-security-policy')).toMatch(
      /script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/,
    );
  });
});
