import type { Feature, LayerDelta, LayerId, LayerSnapshot } from '@hue-ioc/layers';
import { ROLES, type Principal, type Role } from './principal.ts';

/**
 * Who may see and do what: the one place that says it (issue "Who may see and do what").
 *
 * Every HTTP route has a row here, keyed `"<METHOD> <fastify route url>"` exactly as registered
 * (`request.routeOptions.url`, params as `:id`). The access plugin (access.plugin.ts) enforces the row
 * before anything else runs, and refuses to start when a registered route has no row, so a new route
 * without a decision fails every test. HEAD uses the GET row.
 *
 * Scopes:
 * - `public`: no credentials (health, login, reference geography, the web app's files).
 * - `signed`: no session or token; the handler itself verifies the source's HMAC signature (ingest).
 * - `all`: the listed roles see and act on every record.
 * - `own_agency`: as `all`, except that an `agency` principal only sees and acts on its own agency's
 *   records; the handler filters with `agencyScope(request)` (access.plugin.ts).
 *
 * `leader` and `display` are read-only: a row that lets them use POST/PUT/PATCH/DELETE is refused at start.
 */
export type Scope = 'public' | 'signed' | 'all' | 'own_agency';

export interface RoutePolicy {
  /** Roles allowed; empty for `public` and `signed`. */
  roles: readonly Role[];
  scope: Scope;
}

const ANY_ROLE: readonly Role[] = ROLES;
/** The people who run the centre's desk: triage, assign, merge. */
const DESK: readonly Role[] = ['admin', 'supervisor', 'operator'];
/** The desk plus the handling units, which act on their own agency's incidents. */
const HANDLERS: readonly Role[] = [...DESK, 'agency'];
const ADMIN: readonly Role[] = ['admin'];

const PUBLIC: RoutePolicy = { roles: [], scope: 'public' };
const SIGNED: RoutePolicy = { roles: [], scope: 'signed' };
const allow = (roles: readonly Role[], scope: 'all' | 'own_agency' = 'all'): RoutePolicy => ({
  roles,
  scope,
});

