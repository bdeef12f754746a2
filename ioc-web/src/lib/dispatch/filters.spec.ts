import { describe, expect, it } from 'vitest';
import { OPEN_INCIDENT_STATUSES } from '@hue-ioc/layers';
import {
  compareFor,
  defaultFilter,
  filterToParams,
  fold,
  matchesFilter,
  paramsToFilter,
  sameFilter,
  type QueueFilter,
} from './filters';
import { summary } from './fixtures';

const NOW = Date.parse('2026-12-01T03:00:00Z'); // 10:00 in Huế

describe('queue filter ↔ query string', () => {
  it('leaves the default open states and the default sort out of the page URL, and writes them for the API', () => {
    expect(filterToParams(defaultFilter()).toString()).toBe('');
    const api = filterToParams(defaultFilter(), { forApi: true });
    expect(api.getAll('status')).toEqual([...OPEN_INCIDENT_STATUSES]);
    expect(api.get('sort')).toBe('due');
    expect(paramsToFilter(new URLSearchParams(''))).toEqual(defaultFilter());
  });

  it('round-trips every field, several values per field, in a fixed order', () => {
    const f: QueueFilter = {
      status: ['new', 'verified'],
      category: ['drainage', 'roads'],
      ward: ['19753', '19774'],
      agency: ['hepco'],
      priority: [1, 2],
      channel: ['hue_s', 'hotline'],
      overdue: true,
      dueWithinHours: 24,
      q: 'ngập Lê Lợi',
      sort: 'priority',
    };
    const qs = filterToParams(f).toString();
    expect(qs).toBe(
      'status=new&status=verified&category=drainage&category=roads&ward=19753&ward=19774&agency=hepco' +
        '&priority=1&priority=2&channel=hue_s&channel=hotline&overdue=true&dueWithinHours=24' +
        '&q=ng%E1%BA%ADp+L%C3%AA+L%E1%BB%A3i&sort=priority',
    );
    expect(paramsToFilter(new URLSearchParams(qs))).toEqual(f);
    expect(sameFilter(f, { ...f, ward: ['19774', '19753'] })).toBe(false); // order is part of the string
  });

  it('keeps "every state" apart from the default open states', () => {
    const all = { ...defaultFilter(), status: [] };
    expect(filterToParams(all).toString()).toBe('status=all');
    expect(paramsToFilter(new URLSearchParams('status=all')).status).toEqual([]);
    expect(filterToParams(all, { forApi: true }).has('status')).toBe(false);
  });

  it('drops what the API schema would refuse instead of sending a 400', () => {
    const f = paramsToFilter(
      new URLSearchParams(
        'status=new&status=bogus&category=constructor&ward=1975&ward=19753&priority=9&priority=1' +
          '&channel=fax&dueWithinHours=0&sort=random&q=%00x',
      ),
    );
    expect(f.status).toEqual(['new']);
    expect(f.category).toEqual([]);
    expect(f.ward).toEqual(['19753']);
    expect(f.priority).toEqual([1]);
    expect(f.channel).toEqual([]);
    expect(f.dueWithinHours).toBeNull();
    expect(f.sort).toBe('due');
    expect(f.q).toBe('');
  });
});

describe('a live case against the filter', () => {
  it('matches status, ward, unit, channel and text without diacritics', () => {
    const item = summary({ id: 'IOC-2612-1', status: 'new', channels: ['hotline'] });
    const f = { ...defaultFilter(), status: ['new' as const], ward: ['19753'], q: 'ngap le loi' };
    expect(matchesFilter(item, f, NOW)).toBe(true);
    expect(matchesFilter(item, { ...f, ward: ['19774'] }, NOW)).toBe(false);
    expect(matchesFilter(item, { ...f, agency: ['hepco'] }, NOW)).toBe(false);
    expect(matchesFilter(item, { ...f, channel: ['hue_s'] }, NOW)).toBe(false);
    expect(matchesFilter(item, { ...f, q: 'trường tiền' }, NOW)).toBe(false);
    expect(matchesFilter({ ...item, mergedInto: 'IOC-2612-2' }, f, NOW)).toBe(false);
    expect(fold('Đường Điện Biên Phủ')).toBe('duong dien bien phu');
  });

  it('reads overdue and due-soon from the deadline and the SLA state', () => {
    const late = summary({ id: 'IOC-2612-2', status: 'assigned', dueAt: '2026-12-01T02:00:00Z' });
    const soon = summary({ id: 'IOC-2612-3', status: 'assigned', dueAt: '2026-12-01T09:00:00Z' });
    const overdue = { ...defaultFilter(), overdue: true };
    const dueSoon = { ...defaultFilter(), dueWithinHours: 24 };
    expect(matchesFilter(late, overdue, NOW)).toBe(true);
    expect(matchesFilter(soon, overdue, NOW)).toBe(false);
    expect(matchesFilter({ ...soon, slaState: 'escalated' }, overdue, NOW)).toBe(true);
    expect(matchesFilter(soon, dueSoon, NOW)).toBe(true);
    expect(matchesFilter(late, dueSoon, NOW)).toBe(false);
    expect(matchesFilter({ ...late, status: 'resolved' }, { ...overdue, status: [] }, NOW)).toBe(false);
  });

  it('sorts like the queue: nearest deadline first, cases without one last, ties by received', () => {
    const a = summary({ id: 'A', dueAt: '2026-12-01T05:00:00Z', priority: 3 });
    const b = summary({ id: 'B', dueAt: '2026-12-01T04:00:00Z', priority: 1 });
    const c = summary({ id: 'C', dueAt: null, priority: 1, createdAt: '2026-11-30T01:00:00Z' });
    const d = summary({
      id: 'D',
      dueAt: '2026-12-01T04:00:00Z',
      priority: 1,
      createdAt: '2026-11-30T00:00:00Z',
    });
    const ids = (sort: Parameters<typeof compareFor>[0]) =>
      [a, b, c, d].sort(compareFor(sort)).map((x) => x.id);
    expect(ids('due')).toEqual(['D', 'B', 'A', 'C']);
    expect(ids('-due')).toEqual(['A', 'D', 'B', 'C']);
    expect(ids('priority')).toEqual(['D', 'B', 'C', 'A']);
    expect(ids('received')).toEqual(['D', 'C', 'A', 'B']);
    expect(ids('-received')).toEqual(['B', 'A', 'C', 'D']);
  });
});
