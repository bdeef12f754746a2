import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  INCIDENT_STATUSES,
  TRANSITIONS,
  findTransition,
  type IncidentStatus,
  type WorkflowActor,
} from '@hue-ioc/layers';
import { io as ioClient } from 'socket.io-client';
import type { LiveClientToServer, LiveServerToClient, Presence } from '@hue-ioc/layers';
import type { Socket } from 'socket.io-client';
import { startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';
import { sessionFor, TEST_AGENCY, type Session } from './support/auth.ts';
import type { IncidentInput } from '../src/ingest/ports.ts';
import type { WorkflowBy } from '../src/incidents/workflow.service.ts';
import { AppError } from '../src/errors.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const OTHER_AGENCY = 'hepco';

async function call(
  ioc: RunningIoc,
  method: string,
  path: string,
  opts: { session?: Session; body?: unknown } = {},
) {
  const res = await fetch(`${ioc.baseUrl}${path}`, {
    method,
    headers: {
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.session ? opts.session.headers(method !== 'GET') : {}),
    },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
}

/** A console's /live socket: a browser with the session cookie, no token. */
function consoleSocket(ioc: RunningIoc, session: Session): Socket<LiveServerToClient, LiveClientToServer> {
  return ioClient(`${ioc.baseUrl}/live`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { cookie: session.cookie },
  });
}

let seq = 0;
/** A new incident far from every other one (no merge), through the real incident stream. */
async function newIncident(ioc: RunningIoc, over: Partial<IncidentInput> = {}): Promise<string> {
  const n = ++seq;
  const now = new Date();
  const out = await ioc.app.incidents.ingest({
    channel: 'hue_s',
    sourceId: `wf-${Date.now()}-${n}`,
    category: 'roads',
    title: `Ổ gà trên đường Lê Lợi số ${n}`,
    description: 'Ổ gà sâu khoảng 20cm, xe máy dễ ngã.',
    // 0.02° apart: 2 km, beyond the merge radius.
    position: [107.5 + (n % 40) * 0.02, 16.4 + Math.floor(n / 40) * 0.02],
    wardCode: '19789',
    address: `${n} Lê Lợi, Thuận Hóa`,
    media: [],
    reporter: { name: 'Nguyễn Văn An', phone: '0905123456' },
    occurredAt: now,
    receivedAt: now,
    ...over,
  });
  expect(out.outcome).toBe('created');
  return out.incidentId;
}

describe('the incident workflow', () => {
  let ioc: RunningIoc;
  let supervisor: Session;
  let supervisor2: Session;
  let agency: Session;
  let otherAgency: Session;
  let leader: Session;
  let desk: WorkflowBy;
  let unit: WorkflowBy;

  beforeAll(async () => {
    ioc = await startIoc();
    await ioc.app.ready();
    supervisor = await sessionFor(ioc.app, 'supervisor');
    supervisor2 = await sessionFor(ioc.app, 'supervisor');
    agency = await sessionFor(ioc.app, 'agency');
    otherAgency = await sessionFor(ioc.app, 'agency', { agencyId: OTHER_AGENCY });
    leader = await sessionFor(ioc.app, 'leader');
    desk = {
      kind: 'principal',
      principal: {
        id: 'user:desk',
        role: 'supervisor',
        username: 'desk',
        credential: { type: 'session', idHash: 'x' },
      },
    };
    unit = {
      kind: 'principal',
      principal: {
        id: 'user:unit',
        role: 'agency',
        agencyId: TEST_AGENCY,
        username: 'unit',
        credential: { type: 'session', idHash: 'y' },
      },
    };
  });
  afterAll(async () => {
    await ioc?.close();
  });

  it('goes new → verified → assigned → in_progress → resolved over REST, one event per change', async () => {
    const id = await newIncident(ioc);
    let d = (await call(ioc, 'GET', `/api/incidents/${id}`, { session: supervisor })).body;
    expect(d).toMatchObject({ status: 'new', version: 1, agencyId: null });
    expect(d.routing.agencyId).toBeTruthy();
    expect(d.allowedActions.map((a: Json) => a.action).sort()).toEqual(['reject', 'verify']);
    expect(d.reporter).toEqual({ name: 'Nguyễn Văn An', phone: '0905123456' });

    const verified = await call(ioc, 'POST', `/api/incidents/${id}/status`, {
      session: supervisor,
      body: { expectedVersion: 1, status: 'verified' },
    });
    expect(verified.status).toBe(200);
    expect(verified.body.incident).toMatchObject({ status: 'verified', version: 2 });

    const assigned = await call(ioc, 'POST', `/api/incidents/${id}/assign`, {
      session: supervisor,
      body: { expectedVersion: 2, agencyId: TEST_AGENCY },
    });
    expect(assigned.status).toBe(200);
    d = assigned.body.incident;
    expect(d).toMatchObject({ status: 'assigned', agencyId: TEST_AGENCY, version: 3 });
    expect(Date.parse(d.dueAt)).toBeGreaterThan(Date.now());
    expect(d.sla.workingMinutesLeft).toBeGreaterThan(0);

    // The unit sees it now, and may accept it; the reporter is hidden from it.
    const asUnit = (await call(ioc, 'GET', `/api/incidents/${id}`, { session: agency })).body;
    expect(asUnit.reporter).toBeNull();
    expect(asUnit.allowedActions.map((a: Json) => a.action).sort()).toEqual(['accept', 'return']);
    const accepted = await call(ioc, 'POST', `/api/incidents/${id}/status`, {
      session: agency,
      body: { expectedVersion: 3, status: 'in_progress' },
    });
    expect(accepted.body.incident).toMatchObject({ status: 'in_progress', version: 4 });

    const noReply = await call(ioc, 'POST', `/api/incidents/${id}/status`, {
      session: agency,
      body: { expectedVersion: 4, status: 'resolved' },
    });
    expect(noReply.status).toBe(400);
    expect(noReply.body.error).toMatchObject({
      code: 'IOC_INCIDENT_REQUIREMENT',
      details: { missing: ['reply'] },
    });

    const resolved = await call(ioc, 'POST', `/api/incidents/${id}/status`, {
      session: agency,
      body: { expectedVersion: 4, status: 'resolved', reply: 'Đã vá ổ gà ngày 01/12/2026.' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.incident).toMatchObject({
      status: 'resolved',
      publicReply: 'Đã vá ổ gà ngày 01/12/2026.',
    });
    const events = resolved.body.incident.timeline as Json[];
    expect(events.map((e) => e.type)).toEqual(['created', 'verified', 'assigned', 'status', 'status']);
    expect(events.at(-1)).toMatchObject({ data: { from: 'in_progress', to: 'resolved', version: 5 } });
  });

  it('refuses an illegal transition with 409 naming the allowed ones, and a leader acts on nothing', async () => {
    const id = await newIncident(ioc);
    const res = await call(ioc, 'POST', `/api/incidents/${id}/status`, {
      session: supervisor,
      body: { expectedVersion: 1, status: 'resolved', reply: 'xong rồi' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('IOC_INCIDENT_TRANSITION');
    expect(res.body.error.details.allowed.map((a: Json) => a.to).sort()).toEqual(['rejected', 'verified']);
    const reject = await call(ioc, 'POST', `/api/incidents/${id}/status`, {
      session: supervisor,
      body: { expectedVersion: 1, status: 'rejected' },
    });
    expect(reject.body.error).toMatchObject({
      code: 'IOC_INCIDENT_REQUIREMENT',
      details: { missing: ['reason'] },
    });
    const byLeader = await call(ioc, 'POST', `/api/incidents/${id}/status`, {
      session: leader,
      body: { expectedVersion: 1, status: 'verified' },
    });
    expect(byLeader.status).toBe(403);
  });

  it('two supervisors assign the same case: one wins, the other gets 409 with the new state and what changed', async () => {
    const id = await newIncident(ioc);
    await ioc.app.workflow.transition(id, { to: 'verified', expectedVersion: 1 }, desk);
    const [a, b] = await Promise.all([
      call(ioc, 'POST', `/api/incidents/${id}/assign`, {
        session: supervisor,
        body: { expectedVersion: 2, agencyId: TEST_AGENCY },
      }),
      call(ioc, 'POST', `/api/incidents/${id}/assign`, {
        session: supervisor2,
        body: { expectedVersion: 2, agencyId: OTHER_AGENCY },
      }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 200 ? a : b;
    expect(loser.body.error.code).toBe('IOC_INCIDENT_STALE');
    expect(loser.body.error.details).toMatchObject({ currentVersion: 3, status: 'assigned' });
    expect(loser.body.error.details.changes).toEqual([
      expect.objectContaining({
        type: 'assigned',
        data: expect.objectContaining({ agencyId: winner.body.incident.agencyId }),
      }),
    ]);
    const events = await ioc.app.db.query(`SELECT type FROM incident_events WHERE incident_id = $1`, [id]);
    expect(events.filter((e) => e.type === 'assigned')).toHaveLength(1);
  });

  it('keeps another unit out of a case on every route: 404, not 403, and never in its list', async () => {
    const id = await newIncident(ioc);
    await ioc.app.workflow.transition(id, { to: 'verified', expectedVersion: 1 }, desk);
    await ioc.app.workflow.transition(
      id,
      { to: 'assigned', expectedVersion: 2, agencyId: TEST_AGENCY },
      desk,
    );
    expect((await call(ioc, 'GET', `/api/incidents/${id}`, { session: agency })).status).toBe(200);
    expect((await call(ioc, 'GET', `/api/incidents/${id}`, { session: otherAgency })).body.error.code).toBe(
      'IOC_INCIDENT_NOT_FOUND',
    );
    for (const [path, body] of [
      ['status', { expectedVersion: 3, status: 'in_progress' }],
      ['status', { expectedVersion: 3, status: 'returned', reason: 'không phải của chúng tôi' }],
      ['comments', { expectedVersion: 3, text: 'xem trộm' }],
    ] as const) {
      const res = await call(ioc, 'POST', `/api/incidents/${id}/${path}`, { session: otherAgency, body });
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('IOC_INCIDENT_NOT_FOUND');
    }
    // Desk-only routes are refused to any agency by role.
    for (const path of ['assign', 'merge', 'split'])
      expect(
        (await call(ioc, 'POST', `/api/incidents/${id}/${path}`, { session: otherAgency, body: {} })).status,
      ).toBe(403);
    const mine = (await call(ioc, 'GET', `/api/incidents?limit=500`, { session: agency })).body
      .items as Json[];
    const theirs = (await call(ioc, 'GET', `/api/incidents?limit=500`, { session: otherAgency })).body
      .items as Json[];
    expect(mine.map((i) => i.id)).toContain(id);
    expect(mine.every((i) => i.agencyId === TEST_AGENCY)).toBe(true);
    expect(theirs.map((i) => i.id)).not.toContain(id);
    expect(theirs.every((i) => i.agencyId === OTHER_AGENCY)).toBe(true);
    // Asking for the other unit by filter changes nothing.
    const sneaky = (await call(ioc, 'GET', `/api/incidents?agency=${TEST_AGENCY}`, { session: otherAgency }))
      .body;
    expect(sneaky.items).toEqual([]);
    // Unverified cases are not the unit's yet.
    const fresh = await newIncident(ioc);
    expect((await call(ioc, 'GET', `/api/incidents/${fresh}`, { session: agency })).status).toBe(404);
  });

  it('returns to the desk with a reason, extends with a later date, reopens', async () => {
    const id = await newIncident(ioc);
    const wf = ioc.app.workflow;
    await wf.transition(id, { to: 'verified', expectedVersion: 1 }, desk);
    await wf.transition(id, { to: 'assigned', expectedVersion: 2, agencyId: TEST_AGENCY }, desk);
    const returned = await wf.transition(
      id,
      { to: 'returned', expectedVersion: 3, reason: 'Không thuộc thẩm quyền Sở Xây dựng' },
      unit,
    );
    expect(returned).toMatchObject({ status: 'returned', agency_id: null });
    await expect(wf.transition(id, { to: 'in_progress', expectedVersion: 4 }, unit)).rejects.toMatchObject({
      code: 'IOC_INCIDENT_NOT_FOUND',
    });
    const reassigned = await wf.transition(
      id,
      { to: 'assigned', expectedVersion: 4, agencyId: TEST_AGENCY },
      desk,
    );
    const later = new Date(reassigned.due_at!.getTime() + 3 * 86_400_000);
    await expect(
      wf.transition(id, { to: 'extended', expectedVersion: 5, dueAt: later }, desk),
    ).rejects.toMatchObject({ code: 'IOC_INCIDENT_REQUIREMENT' });
    await expect(
      wf.transition(
        id,
        { to: 'extended', expectedVersion: 5, dueAt: new Date(Date.now() - 1000), reason: 'chờ vật tư' },
        desk,
      ),
    ).rejects.toMatchObject({ code: 'IOC_INCIDENT_REQUIREMENT' });
    const extended = await wf.transition(
      id,
      { to: 'extended', expectedVersion: 5, dueAt: later, reason: 'Chờ vật tư thay thế' },
      desk,
    );
    expect(extended.due_at?.toISOString()).toBe(later.toISOString());
    const resolved = await wf.transition(
      id,
      { to: 'resolved', expectedVersion: 6, reply: 'Đã sửa xong.' },
      unit,
    );
    expect(resolved.resolved_at).not.toBeNull();
    const reopened = await wf.transition(
      id,
      { to: 'reopened', expectedVersion: 7, reason: 'Người dân gọi lại' },
      desk,
    );
    expect(reopened).toMatchObject({ status: 'reopened', agency_id: TEST_AGENCY, resolved_at: null });
  });

  it('merges a duplicate into its case and splits a source back out', async () => {
    const a = await newIncident(ioc);
    const b = await newIncident(ioc, { channel: 'hotline' });
    const merged = await call(ioc, 'POST', `/api/incidents/${b}/merge`, {
      session: supervisor,
      body: { expectedVersion: 1, into: a, intoExpectedVersion: 1, reason: 'Cùng một ổ gà' },
    });
    expect(merged.status).toBe(200);
    expect(merged.body.incident).toMatchObject({ id: a, version: 2, sourceCount: 2, duplicates: [b] });
    const dup = (await call(ioc, 'GET', `/api/incidents/${b}`, { session: supervisor })).body;
    expect(dup).toMatchObject({ status: 'closed', mergedInto: a, allowedActions: [] });
    // A re-delivery of the merged report finds the case it now belongs to.
    const hotlineSource = merged.body.incident.sources.find((s: Json) => s.channel === 'hotline');
    expect(await ioc.app.workflow.sourceIncident('hotline', hotlineSource.sourceId)).toBe(a);
    const again = await call(ioc, 'POST', `/api/incidents/${b}/merge`, {
      session: supervisor,
      body: { expectedVersion: 2, into: a, intoExpectedVersion: 2 },
    });
    expect(again.body.error.code).toBe('IOC_INCIDENT_MERGE');

    const split = await call(ioc, 'POST', `/api/incidents/${a}/split`, {
      session: supervisor,
      body: {
        expectedVersion: 2,
        sources: [{ channel: 'hotline', sourceId: hotlineSource.sourceId }],
        reason: 'Người gọi báo một ổ gà khác',
      },
    });
    expect(split.status).toBe(200);
    expect(split.body.incident).toMatchObject({ sourceCount: 1, version: 3 });
    const created = (await call(ioc, 'GET', `/api/incidents/${split.body.created}`, { session: supervisor }))
      .body;
    expect(created).toMatchObject({ status: 'new', sourceCount: 1, channels: ['hotline'] });
    expect(await ioc.app.workflow.sourceIncident('hotline', hotlineSource.sourceId)).toBe(created.id);
    const all = await call(ioc, 'POST', `/api/incidents/${a}/split`, {
      session: supervisor,
      body: {
        expectedVersion: 3,
        sources: created.sources.slice(0, 0).concat(split.body.incident.sources),
        reason: 'tất cả',
      },
    });
    expect(all.body.error?.code).toBe('IOC_INCIDENT_MERGE');
  });

  it('comments carry expectedVersion and are events on the timeline', async () => {
    const id = await newIncident(ioc);
    const ok = await call(ioc, 'POST', `/api/incidents/${id}/comments`, {
      session: supervisor,
      body: { expectedVersion: 1, text: 'Đã gọi cho người dân để xác minh.' },
    });
    expect(ok.body.incident.timeline.at(-1)).toMatchObject({
      type: 'comment',
      data: { text: 'Đã gọi cho người dân để xác minh.', public: false },
    });
    const stale = await call(ioc, 'POST', `/api/incidents/${id}/comments`, {
      session: supervisor2,
      body: { expectedVersion: 1, text: 'ghi chú cũ' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.details.changes[0]).toMatchObject({ type: 'comment' });
  });

  it('lists with filters, diacritics-insensitive text and a cursor that pages through without repeats', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push(await newIncident(ioc, { category: 'lighting', title: `Đèn đường hỏng ở Kim Long ${i}` }));
    const page1 = (
      await call(ioc, 'GET', `/api/incidents?q=den%20duong%20kim&limit=3&sort=received`, {
        session: supervisor,
      })
    ).body;
    expect(page1.total).toBe(7);
    expect(page1.items).toHaveLength(3);
    const seen = [...page1.items.map((i: Json) => i.id)];
    let cursor = page1.nextCursor;
    while (cursor) {
      const next = (
        await call(ioc, 'GET', `/api/incidents?q=den%20duong%20kim&limit=3&sort=received&cursor=${cursor}`, {
          session: supervisor,
        })
      ).body;
      seen.push(...next.items.map((i: Json) => i.id));
      cursor = next.nextCursor;
    }
    expect(seen).toEqual(ids);
    const several = (
      await call(ioc, 'GET', `/api/incidents?status=new&status=verified&category=lighting&limit=500`, {
        session: supervisor,
      })
    ).body;
    expect(
      several.items.every((i: Json) => ['new', 'verified'].includes(i.status) && i.category === 'lighting'),
    ).toBe(true);
    const bad = await call(ioc, 'GET', `/api/incidents?cursor=bm90LWEtY3Vyc29y`, { session: supervisor });
    expect(bad.body.error.code).toBe('IOC_REQUEST_INVALID');
    const wrongStatus = await call(ioc, 'GET', `/api/incidents?status=done`, { session: supervisor });
    expect(wrongStatus.status).toBe(400);
    // A LIKE wildcard in the query is a character, not a pattern.
    expect((await call(ioc, 'GET', `/api/incidents?q=%25`, { session: supervisor })).body.total).toBe(0);
  });

  it('the state table holds for random sequences: legal steps work and write one event, illegal ones are refused', async () => {
    const actors: Record<WorkflowActor, WorkflowBy | null> = {
      desk: null,
      agency: null,
      citizen: { kind: 'citizen' },
      system: { kind: 'system', name: 'test' },
    };
    actors.desk = desk;
    actors.agency = unit;
    const step = fc.record({
      actor: fc.constantFrom<WorkflowActor>('desk', 'agency', 'citizen', 'system'),
      to: fc.constantFrom<IncidentStatus>(...INCIDENT_STATUSES),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const id = await newIncident(ioc);
        let status: IncidentStatus = 'new';
        let version = 1;
        let agencyId: string | null = null;
        for (const s of steps) {
          const before = await ioc.app.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM incident_events WHERE incident_id = $1`,
            [id],
          );
          const legal = findTransition(status, s.to, s.actor);
          // The unit sees only its own cases: a legal agency step on a case that is not with it is a 404.
          const visible = s.actor !== 'agency' || agencyId === TEST_AGENCY;
          try {
            const row = await ioc.app.workflow.transition(
              id,
              {
                to: s.to,
                expectedVersion: version,
                reason: 'Lý do kiểm thử',
                agencyId: TEST_AGENCY,
                reply: 'Đã xử lý xong.',
                rating: 'hai_long',
                dueAt: new Date(Date.now() + 30 * 86_400_000 + version * 60_000),
              },
              actors[s.actor]!,
            );
            expect(legal, `${status} → ${s.to} by ${s.actor} should be refused`).toBeDefined();
            expect(visible).toBe(true);
            expect(row.status).toBe(s.to);
            expect(row.version).toBe(version + 1);
            status = row.status as IncidentStatus;
            version = row.version;
            agencyId = row.agency_id;
            const after = await ioc.app.db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM incident_events WHERE incident_id = $1`,
              [id],
            );
            expect(after[0]!.n).toBe(before[0]!.n + 1);
          } catch (e) {
            if (!(e instanceof AppError)) throw e;
            if (legal && visible) throw e;
            expect(e.code).toBe(visible ? 'IOC_INCIDENT_TRANSITION' : 'IOC_INCIDENT_NOT_FOUND');
          }
        }
      }),
      { numRuns: 40, seed: 1201 },
    );
    // Every declared transition was reachable by somebody.
    expect(new Set(TRANSITIONS.map((t) => t.from)).size).toBeGreaterThan(5);
  });

  it('tells everyone on a case who else has it open, and keeps other units out of it', async () => {
    const id = await newIncident(ioc);
    const open = (session: Session) => consoleSocket(ioc, session);
    const a = open(supervisor);
    const b = open(supervisor2);
    const foreign = open(otherAgency);
    try {
      const seenByA: Presence[] = [];
      a.on('presence', (p) => seenByA.push(p));
      const ackA = await a.emitWithAck('presence:watch', { incidentId: id });
      expect(ackA).toMatchObject({
        ok: true,
        viewers: [{ id: `user:${supervisor.userId}`, role: 'supervisor' }],
      });
      const ackB = await b.emitWithAck('presence:watch', { incidentId: id });
      expect(ackB.ok && ackB.viewers.map((v) => v.id).sort()).toEqual(
        [`user:${supervisor.userId}`, `user:${supervisor2.userId}`].sort(),
      );
      await waitFor('A told that B opened the case', () => seenByA.some((p) => p.viewers.length === 2));
      const refused = await foreign.emitWithAck('presence:watch', { incidentId: id });
      expect(refused).toMatchObject({ ok: false, error: { code: 'IOC_INCIDENT_NOT_FOUND' } });
      expect(await a.emitWithAck('presence:watch', { incidentId: '../x' })).toMatchObject({
        ok: false,
        error: { code: 'IOC_LIVE_BAD_REQUEST' },
      });
      b.disconnect();
      await waitFor('A told that B left', () => seenByA.at(-1)?.viewers.length === 1);
      expect(await a.emitWithAck('presence:leave', { incidentId: id })).toEqual({ ok: true });
    } finally {
      a.disconnect();
      b.disconnect();
      foreign.disconnect();
    }
  });

  it('sends a unit incident:changed and the incidents layer for its own cases only, and takes a case away when it is reassigned', async () => {
    const open = (session: Session) => consoleSocket(ioc, session);
    const mine = open(agency);
    const theirs = open(otherAgency);
    try {
      const seen = { mine: new Set<string>(), theirs: new Set<string>() };
      mine.on('incident:changed', (c) => seen.mine.add(c.id));
      theirs.on('incident:changed', (c) => seen.theirs.add(c.id));
      const layer = new Map<string, string | null>();
      mine.on('layer:snapshot', (snap) => {
        if (snap.layer === 'incidents')
          for (const f of snap.features) layer.set(f.id, (f.props as { agencyId: string | null }).agencyId);
      });
      mine.on('layer:delta', (d) => {
        if (d.layer !== 'incidents') return;
        for (const f of d.upserts) layer.set(f.id, (f.props as { agencyId: string | null }).agencyId);
        for (const id of d.removes) layer.delete(id);
      });
      await waitFor('both connected', () => mine.connected && theirs.connected);
      expect(await mine.emitWithAck('subscribe', { layer: 'incidents' })).toMatchObject({ ok: true });
      const a = await newIncident(ioc);
      const b = await newIncident(ioc);
      for (const [id, unitId] of [
        [a, TEST_AGENCY],
        [b, OTHER_AGENCY],
      ] as const) {
        await ioc.app.workflow.transition(id, { to: 'verified', expectedVersion: 1 }, desk);
        await ioc.app.workflow.transition(id, { to: 'assigned', expectedVersion: 2, agencyId: unitId }, desk);
      }
      await waitFor('each unit told of its own case', () => seen.mine.has(a) && seen.theirs.has(b));
      await waitFor('the case on the unit layer', () => layer.get(a) === TEST_AGENCY);
      expect(seen.mine.has(b)).toBe(false);
      expect(seen.theirs.has(a)).toBe(false);
      expect(layer.has(b)).toBe(false);
      // Reassigned to the other unit: it leaves this unit's layer.
      await ioc.app.workflow.transition(
        a,
        { to: 'assigned', expectedVersion: 3, agencyId: OTHER_AGENCY, reason: 'Chuyển đúng đơn vị' },
        desk,
      );
      await waitFor('the case gone from the first unit', () => !layer.has(a));
      await waitFor('the other unit told', () => seen.theirs.has(a));
    } finally {
      mine.disconnect();
      theirs.disconnect();
    }
  });

  it('answers a case view whose deadline has seconds in office hours (the working minutes are whole)', async () => {
    const id = await newIncident(ioc);
    await ioc.app.workflow.transition(id, { to: 'verified', expectedVersion: 1 }, desk);
    // 10:15:30 in Huế, on a working day well ahead: its office minutes are fractional before rounding.
    let due = new Date(Date.now() + 14 * 86_400_000);
    while ([0, 6].includes(new Date(due.getTime() + 7 * 3_600_000).getUTCDay()))
      due = new Date(due.getTime() + 86_400_000);
    due.setUTCHours(3, 15, 30, 0);
    const res = await call(ioc, 'POST', `/api/incidents/${id}/assign`, {
      session: supervisor,
      body: { expectedVersion: 2, agencyId: TEST_AGENCY, dueAt: due.toISOString() },
    });
    expect(res.status).toBe(200);
    expect(Number.isInteger(res.body.incident.sla.workingMinutesLeft)).toBe(true);
  });

  it('tells a console of every case one tick changed, however many (not the first eight)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await newIncident(ioc));
    const socket = consoleSocket(ioc, supervisor);
    try {
      const seen = new Set<string>();
      socket.on('incident:changed', (c) => {
        if (c.status === 'verified') seen.add(c.id);
      });
      await waitFor('connected', () => socket.connected);
      await Promise.all(
        ids.map((id) => ioc.app.workflow.transition(id, { to: 'verified', expectedVersion: 1 }, desk)),
      );
      await waitFor('all 20 told', () => ids.every((id) => seen.has(id)));
    } finally {
      socket.disconnect();
    }
  });
});
