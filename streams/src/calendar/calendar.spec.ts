import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tetDay, solarOfLunar, lunarOf } from './lunar.ts';
import { defaultNationalDayExtra, publicHolidays } from './holidays.ts';
import { WorkingCalendar } from './working-calendar.ts';
import { clockStart, dueAt } from './due-at.ts';
import { localDateOf, localMinutesOf } from './local-time.ts';
import { SLA_DEFAULTS, slaFor } from './sla-defaults.ts';

const dates = (year: number, cal = new WorkingCalendar()) => cal.holidays(year).map((h) => h.date);

describe('Vietnamese lunar calendar (UTC+7)', () => {
  it('puts Tết 2026 on 17 Feb and Tết 2027 on 6 Feb', () => {
    expect(tetDay(2026)).toBe('2026-02-17');
    expect(tetDay(2027)).toBe('2027-02-06');
  });

  it('follows the Vietnamese, not the Chinese (UTC+8), new moons', () => {
    expect(tetDay(2007)).toBe('2007-02-17'); // China: 18 Feb 2007
    expect(tetDay(1985)).toBe('1985-01-21'); // China: 20 Feb 1985
  });

  it('puts Giỗ Tổ Hùng Vương (10/3 lunar) on 26 Apr 2026 and 16 Apr 2027', () => {
    expect(solarOfLunar(2026, 3, 10)).toBe('2026-04-26');
    expect(solarOfLunar(2027, 3, 10)).toBe('2027-04-16');
    expect(lunarOf('2026-02-16')).toEqual({ year: 2025, month: 12, day: 29, leap: false }); // tháng Chạp has 29 days
  });
});

describe('publicHolidays', () => {
  it('2026: Tết Mon 16 – Fri 20 Feb, Giỗ Tổ on a Sunday moved to Mon 27 Apr, 1–2 Sep', () => {
    expect(dates(2026)).toEqual([
      '2026-01-01',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-04-26',
      '2026-04-27',
      '2026-04-30',
      '2026-05-01',
      '2026-09-01',
      '2026-09-02',
    ]);
    expect(new WorkingCalendar().holiday('2026-04-27')).toMatchObject({
      kind: 'compensatory',
      vi: 'Nghỉ bù Giỗ Tổ Hùng Vương',
    });
  });

  it('2027: Tết Fri 5 – Tue 9 Feb with Sat 6 and Sun 7 taken on Wed 10 and Thu 11; 1/5 on a Saturday taken on Mon 3 May', () => {
    expect(dates(2027)).toEqual([
      '2027-01-01',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
      '2027-02-11',
      '2027-04-16',
      '2027-04-30',
      '2027-05-01',
      '2027-05-03',
      '2027-09-02',
      '2027-09-03',
    ]);
  });

  it('has eleven statutory days a year (Labour Code 2019 art. 112)', () => {
    for (const year of [2025, 2026, 2027, 2028]) {
      expect(publicHolidays(year).filter((h) => h.kind === 'holiday')).toHaveLength(11);
    }
  });

  it('picks the day next to 2/9 as the decisions of 2021–2025 did', () => {
    expect([2021, 2022, 2023, 2024, 2025].map(defaultNationalDayExtra)).toEqual([
      '2021-09-03',
      '2022-09-01',
      '2023-09-01',
      '2024-09-03',
      '2025-09-01',
    ]);
    // 2023: 2/9 on a Saturday, nghỉ bù on Monday 4/9.
    expect(dates(2023).filter((d) => d.startsWith('2023-09'))).toEqual([
      '2023-09-01',
      '2023-09-02',
      '2023-09-04',
    ]);
  });

  it('takes the year’s decision from overrides: Tết 2025 was Mon 27 – Fri 31 Jan', () => {
    expect(dates(2025).filter((d) => d.startsWith('2025-0') && d < '2025-03')).toEqual([
      '2025-01-01',
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-01-31',
      '2025-02-01',
      '2025-02-03',
    ]);
    const decided = new WorkingCalendar({
      overrides: { tet: { 2025: ['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31'] } },
    });
    expect(dates(2025, decided).filter((d) => d < '2025-03')).toEqual([
      '2025-01-01',
      '2025-01-27',
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-01-31',
    ]);
    expect(decided.isWorkingDay('2025-02-03')).toBe(true);
  });

  it('refuses overrides that are not dates', () => {
    expect(() => publicHolidays(2026, { daysOff: [{ date: '2026-2-30', vi: 'x' }] })).toThrow(/YYYY-MM-DD/);
  });
});

