import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { BriefingSchema, type Briefing } from '@hue-ioc/layers';
import { workingMinutesBetween } from '@hue-ioc/streams';
import { startIoc, type RunningIoc } from './support/start-ioc.ts';
import { sessionFor, TEST_AGENCY, type Session } from './support/auth.ts';
import { BriefingService } from '../src/briefing/briefing.service.ts';

/**
 * The briefing's formulas on a hand-computed fixture around Tết 2027 (Tết Đinh Mùi: 6 Feb 2027; the
 * calendar's days off run Fri 5 – Thu 11 Feb), the continuous aggregate against a direct computation over
 * the same rows, and GET /api/briefing (schema, scopes, periods, the previous period, the agency rule).
 */
describe('briefing indicators and GET /api/briefing', () => {
  let ioc: RunningIoc;
  let leader: Session;
  let agency: Session;
  let W1: string;
  let W2: string;
  const B = 'hepco';
  // Friday 12 Feb 2027, 12:00 in Huế.
  const NOW = new Date('2027-02-12T05:00:00Z');

  beforeAll(async () => {
    ioc = await startIoc();
    leader = await sessionFor(ioc.app, 'leader');
    agency = await sessionFor(ioc.app, 'agency');
    [W1, W2] = ioc.app.wards.wards.map((w) => w.code) as [string, string];
    const db = ioc.app.db;
    await db.query(
      `INSERT INTO agencies (id, name_vi, name_en, kind) VALUES ($1, 'Công ty Môi trường và Công trình đô thị Huế', 'HEPCO', 'company')
       ON CONFLICT (id) DO NOTHING`,
      [B],
    );
    expect(await db.query(`SELECT id FROM incidents WHERE created_at >= '2027-01-01'`)).toEqual([]);
    // id, status, ward, agency, created, due, resolved, closed, rating, merged into
    const rows: [
      string,
      string,
      string,
      string,
      string,
      string | null,
      string | null,
      string | null,
      string | null,
      string | null,
    ][] = [
      // Handled on time, satisfied: Wed 3 Feb 09:00 → Thu 4 Feb 10:00 local = 360 + 150 = 510 working min.
      [
        'T-C1',
        'closed',
        W1,
        TEST_AGENCY,
        '2027-02-03T02:00Z',
        '2027-02-10T10:00Z',
        '2027-02-04T03:00Z',
        '2027-02-05T03:00Z',
        'hai_long',
        null,
      ],
      // Across Tết, late, dissatisfied: Thu 4 Feb 15:00 → Thu 11 Feb 09:00 = 120 working min (5–11 Feb off).
      [
        'T-C2',
        'closed',
        W1,
        TEST_AGENCY,
        '2027-02-04T08:00Z',
        '2027-02-09T10:00Z',
        '2027-02-11T02:00Z',
        '2027-02-12T01:00Z',
        'khong_hai_long',
        null,
      ],
      // Received on a Tết day, late, accepted: only Fri 12 Feb 07:30–10:00 counts = 150 min.
      [
        'T-C3',
        'closed',
        W1,
        TEST_AGENCY,
        '2027-02-05T01:00Z',
        '2027-02-08T10:00Z',
        '2027-02-12T03:00Z',
        '2027-02-12T04:00Z',
        'chap_nhan',
        null,
      ],
      // Open past its deadline (overdue now); it was returned once.
      ['T-C4', 'returned', W1, TEST_AGENCY, '2027-02-02T01:00Z', '2027-02-05T10:00Z', null, null, null, null],
      // Resolved, then reopened by the citizen: not handled, reopened.
      [
        'T-C5',
        'resolved',
        W1,
        TEST_AGENCY,
        '2027-02-02T03:00Z',
        '2027-02-20T10:00Z',
        '2027-02-03T03:00Z',
        null,
        null,
        null,
      ],
      // Rejected: not received for the rates.
      ['T-C6', 'rejected', W1, TEST_AGENCY, '2027-02-06T03:00Z', null, null, '2027-02-06T04:00Z', null, null],
      // A duplicate merged into C1: not counted at all.
      ['T-C7', 'closed', W1, TEST_AGENCY, '2027-02-03T03:00Z', null, null, '2027-02-03T04:00Z', null, 'T-C1'],
      // Another ward and unit, on time: Mon 1 Feb 08:00 → Tue 2 Feb 08:00 = 420 + 30 = 450 min.
      [
        'T-C8',
        'resolved',
        W2,
        B,
        '2027-02-01T01:00Z',
        '2027-02-03T10:00Z',
        '2027-02-02T01:00Z',
        null,
        null,
        null,
      ],
      // The previous equal period (22–31 Jan): on time 120 min; late (no rating) 360 + 450 + 450 + 90 = 1350 min.
      [
        'T-P1',
        'closed',
        W1,
        TEST_AGENCY,
        '2027-01-25T02:00Z',
        '2027-01-27T10:00Z',
        '2027-01-25T04:00Z',
        '2027-01-26T04:00Z',
        null,
        null,
      ],
      [
        'T-P2',
        'closed',
        W2,
        B,
        '2027-01-26T02:00Z',
        '2027-01-27T10:00Z',
        '2027-01-29T02:00Z',
        '2027-01-30T04:00Z',
        null,
        null,
      ],
    ];
    for (const [id, status, ward, ag, created, due, resolved, closed, rating, merged] of rows) {
      await db.query(
        `INSERT INTO incidents (id, status, category, priority, title, ward_code, agency_id, created_at, updated_at, due_at,
            resolved_at, closed_at, rating, merged_into, sources, reporter)
         VALUES ($1, $2, 'roads', 3, 'Ổ gà trên đường Lê Lợi', $3, $4, $5, $5, $6, $7, $8, $9, $10,
                 '[{"channel":"hue_s"}]', '{"name":"Nguyễn Văn A","phone":"0905123456"}')`,
        [id, status, ward, ag, created, due, resolved, closed, rating, merged],
      );
    }
    // C4 back from "returned" to the desk's assignment; C5 reopened (the workflow clears resolved_at).
    await db.query(`UPDATE incidents SET status = 'assigned' WHERE id = 'T-C4'`);
    await db.query(`UPDATE incidents SET status = 'reopened', resolved_at = NULL WHERE id = 'T-C5'`);
  }, 120_000);
  afterAll(() => ioc?.close());

  const service = () =>
    new BriefingService({ db: ioc.app.db, wards: () => ioc.app.wards.wards, now: () => NOW });
  const custom = { period: 'custom' as const, from: '2027-02-01', to: '2027-02-10' };
  const tile = (b: Briefing, id: string) => b.headline.find((h) => h.id === id)!;

  it('counts working minutes to resolve on the calendar, Tết included, as streams does', async () => {
    const facts = await ioc.app.db.query<{ id: string; m: number; created_at: Date; handled_at: Date }>(
      `SELECT id, resolve_working_minutes AS m, created_at, handled_at FROM incident_facts
       WHERE id LIKE 'T-%' AND handled_at IS NOT NULL AND NOT merged ORDER BY id`,
    );
    expect(Object.fromEntries(facts.map((f) => [f.id, f.m]))).toEqual({
      'T-C1': 510,
      'T-C2': 120,
      'T-C3': 150,
      'T-C8': 450,
      'T-P1': 120,
      'T-P2': 1350,
    });
    for (const f of facts)
      expect(f.m).toBe(workingMinutesBetween(f.created_at, f.handled_at, ioc.app.calendar));
    const flags = await ioc.app.db.query<{
      id: string;
      reopened: boolean;
      returned: boolean;
      merged: boolean;
    }>(
      `SELECT id, reopened, returned, merged FROM incident_facts WHERE id IN ('T-C4', 'T-C5', 'T-C7') ORDER BY id`,
    );
    expect(flags).toEqual([
      { id: 'T-C4', reopened: false, returned: true, merged: false },
      { id: 'T-C5', reopened: true, returned: false, merged: false },
      { id: 'T-C7', reopened: false, returned: false, merged: true },
    ]);
  });

  it('computes the headline formulas of a period across Tết against the previous equal period', async () => {
    const b = await service().briefing(custom, { level: 'province' });
    expect(Value.Check(BriefingSchema, b)).toBe(true);
    expect(b.period).toMatchObject({ fromDay: '2027-02-01', toDay: '2027-02-10', days: 10 });
    expect(b.period.from).toBe('2027-01-31T17:00:00.000Z');
    expect(b.previous).toMatchObject({ fromDay: '2027-01-22', toDay: '2027-01-31', days: 10 });
    // received 6 (C1–C5, C8), handled 4 (C1, C2, C3, C8), on time 2 (C1, C8).
    expect(tile(b, 'received')).toMatchObject({ value: 6, previous: 2, change: 4, changePct: 200 });
    expect(tile(b, 'handled')).toMatchObject({ value: 4, previous: 2 });
    expect(tile(b, 'ty_le_xu_ly_dung_han')).toMatchObject({
      value: 33.3,
      previous: 50,
      change: -16.7,
      target: 95,
      goodDirection: 'up',
    });
    // (4 − 1 dissatisfied (C2) − 1 late not dissatisfied (C3)) ÷ 4; previous (2 − 0 − 1 (P2)) ÷ 2.
    expect(tile(b, 'ty_le_hai_long')).toMatchObject({ value: 50, previous: 50, change: 0 });
    expect(tile(b, 'ty_le_phan_anh_da_xu_ly')).toMatchObject({ value: 66.7, previous: 100 });
    expect(tile(b, 'overdue_now')).toMatchObject({ value: 1, previous: null, goodDirection: 'down' });
    // Working minutes 120, 150, 450, 510: median 300 = 5 h, p90 450 + 0.7 × 60 = 492 = 8.2 h; previous 735 = 12.25 h.
    expect(tile(b, 'median_resolve_hours')).toMatchObject({ value: 5, previous: 12.3, unit: 'hours' });
    expect(tile(b, 'p90_resolve_hours')).toMatchObject({ value: 8.2 });
    expect(tile(b, 'reopened_share')).toMatchObject({ value: 16.7, previous: 0 });
    expect(tile(b, 'returned_share')).toMatchObject({ value: 16.7 });
    expect(b.trend).toHaveLength(10);
    expect(b.trend.slice(0, 6)).toEqual([
      { day: '2027-02-01', received: 1, handled: 1, onTime: 1 },
      { day: '2027-02-02', received: 2, handled: 0, onTime: 0 },
      { day: '2027-02-03', received: 1, handled: 1, onTime: 1 },
      { day: '2027-02-04', received: 1, handled: 1, onTime: 0 },
      { day: '2027-02-05', received: 1, handled: 1, onTime: 0 },
      { day: '2027-02-06', received: 0, handled: 0, onTime: 0 },
    ]);
    expect(b.wards.find((w) => w.code === W1)).toMatchObject({
      received: 5,
      handled: 3,
      overdue: 1,
      onTimeRate: 20,
      satisfaction: 33.3,
    });
    expect(b.wards.find((w) => w.code === W2)).toMatchObject({
      received: 1,
      onTimeRate: 100,
      satisfaction: 100,
    });
    expect(b.agencies.find((a) => a.id === TEST_AGENCY)).toMatchObject({
      received: 5,
      overdue: 1,
      medianHours: 2.5,
    });
    expect(b.agencies.find((a) => a.id === B)).toMatchObject({ received: 1, overdue: 0, medianHours: 7.5 });
    expect(b.channels).toEqual([{ channel: 'hue_s', received: 6, handled: 4, onTimeRate: 33.3 }]);
    expect(b.mostOverdue).toEqual([
      expect.objectContaining({
        id: 'T-C4',
        agencyId: TEST_AGENCY,
        dueAt: '2027-02-05T10:00:00.000Z',
        overdueHours: 163,
      }),
    ]);
    // No personal data anywhere.
    expect(JSON.stringify(b)).not.toMatch(/0905123456|Nguyễn Văn A/);
  });

  it('counts sensor uptime from when each device joined, not from the start of the period', async () => {
    const db = ioc.app.db;
    // A rain gauge registered at 11:00 in Huế on the day, reporting every 5 minutes for its first hour only;
    // the seeded devices, registered before the day began, sent nothing that day.
    await db.query(
      `INSERT INTO devices (id, kind, name, lon, lat, unit, created_at)
       VALUES ('T-RAIN-NEW', 'rain', 'Trạm mưa thử', 107.58, 16.46, 'mm', '2027-02-12T04:00Z')`,
    );
    await db.query(
      `INSERT INTO observations (ts, device_id, metric, value, unit)
       SELECT t, 'T-RAIN-NEW', 'rain_mm', 0.5, 'mm'
       FROM generate_series('2027-02-12T04:00Z'::timestamptz, '2027-02-12T04:55Z', INTERVAL '5 minutes') AS t`,
    );
    try {
      const b = await service().briefing({ period: 'today' }, { level: 'province' });
      const [count] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM devices WHERE kind <> 'camera' AND created_at <= '2027-02-11T17:00Z'`,
      );
      const before = count!.n;
      expect(b.sensors.devices).toBe(before + 1);
      // 00:00–12:00 local for the others (12 hours each), 11:00–12:00 for the new one: 1 hour seen.
      const expected = (100 * 1) / (before * 12 + 1);
      expect(b.sensors.uptime).toBeCloseTo(expected, 1);
      // Only the new gauge, alone in its hour: fully up (the old formula read it as 1 of 12 hours).
      await db.query(`UPDATE devices SET created_at = '2027-02-12T04:00Z' WHERE kind <> 'camera'`);
      const alone = await service().briefing({ period: 'today' }, { level: 'province' });
      expect(alone.sensors.uptime).toBeCloseTo((100 * 1) / (before + 1), 1);
    } finally {
      await db.query(`DELETE FROM observations WHERE device_id = 'T-RAIN-NEW'`);
      await db.query(`DELETE FROM devices WHERE id = 'T-RAIN-NEW'`);
    }
  });

  it('narrows to a ward or a unit', async () => {
    const w = await service().briefing(custom, { level: 'ward', code: W2 });
    expect(tile(w, 'received').value).toBe(1);
    expect(tile(w, 'overdue_now').value).toBe(0);
    expect(w.wards.map((x) => x.code)).toEqual([W2]);
    const a = await service().briefing(custom, { level: 'agency', code: TEST_AGENCY });
    expect(tile(a, 'received').value).toBe(5);
    expect(tile(a, 'median_resolve_hours').value).toBe(2.5);
    expect(a.agencies.map((x) => x.id)).toEqual([TEST_AGENCY]);
    expect(a.scope).toEqual({ level: 'agency', code: TEST_AGENCY, name: 'Sở Xây dựng thành phố Huế' });
  });

  it('materialises the same counts the raw rows give, and again after a materialised day changes', async () => {
    const direct = `
      SELECT (created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text AS day, ward_code, agency_id,
             count(*) FILTER (WHERE status <> 'rejected')::int AS received,
             count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
             count(*) FILTER (WHERE status IN ('resolved', 'closed'))::int AS handled,
             count(*) FILTER (WHERE status IN ('resolved', 'closed')
                              AND (due_at IS NULL OR coalesce(resolved_at, closed_at) <= due_at))::int AS on_time,
             count(*) FILTER (WHERE status IN ('resolved', 'closed') AND rating = 'khong_hai_long')::int AS dissatisfied,
             count(*) FILTER (WHERE status IN ('resolved', 'closed') AND coalesce(resolved_at, closed_at) > due_at
                              AND rating IS DISTINCT FROM 'khong_hai_long')::int AS sat_overdue
      FROM incidents WHERE merged_into IS NULL AND created_at >= '2027-01-01' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
    const rolled = `
      SELECT (day AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text AS day, ward_code, agency_id,
             sum(received)::int AS received, sum(rejected)::int AS rejected, sum(handled)::int AS handled,
             sum(on_time)::int AS on_time, sum(dissatisfied)::int AS dissatisfied, sum(sat_overdue)::int AS sat_overdue
      FROM incident_daily WHERE day >= '2027-01-01' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
    const db = ioc.app.db;
    const before = await db.query(direct);
    expect(before.length).toBeGreaterThan(5);
    // Real-time aggregation (nothing materialised for 2027 yet).
    expect(await db.query(rolled)).toEqual(before);
    await db.exec(`CALL refresh_continuous_aggregate('incident_daily', '2027-01-01', '2027-02-12')`);
    expect(await db.query(rolled)).toEqual(before);
    // A case of a materialised day is resolved late: the invalidation log names that day for the refresh.
    await db.query(
      `UPDATE incidents SET status = 'resolved', resolved_at = '2027-02-11T05:00Z', agency_id = $1 WHERE id = 'T-C4'`,
      [B],
    );
    await db.exec(`CALL refresh_continuous_aggregate('incident_daily', '2027-01-01', '2027-02-12')`);
    const after = await db.query(direct);
    expect(after).not.toEqual(before);
    expect(await db.query(rolled)).toEqual(after);
    // The city's narrow rollups (0016, on incident_daily) agree with the same rows, by ward and by unit.
    for (const [view, col] of [
      ['incident_daily_by_ward', 'ward_code'],
      ['incident_daily_by_agency', 'agency_id'],
    ] as const) {
      const by = (from: string) =>
        db.query(
          `SELECT (day AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text AS day, ${col},
                  sum(received)::int AS received, sum(handled)::int AS handled, sum(on_time)::int AS on_time,
                  sum(dissatisfied)::int AS dissatisfied, sum(sat_overdue)::int AS sat_overdue
           FROM ${from} WHERE day >= '2027-01-01' GROUP BY 1, 2 ORDER BY 1, 2`,
        );
      await db.exec(`CALL refresh_continuous_aggregate('${view}', '2027-01-01', '2027-02-12')`);
      expect(await by(view)).toEqual(await by('incident_daily'));
    }
    await db.query(
      `UPDATE incidents SET status = 'assigned', resolved_at = NULL, agency_id = $1 WHERE id = 'T-C4'`,
      [TEST_AGENCY],
    );
    for (const view of [
      'incident_daily',
      'incident_daily_by_channel',
      'incident_daily_by_ward',
      'incident_daily_by_agency',
    ])
      await db.exec(`CALL refresh_continuous_aggregate('${view}', '2027-01-01', '2027-02-12')`);
  });

  it('GET /api/briefing answers the schema for every period, with the previous equal period', async () => {
    const get = (qs: string, s: Session = leader) =>
      fetch(`${ioc.baseUrl}/api/briefing${qs}`, { headers: s.headers() });
    for (const [period, days] of [
      ['today', 1],
      ['7d', 7],
      ['30d', 30],
    ] as const) {
      const res = await get(`?period=${period}&scope=province`);
      expect(res.status).toBe(200);
      const b = (await res.json()) as Briefing;
      expect(Value.Check(BriefingSchema, b)).toBe(true);
      expect(b.period.days).toBe(days);
      expect(b.previous.days).toBe(days);
      expect(b.previous.to).toBe(b.period.from);
      expect(b.trend).toHaveLength(days);
    }
    const month = (await (await get('?period=month')).json()) as Briefing;
    expect(month.period.fromDay.endsWith('-01')).toBe(true);
    expect(month.previous.fromDay.endsWith('-01')).toBe(true);
    expect(month.previous.days).toBeLessThanOrEqual(month.period.days);
    const c = (await (
      await get(`?period=custom&from=2027-02-01&to=2027-02-10&scope=ward:${W1}`)
    ).json()) as Briefing;
    expect(c.scope).toMatchObject({ level: 'ward', code: W1 });
    expect(tile(c, 'received').value).toBe(5);
    expect(c.previous.fromDay).toBe('2027-01-22');
    expect((await get('?period=custom&from=2027-02-10&to=2027-02-01')).status).toBe(400);
    expect((await get('?period=custom')).status).toBe(400);
    expect((await get('?period=custom&from=2025-01-01&to=2027-02-01')).status).toBe(400);
    expect((await get('?scope=ward:99999')).status).toBe(400);
    expect((await get('?scope=everything')).status).toBe(400);
    expect((await fetch(`${ioc.baseUrl}/api/briefing`)).status).toBe(401);
  });

  it('gives an agency user its own unit, and refuses it any other scope', async () => {
    const get = (qs: string) => fetch(`${ioc.baseUrl}/api/briefing${qs}`, { headers: agency.headers() });
    const own = (await (await get('?period=custom&from=2027-02-01&to=2027-02-10')).json()) as Briefing;
    expect(own.scope).toMatchObject({ level: 'agency', code: TEST_AGENCY });
    expect(tile(own, 'received').value).toBe(5);
    expect((await get(`?scope=agency:${TEST_AGENCY}`)).status).toBe(200);
    for (const scope of ['province', `ward:${W1}`, `agency:${B}`]) {
      const res = await get(`?scope=${scope}`);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('IOC_AUTH_FORBIDDEN');
    }
  });
});
