import { describe, expect, it } from 'vitest';
import { parseOpenDataTime, resolveRange, vnIso } from './range.ts';
import { splitRange } from './open-data.service.ts';

describe('open-data ranges (Asia/Ho_Chi_Minh)', () => {
  it('reads days and date-times in Huế time unless an offset is given', () => {
    expect(vnIso(parseOpenDataTime('2026-11-01', 'from'))).toBe('2026-11-01T00:00:00+07:00');
    expect(vnIso(parseOpenDataTime('2026-11-30', 'to'))).toBe('2026-12-01T00:00:00+07:00');
    expect(vnIso(parseOpenDataTime('2026-11-01T08:30', 'from'))).toBe('2026-11-01T08:30:00+07:00');
    expect(parseOpenDataTime('2026-11-01T01:00:00Z', 'from').toISOString()).toBe('2026-11-01T01:00:00.000Z');
    expect(parseOpenDataTime('2026-11-01T08:00-05:00', 'to').toISOString()).toBe('2026-11-01T13:00:00.000Z');
  });

  it('refuses impossible calendar values and reversed or too long ranges, with a code', () => {
    for (const v of [
      '2026-02-29',
      '2026-13-01',
      '2026-11-01T24:00',
      '2026-11-01T10:60',
      '2026-11-01T10:00+15:00',
      '1969-12-31',
      '01-11-2026',
    ])
      expect(() => parseOpenDataTime(v, 'from'), v).toThrow(
        expect.objectContaining({ code: 'IOC_OPEN_DATA_RANGE' }),
      );
    expect(() =>
      resolveRange({ from: '2026-11-03', to: '2026-11-01' }, { defaultDays: 7, maxDays: 30 }),
    ).toThrow(expect.objectContaining({ code: 'IOC_OPEN_DATA_RANGE' }));
    expect(() =>
      resolveRange({ from: '2026-01-01', to: '2026-03-01' }, { defaultDays: 7, maxDays: 30 }),
    ).toThrow(expect.objectContaining({ code: 'IOC_OPEN_DATA_RANGE', details: { maxDays: 30 } }));
    const now = new Date('2026-11-20T05:00:00Z');
    const r = resolveRange({}, { defaultDays: 7, maxDays: 30, now });
    expect(r.to).toEqual(now);
    expect(r.to.getTime() - r.from.getTime()).toBe(7 * 86_400_000);
  });

  it('cuts a range into windows at Huế midnights that cover it exactly', () => {
    const range = resolveRange(
      { from: '2026-11-01T15:00', to: '2026-11-04T09:00' },
      { defaultDays: 7, maxDays: 30 },
    );
    const w = splitRange(range, 1);
    expect(w.map((x) => `${vnIso(x.from)}..${vnIso(x.to)}`)).toEqual([
      '2026-11-01T15:00:00+07:00..2026-11-02T00:00:00+07:00',
      '2026-11-02T00:00:00+07:00..2026-11-03T00:00:00+07:00',
      '2026-11-03T00:00:00+07:00..2026-11-04T00:00:00+07:00',
      '2026-11-04T00:00:00+07:00..2026-11-04T09:00:00+07:00',
    ]);
    expect(splitRange(range, 31)).toEqual([range]);
    const empty = { from: range.from, to: range.from };
    expect(splitRange(empty, 1)).toEqual([empty]);
  });
});
