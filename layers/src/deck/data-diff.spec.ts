import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { changedRowRanges, changedTail, type RowRange } from './data-diff.ts';

interface Reading {
  id: string;
  value: number;
}

const kimLong: Reading = { id: 'kim-long', value: 1.42 };
const phuOc: Reading = { id: 'phu-oc', value: 0.85 };
const aLuoi: Reading = { id: 'mua-a-luoi', value: 18.4 };

function covered(ranges: RowRange[], length: number): Set<number> {
  const rows = new Set<number>();
  for (const { startRow, endRow = length } of ranges) {
    for (let i = startRow; i < Math.min(endRow, length); i++) rows.add(i);
  }
  return rows;
}

describe('changedRowRanges', () => {
  it('reports only the row a delta replaced', () => {
    const next = [kimLong, { ...phuOc, value: 0.9 }, aLuoi];
    expect(changedRowRanges(next, [kimLong, phuOc, aLuoi])).toEqual([{ startRow: 1, endRow: 2 }]);
  });

  it('reports appended rows and nothing for an unchanged array', () => {
    expect(changedRowRanges([kimLong, phuOc, aLuoi], [kimLong, phuOc])).toEqual([{ startRow: 2, endRow: 3 }]);
    expect(changedRowRanges([kimLong, phuOc], [kimLong, phuOc])).toEqual([]);
  });

  it('treats a first render or non-array data as all changed', () => {
    expect(changedRowRanges([kimLong], undefined)).toEqual([{ startRow: 0 }]);
    expect(changedRowRanges('sensors.json', [kimLong])).toEqual([{ startRow: 0 }]);
  });

  it('covers exactly the rows whose object differs (property)', () => {
    const row = fc.constantFrom(kimLong, phuOc, aLuoi, { id: 'kk-hung-vuong', value: 38 });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), fc.array(row, { maxLength: 30 }), (previous, next) => {
        const rows = covered(changedRowRanges(next, previous), next.length);
        for (let i = 0; i < next.length; i++) {
          expect(rows.has(i)).toBe(next[i] !== previous[i]);
        }
      }),
    );
  });
});

describe('changedTail', () => {
  it('rewrites from the first changed row to the end (text rows vary in length)', () => {
    const next = [kimLong, { ...phuOc, value: 10.25 }, aLuoi];
    expect(changedTail(next, [kimLong, phuOc, aLuoi])).toEqual([{ startRow: 1 }]);
  });

  it('rewrites nothing when only the tail was dropped', () => {
    expect(changedTail([kimLong], [kimLong, phuOc])).toEqual([]);
  });
});
