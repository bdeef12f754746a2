import { describe, expect, it } from 'vitest';
import { defaultFilter } from './filters';
import { appendPage, moveSelection, patchFromChange, placeIncident, type QueueState } from './queue';
import { summary } from './fixtures';

const NOW = Date.parse('2026-12-01T03:00:00Z');
const f = defaultFilter(); // open cases, nearest deadline first

function queue(hasMore = false): QueueState {
  return {
    items: [
      summary({ id: 'IOC-2612-1', dueAt: '2026-12-01T04:00:00Z' }),
      summary({ id: 'IOC-2612-2', dueAt: '2026-12-01T06:00:00Z' }),
      summary({ id: 'IOC-2612-3', dueAt: '2026-12-01T08:00:00Z' }),
    ],
    hasMore,
    total: hasMore ? 10 : 3,
  };
}
const ids = (s: QueueState) => s.items.map((x) => x.id);

describe('placing a case that changed on /live', () => {
  it('inserts a new case at its place by deadline and counts it', () => {
    const r = placeIncident(queue(), summary({ id: 'IOC-2612-9', dueAt: '2026-12-01T05:00:00Z' }), f, NOW);
    expect(r.placement).toBe('inserted');
    expect(ids(r.state)).toEqual(['IOC-2612-1', 'IOC-2612-9', 'IOC-2612-2', 'IOC-2612-3']);
    expect(r.state.total).toBe(4);
  });

  it('updates in place, moves when the deadline moved, drops a case that left the filter', () => {
    const q = queue();
    const same = placeIncident(q, { ...q.items[1]!, version: 2, priority: 1 }, f, NOW);
    expect(same.placement).toBe('updated');
    expect(same.state.items[1]!.priority).toBe(1);
    const moved = placeIncident(q, { ...q.items[0]!, version: 2, dueAt: '2026-12-02T00:00:00Z' }, f, NOW);
    expect(moved.placement).toBe('moved');
    expect(ids(moved.state)).toEqual(['IOC-2612-2', 'IOC-2612-3', 'IOC-2612-1']);
    const gone = placeIncident(q, { ...q.items[2]!, version: 2, status: 'resolved' }, f, NOW);
    expect(gone.placement).toBe('removed');
    expect(ids(gone.state)).toEqual(['IOC-2612-1', 'IOC-2612-2']);
    expect(gone.state.total).toBe(2);
    expect(q.items).toHaveLength(3); // replaced, not mutated
  });

  it('ignores an older version and a case past the loaded rows while pages remain', () => {
    const q = queue(true);
    const stale = placeIncident(
      { ...q, items: q.items.with(0, { ...q.items[0]!, version: 5 }) },
      { ...q.items[0]!, version: 4, status: 'rejected' },
      f,
      NOW,
    );
    expect(stale.placement).toBe('ignored');
    const later = placeIncident(q, summary({ id: 'IOC-2612-9', dueAt: '2026-12-03T00:00:00Z' }), f, NOW);
    expect(later.placement).toBe('ignored');
    expect(
      appendPage(q, [q.items[2]!, summary({ id: 'IOC-2612-4' })], false, 4).items.map((x) => x.id),
    ).toEqual(['IOC-2612-1', 'IOC-2612-2', 'IOC-2612-3', 'IOC-2612-4']);
  });

  it('patches a held row from incident:changed, and only a newer version', () => {
    const q = queue();
    const p = patchFromChange(q.items, { id: 'IOC-2612-2', version: 2, status: 'verified', agencyId: null });
    expect(p).toMatchObject({
      id: 'IOC-2612-2',
      version: 2,
      status: 'verified',
      title: 'Ngập nước đường Lê Lợi',
    });
    expect(patchFromChange(q.items, { id: 'IOC-2612-2', version: 1 })).toBeNull();
    expect(patchFromChange(q.items, { id: 'IOC-2612-7', version: 3 })).toBeNull();
  });
});

describe('keyboard movement in the queue', () => {
  it('moves with j/k and the arrows, clamps at the ends', () => {
    expect(moveSelection('j', -1, 5)).toBe(0);
    expect(moveSelection('j', 4, 5)).toBe(4);
    expect(moveSelection('ArrowUp', 0, 5)).toBe(0);
    expect(moveSelection('k', 3, 5)).toBe(2);
    expect(moveSelection('End', 0, 5)).toBe(4);
    expect(moveSelection('PageDown', 0, 50)).toBe(10);
    expect(moveSelection('x', 0, 5)).toBeNull();
    expect(moveSelection('j', 0, 0)).toBeNull();
  });
});
