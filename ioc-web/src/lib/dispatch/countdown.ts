import type { SlaState } from '@hue-ioc/layers';
import type { Lang } from '$lib/console/i18n';

/**
 * The deadline (hạn xử lý) as people read it. Working time is the server's (the SLA scheduler counts the
 * centre's working hours and public holidays, DOMAIN.md "Time and law"); the web only words it. Clock time
 * is used in the queue, where only the deadline itself is known.
 */
export type CountdownTone = 'none' | 'on_time' | 'due_soon' | 'overdue';

export interface Countdown {
  text: string;
  tone: CountdownTone;
}

/** Working minutes left under which a case is "sắp đến hạn" (one working half-day). */
export const DUE_SOON_MINUTES = 4 * 60;

function hoursMinutes(total: number, lang: Lang): string {
  const h = Math.floor(total / 60);
  const m = total % 60;
  const hu = lang === 'vi' ? 'giờ' : h === 1 ? 'hour' : 'hours';
  const mu = lang === 'vi' ? 'phút' : m === 1 ? 'minute' : 'minutes';
  // Past ten hours the minutes are noise.
  if (h >= 10 || (h > 0 && m === 0)) return `${h.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB')} ${hu}`;
  if (h === 0) return `${m} ${mu}`;
  return `${h} ${hu} ${m} ${mu}`;
}

/**
 * "Còn 2 giờ 15 phút làm việc" / "Quá hạn 3 giờ làm việc" from the detail's `sla.workingMinutesLeft`
 * (negative past the deadline); "Chưa có hạn xử lý" without one.
 */
/**
 * A case whose clock has stopped (resolved, closed, rejected): handled on time or late (trước/đúng hạn,
 * trễ hạn — what the on-time rate counts), not a countdown; null while the clock runs.
 */
export function handledCountdown(status: string, slaState: string, lang: Lang): Countdown | null {
  if (status === 'rejected')
    return { text: lang === 'vi' ? 'Không tính hạn (từ chối)' : 'No deadline (rejected)', tone: 'none' };
  if (status !== 'resolved' && status !== 'closed') return null;
  const late = slaState === 'overdue' || slaState === 'escalated';
  return late
    ? { text: lang === 'vi' ? 'Xử lý trễ hạn' : 'Handled late', tone: 'overdue' }
    : { text: lang === 'vi' ? 'Xử lý đúng hạn' : 'Handled on time', tone: 'on_time' };
}

export function workingCountdown(minutesLeft: number | null, lang: Lang): Countdown {
  if (minutesLeft === null) {
    return { text: lang === 'vi' ? 'Chưa có hạn xử lý' : 'No deadline yet', tone: 'none' };
  }
  const n = Math.abs(Math.trunc(minutesLeft));
  if (minutesLeft < 0) {
    return {
      text:
        lang === 'vi'
          ? `Quá hạn ${hoursMinutes(n, lang)} làm việc`
          : `Overdue by ${hoursMinutes(n, lang)} of working time`,
      tone: 'overdue',
    };
  }
  if (minutesLeft === 0) {
    return { text: lang === 'vi' ? 'Đến hạn' : 'Due now', tone: 'due_soon' };
  }
  return {
    text:
      lang === 'vi'
        ? `Còn ${hoursMinutes(n, lang)} làm việc`
        : `${hoursMinutes(n, lang)} of working time left`,
    tone: minutesLeft <= DUE_SOON_MINUTES ? 'due_soon' : 'on_time',
  };
}

/**
 * The queue's short clock countdown: "còn 3 giờ", "quá hạn 2 ngày" (largest whole unit). The server's
 * `slaState` decides the tone where it says more than the clock (escalated, due soon by its window).
 */
export function clockCountdown(
  dueAt: string | null,
  nowMs: number,
  lang: Lang,
  slaState: SlaState = 'none',
): Countdown {
  if (!dueAt) return { text: lang === 'vi' ? 'chưa có hạn' : 'no deadline', tone: 'none' };
  const diff = Date.parse(dueAt) - nowMs;
  const abs = Math.abs(diff);
  const [n, unit] =
    abs >= 86_400_000
      ? [Math.floor(abs / 86_400_000), lang === 'vi' ? 'ngày' : 'd']
      : abs >= 3_600_000
        ? [Math.floor(abs / 3_600_000), lang === 'vi' ? 'giờ' : 'h']
        : [Math.max(1, Math.floor(abs / 60_000)), lang === 'vi' ? 'phút' : 'min'];
  const amount = lang === 'vi' ? `${n} ${unit}` : `${n} ${unit}`;
  if (diff < 0 || slaState === 'overdue' || slaState === 'escalated') {
    return {
      text:
        diff < 0
          ? lang === 'vi'
            ? `quá hạn ${amount}`
            : `${amount} overdue`
          : lang === 'vi'
            ? 'quá hạn'
            : 'overdue',
      tone: 'overdue',
    };
  }
  return {
    text: lang === 'vi' ? `còn ${amount}` : `${amount} left`,
    tone: slaState === 'due_soon' || diff <= DUE_SOON_MINUTES * 60_000 ? 'due_soon' : 'on_time',
  };
}
