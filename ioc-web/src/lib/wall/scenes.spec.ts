import { describe, expect, it } from 'vitest';
import {
  FOCUS_MS,
  currentSceneId,
  focusOn,
  FOCUS_COOLDOWN_MS,
  FOCUS_MAX_MS,
  initialRotation,
  playlistFromUrl,
  stepRotation,
  visibleLayers,
  SCENES,
} from './scenes';
import { addTickerItem, TICKER_CAP } from './ticker';
import { applyKpiUpdate, tilesFromResponse, trendOf } from './kpis';

const T0 = Date.parse('2025-10-27T03:00:00.000Z');
const kimLong = [107.553, 16.462] as const;

describe('scene rotation', () => {
  const config = playlistFromUrl(new URL('http://wall.local/wall?dwell=30'));

  it('moves to the next scene after its dwell, and wraps', () => {
    let s = initialRotation(T0);
    expect(currentSceneId(s, config)).toBe('province');
    s = stepRotation(s, config, T0 + 29_000, false);
    expect(currentSceneId(s, config)).toBe('province');
    s = stepRotation(s, config, T0 + 30_000, false);
    expect(currentSceneId(s, config)).toBe('city');
    for (let i = 2; i <= 4; i++) s = stepRotation(s, config, T0 + i * 30_000, false);
    expect(currentSceneId(s, config)).toBe('province');
  });

  it('holds on a top-priority alarm until the focus expires, then goes on', () => {
    let s = focusOn(
      initialRotation(T0),
      { id: 'alarm:kim-long', position: kimLong, text: 'Kim Long BĐ III' },
      T0,
    );
    s = stepRotation(s, config, T0 + FOCUS_MS - 1, false);
    expect(s.focus?.id).toBe('alarm:kim-long');
    expect(currentSceneId(s, config)).toBe('province');
    s = stepRotation(s, config, T0 + FOCUS_MS, false);
    expect(s.focus).toBeNull();
  });

  it('lets the rotation run for a cool-down after a pause, except for a gauge at BĐ III', () => {
    const report = { id: 'incident:a', position: kimLong, text: 'Ngập sâu' };
    let s = focusOn(initialRotation(T0), report, T0);
    s = stepRotation(s, config, T0 + FOCUS_MS, false);
    expect(s.focus).toBeNull();
    // Another urgent report a minute later: the rotation goes on, the report is in the ticker.
    const t1 = T0 + FOCUS_MS + 60_000;
    expect(focusOn(s, { ...report, id: 'incident:b' }, t1)).toBe(s);
    // A gauge at BĐ III takes the wall at once.
    expect(focusOn(s, { ...report, id: 'alarm:kim-long' }, t1, { force: true }).focus?.id).toBe(
      'alarm:kim-long',
    );
    // After the cool-down a report may pause it again.
    const t2 = T0 + FOCUS_MS + FOCUS_COOLDOWN_MS;
    expect(focusOn(s, { ...report, id: 'incident:c' }, t2).focus?.id).toBe('incident:c');
  });

  it('lets a newer alarm take over a pause, but not make it last for ever', () => {
    let s = focusOn(initialRotation(T0), { id: 'incident:1', position: kimLong, text: '1' }, T0);
    // A new urgent report every 90 s, each taking over the pause.
    for (let i = 1; i <= 10; i++) {
      const now = T0 + i * 90_000;
      s = stepRotation(s, config, now, false);
      if (!s.focus) break;
      s = focusOn(s, { id: `incident:${i + 1}`, position: kimLong, text: String(i + 1) }, now);
    }
    expect(s.focus).toBeNull();
    expect(s.resumedAt).toBeLessThanOrEqual(T0 + FOCUS_MAX_MS + 90_000);
  });

  it('switches to the flood playlist when a gauge reaches BĐ II, and back', () => {
    let s = stepRotation(initialRotation(T0), config, T0 + 1000, true);
    expect(s.mode).toBe('flood');
    expect(currentSceneId(s, config)).toBe('flood');
    s = stepRotation(s, config, T0 + 2000, false);
    expect(s.mode).toBe('normal');
  });

  it('reads the playlist and layers from the URL, ignoring unknown names', () => {
    const c = playlistFromUrl(
      new URL('http://wall.local/wall?scenes=flood,nowhere,city&layers=sensors,alerts,bogus&rotate=off'),
    );
    expect(c.normal).toEqual(['flood', 'city']);
    expect([...c.layers]).toEqual(['sensors', 'alerts']);
    expect(c.rotate).toBe(false);
    expect([...visibleLayers(SCENES.city, c, false)]).toEqual(['sensors', 'alerts']);
  });

  it('resumes the saved scene after the daily reload', () => {
    expect(initialRotation(T0, { mode: 'flood', index: 2 })).toMatchObject({ mode: 'flood', index: 2 });
    expect(initialRotation(T0, { mode: 'x', index: -1 })).toMatchObject({ mode: 'normal', index: 0 });
  });
});

describe('ticker', () => {
  const line = (n: number) => ({
    id: `incident:IOC-2510-${String(n).padStart(6, '0')}`,
    kind: 'incident' as const,
    text: `Hue-S: Thoát nước, ngập úng — Ngập sâu số ${n} Lê Lợi`,
    textEn: `Hue-S: Drainage and flooding — Deep water at ${n} Lê Lợi`,
    level: 0 as const,
    ts: new Date(T0 + n * 1000).toISOString(),
  });

  it('keeps the newest lines first, drops repeats from a reconnect, and stays capped', () => {
    let items = addTickerItem([], line(1));
    items = addTickerItem(items, line(2));
    expect(addTickerItem(items, line(1))).toBe(items);
    expect(items.map((i) => i.id)).toEqual([line(2).id, line(1).id]);
    for (let n = 3; n < 200; n++) items = addTickerItem(items, line(n));
    expect(items).toHaveLength(TICKER_CAP);
    expect(items[0]?.id).toBe(line(199).id);
  });
});

describe('KPI tiles', () => {
  it('takes province tiles from GET /api/kpis and follows kpi:update into the hourly series', () => {
    const tiles = tilesFromResponse({
      items: [
        {
          kpi: 'ty_le_xu_ly_dung_han',
          scope: { level: 'province', code: '46' },
          value: 94.3,
          target: 95,
          ts: '2025-10-27T03:10:00.000Z',
          series: [
            { t: '2025-10-27T02:00:00.000Z', v: 93.8 },
            { t: '2025-10-27T03:00:00.000Z', v: 94.3 },
          ],
        },
        {
          kpi: 'ty_le_hai_long',
          scope: { level: 'ward', code: '19807' },
          value: 90,
          target: 90,
          ts: '2025-10-27T03:10:00.000Z',
        },
      ],
    });
    expect([...tiles.keys()]).toEqual(['ty_le_xu_ly_dung_han']);
    expect(trendOf(tiles.get('ty_le_xu_ly_dung_han')!)).toBe('up');
    const next = applyKpiUpdate(tiles, {
      kpi: 'ty_le_xu_ly_dung_han',
      scope: { level: 'province', code: '46' },
      value: 92.1,
      target: 95,
      ts: '2025-10-27T04:05:00.000Z',
    });
    const tile = next.get('ty_le_xu_ly_dung_han')!;
    expect(tile.value).toBe(92.1);
    expect(tile.series.map((p) => p.v)).toEqual([93.8, 94.3, 92.1]);
    expect(trendOf(tile)).toBe('down');
  });
});
