import { describe, expect, it } from 'vitest';
import { CITY_BOUNDS, DEFAULT_WALL_CONFIG, type WallConfig } from '@hue-ioc/layers';
import {
  FOCUS_MS,
  boundsAround,
  currentScene,
  currentSceneId,
  focusOn,
  FOCUS_COOLDOWN_MS,
  FOCUS_MAX_MS,
  initialRotation,
  playlistFromUrl,
  rebaseRotation,
  stepRotation,
  viewOf,
  visibleLayers,
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
    expect([...visibleLayers(c.scenes.get('city')!, c, false)]).toEqual(['sensors', 'alerts']);
  });

  it("keeps each default scene's own dwell without ?dwell=", () => {
    const c = playlistFromUrl(new URL('http://wall.local/wall'));
    let s = initialRotation(T0);
    s = stepRotation(s, c, T0 + 39_000, false);
    expect(currentSceneId(s, c)).toBe('province');
    s = stepRotation(s, c, T0 + 40_000, false);
    expect(currentSceneId(s, c)).toBe('city');
    s = stepRotation(s, c, T0 + 70_000, false);
    expect(currentSceneId(s, c)).toBe('flood');
  });

  it('resumes the saved scene after the daily reload', () => {
    expect(initialRotation(T0, { mode: 'flood', index: 2 })).toMatchObject({ mode: 'flood', index: 2 });
    expect(initialRotation(T0, { mode: 'x', index: -1 })).toMatchObject({ mode: 'normal', index: 0 });
  });
});

describe('a playlist from the served configuration', () => {
  /** The centre's own file: the Imperial City (Đại Nội) after the province, a short flood loop. */
  const served: WallConfig = {
    scenes: [
      ...DEFAULT_WALL_CONFIG.scenes,
      {
        id: 'dai-noi',
        title: { vi: 'Đại Nội Huế', en: 'Imperial City' },
        view: [
          [107.565, 16.462],
          [107.592, 16.478],
        ],
        layers: ['incidents', 'cameras', 'heat'],
        dwellS: 20,
        inset: false,
      },
    ],
    playlists: { normal: ['province', 'dai-noi', 'spike'], flood: ['flood', 'dai-noi'] },
  };
  const url = new URL('http://wall.local/wall');

  it("turns through the served playlists with each scene's dwell", () => {
    const c = playlistFromUrl(url, served);
    let s = initialRotation(T0);
    s = stepRotation(s, c, T0 + 40_000, false);
    expect(currentScene(s, c)).toMatchObject({ id: 'dai-noi', title: { vi: 'Đại Nội Huế' } });
    s = stepRotation(s, c, T0 + 59_000, false);
    expect(currentSceneId(s, c)).toBe('dai-noi');
    s = stepRotation(s, c, T0 + 60_000, false);
    expect(currentSceneId(s, c)).toBe('spike');
    s = stepRotation(s, c, T0 + 61_000, true);
    expect([currentSceneId(s, c), s.mode]).toEqual(['flood', 'flood']);
    s = stepRotation(s, c, T0 + 61_000 + 25_000, true);
    expect(currentSceneId(s, c)).toBe('dai-noi');
    s = stepRotation(s, c, T0 + 61_000 + 45_000, true);
    expect(currentSceneId(s, c)).toBe('flood');
  });

  it('lets ?scenes= pick and order the served scenes, and ?layers= narrow theirs', () => {
    const c = playlistFromUrl(
      new URL('http://wall.local/wall?scenes=dai-noi,kinh-thanh,city&layers=incidents,heat'),
      served,
    );
    expect(c.normal).toEqual(['dai-noi', 'city']);
    expect(c.flood).toEqual(['dai-noi', 'city']);
    expect([...visibleLayers(c.scenes.get('dai-noi')!, c, false)]).toEqual(['incidents', 'heat']);
    // Before the served configuration arrives the default's scenes are all there is.
    expect(playlistFromUrl(new URL('http://wall.local/wall?scenes=dai-noi,kinh-thanh,city')).normal).toEqual([
      'city',
    ]);
  });

  it('carries the rotation over when the served configuration replaces the default', () => {
    const before = playlistFromUrl(url);
    const after = playlistFromUrl(url, served);
    // The same scene at the same place: its dwell goes on.
    const onProvince = initialRotation(T0);
    expect(rebaseRotation(onProvince, before, after, T0 + 5_000)).toEqual(onProvince);
    // Another scene there now: it gets its whole dwell.
    const onCity = { ...initialRotation(T0), index: 1 };
    const moved = rebaseRotation(onCity, before, after, T0 + 5_000);
    expect([currentSceneId(moved, after), moved.since]).toEqual(['dai-noi', T0 + 5_000]);
    // A saved position beyond the served playlist wraps.
    const far = rebaseRotation({ ...initialRotation(T0), index: 3 }, before, after, T0 + 5_000);
    expect([far.index, currentSceneId(far, after)]).toEqual([0, 'province']);
  });

  it("points the camera at the scene's bounds, the spiking ward, or the focus", () => {
    const c = playlistFromUrl(url, served);
    expect(viewOf(c.scenes.get('dai-noi')!, null, null)).toEqual([
      [107.565, 16.462],
      [107.592, 16.478],
    ]);
    const spike = c.scenes.get('spike')!;
    expect(viewOf(spike, null, null)).toEqual(CITY_BOUNDS);
    expect(viewOf(spike, null, kimLong)).toEqual(boundsAround(kimLong, 0.05));
    expect(viewOf(spike, { position: kimLong }, null)).toEqual(boundsAround(kimLong, 0.03));
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
