import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LAYER_IDS, type Feature, type LayerDelta } from '@hue-ioc/layers';
import {
  canSubscribe,
  decide,
  isMutating,
  LAYER_POLICIES,
  policyFor,
  policyProblem,
  ROUTE_POLICIES,
  scopeDelta,
  scopeFeature,
  scopeKey,
  scopeSnapshot,
} from './policy.ts';
import { ROLES, type Principal, type Role } from './principal.ts';

const principal = (role: Role, agencyId?: string): Principal => ({
  id: `user:${role}`,
  role,
  ...(agencyId ? { agencyId } : {}),
  credential: { type: 'session', idHash: role },
});
const incident = (
  id: string,
  agencyId: string | null,
): Feature<{ agencyId: string | null; status: string }> => ({
  id,
  position: [107.58, 16.46],
  props: { agencyId, status: 'assigned' },
});

describe('route policy table', () => {
  it('has a sound row for every route: roles only where needed, leader and display never on a mutation', () => {
    for (const [key, policy] of Object.entries(ROUTE_POLICIES)) {
      const [method, url] = key.split(' ') as [string, string];
      expect(policyProblem(method, url, policy), key).toBeNull();
    }
  });

  it('refuses a route without a row, and a mutation open to a read-only role', () => {
    expect(policyProblem('GET', '/api/secret', undefined)).toMatch(/no access policy.*ROUTE_POLICIES/);
    expect(policyProblem('POST', '/api/x', { roles: ['operator', 'leader'], scope: 'all' })).toMatch(
      /leader are read-only/,
    );
    expect(policyProblem('DELETE', '/api/x', { roles: ['display'], scope: 'all' })).toMatch(
      /display are read-only/,
    );
    expect(policyProblem('GET', '/api/x', { roles: [], scope: 'all' })).toMatch(/needs roles/);
    expect(policyProblem('GET', '/api/x', { roles: ['admin'], scope: 'public' })).toMatch(/takes no roles/);
  });

  it('reads HEAD as GET', () => {
    expect(policyFor('HEAD', '/healthz')).toBe(ROUTE_POLICIES['GET /healthz']);
    expect(isMutating('HEAD')).toBe(false);
    expect(isMutating('PATCH')).toBe(true);
  });

  it('answers 401 to anonymous callers and 403 to the wrong role, lets public routes through', () => {
    const admin = policyFor('GET', '/api/admin/users')!;
    expect(decide(admin, null)).toEqual({ ok: false, status: 401, code: 'IOC_AUTH_REQUIRED' });
    expect(decide(admin, principal('supervisor'))).toEqual({
      ok: false,
      status: 403,
      code: 'IOC_AUTH_FORBIDDEN',
    });
    expect(decide(admin, principal('admin'))).toEqual({ ok: true });
    expect(decide(policyFor('GET', '/healthz')!, null)).toEqual({ ok: true });
  });
});

describe('/live layers', () => {
  it('lets every role subscribe to incidents, sensors and alerts', () => {
    for (const role of ROLES) {
      for (const layer of ['incidents', 'sensors', 'alerts'] as const)
        expect(canSubscribe(principal(role, 'hepco'), layer)).toBe(true);
    }
  });
  it("keeps the per-ward counts of every agency's incidents from the handling units", () => {
    expect(canSubscribe(principal('agency', 'hepco'), 'wards')).toBe(false);
    for (const role of ROLES.filter((r) => r !== 'agency'))
      expect(canSubscribe(principal(role), 'wards')).toBe(true);
  });
  it('keeps camera analytics from the handling units', () => {
    expect(canSubscribe(principal('agency', 'hepco'), 'cameras')).toBe(false);
    expect(canSubscribe(principal('display'), 'cameras')).toBe(true);
  });
  it('has a policy for every layer', () => {
    for (const layer of LAYER_IDS) expect(LAYER_POLICIES[layer]).toBeDefined();
  });
});

