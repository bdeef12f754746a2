import { describe, expect, it } from 'vitest';
import { describeChange, formatDateTime, huLocalToIso } from './format';

describe('console times', () => {
  it('shows an instant as the day and time in Huế, date first in both languages', () => {
    // 2025-10-27 02:30 UTC: Kim Long's peak morning, 09:30 in Huế.
    expect(formatDateTime('2025-10-27T02:30:05Z', 'vi-VN')).toBe('27/10/2025 09:30:05');
    expect(formatDateTime('2025-10-27T17:00:00Z', 'en-GB')).toBe('28/10/2025 00:00:00');
    expect(formatDateTime(null, 'vi-VN')).toBe('—');
  });

  it('reads a datetime-local value as Huế time (UTC+7)', () => {
    expect(huLocalToIso('2025-10-27T09:30')).toBe('2025-10-27T02:30:00.000Z');
    expect(huLocalToIso('2025-10-27T00:00:30')).toBe('2025-10-26T17:00:30.000Z');
    expect(huLocalToIso('')).toBeUndefined();
    expect(huLocalToIso('27/10/2025')).toBeUndefined();
  });
});

describe('describeChange', () => {
  it('lists only the fields an update changed, with notes and no secrets', () => {
    const before = { id: 7, username: 'hepco.xuly', role: 'agency', active: true, updatedAt: 'a' };
    const after = { ...before, active: false, updatedAt: 'b', passwordReset: true, sessionsEnded: 2 };
    expect(describeChange(before, after)).toEqual([
      'active: true → false',
      'sessionsEnded: 2',
      'password: ***',
    ]);
  });

  it('lists the fields of a new record, leaving ids and nulls out', () => {
    expect(
      describeChange(null, {
        id: 3,
        name: 'Màn hình tường phòng giao ban',
        hint: 'k1KY',
        revokedAt: null,
        token: 'x',
      }),
    ).toEqual(['name: Màn hình tường phòng giao ban', 'hint: k1KY']);
    expect(describeChange(null, null)).toEqual([]);
  });

  it('shows instants in Huế time', () => {
    expect(describeChange({ revokedAt: null }, { revokedAt: '2025-10-27T02:30:05.120Z' })).toEqual([
      'revokedAt: ∅ → 27/10/2025 09:30:05',
    ]);
  });
});
