import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isoStringMs } from './iso-time.ts';

describe('isoStringMs', () => {
  it('reads every instant of years 0000–9999 as Date#toISOString writes it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(isoStringMs(new Date(ms).toISOString())).toBe(ms);
      }),
      { numRuns: 2000, seed: 1202 },
    );
  });

  it('gives undefined for what toISOString would not write back the same', () => {
    for (const s of [
      '2026-02-31T00:00:00.000Z', // Date.parse rolls over to March
      '2026-02-29T00:00:00.000Z', // not a leap year
      '2026-12-01T24:00:00.000Z',
      '2026-12-01T08:30:00Z', // no milliseconds
      '2026-12-01T08:30:00.000+07:00',
      '2O26-12-01T08:30:00.000Z',
      '+02026-12-01T08:30:00.000Z',
      '',
    ])
      expect(isoStringMs(s), s).toBeUndefined();
    expect(isoStringMs('2024-02-29T23:59:59.999Z')).toBe(Date.parse('2024-02-29T23:59:59.999Z'));
  });
});
