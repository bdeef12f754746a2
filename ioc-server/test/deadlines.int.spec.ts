import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { dueAt, WorkingCalendar, type CategoryCode } from '@hue-ioc/streams';
import { startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';
import { hasBinary, REDIS_SERVER, startTestRedis, type TestService } from './support/services.ts';
import { DeadlineScheduler, ESCALATION_NOTIFY } from '../src/incidents/deadline.scheduler.ts';
import { processLock, redisLease } from '../src/incidents/sweep-lock.ts';
import type { Db } from '../src/storage/db.ts';

/**
 * The deadline scheduler (issue 12, item 5) on the embedded database with a fake clock: a breach fires at
 * the deadline's instant across a weekend, Tết 2027 (Fri 5 – Thu 11 Feb off, with the nghỉ bù of Sat 6 and
 * Sun 7) and a make-up working day, never before; the escalation fires once however often the sweep runs.
 * The app's own scheduler sweeps every hour here so that only the test's clock decides.
 */

const at = (s: string) => new Date(s);

let street = 0;

/** A field report as Hue-S delivers it, received at `receivedAt` (the SLA clock's start). */
async function report(ioc: RunningIoc, category: CategoryCode, receivedAt: Date, sourceId: string) {
  const outcome = await ioc.app.incidents.ingest({
    channel: 'hue_s',
    sourceId,
    category,
    title: category === 'drainage' ? 'Cống thoát nước bị tắc, nước tràn mặt đường' : 'Ổ gà lớn giữa đường',
    description: 'Người dân phản ánh qua Hue-S, cần xử lý sớm.',
    // Each ~450 m from the last, so nothing merges.
    position: [107.56 + (street++ % 20) * 0.004, 16.44 + Math.floor(street / 20) * 0.004],
    wardCode: null,
    address: 'Đường Lê Lợi, phường Thuận Hóa',
    media: [],
    reporter: null,
    occurredAt: receivedAt,
    receivedAt,
  });
  expect(outcome.outcome).toBe('created');
  return outcome.incidentId;
}

async function row(db: Db, id: string) {
  const [r] = await db.query<{
    due_at: Date;
    breached_at: Date | null;
    escalated_at: Date | null;
    version: number;
  }>(`SELECT due_at, breached_at, escalated_at, version FROM incidents WHERE id = $1`, [id]);
  return r!;
}

async function events(db: Db, id: string, type: string) {
  return db.query<{ actor: string; data: Record<string, unknown> }>(
    `SELECT actor, data FROM incident_events WHERE incident_id = $1 AND type = $2 ORDER BY ts`,
    [id, type],
  );
}

describe('deadline scheduler with a fake clock', () => {
  let ioc: RunningIoc;
  let now = at('2026-12-01T09:00:00+07:00');
  let scheduler: DeadlineScheduler;

  beforeAll(async () => {
    ioc = await startIoc({ overrides: { deadlineSweepS: 3600 } });
    scheduler = new DeadlineScheduler({
      db: ioc.app.db,
      workflow: ioc.app.workflow,
      sla: ioc.app.sla,
      lock: processLock,
      now: () => now,
      logger: ioc.app.log,
    });
  }, 120_000);
  afterAll(() => ioc?.close());

  const sweepAt = async (s: string) => {
    now = at(s);
    return scheduler.sweep();
  };

  it('breaches a drainage report of Fri 4 Dec 16:00 (3 working days) on Wed 9 Dec at 16:00, not over the weekend', async () => {
    const id = await report(ioc, 'drainage', at('2026-12-04T16:00:00+07:00'), 'hs-deadline-weekend');
    expect((await row(ioc.app.db, id)).due_at.toISOString()).toBe(
      at('2026-12-09T16:00:00+07:00').toISOString(),
    );

    // Three calendar days later (Mon 7 Dec 16:00) is what a count that ignored the weekend would say.
    for (const t of ['2026-12-05T16:00:00+07:00', '2026-12-07T16:00:00+07:00', '2026-12-09T15:59:59+07:00'])
      expect((await sweepAt(t))?.breached).not.toContain(id);
    expect((await row(ioc.app.db, id)).breached_at).toBeNull();

    expect((await sweepAt('2026-12-09T16:00:00+07:00'))?.breached).toContain(id);
    const breached = await row(ioc.app.db, id);
    expect(breached.breached_at?.toISOString()).toBe(at('2026-12-09T16:00:00+07:00').toISOString());
    const [event] = await events(ioc.app.db, id, 'sla_breached');
    expect(event).toMatchObject({ actor: 'deadlines', data: { dueAt: breached.due_at.toISOString() } });

    // Escalation: created Fri 4 Dec 16:00, due 5 days later; factor 2 → Mon 14 Dec 16:00. Run it often.
    expect((await sweepAt('2026-12-14T15:59:00+07:00'))?.escalated).not.toContain(id);
    for (let i = 0; i < 4; i++) await sweepAt(`2026-12-14T16:0${i}:00+07:00`);
    await sweepAt('2026-12-20T10:00:00+07:00');
    const escalated = await events(ioc.app.db, id, 'escalated');
    expect(escalated).toHaveLength(1);
    expect(escalated[0]!.data).toMatchObject({
      threshold: at('2026-12-14T16:00:00+07:00').toISOString(),
      factor: 2,
      notify: [...ESCALATION_NOTIFY],
    });
    expect((await row(ioc.app.db, id)).escalated_at?.toISOString()).toBe(
      at('2026-12-14T16:00:00+07:00').toISOString(),
    );
    expect(await events(ioc.app.db, id, 'sla_breached')).toHaveLength(1);
  });

  it('skips Tết 2027: a drainage report of Thu 4 Feb 15:00 breaches on Tue 16 Feb 15:00', async () => {
    const id = await report(ioc, 'drainage', at('2027-02-04T15:00:00+07:00'), 'hs-deadline-tet');
    expect((await row(ioc.app.db, id)).due_at.toISOString()).toBe(
      at('2027-02-16T15:00:00+07:00').toISOString(),
    );
    // Mon 8 Feb 15:00 would be three calendar-working days on; Fri 12 and Mon 15 are the first two.
    for (const t of ['2027-02-08T15:00:00+07:00', '2027-02-12T15:00:00+07:00', '2027-02-16T14:59:59+07:00'])
      expect((await sweepAt(t))?.breached).not.toContain(id);
    expect((await sweepAt('2027-02-16T15:00:00+07:00'))?.breached).toContain(id);
    await sweepAt('2027-02-16T15:00:30+07:00');
    expect(await events(ioc.app.db, id, 'sla_breached')).toHaveLength(1);
  });

  it('counts a make-up Saturday: assigned Fri 12 Feb 2027 10:00 for one working day, due Sat 13 Feb 10:00', async () => {
    // A decision that makes Sat 13 Feb a working day (làm bù); the deadline the workflow would have set with it.
    const calendar = new WorkingCalendar({
      overrides: { workingDays: [{ date: '2027-02-13', vi: 'Làm bù' }] },
    });
    const assignedAt = at('2027-02-12T10:00:00+07:00');
    const due = dueAt({ receivedAt: assignedAt, workingDays: 1, urgent: false, calendar });
    expect(due.toISOString()).toBe(at('2027-02-13T10:00:00+07:00').toISOString());
    const id = await report(ioc, 'roads', at('2027-02-12T09:00:00+07:00'), 'hs-deadline-makeup');
    await ioc.app.db.query(
      `UPDATE incidents SET status = 'assigned', agency_id = 'so-xay-dung', assigned_at = $2, due_at = $3 WHERE id = $1`,
      [id, assignedAt, due],
    );
    expect((await sweepAt('2027-02-13T09:59:59+07:00'))?.breached).not.toContain(id);
    expect((await sweepAt('2027-02-13T10:00:00+07:00'))?.breached).toContain(id);
    // Escalation from the assignment: 10:00 Fri + 2 × 24 h = Sun 14 Feb 10:00.
    expect((await sweepAt('2027-02-14T09:59:00+07:00'))?.escalated).not.toContain(id);
    expect((await sweepAt('2027-02-14T10:00:00+07:00'))?.escalated).toContain(id);
    await sweepAt('2027-02-14T10:00:30+07:00');
    expect(await events(ioc.app.db, id, 'escalated')).toHaveLength(1);
    const [event] = await events(ioc.app.db, id, 'escalated');
    expect(event!.data).toMatchObject({ agencyId: 'so-xay-dung' });
    // The outbox turns both marks into notices to the unit, in the same transaction (one each).
    const notices = await ioc.app.db.query<{ idempotency_key: string }>(
      `SELECT idempotency_key FROM outbox WHERE incident_id = $1 AND channel = 'unit_notice' ORDER BY id`,
      [id],
    );
    expect(notices.map((n) => n.idempotency_key.split(':')[3])).toEqual(['sla_breached', 'escalated']);
  });

  it('fires again for a new deadline (the workflow clears both marks on an extension), never for a closed case', async () => {
    const id = await report(ioc, 'drainage', at('2027-03-01T08:00:00+07:00'), 'hs-deadline-extended');
    await sweepAt('2027-03-04T08:00:00+07:00');
    expect(await events(ioc.app.db, id, 'sla_breached')).toHaveLength(1);
    // What an extension writes: the new due_at and the marks cleared.
    await ioc.app.db.query(
      `UPDATE incidents SET status = 'extended', due_at = $2, breached_at = NULL, escalated_at = NULL WHERE id = $1`,
      [id, at('2027-03-10T08:00:00+07:00')],
    );
    expect((await sweepAt('2027-03-09T08:00:00+07:00'))?.breached).not.toContain(id);
    expect((await sweepAt('2027-03-10T08:00:00+07:00'))?.breached).toContain(id);
    expect(await events(ioc.app.db, id, 'sla_breached')).toHaveLength(2);

    const closed = await report(ioc, 'drainage', at('2027-03-01T08:00:00+07:00'), 'hs-deadline-resolved');
    await ioc.app.db.query(`UPDATE incidents SET status = 'resolved', resolved_at = $2 WHERE id = $1`, [
      closed,
      at('2027-03-02T08:00:00+07:00'),
    ]);
    await sweepAt('2027-04-01T08:00:00+07:00');
    expect(await events(ioc.app.db, closed, 'sla_breached')).toHaveLength(0);
  });

  it('the app sweeps on its own every DEADLINE_SWEEP_SECONDS with the real clock', async () => {
    const fast = await startIoc({ overrides: { deadlineSweepS: 1 } });
    try {
      const id = await report(fast, 'drainage', new Date(Date.now() - 10 * 86_400_000), 'hs-deadline-real');
      const marked = await waitFor(
        'the breach',
        async () => (await row(fast.app.db, id)).breached_at,
        15_000,
      );
      expect(marked.getTime()).toBeLessThanOrEqual(Date.now());
    } finally {
      await fast.close();
    }
  }, 120_000);
});

describe.skipIf(!hasBinary(REDIS_SERVER))('two schedulers on one Redis and one database', () => {
  let redis: TestService;
  let a: RunningIoc;
  let b: RunningIoc;
  const prefix = `hue-ioc-test:${process.pid}:deadlines`;

  beforeAll(async () => {
    redis = await startTestRedis({ appendonly: false });
    const overrides = { redisUrl: redis.url, redisPrefix: prefix, deadlineSweepS: 3600 };
    a = await startIoc({ overrides });
    // Node B opens its own embedded database and uses A's: two nodes of one deployment share TimescaleDB.
    b = await startIoc({
      overrides,
      wrapDb: (own) => ({
        kind: a.app.db.kind,
        query: (sql, params) => a.app.db.query(sql, params),
        exec: (sql) => a.app.db.exec(sql),
        transaction: (fn) => a.app.db.transaction(fn),
        cursor: (sql, params, batchSize) => a.app.db.cursor(sql, params, batchSize),
        close: () => own.close(),
      }),
    });
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.dispose();
  });

  it('sweeping at once, each breach and escalation is written once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push(
        await report(a, 'drainage', at(`2026-12-0${1 + (i % 3)}T09:00:00+07:00`), `hs-two-nodes-${i}`),
      );
    let now = at('2026-12-10T09:00:00+07:00');
    const on = (ioc: RunningIoc) =>
      new DeadlineScheduler({
        db: ioc.app.db,
        workflow: ioc.app.workflow,
        sla: ioc.app.sla,
        lock: redisLease(ioc.app.redis!, `${prefix}:deadlines:lease`, ioc.config.nodeId, 60_000),
        now: () => now,
        logger: ioc.app.log,
      });
    const [sa, sb] = [on(a), on(b)];
    const first = await Promise.all([sa.sweep(), sb.sweep()]);
    // One node held the lease and swept; the other was told so.
    expect(first.filter((r) => r === null)).toHaveLength(1);
    const swept = first.find((r) => r !== null)!;
    expect([...swept.breached].sort()).toEqual([...ids].sort());

    now = at('2026-12-31T09:00:00+07:00');
    for (let i = 0; i < 3; i++) await Promise.all([sa.sweep(), sb.sweep()]);
    // Without the lease (both nodes sweeping), the locked row still decides once.
    const unleased = (ioc: RunningIoc) =>
      new DeadlineScheduler({
        db: ioc.app.db,
        workflow: ioc.app.workflow,
        sla: ioc.app.sla,
        lock: processLock,
        now: () => now,
        logger: ioc.app.log,
      });
    await Promise.all([unleased(a).sweep(), unleased(b).sweep()]);

    const counts = await a.app.db.query<{ incident_id: string; type: string; n: number }>(
      `SELECT incident_id, type, count(*)::int AS n FROM incident_events
       WHERE incident_id = ANY($1::text[]) AND type IN ('sla_breached', 'escalated')
       GROUP BY incident_id, type ORDER BY incident_id, type`,
      [ids],
    );
    expect(counts).toHaveLength(ids.length * 2);
    expect(counts.every((c) => c.n === 1)).toBe(true);

    const r = new Redis(redis.url);
    expect(await r.get(`${prefix}:deadlines:lease`)).toMatch(/^test-/);
    await r.quit();
  });
});
