import { describe, expect, it } from 'vitest';
import { silentLogger } from '@hue-ioc/streams';
import { DeadlineScheduler, deadlineMarks, escalationAt, type SweepLock } from './deadline.scheduler.ts';
import type { IncidentRow } from '../storage/incident.repository.ts';

const at = (s: string) => new Date(s);

/** A drainage case of Hương Sơ: received Mon 7 Dec 2026 08:00, assigned 09:00, due Thu 10 Dec 09:00. */
const drainage = {
  status: 'assigned',
  created_at: at('2026-12-07T08:00:00+07:00'),
  assigned_at: at('2026-12-07T09:00:00+07:00'),
  due_at: at('2026-12-10T09:00:00+07:00'),
  breached_at: null,
  escalated_at: null,
  merged_into: null,
} satisfies Partial<IncidentRow>;

describe('escalationAt', () => {
  it('is start + factor × (due − start), from the assignment when there is one', () => {
    expect(escalationAt(drainage, 2)?.toISOString()).toBe(at('2026-12-13T09:00:00+07:00').toISOString());
    expect(escalationAt({ ...drainage, assigned_at: null }, 1.5)?.toISOString()).toBe(
      at('2026-12-11T21:30:00+07:00').toISOString(),
    );
  });

  it('is never before the deadline (factor 1, or a deadline set before the assignment)', () => {
    expect(escalationAt(drainage, 1)?.toISOString()).toBe(drainage.due_at.toISOString());
    const odd = { ...drainage, assigned_at: at('2026-12-11T09:00:00+07:00') };
    expect(escalationAt(odd, 2)?.toISOString()).toBe(drainage.due_at.toISOString());
    expect(escalationAt({ ...drainage, due_at: null }, 2)).toBeNull();
  });
});

describe('deadlineMarks', () => {
  it('breaches at the deadline, not a second before, and only once', () => {
    expect(deadlineMarks(drainage, at('2026-12-10T08:59:59+07:00'), 2).breach).toBe(false);
    expect(deadlineMarks(drainage, at('2026-12-10T09:00:00+07:00'), 2).breach).toBe(true);
    const marked = { ...drainage, breached_at: at('2026-12-10T09:00:10+07:00') };
    expect(deadlineMarks(marked, at('2026-12-10T09:01:00+07:00'), 2).breach).toBe(false);
  });

  it('escalates past the second threshold once', () => {
    const marked = { ...drainage, breached_at: at('2026-12-10T09:00:10+07:00') };
    expect(deadlineMarks(marked, at('2026-12-13T08:59:00+07:00'), 2).escalate).toBe(false);
    expect(deadlineMarks(marked, at('2026-12-13T09:00:00+07:00'), 2).escalate).toBe(true);
    expect(
      deadlineMarks(
        { ...marked, escalated_at: at('2026-12-13T09:00:05+07:00') },
        at('2026-12-20T09:00:00+07:00'),
        2,
      ).escalate,
    ).toBe(false);
  });

  it('leaves resolved, closed, rejected and merged cases alone', () => {
    const late = at('2027-01-30T09:00:00+07:00');
    for (const status of ['resolved', 'closed', 'rejected'])
      expect(deadlineMarks({ ...drainage, status }, late, 2)).toEqual({ breach: false, escalate: false });
    expect(deadlineMarks({ ...drainage, merged_into: 'IOC-2612-000001' }, late, 2)).toEqual({
      breach: false,
      escalate: false,
    });
  });
});

describe('DeadlineScheduler', () => {
  const scheduler = (lock: SweepLock, queries: string[]) =>
    new DeadlineScheduler({
      db: {
        query: async <T>(sql: string) => {
          queries.push(sql);
          return [] as T[];
        },
      },
      workflow: { update: async () => null },
      sla: { escalateFactor: () => 2 },
      lock,
      now: () => at('2026-12-10T09:00:00+07:00'),
      logger: silentLogger,
    });

  it('does nothing when another node holds the sweep', async () => {
    const queries: string[] = [];
    expect(await scheduler({ run: async () => null }, queries).sweep()).toBeNull();
    expect(queries).toEqual([]);
  });

  it('runs one sweep at a time on a node: a second call waits for the first', async () => {
    const queries: string[] = [];
    let inside = 0;
    let most = 0;
    const s = scheduler(
      {
        run: async (fn) => {
          most = Math.max(most, ++inside);
          await new Promise((r) => setTimeout(r, 20));
          try {
            return await fn();
          } finally {
            inside--;
          }
        },
      },
      queries,
    );
    const results = await Promise.all([s.sweep(), s.sweep(), s.sweep()]);
    expect(results).toEqual([
      { breached: [], escalated: [] },
      { breached: [], escalated: [] },
      { breached: [], escalated: [] },
    ]);
    expect(most).toBe(1);
    expect(queries).toHaveLength(6);
  });
});