describe('scopeFeature / scopeDelta / scopeSnapshot', () => {
  const hepco = principal('agency', 'hepco');

  it('gives an agency only its own incidents, everyone else all of them', () => {
    expect(scopeFeature(hepco, 'incidents', incident('a', 'hepco'))).not.toBeNull();
    expect(scopeFeature(hepco, 'incidents', incident('b', 'huewaco'))).toBeNull();
    expect(scopeFeature(hepco, 'incidents', incident('c', null))).toBeNull();
    expect(scopeFeature(principal('operator'), 'incidents', incident('b', 'huewaco'))).not.toBeNull();
    // Other layers are not agency-scoped.
    expect(scopeFeature(hepco, 'sensors', incident('s', 'huewaco'))).not.toBeNull();
  });

  it('turns an incident reassigned away into a remove for the agency that had it', () => {
    const delta: LayerDelta<{ agencyId: string | null; status: string }> = {
      layer: 'incidents',
      from: 10,
      seq: 12,
      serverTime: 0,
      changedAt: null,
      upserts: [incident('a', 'hepco'), incident('b', 'huewaco')],
      removes: ['z'],
    };
    expect(scopeDelta(hepco, delta)).toEqual({
      ...delta,
      upserts: [incident('a', 'hepco')],
      removes: ['z', 'b'],
    });
    expect(scopeDelta(principal('supervisor'), delta)).toBe(delta);
  });

  it('filters snapshots', () => {
    const snapshot = {
      layer: 'incidents' as const,
      seq: 5,
      serverTime: 0,
      changedAt: null,
      features: [incident('a', 'hepco'), incident('b', 'huewaco')],
    };
    expect(scopeSnapshot(hepco, snapshot).features.map((f) => f.id)).toEqual(['a']);
    expect(scopeSnapshot(principal('leader'), snapshot)).toBe(snapshot);
  });

  it('sends agencies every alert but never the incident it names (issue 11)', () => {
    const alarm = {
      id: 'alarm:kim-long',
      position: [107.5521, 16.4567] as [number, number],
      props: { kind: 'sensor_alarm', deviceId: 'kim-long', level: 3, incidentId: 'IOC-2611-000042' },
    };
    const offline = { ...alarm, id: 'offline:kim-long', props: { ...alarm.props, incidentId: null } };
    expect(scopeFeature(hepco, 'alerts', alarm)).toEqual({
      ...alarm,
      props: { ...alarm.props, incidentId: null },
    });
    expect(scopeFeature(hepco, 'alerts', offline)).toBe(offline);
    expect(scopeFeature(principal('operator'), 'alerts', alarm)).toBe(alarm);
    const delta = {
      layer: 'alerts' as const,
      from: 3,
      seq: 4,
      serverTime: 0,
      changedAt: null,
      upserts: [alarm],
      removes: [],
    };
    expect(scopeDelta(hepco, delta)).toMatchObject({
      upserts: [{ props: { incidentId: null } }],
      removes: [],
    });
    const snapshot = { layer: 'alerts' as const, seq: 4, serverTime: 0, changedAt: null, features: [alarm] };
    expect(scopeSnapshot(hepco, snapshot).features).toMatchObject([
      { id: 'alarm:kim-long', props: { incidentId: null } },
    ]);
    expect(scopeSnapshot(principal('display'), snapshot)).toBe(snapshot);
  });

  it('property: principals with the same scopeKey get the same scopeDelta, so /live encodes it once per key', () => {
    const agencies = ['hepco', 'huewaco', 'moitruong'];
    const anyPrincipal = fc
      .tuple(fc.constantFrom(...ROLES), fc.option(fc.constantFrom(...agencies), { nil: undefined }))
      .map(([role, agencyId]) => principal(role, agencyId));
    const feature = fc.record({
      id: fc.constantFrom('IOC-2611-000001', 'IOC-2611-000002', 'alarm:kim-long', 'kim-long'),
      position: fc.constant([107.58, 16.46] as [number, number]),
      props: fc.record({
        agencyId: fc.option(fc.constantFrom(...agencies), { nil: null }),
        incidentId: fc.option(fc.constant('IOC-2611-000042'), { nil: null }),
        status: fc.constant('assigned'),
      }),
    });
    fc.assert(
      fc.property(
        anyPrincipal,
        anyPrincipal,
        fc.constantFrom(...LAYER_IDS),
        fc.array(feature, { maxLength: 6 }),
        (a, b, layer, upserts) => {
          const delta = { layer, from: 1, seq: 2, serverTime: 0, changedAt: null, upserts, removes: ['x'] };
          if (scopeKey(a, layer) === scopeKey(b, layer))
            expect(scopeDelta(a, delta)).toEqual(scopeDelta(b, delta));
        },
      ),
      { numRuns: 500 },
    );
    // ... and agencies never share a group on their scoped layers, while the desk's roles share one.
    expect(scopeKey(principal('agency', 'hepco'), 'incidents')).not.toBe(
      scopeKey(principal('agency', 'huewaco'), 'incidents'),
    );
    expect(scopeKey(principal('agency', 'hepco'), 'incidents')).not.toBe(
      scopeKey(principal('operator'), 'incidents'),
    );
    expect(scopeKey(principal('agency', 'hepco'), 'alerts')).not.toBe(
      scopeKey(principal('display'), 'alerts'),
    );
    expect(
      new Set(
        ['admin', 'supervisor', 'operator', 'leader', 'display'].map((r) =>
          scopeKey(principal(r as Role), 'incidents'),
        ),
      ).size,
    ).toBe(1);
  });
});
