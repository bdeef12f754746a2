/**
 * The briefing's summary, written from the numbers by templates (issue 13, item 3): a few Vietnamese
 * sentences (English available) that a leader reads in a minute before the weekly meeting (giao ban).
 *
 * Pure: the same input gives the same text on the tablet and in the server's PDF. It states only what the
 * input supports: no comparison without a previous period, no rate when nothing was received, and a change
 * is called a rise or a fall only beyond a threshold (CHANGE_THRESHOLDS), else "gần như không đổi".
 * Each figure is its own segment with the link of the view it comes from.
 */

export type BriefingLang = 'vi' | 'en';

/** The periods of issue 13, item 4; each is compared with the previous period of the same length. */
export type BriefingTextPeriodKind = 'today' | '7d' | '30d' | 'month' | 'custom';

export interface BriefingTextPeriod {
  kind: BriefingTextPeriodKind;
  /** First instant and the end (exclusive) of the period, ISO 8601. */
  from: string;
  to: string;
}

/** A count or a rate in this period and in the previous one (null: no previous period, or not defined). */
export interface BriefingTextFigure {
  value: number | null;
  previous: number | null;
}

/** The narrow input the summary needs; the page and the PDF map `GET /api/briefing` to it. */
export interface BriefingTextInput {
  period: BriefingTextPeriod;
  /** The scope's name ("thành phố Huế", "phường Thuận Hóa"); omitted for the whole city. */
  scopeName?: { vi: string; en: string };
  /** Reports received in the period. */
  received: BriefingTextFigure;
  /** On-time rate = handled by the deadline ÷ received (QĐ 766/QĐ-TTg), percent 0–100. */
  onTimeRate: BriefingTextFigure;
  /**
   * Reports of the period handled so far. When none is, the rates are not stated: "đúng hạn 0,0%" on a
   * morning when every case is still within its deadline would tell a leader something false.
   */
  handled?: number;
  /** Satisfaction = (total − dissatisfied − overdue) ÷ total (QĐ 766), percent 0–100. */
  satisfaction: BriefingTextFigure;
  /** Open cases past their deadline (hạn xử lý) now. */
  overdueNow: number;
  /** The unit with the most overdue cases now, when any. */
  mostOverdueUnit?: { name: string; overdue: number } | null;
  /** River gauges at an alarm level (báo động, BĐ I–III) now. */
  alarms?: readonly { gauge: string; level: 1 | 2 | 3 }[];
  /** Where each figure's view is; default anchors on the briefing page. */
  links?: Partial<Record<BriefingFigureKey, string>>;
}

export type BriefingFigureKey = 'received' | 'onTimeRate' | 'satisfaction' | 'overdue' | 'units' | 'flood';

export const BRIEFING_FIGURE_ANCHORS: Readonly<Record<BriefingFigureKey, string>> = {
  received: '#kpi-received',
  onTimeRate: '#kpi-on-time',
  satisfaction: '#kpi-satisfaction',
  overdue: '#overdue',
  units: '#units',
  flood: '#flood',
};

export interface BriefingTextSegment {
  text: string;
  href?: string;
}

/**
 * A change is news only beyond these: a count must move by at least 5 % (and by 3 cases, so that 2 → 3 is
 * not "tăng 50%"), a rate by at least 1 percentage point.
 */
export const CHANGE_THRESHOLDS = { countRelative: 0.05, countAbsolute: 3, ratePoints: 1 } as const;

const LOCALE: Record<BriefingLang, string> = { vi: 'vi-VN', en: 'en-GB' };
const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const ALARM_ROMAN = ['', 'I', 'II', 'III'] as const;

