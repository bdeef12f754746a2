import type { IncidentEvent, IncidentStatus } from '@hue-ioc/layers';
import { ApiError } from '$lib/console/api';

/** `details` of 409 IOC_INCIDENT_STALE (StaleDetailsSchema in layers). */
export interface StaleInfo {
  currentVersion: number;
  status: IncidentStatus | string;
  changes: IncidentEvent[];
}

/** The stale-version details of a refused change, or null when it was refused for another reason. */
export function staleInfo(e: unknown): StaleInfo | null {
  if (!(e instanceof ApiError) || e.code !== 'IOC_INCIDENT_STALE') return null;
  const d = e.details as Partial<StaleInfo> | undefined;
  return {
    currentVersion: typeof d?.currentVersion === 'number' ? d.currentVersion : 0,
    status: typeof d?.status === 'string' ? d.status : '',
    changes: Array.isArray(d?.changes) ? d.changes : [],
  };
}
