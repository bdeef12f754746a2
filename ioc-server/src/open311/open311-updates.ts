import { INCIDENT_STATUS_LABELS, type IncidentStatus, type Open311Update } from '@hue-ioc/layers';
import { scrubText } from '../public/anonymise.ts';
import { isoLocal, open311StatusOf } from './open311-format.ts';

/** What a public change tells: the new state, the unit's published reply, a public comment. */
export interface PublicChange {
  incidentId: string;
  version: number;
  kind: 'status' | 'reply' | 'comment';
  /** The state after the change. */
  status: string;
  at: Date | string;
  reply?: string | null;
  comment?: string | null;
  /** Why a report was refused (the citizen is told why, as on Hue-S). */
  reason?: string | null;
  reporterName?: string | null;
}

/** One update id per change of a case: the same in GET servicerequestupdates and in the callback. */
export const updateIdOf = (incidentId: string, version: number): string => `${incidentId}-v${version}`;

/**
 * The text the public reads for a change, in Vietnamese, scrubbed of phone numbers, e-mail addresses and the
 * reporter's name (public/anonymise.ts): never an internal note, never the reporter.
 */
export function publicDescription(c: PublicChange): string {
  const label = INCIDENT_STATUS_LABELS[c.status as IncidentStatus]?.vi ?? c.status;
  const scrub = (t: string | null | undefined) => scrubText(t, c.reporterName) ?? '';
  if (c.kind === 'reply' && c.reply) return scrub(c.reply);
  if (c.kind === 'comment' && c.comment) return scrub(c.comment);
  return c.reason ? `${label}. Lý do: ${scrub(c.reason)}` : label;
}

/** A change in mySociety's servicerequestupdates shape. */
export function open311Update(c: PublicChange): Open311Update {
  return {
    update_id: updateIdOf(c.incidentId, c.version),
    service_request_id: c.incidentId,
    status: open311StatusOf(c.status) === 'closed' ? 'CLOSED' : 'OPEN',
    updated_datetime: isoLocal(c.at),
    description: publicDescription(c),
    media_url: null,
  };
}
