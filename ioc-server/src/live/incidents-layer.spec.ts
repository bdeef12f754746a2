import { describe, expect, it } from 'vitest';
import type { IncidentProps } from '@hue-ioc/layers';
import { MemoryLayer, NO_WORKFLOW_YET } from '../../test/support/memory-ports.ts';
import type { IncidentRow } from '../storage/incident.repository.ts';
import { IncidentsLayer } from './incidents-layer.ts';

const at = new Date('2026-12-01T02:00:00Z');
const row = (id: string, status: string, over: Partial<IncidentRow> = {}): IncidentRow => ({
  id,
  version: 1,
  status,
  category: 'roads',
  priority: 3,
  title: 'Ổ gà',
  description: null,
  lon: 107.59,
  lat: 16.46,
  ward_code: '19789',
  address: null,
  agency_id: null,
  due_at: null,
  sources: [{ channel: 'hue_s', sourceId: id, at: at.toISOString() }],
  reporter: null,
  media: [],
  created_at: at,
  updated_at: at,
  resolved_at: null,
  closed_at: null,
  ...NO_WORKFLOW_YET,
  ...over,
});

describe('IncidentsLayer', () => {
  it('publishes a finished case once with its final state, then removes it after the retention time', async () => {
    const sink = new MemoryLayer<IncidentProps>();
    let now = 0;
    const layer = new IncidentsLayer(sink, { retainFinishedMs: 60_000, now: () => now });
    await layer.publish([row('A', 'new'), row('B', 'resolved'), row('C', 'new')]);
    await layer.publish([row('A', 'closed', { version: 2 }), row('C', 'rejected', { version: 2 })]);
    expect(sink.get('A')?.props.status).toBe('closed');
    now = 59_000;
    await layer.removeFinished();
    expect(sink.state.size).toBe(3);
    // C is reopened before its time is up: it stays.
    await layer.publish([row('C', 'reopened', { version: 3 })]);
    now = 61_000;
    await layer.removeFinished();
    expect([...sink.state.keys()].sort()).toEqual(['B', 'C']);
    expect(sink.applied.at(-1)).toEqual({ upserts: [], removes: ['A'] });
    layer.stop();
  });

  it('treats a case merged into another as gone', async () => {
    const sink = new MemoryLayer<IncidentProps>();
    let now = 0;
    const layer = new IncidentsLayer(sink, { retainFinishedMs: 1000, now: () => now });
    await layer.publish([row('D', 'closed', { merged_into: 'E' })]);
    now = 2000;
    await layer.removeFinished();
    expect(sink.state.size).toBe(0);
    layer.stop();
  });
});
