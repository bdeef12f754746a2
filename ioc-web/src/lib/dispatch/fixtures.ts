import type { IncidentSummary } from '@hue-ioc/layers';

/** Realistic Huế cases for the dispatch specs (not used by the app). */
export function summary(over: Partial<IncidentSummary> & { id: string }): IncidentSummary {
  return {
    version: 1,
    status: 'new',
    category: 'drainage',
    priority: 2,
    title: 'Ngập nước đường Lê Lợi',
    description: 'Nước ngập sâu khoảng 30 cm trước số 12 Lê Lợi, xe máy chết máy.',
    address: '12 Lê Lợi, phường Thuận Hóa',
    position: [107.5852, 16.4637],
    wardCode: '19753',
    agencyId: null,
    suggestedAgencyId: 'hepco',
    dueAt: '2026-12-01T10:00:00.000Z',
    slaState: 'on_time',
    channels: ['hue_s'],
    sourceCount: 1,
    createdAt: '2026-12-01T01:00:00.000Z',
    updatedAt: '2026-12-01T01:00:00.000Z',
    resolvedAt: null,
    closedAt: null,
    mergedInto: null,
    rating: null,
    ...over,
  };
}
