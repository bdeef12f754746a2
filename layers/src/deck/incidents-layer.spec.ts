import { describe, expect, it } from 'vitest';
import type { IncidentProps } from '../incident.ts';
import { clusterRadiusPx, isOpenIncident, isOverdue } from './incidents-layer.ts';

const potholeLeLoi: IncidentProps = {
  version: 2,
  status: 'assigned',
  category: 'roads',
  priority: 2,
  title: 'Ổ gà lớn trên đường Lê Lợi',
  wardCode: '19807',
  agencyId: 'so-xay-dung',
  dueAt: '2026-11-27T09:00:00.000Z',
  createdAt: '2026-11-25T02:00:00.000Z',
  updatedAt: '2026-11-25T03:00:00.000Z',
  channels: ['hue_s'],
};
const nineThirty = Date.parse('2026-11-27T09:30:00.000Z');

describe('incident symbols', () => {
  it('rings an open incident past its hạn xử lý, not one handled or without a deadline', () => {
    expect(isOverdue(potholeLeLoi, nineThirty)).toBe(true);
    expect(isOverdue(potholeLeLoi, Date.parse('2026-11-27T08:59:00.000Z'))).toBe(false);
    expect(isOverdue({ ...potholeLeLoi, status: 'resolved' }, nineThirty)).toBe(false);
    expect(isOverdue({ ...potholeLeLoi, dueAt: null }, nineThirty)).toBe(false);
  });

  it('keeps rejected, resolved and closed incidents off the wall', () => {
    expect(isOpenIncident(potholeLeLoi)).toBe(true);
    for (const status of ['rejected', 'resolved', 'closed'] as const) {
      expect(isOpenIncident({ ...potholeLeLoi, status })).toBe(false);
    }
  });

  it('grows a cluster disc with its count, within bounds', () => {
    expect(clusterRadiusPx(4)).toBeLessThan(clusterRadiusPx(40));
    expect(clusterRadiusPx(100_000)).toBe(44);
  });
});
