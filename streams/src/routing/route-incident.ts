import type { CategoryCode } from '../incidents/taxonomy.ts';
import type { Position } from '../ingest/common.ts';
import { wardCommitteeId } from './agencies.ts';
import { ROUTING_AREAS, inArea } from './areas.ts';
import { roadClassFromAddress } from './main-roads.ts';
import { DEFAULT_ROUTING_TABLE, type RoutingRule, type RoutingTable } from './rules.ts';

export interface RouteInput {
  category: CategoryCode;
  wardCode: string | null;
  position: Position | null;
  /** When the caller knows it; otherwise read from `address`. */
  roadClass?: 'main' | 'local';
  address?: string | null;
}

export interface RouteDecision {
  agencyId: string;
  rule: Pick<RoutingRule, 'id' | 'description'>;
}

/** The responsible unit for an incident, and the rule that chose it. Pure. */
export function routeIncident(input: RouteInput, table: RoutingTable = DEFAULT_ROUTING_TABLE): RouteDecision {
  const roadClass = input.roadClass ?? (input.address ? roadClassFromAddress(input.address) : undefined);
  for (const rule of table.rules) {
    if (rule.category !== '*' && rule.category !== input.category) continue;
    if (rule.noWard && input.wardCode) continue;
    // Own properties only: set and area names are data an admin edits, and "constructor" names nothing.
    if (
      rule.wardSet !== undefined &&
      !(input.wardCode && ownEntry(table.wardSets, rule.wardSet)?.includes(input.wardCode))
    )
      continue;
    if (rule.area !== undefined) {
      const area = ownEntry(ROUTING_AREAS, rule.area);
      if (!area || !input.position || !inArea(input.position, area)) continue;
    }
    if (rule.road === 'main' && roadClass !== 'main') continue;
    if ('wardCommittee' in rule.target) {
      if (!input.wardCode) continue;
      return {
        agencyId: wardCommitteeId(input.wardCode),
        rule: { id: rule.id, description: rule.description },
      };
    }
    return { agencyId: rule.target.agencyId, rule: { id: rule.id, description: rule.description } };
  }
  throw new Error('the routing table has no rule for this incident: it must end with a `*` rule');
}

function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
