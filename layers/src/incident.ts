import { Type, type Static } from '@sinclair/typebox';

/** Incident states as the public sees them (DOMAIN.md, QĐ 30/2022/QĐ-UBND practice). */
export const INCIDENT_STATUSES = [
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
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const IncidentStatusSchema = Type.Union(INCIDENT_STATUSES.map((s) => Type.Literal(s)));

/** The words of DOMAIN.md's state table: Vietnamese as the public sees it, English for `?lang=en`. */
export const INCIDENT_STATUS_LABELS: Readonly<Record<IncidentStatus, { vi: string; en: string }>> = {
  new: { vi: 'Mới tiếp nhận', en: 'New' },
  verified: { vi: 'Đã xác minh', en: 'Verified' },
  rejected: { vi: 'Từ chối', en: 'Rejected' },
  assigned: { vi: 'Đã chuyển xử lý', en: 'Assigned' },
  in_progress: { vi: 'Đang xử lý', en: 'In progress' },
  returned: { vi: 'Trả lại', en: 'Returned' },
  extended: { vi: 'Gia hạn', en: 'Extended' },
  resolved: { vi: 'Đã xử lý', en: 'Resolved' },
  closed: { vi: 'Đã đóng', en: 'Closed' },
  reopened: { vi: 'Mở lại', en: 'Reopened' },
};

/**
 * Finished: the unit's reply is published (resolved), the citizen rated it (closed) or it was not valid
 * (rejected). A finished incident leaves the wall, absorbs no new reports and runs no SLA clock.
 */
export const FINISHED_INCIDENT_STATUSES = [
  'rejected',
  'resolved',
  'closed',
] as const satisfies readonly IncidentStatus[];
export type FinishedIncidentStatus = (typeof FINISHED_INCIDENT_STATUSES)[number];
export type OpenIncidentStatus = Exclude<IncidentStatus, FinishedIncidentStatus>;

export function isFinishedStatus(status: IncidentStatus): status is FinishedIncidentStatus {
  return (FINISHED_INCIDENT_STATUSES as readonly IncidentStatus[]).includes(status);
}

/** Every other state, in the order of the handling process. */
export const OPEN_INCIDENT_STATUSES: readonly OpenIncidentStatus[] = INCIDENT_STATUSES.filter(
  (s): s is OpenIncidentStatus => !isFinishedStatus(s),
);

export function isIncidentStatus(value: unknown): value is IncidentStatus {
  return typeof value === 'string' && (INCIDENT_STATUSES as readonly string[]).includes(value);
}

/** What the `incidents` layer carries per incident: no personal data ever goes on a layer. */
export const IncidentPropsSchema = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  status: IncidentStatusSchema,
  category: Type.String(),
  /** 1 = highest (urgent reports, BĐ III) … 4 = lowest. */
  priority: Type.Integer({ minimum: 1, maximum: 4 }),
  title: Type.String(),
  wardCode: Type.Union([Type.String(), Type.Null()]),
  agencyId: Type.Union([Type.String(), Type.Null()]),
  /** Hạn xử lý, ISO-8601. */
  dueAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  /** Channels that reported it ('hue_s', 'hotline', 'camera', 'sensor'), one entry per source. */
  channels: Type.Array(Type.String()),
});
export type IncidentProps = Static<typeof IncidentPropsSchema>;

/** `cameras` layer: status and the last analytics event. */
export const CameraPropsSchema = Type.Object({
  name: Type.String(),
  wardCode: Type.Union([Type.String(), Type.Null()]),
  online: Type.Boolean(),
  statusAt: Type.Union([Type.String(), Type.Null()]),
  lastEvent: Type.Union([
    Type.Object({
      type: Type.String(),
      confidence: Type.Number(),
      ts: Type.String(),
      incidentId: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
});
export type CameraProps = Static<typeof CameraPropsSchema>;

/**
 * `alerts` layer: a sensor in alarm (BĐ I–III or the kind's bands), a device silent past its interval, or an
 * inbound CAP warning whose area covers Huế (`cap_warning`: `deviceId` is the CAP sender, `deviceKind` `cap`,
 * `name` its headline, `level` from its severity: Moderate 1, Severe 2, Extreme 3).
 */
export const AlertPropsSchema = Type.Object({
  kind: Type.Union([
    Type.Literal('sensor_alarm'),
    Type.Literal('device_offline'),
    Type.Literal('cap_warning'),
  ]),
  deviceId: Type.String(),
  deviceKind: Type.String(),
  name: Type.String(),
  /** 1–3; 0 for offline. */
  level: Type.Integer({ minimum: 0, maximum: 3 }),
  value: Type.Union([Type.Number(), Type.Null()]),
  unit: Type.Union([Type.String(), Type.Null()]),
  since: Type.String(),
  incidentId: Type.Union([Type.String(), Type.Null()]),
  wardCode: Type.Union([Type.String(), Type.Null()]),
  /** cap_warning: a flood or storm warning switches the wall to its flood playlist. */
  hazard: Type.Optional(Type.Union([Type.Literal('flood'), Type.Literal('storm'), Type.Null()])),
  /** cap_warning: when it stops applying (CAP `expires`, ISO 8601). */
  expires: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** cap_warning: the English headline when the sender gave one. */
  nameEn: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type AlertProps = Static<typeof AlertPropsSchema>;

/** `wards` layer: one feature per phường/xã (at its label point) with live counts. */
export const WardPropsSchema = Type.Object({
  name: Type.String(),
  population: Type.Number(),
  open: Type.Integer({ minimum: 0 }),
  overdue: Type.Integer({ minimum: 0 }),
  urgent: Type.Integer({ minimum: 0 }),
  /** Open incidents per 10,000 residents. */
  openPer10k: Type.Number(),
});
export type WardProps = Static<typeof WardPropsSchema>;
