import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WorkingCalendar } from './working-calendar.ts';
import { dueAt } from './due-at.ts';
import { addWorkingMinutes, slaState, workingMinutesBetween, type SlaClock } from './working-time.ts';

const calendar = new WorkingCalendar();
const t = (s: string) => new Date(s);
const wm = (a: string, b: string, cal = calendar) => workingMinutesBetween(t(a), t(b), cal);

describe('workingMinutesBetween', () => {
  it('counts office hours of one day, skipping lunch: Tue 1 Dec 2026 08:00 → 16:00 is 6 h', () => {
    expect(wm('2026-12-01T08:00:00+07:00', '2026-12-01T16:00:00+07:00')).toBe(360);
    expect(wm('2026-12-01T11:45:00+07:00', '2026-12-01T13:00:00+07:00')).toBe(0);
    expect(wm('2026-12-01T05:00:00+07:00', '2026-12-01T22:00:00+07:00')).toBe(450);
  });

  it('skips a weekend: Fri 4 Dec 16:00 → Mon 7 Dec 09:00 is 2 h 30; backwards it is negative', () => {
    expect(wm('2026-12-04T16:00:00+07:00', '2026-12-07T09:00:00+07:00')).toBe(150);
    expect(wm('2026-12-07T09:00:00+07:00', '2026-12-04T16:00:00+07:00')).toBe(-150);
  });

  it('skips Tết 2027 (Fri 5 – Thu 11 Feb with the nghỉ bù of Sat 6 and Sun 7): Thu 4 Feb 16:00 → Fri 12 Feb 08:00 is 1 h 30', () => {
    expect(wm('2027-02-04T16:00:00+07:00', '2027-02-12T08:00:00+07:00')).toBe(90);
  });

  it('counts a make-up Saturday (làm bù) as a full office day', () => {
    const withMakeUp = new WorkingCalendar({
      overrides: { workingDays: [{ date: '2027-02-13', vi: 'Làm bù' }] },
    });
    expect(wm('2027-02-04T16:00:00+07:00', '2027-02-15T08:00:00+07:00')).toBe(60 + 450 + 30);
    expect(wm('2027-02-04T16:00:00+07:00', '2027-02-15T08:00:00+07:00', withMakeUp)).toBe(
      60 + 450 + 450 + 30,
    );
  });

  it('refuses an invalid time', () => {
    expect(() => workingMinutesBetween(new Date('x'), new Date(), calendar)).toThrow(/valid/);
  });

  it('property: additive, antisymmetric, and inverse to dueAt in office hours and to addWorkingMinutes', () => {
    const from = new Date('2026-12-20T00:00:00+07:00').getTime();
    const span = 120 * 86_400_000;
    const instant = fc.integer({ min: 0, max: span }).map((o) => new Date(from + o));
    fc.assert(
      fc.property(instant, instant, instant, fc.integer({ min: 1, max: 40 }), (a, b, c, hours) => {
        const ab = workingMinutesBetween(a, b, calendar);
        expect(ab).toBeCloseTo(-workingMinutesBetween(b, a, calendar), 6);
        expect(ab + workingMinutesBetween(b, c, calendar)).toBeCloseTo(
          workingMinutesBetween(a, c, calendar),
          6,
        );
        const due = dueAt({ receivedAt: a, hours, urgent: false, calendar });
        expect(workingMinutesBetween(a, due, calendar)).toBeCloseTo(hours * 60, 6);
        expect(addWorkingMinutes(a, hours * 60, calendar).getTime()).toBe(due.getTime());
      }),
      { numRuns: 200 },
    );
  });
});

describe('slaState', () => {
  // A roads report of Mon 30 Nov 2026 09:00, assigned at 10:00 with 5 working days: due Mon 7 Dec 10:00.
  const roads: SlaClock = {
    status: 'assigned',
    createdAt: t('2026-11-30T09:00:00+07:00'),
    assignedAt: t('2026-11-30T10:00:00+07:00'),
    dueAt: t('2026-12-07T10:00:00+07:00'),
  };
  const at = (s: string, c: SlaClock = roads) => slaState(c, t(s), calendar);

  it('is none without a deadline or when rejected', () => {
    expect(at('2026-12-01T10:00:00+07:00', { ...roads, dueAt: null })).toBe('none');
    expect(at('2026-12-01T10:00:00+07:00', { ...roads, status: 'rejected' })).toBe('none');
  });

  it('is due_soon in the last 4 office hours of a 5-day case (its last quarter would be 9 h 22 min), counted in office time', () => {
    expect(at('2026-12-04T15:00:00+07:00')).toBe('on_time'); // 2 h Fri + 2 h 30 Mon = 4 h 30 left
    expect(at('2026-12-04T15:30:00+07:00')).toBe('due_soon'); // 1 h 30 + 2 h 30 = 4 h
    expect(at('2026-12-05T10:00:00+07:00')).toBe('due_soon'); // Saturday: 2 h 30 left
    expect(at('2026-12-07T09:59:00+07:00')).toBe('due_soon');
  });

  it('is overdue from the deadline on (before the sweep marks it), escalated once marked', () => {
    expect(at('2026-12-07T10:00:00+07:00')).toBe('overdue');
    expect(at('2026-12-07T10:00:00+07:00', { ...roads, breachedAt: t('2026-12-07T10:00:20+07:00') })).toBe(
      'overdue',
    );
    expect(
      at('2026-12-15T10:00:00+07:00', {
        ...roads,
        breachedAt: t('2026-12-07T10:00:20+07:00'),
        escalatedAt: t('2026-12-14T10:00:20+07:00'),
      }),
    ).toBe('escalated');
  });

  it('takes a quarter of the time for an urgent case, in clock hours: 4 h → due soon in the last hour', () => {
    const urgent: SlaClock = {
      status: 'in_progress',
      urgent: true,
      createdAt: t('2026-12-05T22:00:00+07:00'),
      dueAt: t('2026-12-06T02:00:00+07:00'),
    };
    expect(at('2026-12-06T00:59:00+07:00', urgent)).toBe('on_time');
    expect(at('2026-12-06T01:00:00+07:00', urgent)).toBe('due_soon');
    expect(at('2026-12-06T02:00:00+07:00', urgent)).toBe('overdue');
  });

  it('freezes at the handling time once resolved: on time if handled before the deadline, else overdue', () => {
    const resolved = { ...roads, status: 'resolved', resolvedAt: t('2026-12-07T09:30:00+07:00') };
    expect(at('2026-12-20T10:00:00+07:00', resolved)).toBe('on_time');
    expect(
      at('2026-12-20T10:00:00+07:00', {
        ...resolved,
        status: 'closed',
        resolvedAt: t('2026-12-08T09:30:00+07:00'),
      }),
    ).toBe('overdue');
  });

  it('without a calendar, approximates working time by clock time', () => {
    // 7 days 0 h allowed: a quarter is 42 h, so the 4 h cap applies.
    expect(slaState(roads, t('2026-12-07T05:59:00+07:00'))).toBe('on_time');
    expect(slaState(roads, t('2026-12-07T06:00:00+07:00'))).toBe('due_soon');
  });
});
