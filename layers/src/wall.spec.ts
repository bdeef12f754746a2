import { describe, expect, it } from 'vitest';
import { CITY_BOUNDS, DEFAULT_WALL_CONFIG, validateWallConfig, type WallConfig } from './wall.ts';

/** A centre that adds the Imperial City (Đại Nội) to its everyday rotation. */
const withCitadel = (): WallConfig => ({
  scenes: [
    ...structuredClone(DEFAULT_WALL_CONFIG.scenes),
    {
      id: 'dai-noi',
      title: { vi: 'Đại Nội Huế', en: 'Imperial City' },
      view: [
        [107.565, 16.462],
        [107.592, 16.478],
      ],
      layers: ['incidents', 'cameras', 'sensors'],
      dwellS: 20,
      inset: false,
    },
  ],
  playlists: { normal: ['province', 'dai-noi', 'city'], flood: ['flood', 'province'] },
});

describe('wall configuration', () => {
  it('accepts the default: the four scenes and both playlists of the wall as it was', () => {
    const result = validateWallConfig(DEFAULT_WALL_CONFIG);
    expect(result).toEqual({ ok: true, config: DEFAULT_WALL_CONFIG });
    expect(DEFAULT_WALL_CONFIG.scenes.map((s) => [s.id, s.dwellS, s.inset])).toEqual([
      ['province', 40, true],
      ['city', 30, false],
      ['flood', 25, false],
      ['spike', 25, false],
    ]);
    expect(DEFAULT_WALL_CONFIG.scenes[1]?.view).toEqual(CITY_BOUNDS);
    expect(DEFAULT_WALL_CONFIG.playlists).toEqual({
      normal: ['province', 'city', 'flood', 'spike'],
      flood: ['flood', 'province', 'flood', 'city'],
    });
  });

  it('accepts a scene of its own, named in a playlist', () => {
    const config = withCitadel();
    expect(validateWallConfig(config)).toEqual({ ok: true, config });
  });

  it('names every problem by its path, the shape and the cross-references together', () => {
    const config = withCitadel() as unknown as {
      scenes: Record<string, unknown>[];
      playlists: Record<string, unknown>;
    };
    const citadel = config.scenes[4]!;
    citadel.view = [
      [107.592, 16.462],
      [107.565, 61.478], // lon swapped, lat mistyped
    ];
    citadel.dwellS = 2;
    citadel.layers = ['incidents', 'roads'];
    citadel.title = { vi: 'Đại Nội Huế' };
    config.scenes[1]!.id = 'province';
    config.scenes[3]!.view = 'hotspot';
    config.playlists.normal = [];
    config.playlists.flood = ['flood', 'kinh-thanh'];
    config.playlists.extra = ['city'];

    const result = validateWallConfig(config);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'scenes[4].view[1][1]: must be a latitude within the Huế area (15.88 to 16.86)',
        'scenes[4].view: west (107.592) must be less than east (107.565)',
        'scenes[4].dwellS: must be a number of seconds from 5 to 600',
        `scenes[4].layers[1]: must be one of incidents, clusters, heat, sensors, cameras, wards, alerts`,
        'scenes[4].title.en: is missing',
        'scenes[1].id: "province" is already the id of scenes[0]',
        'scenes[3].view: must be [[west, south], [east, north]] or "spike"',
        'playlists.normal: must name 1 to 100 scenes',
        'playlists.flood[1]: "kinh-thanh" is not the id of a scene (defined: province, flood, spike, dai-noi)',
        'playlists.extra: is not a known field',
      ]),
    );
    expect(problems).toHaveLength(10);
  });

  it('says what the whole file should be when it is not an object', () => {
    expect(validateWallConfig([])).toEqual({
      ok: false,
      problems: ['(the configuration): must be an object with "scenes" and "playlists"'],
    });
    expect(validateWallConfig({ scenes: DEFAULT_WALL_CONFIG.scenes })).toEqual({
      ok: false,
      problems: ['playlists: is missing'],
    });
  });
});
