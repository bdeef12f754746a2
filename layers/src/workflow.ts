import type { IncidentStatus } from './incident.ts';

/**
 * The state table of an incident (issue 12; DOMAIN.md, QĐ 30/2022/QĐ-UBND practice): one declared list of
 * (from, to, who may, what is required). The server checks every change against it (an illegal one answers
 * 409 IOC_INCIDENT_TRANSITION naming the allowed ones); the consoles show only the actions it allows.
 *
 * Actors:
 * - `desk`: the centre's people (admin, supervisor, operator): verify, reject, assign, extend, reopen.
 * - `agency`: the handling unit the case is with (its own cases only): accept, return, resolve.
 * - `citizen`: the reporter's rating through Hue-S (POST /api/ingest/hue-s/feedback).
 * - `system`: the server itself (a case not rated within the window closes).
 */
export type WorkflowActor = 'desk' | 'agency' | 'citizen' | 'system';

/** What a transition needs besides `expectedVersion`. */
export type WorkflowRequirement =
  /** Why: a rejection, a return, an extension, a reopening, a reassignment. */
  | 'reason'
  /** The unit the case goes to. */
  | 'agency'
  /** The deadline (hạn xử lý): from the SLA table, editable. */
  | 'dueAt'
  /** The unit's reply, published to the citizen. */
  | 'reply'
  /** The citizen's rating. */
  | 'rating';

export interface Transition {
  from: IncidentStatus;
  to: IncidentStatus;
  by: readonly WorkflowActor[];
  requires: readonly WorkflowRequirement[];
  /** The action's name in the consoles (verify, reject, assign…). */
  action: WorkflowAction;
}

export const WORKFLOW_ACTIONS = [
  'verify',
  'reject',
  'assign',
  'accept',
  'return',
  'extend',
  'resolve',
  'close',
  'reopen',
] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

const t = (
  from: IncidentStatus,
  to: IncidentStatus,
  action: WorkflowAction,
  by: readonly WorkflowActor[],
  requires: readonly WorkflowRequirement[] = [],
): Transition => ({ from, to, action, by, requires });

/** Where the case is with a unit: the unit can work it, the desk can extend the deadline. */
const WITH_UNIT = [
  'assigned',
  'in_progress',
  'extended',
  'reopened',
] as const satisfies readonly IncidentStatus[];

export const TRANSITIONS: readonly Transition[] = [
  // Triage at the centre.
  t('new', 'verified', 'verify', ['desk']),
  t('new', 'rejected', 'reject', ['desk'], ['reason']),
  t('verified', 'rejected', 'reject', ['desk'], ['reason']),
  // Routing: to a unit with a deadline; a returned or reopened case may go to another unit.
  t('verified', 'assigned', 'assign', ['desk'], ['agency', 'dueAt']),
  t('returned', 'assigned', 'assign', ['desk'], ['agency', 'dueAt']),
  t('returned', 'rejected', 'reject', ['desk'], ['reason']),
  t('reopened', 'assigned', 'assign', ['desk'], ['agency', 'dueAt', 'reason']),
  t('assigned', 'assigned', 'assign', ['desk'], ['agency', 'dueAt', 'reason']),
  // The unit accepts, or sends it back (wrong unit).
  t('assigned', 'in_progress', 'accept', ['agency']),
  t('reopened', 'in_progress', 'accept', ['agency']),
  ...WITH_UNIT.map((from) => t(from, 'returned', 'return', ['agency'], ['reason'])),
  // The desk moves the deadline (gia hạn).
  ...WITH_UNIT.map((from) => t(from, 'extended', 'extend', ['desk'], ['reason', 'dueAt'])),
  // The unit's reply is published (đã xử lý).
  t('in_progress', 'resolved', 'resolve', ['agency'], ['reply']),
  t('extended', 'resolved', 'resolve', ['agency'], ['reply']),
  // The citizen rates it, or the rating window ends, or the desk closes a hotline case after calling back.
  t('resolved', 'closed', 'close', ['citizen'], ['rating']),
  t('resolved', 'closed', 'close', ['system']),
  t('resolved', 'closed', 'close', ['desk'], ['reason']),
  // Reopened by the citizen's rating or by the desk.
  t('resolved', 'reopened', 'reopen', ['citizen'], ['rating']),
  t('resolved', 'reopened', 'reopen', ['desk'], ['reason']),
  t('closed', 'reopened', 'reopen', ['desk'], ['reason']),
  t('rejected', 'reopened', 'reopen', ['desk'], ['reason']),
];

/** The transitions from `from` that `actor` may take. */
export function transitionsFrom(from: IncidentStatus, actor?: WorkflowActor): Transition[] {
  return TRANSITIONS.filter((tr) => tr.from === from && (actor === undefined || tr.by.includes(actor)));
}

/** The declared transition, or undefined when the table does not allow it for this actor. */
export function findTransition(
  from: IncidentStatus,
  to: IncidentStatus,
  actor: WorkflowActor,
): Transition | undefined {
  return TRANSITIONS.find((tr) => tr.from === from && tr.to === to && tr.by.includes(actor));
}

/** States in which the case is with its unit: an agency user sees its own cases only in these (and after). */
export const WITH_UNIT_STATUSES: readonly IncidentStatus[] = WITH_UNIT;

/** The citizen's rating (Hue-S feedback), as DOMAIN.md names it. */
export const RATINGS = ['hai_long', 'chap_nhan', 'khong_hai_long'] as const;
export type Rating = (typeof RATINGS)[number];
export const RATING_LABELS: Readonly<Record<Rating, { vi: string; en: string }>> = {
  hai_long: { vi: 'Hài lòng', en: 'Satisfied' },
  chap_nhan: { vi: 'Chấp nhận', en: 'Acceptable' },
  khong_hai_long: { vi: 'Không hài lòng', en: 'Not satisfied' },
};

export const WORKFLOW_ACTION_LABELS: Readonly<Record<WorkflowAction, { vi: string; en: string }>> = {
  verify: { vi: 'Xác minh', en: 'Verify' },
  reject: { vi: 'Từ chối', en: 'Reject' },
  assign: { vi: 'Chuyển xử lý', en: 'Assign' },
  accept: { vi: 'Tiếp nhận', en: 'Accept' },
  return: { vi: 'Trả lại', en: 'Return' },
  extend: { vi: 'Gia hạn', en: 'Extend' },
  resolve: { vi: 'Báo cáo đã xử lý', en: 'Resolve' },
  close: { vi: 'Đóng', en: 'Close' },
  reopen: { vi: 'Mở lại', en: 'Reopen' },
};
