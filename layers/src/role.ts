import { Type } from '@sinclair/typebox';

/**
 * The roles of the IOC (ARCHITECTURE.md, "Access"). The `users.role` CHECK constraint of the migrations must
 * list exactly these: ioc-server/test/domain-lists.int.spec.ts reads it from the catalogue and compares.
 */
export const ROLES = ['admin', 'supervisor', 'operator', 'agency', 'leader', 'display'] as const;
export type Role = (typeof ROLES)[number];

export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** As the consoles name them, Vietnamese first (DOMAIN.md). */
export const ROLE_LABELS: Readonly<Record<Role, { vi: string; en: string }>> = {
  admin: { vi: 'Quản trị', en: 'Administrator' },
  supervisor: { vi: 'Giám sát viên', en: 'Supervisor' },
  operator: { vi: 'Điều hành viên', en: 'Operator' },
  agency: { vi: 'Đơn vị xử lý', en: 'Handling unit' },
  leader: { vi: 'Lãnh đạo', en: 'Leader' },
  display: { vi: 'Màn hình', en: 'Display' },
};
