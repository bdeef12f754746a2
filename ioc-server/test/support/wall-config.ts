import { DEFAULT_WALL_CONFIG, type WallConfig, type WallScene } from '@hue-ioc/layers';

/** The Imperial City (Đại Nội), a scene a centre might add to the default four. */
export const DAI_NOI_SCENE: WallScene = {
  id: 'dai-noi',
  title: { vi: 'Đại Nội Huế', en: 'Imperial City' },
  view: [
    [107.565, 16.462],
    [107.592, 16.478],
  ],
  layers: ['incidents', 'cameras', 'sensors', 'alerts'],
  dwellS: 60,
  inset: false,
};

/** A WALL_CONFIG_FILE body: the default scenes plus Đại Nội (changed by `scene`), in these playlists. */
export function withDaiNoi(playlists: WallConfig['playlists'], scene: Partial<WallScene> = {}): WallConfig {
  return { scenes: [...DEFAULT_WALL_CONFIG.scenes, { ...DAI_NOI_SCENE, ...scene }], playlists };
}
