import type { BriefingPeriodKind, BriefingRange } from '@hue-ioc/layers';
import { addDays, atLocal, isLocalDate, localDateOf, type LocalDate } from '@hue-ioc/streams';
import { AppError } from '../errors.ts';

export interface BriefingPeriod {
  kind: BriefingPeriodKind;
  label: { vi: string; en: string };
  current: BriefingRange;
  previous: BriefingRange;
}

export const MAX_DAYS = 400;

const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function range(fromDay: LocalDate, toDay: LocalDate): BriefingRange {
  const from = atLocal(fromDay, 0);
  const to = atLocal(addDays(toDay, 1), 0);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    fromDay,
    toDay,
    days: Math.round((to.getTime() - from.getTime()) / 86_400_000),
  };
}

const dmy = (d: LocalDate) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The period a briefing covers, in Asia/Ho_Chi_Minh days, and the previous equal period it is compared
 * with: for today, 7d, 30d and custom the same number of days just before; for "this month" (1st to today)
 * the same days of the previous month (1st to the same day, clamped to that month's length), which is what
 * a giao ban compares.
 */
export function resolvePeriod(
  kind: BriefingPeriodKind,
  now: Date,
  custom: { from?: string | undefined; to?: string | undefined } = {},
): BriefingPeriod {
  const today = localDateOf(now);
  let fromDay: LocalDate;
  let toDay: LocalDate = today;
  switch (kind) {
    case 'today':
      fromDay = today;
      break;
    case '7d':
      fromDay = addDays(today, -6);
      break;
    case '30d':
      fromDay = addDays(today, -29);
      break;
    case 'month':
      fromDay = `${today.slice(0, 8)}01`;
      break;
    case 'custom': {
      if (!custom.from || !custom.to)
        throw new AppError('IOC_REQUEST_INVALID', 'period=custom needs from and to (YYYY-MM-DD)');
      if (!isLocalDate(custom.from) || !isLocalDate(custom.to))
        throw new AppError('IOC_REQUEST_INVALID', 'from and to must be calendar days (YYYY-MM-DD)');
      if (custom.from > custom.to) throw new AppError('IOC_REQUEST_INVALID', 'from must not be after to');
      fromDay = custom.from;
      toDay = custom.to;
      break;
    }
  }
  const current = range(fromDay, toDay);
  if (current.days > MAX_DAYS)
    throw new AppError('IOC_REQUEST_INVALID', `a period is at most ${MAX_DAYS} days`);
  let previous: BriefingRange;
  if (kind === 'month') {
    const y = Number(today.slice(0, 4));
    const m = Number(today.slice(5, 7));
    const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1];
    const prefix = `${py}-${String(pm).padStart(2, '0')}-`;
    const lastDay = Math.min(Number(today.slice(8, 10)), daysInMonth(py, pm));
    previous = range(`${prefix}01`, `${prefix}${String(lastDay).padStart(2, '0')}`);
  } else {
    previous = range(addDays(fromDay, -current.days), addDays(fromDay, -1));
  }
  const label = {
    today: { vi: 'Hôm nay', en: 'Today' },
    '7d': { vi: '7 ngày qua', en: 'Last 7 days' },
    '30d': { vi: '30 ngày qua', en: 'Last 30 days' },
    month: {
      vi: `Tháng ${Number(today.slice(5, 7))}/${today.slice(0, 4)}`,
      en: `${EN_MONTHS[Number(today.slice(5, 7)) - 1]} ${today.slice(0, 4)}`,
    },
    custom: { vi: `${dmy(fromDay)} – ${dmy(toDay)}`, en: `${dmy(fromDay)} – ${dmy(toDay)}` },
  }[kind];
  return { kind, label, current, previous };
}
