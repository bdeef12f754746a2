import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import {
  FINISHED_INCIDENT_STATUSES,
  INCIDENT_STATUSES,
  INCIDENT_STATUS_LABELS,
  IncidentStatusSchema,
  OPEN_INCIDENT_STATUSES,
  isIncidentStatus,
} from './incident.ts';

describe('incident statuses', () => {
  it("are DOMAIN.md's ten states, in the order of the handling process, with its Vietnamese words", () => {
    expect(INCIDENT_STATUSES).toEqual([
      'new',
      'verified',
      'rejected',
      'assigned',
      'in_progress',
      'returned',
      'extended',
      'resolved',
      'closed',
      'reopened',
    ]);
    expect(Object.keys(INCIDENT_STATUS_LABELS)).toEqual([...INCIDENT_STATUSES]);
    expect(INCIDENT_STATUS_LABELS.new.vi).toBe('Mới tiếp nhận');
    expect(INCIDENT_STATUS_LABELS.assigned.vi).toBe('Đã chuyển xử lý');
    expect(INCIDENT_STATUS_LABELS.in_progress).toEqual({ vi: 'Đang xử lý', en: 'In progress' });
    expect(INCIDENT_STATUS_LABELS.resolved).toEqual({ vi: 'Đã xử lý', en: 'Resolved' });
  });

  it('split into open and finished, each status in exactly one', () => {
    expect(OPEN_INCIDENT_STATUSES).toEqual([
      'new',
      'verified',
      'assigned',
      'in_progress',
      'returned',
      'extended',
      'reopened',
    ]);
    expect([...OPEN_INCIDENT_STATUSES, ...FINISHED_INCIDENT_STATUSES].sort()).toEqual(
      [...INCIDENT_STATUSES].sort(),
    );
  });

  it('validates a payload status against the same list', () => {
    for (const s of INCIDENT_STATUSES) expect(Value.Check(IncidentStatusSchema, s)).toBe(true);
    expect(Value.Check(IncidentStatusSchema, 'done')).toBe(false);
    expect(isIncidentStatus('reopened')).toBe(true);
    expect(isIncidentStatus('Đang xử lý')).toBe(false);
  });
});
