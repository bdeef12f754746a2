import { describe, expect, it } from 'vitest';
import type { Feature, IncidentProps } from '@hue-ioc/layers';
import { urgentIncidents } from './urgent-incidents';

const NOW = Date.parse('2026-12-01T08:00:00Z');

function incident(id: string, p: Partial<IncidentProps>): Feature<IncidentProps> {
  return {
    id,
    position: [107.58, 16.46],
    props: {
      version: 1,
      status: 'in_progress',
      category: 'thoat_nuoc',
      priority: 3,
      title: '',
      wardCode: '19774',
      agencyId: 'ubnd-phuong-phu-hoi',
      dueAt: '2026-12-02T08:00:00.000Z',
      createdAt: '2026-11-30T08:00:00.000Z',
      updatedAt: '2026-11-30T08:00:00.000Z',
      channels: ['hue_s'],
      ...p,
    },
  };
}

describe('urgentIncidents', () => {
  it('lists open incidents by priority, then overdue, then the nearest deadline', () => {
    const features = new Map(
      [
        incident('IOC-2612-000001', { priority: 2 }),
        incident('IOC-2612-000002', { priority: 1, dueAt: '2026-12-03T08:00:00.000Z' }),
        incident('IOC-2612-000003', { priority: 1, dueAt: '2026-12-01T07:00:00.000Z' }),
        incident('IOC-2612-000004', { priority: 1, status: 'resolved' }),
        incident('IOC-2612-000005', { priority: 1, dueAt: '2026-12-02T09:00:00.000Z' }),
        incident('IOC-2612-000006', { priority: 4, dueAt: null }),
      ].map((f) => [f.id, f]),
    );
    expect(urgentIncidents(features, NOW, 3)).toEqual([
      { id: 'IOC-2612-000003', version: 1, priority: 1, overdue: true, agencyId: 'ubnd-phuong-phu-hoi' },
      { id: 'IOC-2612-000005', version: 1, priority: 1, overdue: false, agencyId: 'ubnd-phuong-phu-hoi' },
      { id: 'IOC-2612-000002', version: 1, priority: 1, overdue: false, agencyId: 'ubnd-phuong-phu-hoi' },
    ]);
  });

  it('keeps the best few of a large layer in one pass, whatever the order', () => {
    const all = Array.from({ length: 20_000 }, (_, i) =>
      incident(`IOC-2612-${String(i).padStart(6, '0')}`, {
        priority: 1 + (i % 4),
        dueAt: new Date(NOW + ((i * 7919) % 20_000) * 60_000 - 600_000_000).toISOString(),
      }),
    );
    const shuffled = new Map([...all].reverse().map((f) => [f.id, f]));
    const sorted = all
      .filter((f) => f.props.priority === 1)
      .sort((a, b) => Date.parse(a.props.dueAt!) - Date.parse(b.props.dueAt!))
      .slice(0, 4)
      .map((f) => f.id);
    expect(urgentIncidents(shuffled, NOW, 4).map((u) => u.id)).toEqual(sorted);
    expect(urgentIncidents(new Map(), NOW, 4)).toEqual([]);
  });
});
