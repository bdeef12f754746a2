import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isoMs } from './iso-time';

describe('isoMs', () => {
  it('is Date.parse for every time Date#toISOString writes with a four-digit year (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        const s = new Date(ms).toISOString();
        expect(isoMs(s)).toBe(Date.parse(s));
        expect(isoMs(s)).toBe(ms);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is Date.parse for the edges of months, leap days and strings not in the canonical form', () => {
    for (const s of [
      '2026-11-27T03:00:00.000Z',
      '2024-02-29T23:59:59.999Z',
      '2000-02-29T00:00:00.000Z',
      '1970-01-01T00:00:00.000Z',
      '0000-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      // Not read by hand: Date.parse decides (NaN, a rollover or another form).
      '2026-02-29T00:00:00.000Z',
      '1900-02-29T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-00-10T00:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-11-27T24:00:00.000Z',
      '2026-11-27T03:60:00.000Z',
      '2026-11-27T03:00:60.000Z',
      '2026-11-2xT03:00:00.000Z',
      '2026-11-27T03:00:00.000+07:00',
      '2026-11-27T03:00:00Z',
      '2026-11-27T10:00:00.000+0',
      '2026-11-27',
      '',
      'hôm nay',
    ])
      expect([s, isoMs(s)]).toEqual([s, Date.parse(s)]);
  });
});