function num(value: number, lang: BriefingLang, decimals = 0): string {
  return new Intl.NumberFormat(LOCALE[lang], {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(value);
}

const pct = (value: number, lang: BriefingLang) => `${num(value, lang, 1)}%`;

function day(iso: string, lang: BriefingLang): string {
  return new Intl.DateTimeFormat(LOCALE[lang], {
    timeZone: TIME_ZONE,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(Date.parse(iso));
}

/** "Trong 7 ngày qua" / "In the last 7 days", and what the previous period is called. */
function periodWords(p: BriefingTextPeriod, lang: BriefingLang): { lead: string; previous: string } {
  // The last day of a period is the day before its exclusive end.
  const last = new Date(Date.parse(p.to) - 1).toISOString();
  // "12/2026" in both languages (the month's name would read "tháng tháng 12" in Vietnamese).
  const month = day(p.from, lang).slice(3);
  if (lang === 'vi') {
    switch (p.kind) {
      case 'today':
        return { lead: 'Hôm nay', previous: 'hôm qua' };
      case '7d':
        return { lead: 'Trong 7 ngày qua', previous: 'tuần trước' };
      case '30d':
        return { lead: 'Trong 30 ngày qua', previous: '30 ngày trước đó' };
      case 'month':
        return { lead: `Từ đầu tháng ${month}`, previous: 'cùng kỳ tháng trước' };
      case 'custom':
        return { lead: `Từ ${day(p.from, lang)} đến ${day(last, lang)}`, previous: 'kỳ trước' };
    }
  }
  switch (p.kind) {
    case 'today':
      return { lead: 'Today', previous: 'yesterday' };
    case '7d':
      return { lead: 'In the last 7 days', previous: 'the week before' };
    case '30d':
      return { lead: 'In the last 30 days', previous: 'the 30 days before' };
    case 'month':
      return { lead: `Since the start of ${month}`, previous: 'the same days last month' };
    case 'custom':
      return { lead: `From ${day(p.from, lang)} to ${day(last, lang)}`, previous: 'the previous period' };
  }
}

export type ChangeDirection = 'up' | 'down' | 'flat';

/** How a count moved, or null when there is no previous period to compare with. */
export function countChange(
  f: BriefingTextFigure,
): { direction: ChangeDirection; relative: number | null } | null {
  if (f.value === null || f.previous === null) return null;
  const diff = f.value - f.previous;
  if (f.previous === 0) return { direction: f.value === 0 ? 'flat' : 'up', relative: null };
  const relative = diff / f.previous;
  const news =
    Math.abs(relative) >= CHANGE_THRESHOLDS.countRelative &&
    Math.abs(diff) >= CHANGE_THRESHOLDS.countAbsolute;
  return { direction: news ? (diff > 0 ? 'up' : 'down') : 'flat', relative };
}

/** How a rate moved, in percentage points, or null without both values. */
export function rateChange(f: BriefingTextFigure): { direction: ChangeDirection; points: number } | null {
  if (f.value === null || f.previous === null) return null;
  const points = f.value - f.previous;
  const news = Math.abs(points) >= CHANGE_THRESHOLDS.ratePoints;
  return { direction: news ? (points > 0 ? 'up' : 'down') : 'flat', points };
}

function countChangeWords(f: BriefingTextFigure, previous: string, lang: BriefingLang): string | null {
  const c = countChange(f);
  if (!c) return null;
  const vi = lang === 'vi';
  if (c.relative === null) {
    if (c.direction === 'flat') return vi ? `như ${previous}` : `as ${previous}`;
    return vi ? `${previous} không có phản ánh nào` : `none ${previous}`;
  }
  if (c.direction === 'flat')
    return vi ? `gần như không đổi so với ${previous}` : `about the same as ${previous}`;
  const amount = `${num(Math.round(Math.abs(c.relative) * 100), lang)}%`;
  if (vi) return `${c.direction === 'up' ? 'tăng' : 'giảm'} ${amount} so với ${previous}`;
  return `${c.direction === 'up' ? 'up' : 'down'} ${amount} on ${previous}`;
}

function rateChangeWords(f: BriefingTextFigure, previous: string, lang: BriefingLang): string | null {
  const c = rateChange(f);
  if (!c) return null;
  const vi = lang === 'vi';
  if (c.direction === 'flat')
    return vi ? `gần như không đổi so với ${previous}` : `about the same as ${previous}`;
  const points = num(Math.abs(c.points), lang, 1);
  if (vi) return `${c.direction === 'up' ? 'tăng' : 'giảm'} ${points} điểm phần trăm`;
  return `${c.direction === 'up' ? 'up' : 'down'} ${points} points`;
}

const reports = (n: number, lang: BriefingLang) =>
  lang === 'vi' ? `${num(n, lang)} phản ánh` : `${num(n, lang)} ${n === 1 ? 'report' : 'reports'}`;

/** The summary as segments: plain text, and figures with the link of their view. */
export function briefingSummary(input: BriefingTextInput, lang: BriefingLang): BriefingTextSegment[] {
  const vi = lang === 'vi';
  const link = (key: BriefingFigureKey) => input.links?.[key] ?? BRIEFING_FIGURE_ANCHORS[key];
  const out: BriefingTextSegment[] = [];
  const text = (t: string) => {
    const last = out[out.length - 1];
    if (last && last.href === undefined) last.text += t;
    else out.push({ text: t });
  };
  const figure = (t: string, key: BriefingFigureKey) => out.push({ text: t, href: link(key) });

  const { lead, previous } = periodWords(input.period, lang);
  const where = input.scopeName ? (vi ? ` tại ${input.scopeName.vi}` : ` in ${input.scopeName.en}`) : '';
  const received = input.received.value ?? 0;

  // Sentence 1: what came in, and how the handling went.
  if (received === 0) {
    text(
      vi
        ? `${lead}${where}, IOC chưa tiếp nhận phản ánh nào`
        : `${lead}${where}, the IOC received no reports`,
    );
    // Nothing to rate; say what the previous period had, when it had any.
    const before = input.received.previous;
    if (before) text(` (${previous}: ${reports(before, lang)})`);
  } else {
    text(vi ? `${lead}${where}, IOC tiếp nhận ` : `${lead}${where}, the IOC received `);
    figure(reports(received, lang), 'received');
    const change = countChangeWords(input.received, previous, lang);
    if (change) text(` (${change})`);
    if (input.handled === 0) {
      text(
        vi
          ? `; chưa có phản ánh nào được xử lý xong`
          : received === 1
            ? '; it has not been handled yet'
            : '; none has been handled yet',
      );
    }
    const rates: [BriefingTextFigure, BriefingFigureKey, string, string][] = [
      [input.onTimeRate, 'onTimeRate', 'tỷ lệ xử lý đúng hạn', 'handled on time'],
      [input.satisfaction, 'satisfaction', 'mức độ hài lòng', 'satisfaction'],
    ];
    for (const [rate, key, viName, enName] of input.handled === 0 ? [] : rates) {
      if (rate.value === null) continue;
      text(vi ? `; ${viName} ` : `; ${enName} `);
      figure(pct(rate.value, lang), key);
      const words = rateChangeWords(rate, previous, lang);
      if (words) text(` (${words})`);
    }
  }
  text('. ');

  // Sentence 2: what is late now.
  const overdue = input.overdueNow;
  if (overdue === 0) {
    text(vi ? 'Hiện không có phản ánh nào quá hạn' : 'No case is past its deadline now');
  } else {
    text(vi ? 'Hiện có ' : 'Now ');
    figure(reports(overdue, lang), 'overdue');
    text(vi ? ' quá hạn xử lý' : overdue === 1 ? ' is past its deadline' : ' are past their deadline');
    const unit = input.mostOverdueUnit;
    if (unit && unit.overdue > 0) {
      text(
        vi
          ? unit.overdue === overdue
            ? ', tất cả tại '
            : ', nhiều nhất tại '
          : unit.overdue === overdue
            ? ', all at '
            : ', most at ',
      );
      figure(`${unit.name} (${num(unit.overdue, lang)})`, 'units');
    }
  }
  text('.');

  // Sentence 3: floods, only when a gauge is at an alarm level.
  const alarms = [...(input.alarms ?? [])].sort((a, b) => b.level - a.level);
  if (alarms.length > 0) {
    text(' ');
    const list = alarms.map((a) =>
      vi
        ? `${a.gauge} ở mức báo động ${ALARM_ROMAN[a.level]}`
        : `${a.gauge} at alarm level ${ALARM_ROMAN[a.level]}`,
    );
    figure(vi ? `Mực nước ${list.join(', ')}` : `Water level: ${list.join(', ')}`, 'flood');
    text('.');
  }
  return out;
}

/** The summary as one string (the PDF's plain text, tests). */
export function briefingSummaryText(input: BriefingTextInput, lang: BriefingLang): string {
  return briefingSummary(input, lang)
    .map((s) => s.text)
    .join('');
}
