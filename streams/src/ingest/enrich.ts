import { dueAt } from '../calendar/due-at.ts';
import { SLA_DEFAULTS, slaFor, type SlaRule, type SlaTable } from '../calendar/sla-defaults.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { MergeCandidate } from '../incidents/merge.ts';
import {
  PRIORITY_RULES,
  priorityFor,
  type CameraEventType,
  type CategoryCode,
  type Priority,
  type PriorityRule,
} from '../incidents/taxonomy.ts';
import { routeIncident, type RouteDecision } from '../routing/route-incident.ts';
import { DEFAULT_ROUTING_TABLE, type RoutingTable } from '../routing/rules.ts';
import type { NormalisedCameraEvent } from './camera.normalise.ts';
import type { Position } from './common.ts';
import type { NormalisedReport } from './report.ts';

/** What enrichment needs to know of anything that opens an incident. */
export interface EnrichInput {
  category: CategoryCode;
  urgent?: boolean;
  alarmLevel?: 1 | 2 | 3;
  cameraEvent?: CameraEventType;
  wardCode: string | null;
  position: Position | null;
  address?: string | null;
  receivedAt: Date;
}

export interface EnrichDeps {
  calendar: WorkingCalendar;
  sla?: SlaTable;
  routing?: RoutingTable;
  priorityRules?: readonly PriorityRule[];
}

export interface Enrichment {
  priority: Priority;
  priorityRule: string;
  agencyId: string;
  routingRule: RouteDecision['rule'];
  sla: SlaRule & { source: 'category' | 'priority' };
  /** Hạn xử lý: priority 1 runs the immediate process (clock hours from receipt), the others working days. */
  dueAt: Date;
}

/** Priority, responsible agency and deadline of a new incident ("enrich" in ARCHITECTURE.md "Flow"). Pure. */
export function enrich(input: EnrichInput, deps: EnrichDeps): Enrichment {
  const { priority, rule } = priorityFor(
    {
      category: input.category,
      ...(input.urgent !== undefined ? { urgent: input.urgent } : {}),
      ...(input.alarmLevel !== undefined ? { alarmLevel: input.alarmLevel } : {}),
      ...(input.cameraEvent !== undefined ? { cameraEvent: input.cameraEvent } : {}),
    },
    deps.priorityRules ?? PRIORITY_RULES,
  );
  const route = routeIncident(
    {
      category: input.category,
      wardCode: input.wardCode,
      position: input.position,
      address: input.address ?? null,
    },
    deps.routing ?? DEFAULT_ROUTING_TABLE,
  );
  const sla = slaFor(input.category, priority, deps.sla ?? SLA_DEFAULTS);
  const due = dueAt({
    receivedAt: input.receivedAt,
    urgent: priority === 1,
    calendar: deps.calendar,
    ...(sla.hours !== undefined ? { hours: sla.hours } : { workingDays: sla.workingDays ?? 0 }),
  });
  return { priority, priorityRule: rule, agencyId: route.agencyId, routingRule: route.rule, sla, dueAt: due };
}

/** A citizen report as a merge candidate (`findMergeTarget`). */
export function reportMergeCandidate(report: NormalisedReport): MergeCandidate {
  return {
    channel: report.channel,
    sourceId: report.sourceId,
    category: report.category,
    position: report.position,
    at: report.createdAt,
  };
}

/** A camera detection as a merge candidate. */
export function cameraMergeCandidate(event: NormalisedCameraEvent): MergeCandidate {
  return {
    channel: event.channel,
    sourceId: event.sourceId,
    category: event.category,
    signal: `camera:${event.type}`,
    position: event.position,
    at: event.ts,
  };
}