export const ROUTE_POLICIES: Readonly<Record<string, RoutePolicy>> = {
  // Operations
  'GET /healthz': PUBLIC,
  'GET /readyz': PUBLIC,
  // Prometheus scrapes with a display token made for it (Authorization: Bearer): the metrics hold no
  // personal data, and a scraper needs no login. Admins may look too.
  'GET /metrics': allow(['admin', 'display']),

  // Access
  'POST /api/auth/login': PUBLIC,
  // Public so that a stale or expired cookie can always be cleared; with a live session the handler
  // still requires the CSRF header.
  'POST /api/auth/logout': PUBLIC,
  'GET /api/auth/me': allow(ANY_ROLE),

  // Reference data. The ward geography is public (it is published open data, and the login page map needs it).
  'GET /api/geo/wards': PUBLIC,
  'GET /api/wards': PUBLIC,
  'GET /api/devices': allow(ANY_ROLE),
  'GET /api/agencies': allow(ANY_ROLE),
  'GET /api/categories': allow(ANY_ROLE),
  // KPIs are aggregates with no personal data: every signed-in role and the wall may read them.
  'GET /api/kpis': allow(ANY_ROLE),
  // The wall's scenes and playlists: camera positions and titles, nothing personal. Every wall screen
  // (display token) reads it at start; signed-in roles may open the wall in a browser too.
  'GET /api/wall/config': allow(ANY_ROLE),
  // The basemap's style URL (MAP_STYLE_URL) for the consoles' maps: a URL every map of the city loads anyway.
  'GET /api/map/config': allow(ANY_ROLE),

  // Administration
  'GET /api/admin/users': allow(ADMIN),
  'POST /api/admin/users': allow(ADMIN),
  'PATCH /api/admin/users/:id': allow(ADMIN),
  'GET /api/admin/display-tokens': allow(ADMIN),
  'POST /api/admin/display-tokens': allow(ADMIN),
  'DELETE /api/admin/display-tokens/:id': allow(ADMIN),
  'GET /api/admin/audit': allow(ADMIN),
  // Device MQTT credentials (issue 11): the secret is answered once; only admins issue and revoke.
  'GET /api/admin/devices/:id/credentials': allow(ADMIN),
  'POST /api/admin/devices/:id/credentials': allow(ADMIN),
  'DELETE /api/admin/devices/:id/credentials': allow(ADMIN),
  // The outbox (issue 12): messages to citizens and units that did not go out, and re-sending them.
  'GET /api/admin/outbox': allow(ADMIN),
  'POST /api/admin/outbox/:id/retry': allow(ADMIN),
  // The deadline table (issue 12): admins edit it; the desk and the units read the defaults it gives.
  'GET /api/admin/sla': allow(ADMIN),
  'PUT /api/admin/sla': allow(ADMIN),
  'GET /api/sla': allow(HANDLERS),
  // The KPI catalogue (issue 13): admins define the indicators the KPI webhook accepts; every signed-in role
  // reads the active ones (labels and units, nothing personal).
  'GET /api/admin/kpi-catalogue': allow(ADMIN),
  'PUT /api/admin/kpi-catalogue/:id': allow(ADMIN),
  'DELETE /api/admin/kpi-catalogue/:id': allow(ADMIN),
  'GET /api/kpis/catalogue': allow(ANY_ROLE),

  // Ingest (ARCHITECTURE.md, "REST"): HMAC-signed by each source.
  'POST /api/ingest/hue-s': SIGNED,
  // The citizen's rating of the reply, signed with the Hue-S secret.
  'POST /api/ingest/hue-s/feedback': SIGNED,
  'POST /api/ingest/hotline': SIGNED,
  'POST /api/ingest/kpi': SIGNED,
  'POST /api/ingest/hotline/csv': SIGNED,
  'GET /api/ingest/imports/:id': SIGNED,

  // Incidents. Personal data in them is masked per role by personal-data.ts on every way out.
  'GET /api/incidents': allow(ANY_ROLE, 'own_agency'),
  'GET /api/incidents/:id': allow(ANY_ROLE, 'own_agency'),
  'POST /api/incidents/:id/assign': allow(DESK),
  'POST /api/incidents/:id/status': allow(HANDLERS, 'own_agency'),
  'POST /api/incidents/:id/merge': allow(DESK),
  'POST /api/incidents/:id/split': allow(DESK),
  'POST /api/incidents/:id/comments': allow(HANDLERS, 'own_agency'),
  // Attachments (issue 12, item 4): the desk and the unit with the case attach its result; everyone who
  // may read a case reads its files, except wall screens (photos of people and homes are not wall content).
  'POST /api/incidents/:id/attachments': allow(HANDLERS, 'own_agency'),
  'GET /api/attachments/:id': allow(['admin', 'supervisor', 'operator', 'agency', 'leader'], 'own_agency'),
  // The public reply's templates per category: the desk and the units write replies.
  'GET /api/response-templates': allow(HANDLERS),

  // Briefing
  'GET /api/briefing': allow(ANY_ROLE),
  // The PDF is made by the server's Chromium with the caller's session: the people the briefing is for.
  'GET /api/briefing.pdf': allow(['leader', 'admin', 'supervisor']),

  // The public transparency page (issue 14, item 4): published reports, anonymised (public/anonymise.ts),
  // server-rendered for citizens without a login; its stylesheet and ward outlines.
  'GET /cong-khai': PUBLIC,
  'GET /cong-khai/:id': PUBLIC,
  'GET /cong-khai/kieu.css': PUBLIC,
  'GET /cong-khai/phuong.svg': PUBLIC,

  // Open311 GeoReport v2 (issue 14): the GETs publish anonymised cases to anyone (public/anonymise.ts); the
  // POSTs carry api_key = INGEST_SECRET_OPEN311 in the form, which the handler checks (403 otherwise).
  'GET /open311/v2/discovery.json': PUBLIC,
  'GET /open311/v2/services.json': PUBLIC,
  'GET /open311/v2/services/:code.json': PUBLIC,
  'GET /open311/v2/requests.json': PUBLIC,
  'GET /open311/v2/requests/:id.json': PUBLIC,
  'GET /open311/v2/tokens/:token.json': PUBLIC,
  'GET /open311/v2/servicerequestupdates.json': PUBLIC,
  'POST /open311/v2/requests.json': SIGNED,
  'POST /open311/v2/servicerequestupdates.json': SIGNED,
  'GET /open311/v2/discovery.xml': PUBLIC,
  'GET /open311/v2/services.xml': PUBLIC,
  'GET /open311/v2/services/:code.xml': PUBLIC,
  'GET /open311/v2/requests.xml': PUBLIC,
  'GET /open311/v2/requests/:id.xml': PUBLIC,
  'GET /open311/v2/tokens/:token.xml': PUBLIC,
  'GET /open311/v2/servicerequestupdates.xml': PUBLIC,
  'POST /open311/v2/requests.xml': SIGNED,
  'POST /open311/v2/servicerequestupdates.xml': SIGNED,

  // Open data (issue 14): anonymised, public, rate-limited per address (routes/open-data). Exports are
  // public too: they produce only what the direct downloads give, limited hard per address and per node.
  'GET /open-data': PUBLIC,
  'GET /open-data/': PUBLIC,
  'GET /open-data/catalog.json': PUBLIC,
  'GET /open-data/api/3/action/package_list': PUBLIC,
  'GET /open-data/api/3/action/package_show': PUBLIC,
  'GET /open-data/incidents.csv': PUBLIC,
  'GET /open-data/incidents.geojson': PUBLIC,
  'GET /open-data/observations.csv': PUBLIC,
  'GET /open-data/kpis.csv': PUBLIC,
  'POST /open-data/exports': PUBLIC,
  'GET /open-data/exports/:id': PUBLIC,
  'GET /open-data/exports/:id/file': PUBLIC,

  // CAP 1.2 (issue 14): the feed and every document are public (warning services and citizens read them);
  // promoting an alarm or incident to a public alert, and cancelling one, is the supervisors' call.
  'GET /cap/alerts.atom': PUBLIC,
  'GET /cap/alerts/:id.xml': PUBLIC,
  'POST /api/cap/alerts': allow(['supervisor', 'admin']),
  'POST /api/cap/alerts/:id/cancel': allow(['supervisor', 'admin']),
  'POST /api/ingest/cap': SIGNED,

  // The OpenAPI document and its UI (@fastify/swagger-ui): public, like the API's own contract.
  'GET /docs': PUBLIC,
  'GET /docs/': PUBLIC,
  'GET /docs/json': PUBLIC,
  'GET /docs/yaml': PUBLIC,
  'GET /docs/static/*': PUBLIC,
  'GET /docs/static/index.html': PUBLIC,
  'GET /docs/static/swagger-initializer.js': PUBLIC,
};

