import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nextAlarmLevel } from './alarm.ts';

// Kim Long, QĐ 05/2020/QĐ-TTg: BĐ I 1.0 m, II 2.0 m, III 3.5 m.
const KIM_LONG = [1.0, 2.0, 3.5];

describe('nextAlarmLevel', () => {
  it('rises at once and falls only below the threshold minus the hysteresis', () => {
    const readings = [0.8, 1.0, 1.99, 2.0, 1.97, 1.96, 1.94, 0.97, 0.9, 3.6, 0.2];
    const levels: number[] = [];
    let level = 0;
    for (const v of readings) levels.push((level = nextAlarmLevel(level, v, KIM_LONG, 0.05)));
    expect(levels).toEqual([0, 1, 1, 2, 2, 2, 1, 1, 0, 3, 0]);
  });

  it('property: never flaps on readings that stay within the hysteresis band of a threshold', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1.96, max: 2.04, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (values) => {
          let level = 2;
          for (const v of values) level = nextAlarmLevel(level, v, KIM_LONG, 0.05);
          expect(level).toBe(2);
        },
      ),
    );
  });

  it('property: agrees with the plain level whenever the value is clear of every band', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.double({ min: 0, max: 6, noNaN: true }), (prev, v) => {
        const clear = KIM_LONG.every((t) => Math.abs(v - t) > 0.05);
        if (!clear) return;
        const plain = KIM_LONG.filter((t) => v >= t).length;
        expect(nextAlarmLevel(prev, v, KIM_LONG, 0.05)).toBe(plain);
      }),
    );
  });
});
