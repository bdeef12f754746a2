import { describe, expect, it } from 'vitest';
import type { BriefingHeadline } from '@hue-ioc/layers';
import { briefingWeek } from '../../../tests/fixtures/briefing-week';
import { briefingSummaryText } from '@hue-ioc/layers';
import {
  changeOf,
  choroplethBreaks,
  choroplethClasses,
  classLabel,
  niceMax,
  selectionFromUrl,
  selectionQuery,
  summaryInput,
} from './model';

const head = (p: Partial<BriefingHeadline>): BriefingHeadline => ({
  id: 'x',
  label: { vi: 'x', en: 'x' },
  value: 10,
  previous: 10,
  target: null,
  unit: 'count',
  goodDirection: 'up',
  change: 0,
  changePct: 0,
  ...p,
});

describe('the briefing page model', () => {
  it('reads the selection from the URL and refuses malformed ones', () => {
    expect(selectionFromUrl(new URLSearchParams('period=30d&scope=ward:19753'))).toEqual({
      period: '30d',
      scope: 'ward:19753',
    });
    expect(selectionFromUrl(new URLSearchParams('period=year&scope=ward:1'))).toEqual({
      period: '7d',
      scope: 'province',
    });
    expect(selectionFromUrl(new URLSearchParams('period=custom&from=2026-11-30&to=2026-11-01')).period).toBe(
      '7d',
    );
    expect(
      selectionQuery({ period: 'custom', scope: 'province', from: '2026-11-01', to: '2026-11-30' }),
    ).toEqual({
      period: 'custom',
      from: '2026-11-01',
      to: '2026-11-30',
    });
  });

  it('colours a change by the indicator’s good direction, and a small one neutral', () => {
    expect(
      changeOf(head({ value: 37, previous: 30, change: 7, changePct: 23, goodDirection: 'down' })),
    ).toEqual({
      arrow: '▲',
      tone: 'bad',
    });
    expect(changeOf(head({ unit: '%', value: 94.1, previous: 95.6, change: -1.5 }))).toEqual({
      arrow: '▼',
      tone: 'bad',
    });
    expect(changeOf(head({ unit: '%', value: 94.1, previous: 94.5, change: -0.4 }))?.tone).toBe('neutral');
    expect(changeOf(head({ previous: null, change: null }))).toBeNull();
  });

  it('maps the API answer to the summary', () => {
    expect(briefingSummaryText(summaryInput(briefingWeek()), 'vi')).toBe(
      'Trong 7 ngày qua, IOC tiếp nhận 3.412 phản ánh (tăng 12% so với tuần trước); tỷ lệ xử lý đúng hạn 94,1% (giảm 1,5 điểm phần trăm); mức độ hài lòng 92,0% (gần như không đổi so với tuần trước). Hiện có 37 phản ánh quá hạn xử lý, nhiều nhất tại UBND phường Thuận Hóa (9). Mực nước Kim Long (sông Hương) ở mức báo động II.',
    );
  });

  it('draws one class when every ward has the same value, and round axes', () => {
    expect(choroplethBreaks(choroplethClasses([0, 0, 0, null]))).toEqual([]);
    expect(choroplethBreaks(choroplethClasses([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))).toEqual([1]);
    expect(choroplethBreaks(choroplethClasses([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toEqual([4, 7, 9]);
    // Natural breaks: a class ends at a gap, not inside a run of close values.
    expect(choroplethBreaks(choroplethClasses([70, 71, 72, 84.6, 85, 85.2, 85.4, 86, 97, 98]))).toEqual([
      84.6, 97,
    ]);
    const classes = choroplethClasses([70, 71, 72, 84.6, 85, 85.2, 85.4, 86, 97, 98]);
    const pct = (v: number) => `${Math.round(v)}%`;
    expect(classes.map((c) => classLabel(c, pct))).toEqual(['70%–72%', '85%–86%', '97%–98%']);
    expect(classLabel({ min: 84.6, max: 85.4 }, pct)).toBe('85%');
    expect([1, 3, 7, 610, 1234].map(niceMax)).toEqual([2, 4, 10, 1000, 2000]);
  });
});
