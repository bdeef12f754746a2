import type { IncidentStatus, Open311Status } from '@hue-ioc/layers';

/** The jurisdiction we serve (GeoReport v2 "jurisdiction_id": the city's web root without www). */
export const JURISDICTION_ID = 'hue.gov.vn';

/**
 * Open311's two states from ours (layers/src/incident.ts, DOMAIN.md): a case is `closed` for the public once
 * the unit's reply is published (resolved), the citizen rated it (closed) or it was refused (rejected);
 * every other state is still being handled.
 */
export function open311StatusOf(status: string): Open311Status {
  return status === 'resolved' || status === 'closed' || status === 'rejected' ? 'closed' : 'open';
}

/** The workflow states behind each Open311 state, for SQL filters. */
export const STATUSES_OF: Readonly<Record<Open311Status, readonly IncidentStatus[]>> = {
  closed: ['resolved', 'closed', 'rejected'],
  open: ['new', 'verified', 'assigned', 'in_progress', 'returned', 'extended', 'reopened'],
};

const OFFSET_MS = 7 * 3_600_000;

/** ISO 8601 in Huế's time with its offset, to the second: 2026-03-05T14:30:00+07:00 (never `Z`). */
export function isoLocal(at: Date | string): string {
  const d = at instanceof Date ? at : new Date(at);
  return new Date(Math.floor(d.getTime() / 1000) * 1000 + OFFSET_MS)
    .toISOString()
    .replace(/\.000Z$/, '+07:00');
}

/**
 * A client's date-time (GeoReport v2: a W3C profile of ISO 8601 with `Z` or an offset). A date alone is taken
 * as midnight in Huế. Null when it is not one of these or not a real date.
 */
export function parseOpen311Time(value: string): Date | null {
  const v = value.trim();
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.exec(
      v,
    );
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone] = m;
  const probe = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (probe.getUTCMonth() !== Number(mo) - 1 || probe.getUTCDate() !== Number(d)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const offset =
    zone === undefined ? '+07:00' : zone === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const t = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  return Number.isNaN(t.getTime()) ? null : t;
}