/** The web app's files (SPA shell and assets), registered per file by @fastify/static. */
export const STATIC_FILE_POLICY: RoutePolicy = PUBLIC;

const READ_ONLY_ROLES: readonly Role[] = ['leader', 'display'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const isMutating = (method: string): boolean => !SAFE_METHODS.has(method.toUpperCase());

export const routeKey = (method: string, url: string): string =>
  `${method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase()} ${url}`;

/** The row for a route, or undefined when there is none (which the access plugin refuses at start). */
export function policyFor(method: string, url: string): RoutePolicy | undefined {
  return ROUTE_POLICIES[routeKey(method, url)];
}

/** Why a route cannot be registered, or null when its policy is sound. */
export function policyProblem(method: string, url: string, policy: RoutePolicy | undefined): string | null {
  const key = routeKey(method, url);
  if (!policy) {
    return `route ${key} has no access policy: add a row for it to ROUTE_POLICIES in ioc-server/src/auth/policy.ts`;
  }
  if ((policy.scope === 'public' || policy.scope === 'signed') !== (policy.roles.length === 0)) {
    return `route ${key}: a ${policy.scope} route ${policy.roles.length === 0 ? 'needs' : 'takes no'} roles`;
  }
  if (isMutating(method)) {
    const readOnly = policy.roles.filter((r) => READ_ONLY_ROLES.includes(r));
    if (readOnly.length > 0) return `route ${key}: ${readOnly.join(' and ')} are read-only roles`;
  }
  return null;
}

/** Whether a principal (null: anonymous) may call a route with this policy. */
export function decide(
  policy: RoutePolicy,
  principal: Principal | null,
): { ok: true } | { ok: false; status: 401 | 403; code: 'IOC_AUTH_REQUIRED' | 'IOC_AUTH_FORBIDDEN' } {
  if (policy.scope === 'public' || policy.scope === 'signed') return { ok: true };
  if (!principal) return { ok: false, status: 401, code: 'IOC_AUTH_REQUIRED' };
  if (!policy.roles.includes(principal.role)) return { ok: false, status: 403, code: 'IOC_AUTH_FORBIDDEN' };
  return { ok: true };
}

// ---- /live ------------------------------------------------------------------------------------------

export interface LayerPolicy {
  roles: readonly Role[];
  /**
   * `own_agency`: an agency principal receives only the features whose `props.agencyId` is its own.
   * `no_foreign_refs`: an agency principal receives every feature, but with `props.incidentId` null.
   */
  scope: 'all' | 'own_agency' | 'no_foreign_refs';
}

export const LAYER_POLICIES: Readonly<Record<LayerId, LayerPolicy>> = {
  incidents: { roles: ANY_ROLE, scope: 'own_agency' },
  sensors: { roles: ANY_ROLE, scope: 'all' },
  // Camera analytics (plates, vehicles) are for the centre and the city's screens, not the handling units.
  cameras: { roles: ['admin', 'supervisor', 'operator', 'leader', 'display'], scope: 'all' },
  // Per-ward counts of every agency's open incidents: an agency may not count other agencies' incidents
  // (it counts its own from its scoped incidents layer).
  wards: { roles: ['admin', 'supervisor', 'operator', 'leader', 'display'], scope: 'all' },
  // A river gauge in alarm or a silent device is news for every unit (the feature is kept), but the
  // incident it opened belongs to one agency: its id is not sent to agency accounts, not even their own
  // agency's, because an alert is not re-sent when its incident is reassigned, so a per-agency check
  // here would go stale. Their own incidents reach them on the scoped incidents layer.
  alerts: { roles: ANY_ROLE, scope: 'no_foreign_refs' },
};

/** Checked on every `subscribe` (ARCHITECTURE.md, "/live"). */
export function canSubscribe(principal: Principal, layer: LayerId): boolean {
  return LAYER_POLICIES[layer].roles.includes(principal.role);
}

/** True when features of this layer must pass `scopeFeature` before this principal gets them. */
export function layerIsScoped(principal: Principal, layer: LayerId): boolean {
  return LAYER_POLICIES[layer].scope !== 'all' && principal.role === 'agency';
}

/** The feature as this principal may see it, or null when it may not see it at all. */
export function scopeFeature<P>(
  principal: Principal,
  layer: LayerId,
  feature: Feature<P>,
): Feature<P> | null {
  if (!layerIsScoped(principal, layer)) return feature;
  if (LAYER_POLICIES[layer].scope === 'no_foreign_refs') {
    const props = feature.props as { incidentId?: unknown } | null;
    return props?.incidentId == null
      ? feature
      : { ...feature, props: { ...feature.props, incidentId: null } };
  }
  const agencyId = (feature.props as { agencyId?: unknown } | null)?.agencyId;
  return principal.agencyId !== undefined && agencyId === principal.agencyId ? feature : null;
}

/**
 * Principals with the same key see the same of a layer (`scopeFeature`, hence `scopeDelta`): the /live
 * gateway scopes and encodes each delta once per key instead of once per socket. Keep it in step with
 * `scopeFeature`: it must name everything of the principal that `scopeFeature` reads.
 */
export function scopeKey(principal: Principal, layer: LayerId): string {
  if (!layerIsScoped(principal, layer)) return 'all';
  if (LAYER_POLICIES[layer].scope === 'no_foreign_refs') return 'no_foreign_refs';
  return `agency:${JSON.stringify(principal.agencyId ?? null)}`;
}

/**
 * A delta as this principal may see it. An upsert it may not see becomes a remove: an incident moved
 * to another agency must leave this agency's map (a remove of an unknown id is a no-op for clients).
 */
export function scopeDelta<P>(principal: Principal, delta: LayerDelta<P>): LayerDelta<P> {
  if (!layerIsScoped(principal, delta.layer)) return delta;
  const upserts: Feature<P>[] = [];
  const removes = [...delta.removes];
  for (const f of delta.upserts) {
    const scoped = scopeFeature(principal, delta.layer, f);
    if (scoped) upserts.push(scoped);
    else removes.push(f.id);
  }
  return { ...delta, upserts, removes };
}

export function scopeSnapshot<P>(principal: Principal, snapshot: LayerSnapshot<P>): LayerSnapshot<P> {
  if (!layerIsScoped(principal, snapshot.layer)) return snapshot;
  const features: Feature<P>[] = [];
  for (const f of snapshot.features) {
    const scoped = scopeFeature(principal, snapshot.layer, f);
    if (scoped) features.push(scoped);
  }
  return { ...snapshot, features };
}
