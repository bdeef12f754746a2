import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLA_DEFAULTS } from '@hue-ioc/streams';
import type { SlaRuleInput, SlaTableResponse } from '@hue-ioc/layers';
import { startIoc, type RunningIoc } from './support/start-ioc.ts';
import { sessionFor, type Session } from './support/auth.ts';

/**
 * The deadline table as data (issue 12, item 5): GET|PUT /api/admin/sla for admins, GET /api/sla for the desk;
 * PUT's refusals, its audit row, and a new incident's deadline from an edited rule.
 */
describe('SLA table API', () => {
  let ioc: RunningIoc;
  let admin: Session;
  let operator: Session;
  let leader: Session;

  beforeAll(async () => {
    ioc = await startIoc({ overrides: { deadlineSweepS: 3600 } });
    admin = await sessionFor(ioc.app, 'admin');
    operator = await sessionFor(ioc.app, 'operator');
    leader = await sessionFor(ioc.app, 'leader');
  }, 120_000);
  afterAll(() => ioc?.close());

  const get = (path: string, s: Session) => fetch(`${ioc.baseUrl}${path}`, { headers: s.headers() });
  const put = (body: unknown, s: Session = admin) =>
    fetch(`${ioc.baseUrl}/api/admin/sla`, {
      method: 'PUT',
      headers: { ...s.headers(true), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const defaults: SlaRuleInput[] = [
    { category: '*', priority: 1, hours: 4 },
    { category: '*', priority: 2, workingDays: 2 },
    { category: '*', priority: 3, workingDays: 5 },
    { category: '*', priority: 4, workingDays: 7 },
  ];

  it('is seeded from streams’ SLA_DEFAULTS, and the desk may read it but not change it', async () => {
    expect(ioc.app.sla.current()).toEqual(SLA_DEFAULTS);
    const res = await get('/api/admin/sla', admin);
    expect(res.status).toBe(200);
    const table = (await res.json()) as SlaTableResponse;
    expect(table.rules).toContainEqual(
      expect.objectContaining({ category: 'drainage', priority: 2, workingDays: 1, escalateFactor: 2 }),
    );
    expect(table.note).toMatch(/mặc định/);
    expect((await get('/api/sla', operator)).status).toBe(200);
    expect((await get('/api/admin/sla', operator)).status).toBe(403);
    expect((await put({ rules: defaults }, operator)).status).toBe(403);
    expect((await get('/api/sla', leader)).status).toBe(403);
  });

  it.each([
    ['an unknown category', [...defaults, { category: 'weather', priority: 3, workingDays: 2 }]],
    ['priority 5', [...defaults, { category: 'roads', priority: 5, workingDays: 2 }]],
    ['73 hours for an urgent case', [{ ...defaults[0], hours: 73 }, ...defaults.slice(1)]],
    ['61 working days', [...defaults, { category: 'roads', priority: 4, workingDays: 61 }]],
    [
      'hours and working days together',
      [...defaults, { category: 'roads', priority: 1, hours: 2, workingDays: 1 }],
    ],
    ['neither hours nor working days', [...defaults, { category: 'roads', priority: 2 }]],
    ['hours for a non-urgent priority', [...defaults, { category: 'roads', priority: 3, hours: 8 }]],
    ['a rule twice', [...defaults, defaults[2]]],
    ['a missing default row', defaults.slice(1).concat([{ category: 'roads', priority: 1, hours: 2 }])],
    ['a fractional working day', [...defaults, { category: 'roads', priority: 3, workingDays: 1.5 }]],
  ])('refuses %s with 400 IOC_REQUEST_INVALID and changes nothing', async (_what, rules) => {
    const before = ioc.app.sla.rules();
    const res = await put({ rules });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('IOC_REQUEST_INVALID');
    expect(ioc.app.sla.rules()).toEqual(before);
  });

  it('replaces the table with an audit row, and a new roads incident takes the edited deadline', async () => {
    const rules: SlaRuleInput[] = [
      ...defaults,
      { category: 'roads', priority: 3, workingDays: 2, escalateFactor: 1.5 },
      { category: 'drainage', priority: 2, workingDays: 1 },
    ];
    const res = await put({ rules });
    expect(res.status).toBe(200);
    const table = (await res.json()) as SlaTableResponse;
    expect(table.rules).toHaveLength(6);
    expect(table.rules).toContainEqual(
      expect.objectContaining({
        category: 'roads',
        priority: 3,
        workingDays: 2,
        escalateFactor: 1.5,
        updatedBy: admin.username,
      }),
    );
    // Rows left out are gone: lighting falls back to the priority default.
    expect(table.rules.some((r) => r.category === 'lighting')).toBe(false);
    expect(ioc.app.sla.escalateFactor('roads', 3)).toBe(1.5);

    const audit = await ioc.app.db.query<{
      actor_username: string;
      before: { rules: unknown[] };
      after: { rules: unknown[] };
    }>(`SELECT actor_username, before, after FROM audit_events WHERE action = 'sla.replace'`);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_username).toBe(admin.username);
    expect(audit[0]!.before.rules).toHaveLength(8);
    expect(audit[0]!.after.rules).toHaveLength(6);

    // Fri 4 Dec 2026 10:00 + 2 working days (the weekend skipped) → Tue 8 Dec 10:00; the default was 5 (Fri 11).
    const receivedAt = new Date('2026-12-04T10:00:00+07:00');
    const outcome = await ioc.app.incidents.ingest({
      channel: 'hue_s',
      sourceId: 'hs-sla-edited-rule',
      category: 'roads',
      title: 'Ổ gà lớn trên đường Hùng Vương',
      description: 'Ổ gà sâu gần ngã tư, xe máy dễ ngã.',
      position: [107.5905, 16.4617],
      wardCode: null,
      address: 'Đường Hùng Vương',
      media: [],
      reporter: null,
      occurredAt: receivedAt,
      receivedAt,
    });
    const [row] = await ioc.app.db.query<{ due_at: Date; sla: unknown }>(
      `SELECT due_at, sla FROM incidents WHERE id = $1`,
      [outcome.incidentId],
    );
    expect(row!.due_at.toISOString()).toBe(new Date('2026-12-08T10:00:00+07:00').toISOString());
    expect(row!.sla).toMatchObject({ workingDays: 2, source: 'category', urgent: false });
    // The workflow's default deadline for an assignment reads the same table.
    expect(
      ioc.app.sla.dueAtFor({ category: 'lighting', priority: 3, from: receivedAt }).dueAt.toISOString(),
    ).toBe(new Date('2026-12-11T10:00:00+07:00').toISOString());
  });

  it('a second node picks up the change at its next reload', async () => {
    await ioc.app.db.query(`UPDATE sla_rules SET working_days = 9 WHERE category = '*' AND priority = 4`);
    expect(ioc.app.sla.current().byPriority[4]).toEqual({ workingDays: 7 });
    await ioc.app.sla.load();
    expect(ioc.app.sla.current().byPriority[4]).toEqual({ workingDays: 9 });
  });
});
