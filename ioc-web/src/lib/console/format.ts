import { TIME_ZONE } from '../format';

const formats = new Map<string, Intl.DateTimeFormat>();

/** Day then time in Huế (Asia/Ho_Chi_Minh), "27/11/2026 16:05:09" in every language; `—` for none. */
export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  let f = formats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone: TIME_ZONE,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(locale, f);
  }
  // vi-VN puts the time first; desk staff read and sort by the date, so the order is fixed here.
  const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

/**
 * The value of an `<input type="datetime-local">` read as Huế time (UTC+7, no daylight saving:
 * DOMAIN.md), as an ISO instant for the API; undefined when empty or invalid.
 */
export function huLocalToIso(value: string): string | undefined {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(value)) return undefined;
  const d = new Date(`${value.length === 16 ? `${value}:00` : value}+07:00`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const SECRET_KEYS = /password|token|secret/i;

const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

function short(v: unknown, locale: string): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'string' && ISO_INSTANT.test(v)) return formatDateTime(v, locale);
  if (typeof v === 'string') return v.length > 40 ? `${v.slice(0, 39)}…` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v).slice(0, 40);
}

/**
 * An audit entry's before/after in a line or two: the fields that changed ("role: operator → supervisor"),
 * or the fields of a new record; instants in Huế time. Timestamps and ids that always change are left to the details view.
 */
export function describeChange(before: unknown, after: unknown, locale = 'vi-VN'): string[] {
  const obj = (v: unknown): Record<string, unknown> | null =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  const b = obj(before);
  const a = obj(after);
  const skip = new Set(['id', 'createdAt', 'updatedAt', 'createdBy']);
  const lines: string[] = [];
  if (b && a) {
    for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
      if (skip.has(k) || SECRET_KEYS.test(k)) continue;
      if (JSON.stringify(b[k]) === JSON.stringify(a[k])) continue;
      // A field only the "after" has is a note about the change (e.g. sessionsEnded), not a change.
      lines.push(
        k in b ? `${k}: ${short(b[k], locale)} → ${short(a[k], locale)}` : `${k}: ${short(a[k], locale)}`,
      );
    }
    if (a.passwordReset === true) lines.push('password: ***');
    return lines;
  }
  const one = a ?? b;
  if (one) {
    for (const [k, v] of Object.entries(one)) {
      if (skip.has(k) || SECRET_KEYS.test(k) || v === null) continue;
      lines.push(`${k}: ${short(v, locale)}`);
    }
  }
  return lines;
}
