import { describe, expect, it } from 'vitest';
import { resolvePeriod } from './briefing-period.ts';

// Tuesday 1 December 2026, 00:30 in Huế (17:30 UTC the day before): the local day decides, not UTC's.
const EARLY = new Date('2026-11-30T17:30:00Z');

describe('resolvePeriod', () => {
  it('counts Asia/Ho_Chi_Minh days and compares with the equal period just before', () => {
    const p = resolvePeriod('7d', EARLY);
    expect(p.current).toEqual({
      from: '2026-11-24T17:00:00.000Z',
      to: '2026-12-01T17:00:00.000Z',
      fromDay: '2026-11-25',
      toDay: '2026-12-01',
      days: 7,
    });
    expect(p.previous).toMatchObject({ fromDay: '2026-11-18', toDay: '2026-11-24', days: 7 });
    expect(p.previous.to).toBe(p.current.from);
    expect(resolvePeriod('today', EARLY).previous).toMatchObject({ fromDay: '2026-11-30', days: 1 });
    expect(resolvePeriod('30d', EARLY).current).toMatchObject({ fromDay: '2026-11-02', days: 30 });
  });

  it('compares this month so far with the same days of the previous month', () => {
    expect(resolvePeriod('month', EARLY)).toMatchObject({
      label: { vi: 'Tháng 12/2026', en: 'December 2026' },
      current: { fromDay: '2026-12-01', toDay: '2026-12-01', days: 1 },
      previous: { fromDay: '2026-11-01', toDay: '2026-11-01', days: 1 },
    });
    // 31 March against February's 28 days; January against the previous December.
    expect(resolvePeriod('month', new Date('2027-03-31T05:00:00Z')).previous).toMatchObject({
      fromDay: '2027-02-01',
      toDay: '2027-02-28',
    });
    expect(resolvePeriod('month', new Date('2027-01-10T05:00:00Z')).previous).toMatchObject({
      fromDay: '2026-12-01',
      toDay: '2026-12-10',
    });
  });

  it('takes a custom period of inclusive days and refuses a reversed, open or too long one', () => {
    const p = resolvePeriod('custom', EARLY, { from: '2027-02-01', to: '2027-02-10' });
    expect(p.current).toMatchObject({ days: 10, from: '2027-01-31T17:00:00.000Z' });
    expect(p.previous).toMatchObject({ fromDay: '2027-01-22', toDay: '2027-01-31' });
    expect(p.label.vi).toBe('01/02/2027 – 10/02/2027');
    expect(() => resolvePeriod('custom', EARLY, { from: '2027-02-10', to: '2027-02-01' })).toThrow(/after/);
    expect(() => resolvePeriod('custom', EARLY, { from: '2027-02-10' })).toThrow(/needs from and to/);
    expect(() => resolvePeriod('custom', EARLY, { from: '2027-02-01', to: '2027-02-30' })).toThrow(
      /calendar days/,
    );
    expect(() => resolvePeriod('custom', EARLY, { from: '2025-01-01', to: '2027-01-01' })).toThrow(/at most/);
  });
});
