import { goto } from '$app/navigation';
import type { ConsoleMessages } from './i18n';

/*
 * The console's REST client. The payload types are the server's own: the TypeBox schemas in `layers`
 * (layers/src/api) that its routes validate and document with (the web app never imports server code;
 * ARCHITECTURE.md, "Packages").
 */
import type {
  Agency,
  AuditItem,
  AuditQuery,
  DisplayToken,
  Me,
  NewDisplayToken,
  NewUser,
  User,
  UserPatch,
} from '@hue-ioc/layers';

export type { Agency, AuditItem, AuditQuery, DisplayToken, Me, NewDisplayToken, NewUser, User, UserPatch };

/** A list answer (`{ items, nextCursor? }`). */
export interface List<T> {
  items: T[];
  nextCursor?: string;
}

/** A refusal the server explained (`{ error: { code, message, details? } }`), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Code of a request that never reached the server (offline, DNS, server down). */
export const NETWORK_ERROR = 'IOC_WEB_NETWORK';

/** What to tell the user about a failed call, in their language; never a raw server message. */
export function friendlyError(e: unknown, t: ConsoleMessages): string {
  if (!(e instanceof ApiError)) return t.errors.unknown;
  if (e.code === NETWORK_ERROR) return t.errors.network;
  if (e.code === 'IOC_AUTH_LOCKED') {
    const s = (e.details as { retryAfterS?: unknown } | undefined)?.retryAfterS;
    return t.errors.locked(typeof s === 'number' && s > 0 ? Math.ceil(s / 60) : 15);
  }
  return t.errors.byCode[e.code] ?? t.errors.unknown;
}

const CSRF_COOKIE = 'ioc_csrf';
const CSRF_HEADER = 'X-IOC-CSRF';
let csrfFromMe: string | undefined;

function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return csrfFromMe;
}

/** Only a path on this site may follow a login (no open redirect to another origin). */
export function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : null;
}

function loginUrl(): string {
  const here = `${location.pathname}${location.search}`;
  const lang = new URLSearchParams(location.search).get('lang') === 'en' ? '&lang=en' : '';
  return `/login?next=${encodeURIComponent(here)}${lang}`;
}

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Off for the login page's own calls: a 401 there is an answer, not a lost session. */
  redirectOn401?: boolean;
}

/** One call to the REST API (shared by the console's clients: console, dispatch, agency). */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  // A FormData body (an upload) sets its own multipart content type with the boundary.
  const form = opts.body instanceof FormData;
  if (opts.body !== undefined && !form) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = csrfToken();
    if (csrf) headers[CSRF_HEADER] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      ...(opts.body !== undefined
        ? { body: form ? (opts.body as FormData) : JSON.stringify(opts.body) }
        : {}),
    });
  } catch {
    throw new ApiError(0, NETWORK_ERROR, 'network failure');
  }
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;

  let error: { code?: unknown; message?: unknown; details?: unknown } = {};
  try {
    error = ((await res.json()) as { error?: typeof error }).error ?? {};
  } catch {
    // not JSON (a proxy's error page): the status says enough
  }
  const code = typeof error.code === 'string' ? error.code : `HTTP_${res.status}`;
  const err = new ApiError(
    res.status,
    code,
    typeof error.message === 'string' ? error.message : res.statusText,
    error.details,
  );
  if (res.status === 401 && (opts.redirectOn401 ?? true)) {
    csrfFromMe = undefined;
    await goto(loginUrl(), { replaceState: true });
  }
  throw err;
}

export const api = {
  async login(username: string, password: string): Promise<Me> {
    const me = await request<Me>('POST', '/api/auth/login', {
      body: { username, password },
      redirectOn401: false,
    });
    csrfFromMe = me.csrfToken;
    return me;
  },
  async logout(): Promise<void> {
    await request<void>('POST', '/api/auth/logout', { redirectOn401: false });
    csrfFromMe = undefined;
  },
  /** The signed-in principal, or null when nobody is (no redirect). */
  async me(): Promise<Me | null> {
    try {
      const me = await request<Me>('GET', '/api/auth/me', { redirectOn401: false });
      csrfFromMe = me.csrfToken;
      return me;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  },
  users: () => request<List<User>>('GET', '/api/admin/users'),
  createUser: (body: NewUser) => request<User>('POST', '/api/admin/users', { body }),
  updateUser: (id: number, body: UserPatch) => request<User>('PATCH', `/api/admin/users/${id}`, { body }),
  tokens: () => request<List<DisplayToken>>('GET', '/api/admin/display-tokens'),
  createToken: (name: string) =>
    request<NewDisplayToken>('POST', '/api/admin/display-tokens', { body: { name } }),
  revokeToken: (id: number) => request<DisplayToken>('DELETE', `/api/admin/display-tokens/${id}`),
  audit: (q: AuditQuery) => request<List<AuditItem>>('GET', '/api/admin/audit', { query: { ...q } }),
  agencies: () => request<List<Agency>>('GET', '/api/agencies'),
};
