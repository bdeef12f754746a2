import type { IncidentEvent } from '@hue-ioc/layers';
import { formatDateTime } from '$lib/console/format';

/**
 * One timeline row's details in a line or two: the fields of incident_events.data a person reads (the
 * move, the unit, the deadline, the reason, the note). Unknown fields are left to the audit.
 */
export function describeEvent(
  e: IncidentEvent,
  words: {
    status: (s: string) => string;
    agency: (id: string) => string;
    locale: string;
    publicTag: string;
  },
): string[] {
  const d = e.data && typeof e.data === 'object' ? (e.data as Record<string, unknown>) : {};
  const str = (k: string) => (typeof d[k] === 'string' && d[k] !== '' ? (d[k] as string) : null);
  const out: string[] = [];
  const from = str('from');
  const to = str('to') ?? str('status');
  if (from && to) out.push(`${words.status(from)} → ${words.status(to)}`);
  else if (to) out.push(words.status(to));
  const agency = str('agencyId');
  if (agency) out.push(words.agency(agency));
  const due = str('dueAt');
  if (due) out.push(`⏱ ${formatDateTime(due, words.locale)}`);
  for (const k of ['reason', 'text', 'reply', 'into', 'created']) {
    const v = str(k);
    if (v) out.push(k === 'text' && d['public'] === true ? `${words.publicTag}: ${v}` : v);
  }
  return out;
}
