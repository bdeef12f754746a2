import { describe, expect, it } from 'vitest';
import {
  briefingSummary,
  briefingSummaryText,
  countChange,
  rateChange,
  type BriefingTextInput,
} from './briefing-text.ts';

// A week in Huế ending on Tuesday 01/12/2026 (Asia/Ho_Chi_Minh midnight = 17:00 UTC the day before).
const WEEK: BriefingTextInput = {
  period: { kind: '7d', from: '2026-11-23T17:00:00.000Z', to: '2026-11-30T17:00:00.000Z' },
  received: { value: 3412, previous: 3046 },
  onTimeRate: { value: 94.1, previous: 95.6 },
  satisfaction: { value: 92.04, previous: 91.8 },
  overdueNow: 37,
  mostOverdueUnit: { name: 'UBND phường Thuận Hóa', overdue: 9 },
  alarms: [
    { gauge: 'Phú Ốc (sông Bồ)', level: 1 },
    { gauge: 'Kim Long (sông Hương)', level: 2 },
  ],
};

describe('briefing summary', () => {
  it('writes a busy week in Vietnamese with Vietnamese numbers, a rise, a fall in points and floods', () => {
    expect(briefingSummaryText(WEEK, 'vi')).toMatchInlineSnapshot(
      `"Trong 7 ngày qua, IOC tiếp nhận 3.412 phản ánh (tăng 12% so với tuần trước); tỷ lệ xử lý đúng hạn 94,1% (giảm 1,5 điểm phần trăm); mức độ hài lòng 92,0% (gần như không đổi so với tuần trước). Hiện có 37 phản ánh quá hạn xử lý, nhiều nhất tại UBND phường Thuận Hóa (9). Mực nước Kim Long (sông Hương) ở mức báo động II, Phú Ốc (sông Bồ) ở mức báo động I."`,
    );
    expect(briefingSummaryText(WEEK, 'en')).toMatchInlineSnapshot(
      `"In the last 7 days, the IOC received 3,412 reports (up 12% on the week before); handled on time 94.1% (down 1.5 points); satisfaction 92.0% (about the same as the week before). Now 37 reports are past their deadline, most at UBND phường Thuận Hóa (9). Water level: Kim Long (sông Hương) at alarm level II, Phú Ốc (sông Bồ) at alarm level I."`,
    );
  });

  it('links every figure to the view it comes from, and only figures', () => {
    const segments = briefingSummary({ ...WEEK, links: { overdue: '/dispatch?overdue=1' } }, 'vi');
    expect(segments.filter((s) => s.href)).toEqual([
      { text: '3.412 phản ánh', href: '#kpi-received' },
      { text: '94,1%', href: '#kpi-on-time' },
      { text: '92,0%', href: '#kpi-satisfaction' },
      { text: '37 phản ánh', href: '/dispatch?overdue=1' },
      { text: 'UBND phường Thuận Hóa (9)', href: '#units' },
      {
        text: 'Mực nước Kim Long (sông Hương) ở mức báo động II, Phú Ốc (sông Bồ) ở mức báo động I',
        href: '#flood',
      },
    ]);
    // Plain text runs are merged: no two unlinked segments in a row.
    segments.forEach((s, i) =>
      expect(s.href === undefined && segments[i + 1]?.href === undefined && i + 1 < segments.length).toBe(
        false,
      ),
    );
  });

  it('says nothing it cannot support on a day with no reports: no rates, no overdue, no floods', () => {
    const zero: BriefingTextInput = {
      period: { kind: 'today', from: '2026-11-30T17:00:00.000Z', to: '2026-12-01T17:00:00.000Z' },
      received: { value: 0, previous: 0 },
      onTimeRate: { value: null, previous: null },
      satisfaction: { value: null, previous: null },
      overdueNow: 0,
    };
    expect(briefingSummaryText(zero, 'vi')).toMatchInlineSnapshot(
      `"Hôm nay, IOC chưa tiếp nhận phản ánh nào. Hiện không có phản ánh nào quá hạn."`,
    );
    expect(briefingSummaryText(zero, 'en')).toMatchInlineSnapshot(
      `"Today, the IOC received no reports. No case is past its deadline now."`,
    );
    expect(
      briefingSummaryText({ ...zero, received: { value: 0, previous: 12 } }, 'vi'),
    ).toMatchInlineSnapshot(
      `"Hôm nay, IOC chưa tiếp nhận phản ánh nào (hôm qua: 12 phản ánh). Hiện không có phản ánh nào quá hạn."`,
    );
  });

  it('writes one report and one overdue case without plural slips, in a ward', () => {
    const one: BriefingTextInput = {
      period: { kind: 'today', from: '2026-11-30T17:00:00.000Z', to: '2026-12-01T17:00:00.000Z' },
      scopeName: { vi: 'phường Phú Xuân', en: 'Phú Xuân ward' },
      received: { value: 1, previous: 0 },
      onTimeRate: { value: 100, previous: null },
      satisfaction: { value: 100, previous: null },
      overdueNow: 1,
      mostOverdueUnit: { name: 'HEPCO', overdue: 1 },
    };
    expect(briefingSummaryText(one, 'vi')).toMatchInlineSnapshot(
      `"Hôm nay tại phường Phú Xuân, IOC tiếp nhận 1 phản ánh (hôm qua không có phản ánh nào); tỷ lệ xử lý đúng hạn 100,0%; mức độ hài lòng 100,0%. Hiện có 1 phản ánh quá hạn xử lý, tất cả tại HEPCO (1)."`,
    );
    expect(briefingSummaryText(one, 'en')).toMatchInlineSnapshot(
      `"Today in Phú Xuân ward, the IOC received 1 report (none yesterday); handled on time 100.0%; satisfaction 100.0%. Now 1 report is past its deadline, all at HEPCO (1)."`,
    );
  });

  it('states no rate on a morning when nothing received has been handled yet', () => {
    const morning: BriefingTextInput = {
      period: { kind: 'today', from: '2026-11-30T17:00:00.000Z', to: '2026-12-01T17:00:00.000Z' },
      received: { value: 9, previous: 0 },
      handled: 0,
      onTimeRate: { value: 0, previous: null },
      satisfaction: { value: null, previous: null },
      overdueNow: 0,
    };
    expect(briefingSummaryText(morning, 'vi')).toBe(
      'Hôm nay, IOC tiếp nhận 9 phản ánh (hôm qua không có phản ánh nào); chưa có phản ánh nào được xử lý xong. Hiện không có phản ánh nào quá hạn.',
    );
    expect(briefingSummaryText({ ...morning, received: { value: 1, previous: 0 } }, 'en')).toBe(
      'Today, the IOC received 1 report (none yesterday); it has not been handled yet. No case is past its deadline now.',
    );
    // One handled: the rates come back.
    expect(briefingSummaryText({ ...morning, handled: 1 }, 'vi')).toContain('tỷ lệ xử lý đúng hạn 0,0%');
  });

  it('makes no comparison without a previous period, and names a custom period by its days', () => {
    const custom: BriefingTextInput = {
      period: { kind: 'custom', from: '2026-10-31T17:00:00.000Z', to: '2026-11-30T17:00:00.000Z' },
      received: { value: 14_250, previous: null },
      onTimeRate: { value: 96.25, previous: null },
      satisfaction: { value: 93.1, previous: null },
      overdueNow: 2,
    };
    expect(briefingSummaryText(custom, 'vi')).toMatchInlineSnapshot(
      `"Từ 01/11/2026 đến 30/11/2026, IOC tiếp nhận 14.250 phản ánh; tỷ lệ xử lý đúng hạn 96,3%; mức độ hài lòng 93,1%. Hiện có 2 phản ánh quá hạn xử lý."`,
    );
  });

  it('calls a fall a fall, and a small move "gần như không đổi"', () => {
    const fall: BriefingTextInput = {
      ...WEEK,
      period: { kind: '30d', from: '2026-10-31T17:00:00.000Z', to: '2026-11-30T17:00:00.000Z' },
      received: { value: 2_600, previous: 3_412 },
      onTimeRate: { value: 97.2, previous: 94.1 },
      satisfaction: { value: 92.5, previous: 92 },
      mostOverdueUnit: null,
      alarms: [],
    };
    expect(briefingSummaryText(fall, 'vi')).toMatchInlineSnapshot(
      `"Trong 30 ngày qua, IOC tiếp nhận 2.600 phản ánh (giảm 24% so với 30 ngày trước đó); tỷ lệ xử lý đúng hạn 97,2% (tăng 3,1 điểm phần trăm); mức độ hài lòng 92,5% (gần như không đổi so với 30 ngày trước đó). Hiện có 37 phản ánh quá hạn xử lý."`,
    );
    expect(briefingSummaryText({ ...fall, received: { value: 3_300, previous: 3_412 } }, 'vi')).toContain(
      '3.300 phản ánh (gần như không đổi so với 30 ngày trước đó)',
    );
  });

  it('needs both 5 % and 3 cases for a count, 1 point for a rate', () => {
    expect(countChange({ value: 3, previous: 2 })?.direction).toBe('flat');
    expect(countChange({ value: 105, previous: 100 })?.direction).toBe('up');
    expect(countChange({ value: 104, previous: 100 })?.direction).toBe('flat');
    expect(countChange({ value: 5, previous: null })).toBeNull();
    expect(rateChange({ value: 93, previous: 94 })?.direction).toBe('down');
    expect(rateChange({ value: 93.5, previous: 94 })?.direction).toBe('flat');
  });

  it('says since when for this month', () => {
    const month: BriefingTextInput = {
      ...WEEK,
      period: { kind: 'month', from: '2026-11-30T17:00:00.000Z', to: '2026-12-01T17:00:00.000Z' },
    };
    expect(briefingSummaryText(month, 'vi')).toMatch(/^Từ đầu tháng 12\/2026, IOC tiếp nhận/);
  });
});