describe('dueAt', () => {
  const calendar = new WorkingCalendar();
  const due = (
    receivedAt: string,
    opts: { workingDays?: number; hours?: number; urgent?: boolean },
    cal = calendar,
  ) =>
    dueAt({
      receivedAt: new Date(receivedAt),
      urgent: opts.urgent ?? false,
      calendar: cal,
      ...opts,
    }).toISOString();

  it('skips Tết 2026: Fri 13 Feb 10:00 + 5 working days → Fri 27 Feb 10:00', () => {
    expect(due('2026-02-13T10:00:00+07:00', { workingDays: 5 })).toBe('2026-02-27T03:00:00.000Z');
  });

  it('starts a report of 23:00 on Thu 12 Feb 2026 at 07:30 on Fri 13: + 2 working days → Tue 24 Feb 07:30', () => {
    expect(due('2026-02-12T23:00:00+07:00', { workingDays: 2 })).toBe('2026-02-24T00:30:00.000Z');
  });

  it('skips Tết 2027 and its two days of nghỉ bù: Thu 4 Feb 15:00 + 3 → Tue 16 Feb 15:00', () => {
    expect(due('2027-02-04T15:00:00+07:00', { workingDays: 3 })).toBe('2027-02-16T08:00:00.000Z');
  });

  it('skips Giỗ Tổ nghỉ bù and 30/4–1/5 2026: Fri 24 Apr 09:00 + 3 → Mon 4 May 09:00', () => {
    expect(due('2026-04-24T09:00:00+07:00', { workingDays: 3 })).toBe('2026-05-04T02:00:00.000Z');
  });

  it('skips 30/4–1/5 2027 and the Monday in lieu of Saturday 1/5: Thu 29 Apr 16:00 + 2 → Wed 5 May 16:00', () => {
    expect(due('2027-04-29T16:00:00+07:00', { workingDays: 2 })).toBe('2027-05-05T09:00:00.000Z');
  });

  it('skips Quốc khánh 2026 (Tue 1 and Wed 2 Sep by default; a decision for 3 Sep moves it)', () => {
    expect(due('2026-08-31T14:00:00+07:00', { workingDays: 1 })).toBe('2026-09-03T07:00:00.000Z');
    const decided = new WorkingCalendar({ overrides: { nationalDayExtra: { 2026: '2026-09-03' } } });
    expect(due('2026-08-31T14:00:00+07:00', { workingDays: 1 }, decided)).toBe('2026-09-01T07:00:00.000Z');
  });

  it('follows Tết 2025 as decided, not as the default rule', () => {
    expect(due('2025-01-24T10:00:00+07:00', { workingDays: 1 })).toBe('2025-01-27T03:00:00.000Z');
    const decided = new WorkingCalendar({
      overrides: { tet: { 2025: ['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31'] } },
    });
    expect(due('2025-01-24T10:00:00+07:00', { workingDays: 1 }, decided)).toBe('2025-02-03T03:00:00.000Z');
  });

  it('counts a make-up Saturday (làm bù) as a working day', () => {
    const cal = new WorkingCalendar({ overrides: { workingDays: [{ date: '2026-02-21', vi: 'Làm bù' }] } });
    expect(due('2026-02-13T10:00:00+07:00', { workingDays: 1 }, cal)).toBe('2026-02-21T03:00:00.000Z');
  });

  it('starts a non-urgent report of 05:40 at 07:30; an urgent one runs from receipt in clock hours', () => {
    expect(due('2026-03-10T05:40:00+07:00', { workingDays: 2 })).toBe('2026-03-12T00:30:00.000Z');
    expect(due('2026-03-10T05:40:00+07:00', { hours: 4, urgent: true })).toBe('2026-03-10T02:40:00.000Z');
    expect(due('2026-02-17T20:15:00+07:00', { hours: 4, urgent: true })).toBe('2026-02-17T17:15:00.000Z');
  });

  it('starts a weekend report at 07:30 on Monday', () => {
    expect(clockStart(new Date('2026-03-14T10:00:00+07:00'), false, calendar).toISOString()).toBe(
      '2026-03-16T00:30:00.000Z',
    );
    expect(due('2026-03-14T10:00:00+07:00', { workingDays: 2 })).toBe('2026-03-18T00:30:00.000Z');
  });

  it('counts non-urgent hours inside office hours: Fri 13 Feb 2026 16:00 + 8 h → Mon 23 Feb 16:30', () => {
    expect(due('2026-02-13T16:00:00+07:00', { hours: 8 })).toBe('2026-02-23T09:30:00.000Z');
    // Inside one morning: 08:00 + 2 h; across lunch: 10:30 + 2 h → 14:30.
    expect(due('2026-03-10T08:00:00+07:00', { hours: 2 })).toBe('2026-03-10T03:00:00.000Z');
    expect(due('2026-03-10T10:30:00+07:00', { hours: 2 })).toBe('2026-03-10T07:30:00.000Z');
  });

  it('refuses ambiguous input', () => {
    expect(() => due('2026-03-10T08:00:00+07:00', {})).toThrow(/exactly one/);
    expect(() => due('2026-03-10T08:00:00+07:00', { workingDays: 2, hours: 3 })).toThrow(/exactly one/);
    expect(() => due('2026-03-10T08:00:00+07:00', { workingDays: 1.5 })).toThrow(/whole/);
  });

  it('property: a non-urgent deadline is in office time on a working day, after receipt, and never earlier for a later report', () => {
    const from = new Date('2025-12-20T00:00:00+07:00').getTime();
    const span = 400 * 86_400_000;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: span }),
        fc.integer({ min: 0, max: 3 * 86_400_000 }),
        fc.integer({ min: 1, max: 10 }),
        (offset, gap, n) => {
          const a = new Date(from + offset);
          const b = new Date(from + offset + gap);
          const da = dueAt({ receivedAt: a, workingDays: n, urgent: false, calendar });
          const db = dueAt({ receivedAt: b, workingDays: n, urgent: false, calendar });
          expect(da.getTime()).toBeGreaterThan(a.getTime());
          expect(calendar.isWorkingDay(localDateOf(da))).toBe(true);
          const m = localMinutesOf(da);
          expect(m >= calendar.dayStart && m < calendar.dayEnd).toBe(true);
          expect(db.getTime()).toBeGreaterThanOrEqual(da.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('SLA defaults', () => {
  it('gives hours to priority 1 and working days to the others, with category exceptions', () => {
    expect(slaFor('security', 1)).toEqual({ hours: 4, source: 'priority' });
    expect(slaFor('roads', 3)).toEqual({ workingDays: 5, source: 'priority' });
    expect(slaFor('drainage', 2)).toEqual({ workingDays: 1, source: 'category' });
    expect(slaFor('lighting', 3, { ...SLA_DEFAULTS, byCategory: {} })).toEqual({
      workingDays: 5,
      source: 'priority',
    });
  });
});
