import { describe, expect, it } from 'vitest';
import { defaultFilter } from './filters';
import {
  activeView,
  allViews,
  BUILT_IN_VIEWS,
  deleteView,
  loadUserViews,
  saveView,
  STORAGE_KEY,
  viewFilter,
} from './saved-views';

function memory(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    data,
  };
}

describe('saved views', () => {
  it('has the three built-in views first: new, overdue, due within a day', () => {
    expect(BUILT_IN_VIEWS.map((v) => v.builtIn)).toEqual(['new', 'overdue', 'dueSoon']);
    expect(viewFilter(BUILT_IN_VIEWS[0]!).status).toEqual(['new']);
    expect(viewFilter(BUILT_IN_VIEWS[1]!).overdue).toBe(true);
    expect(viewFilter(BUILT_IN_VIEWS[2]!).dueWithinHours).toBe(24);
    expect(allViews(null)).toHaveLength(3);
  });

  it('saves a ward view to storage, replaces one of the same name and deletes it', () => {
    const s = memory();
    let n = 0;
    const id = () => `v${++n}`;
    const thuanHoa = { ...defaultFilter(), ward: ['19753'] };
    saveView(s, 'Phường Thuận Hóa', thuanHoa, id);
    saveView(s, 'HEPCO', { ...defaultFilter(), agency: ['hepco'] }, id);
    const views = saveView(s, 'phường thuận hóa', { ...thuanHoa, overdue: true }, id);
    expect(views.map((v) => [v.id, v.name])).toEqual([
      ['v1', 'phường thuận hóa'],
      ['v2', 'HEPCO'],
    ]);
    expect(viewFilter(loadUserViews(s)[0]!)).toMatchObject({ ward: ['19753'], overdue: true });
    expect(
      allViews(s)
        .map((v) => v.id)
        .slice(3),
    ).toEqual(['v1', 'v2']);
    expect(activeView(allViews(s), { ...defaultFilter(), agency: ['hepco'] })?.name).toBe('HEPCO');
    expect(deleteView(s, 'v1').map((v) => v.id)).toEqual(['v2']);
    expect(saveView(s, '   ', thuanHoa, id)).toHaveLength(1);
  });

  it('survives broken, foreign and built-in-looking entries in storage', () => {
    expect(loadUserViews(memory({ [STORAGE_KEY]: '{not json' }))).toEqual([]);
    expect(loadUserViews(memory({ [STORAGE_KEY]: '{"a":1}' }))).toEqual([]);
    const s = memory({
      [STORAGE_KEY]: JSON.stringify([
        { id: 'builtin:new', name: 'x', query: '' },
        { id: 3 },
        { id: 'v9', name: 'Xã Phú Vang', query: 'ward=19795' },
      ]),
    });
    expect(loadUserViews(s).map((v) => v.id)).toEqual(['v9']);
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    // Storage full or off (a private window): the view lasts as long as the page, nothing throws.
    expect(saveView(full, 'A', defaultFilter()).map((v) => v.name)).toEqual(['A']);
  });
});
