import {
  CITY_BOUNDS,
  DEFAULT_WALL_CONFIG,
  WALL_LAYERS,
  type WallConfig,
  type WallLayer,
  type WallScene,
} from '@hue-ioc/layers';
import type { LonLatBounds } from '../map/base-style';

/** What the wall can draw; `?layers=` picks among them (default: all). Defined with the scenes in `layers`. */
export { WALL_LAYERS, type WallLayer };

/** A scene's id: a slug of the wall configuration (by default `province`, `city`, `flood`, `spike`). */
export type SceneId = string;

/**
 * A scene of the wall configuration (GET /api/wall/config; DEFAULT_WALL_CONFIG until it arrives): where
 * the camera goes ('spike': the ward with the most open incidents per resident), its layers, its title,
 * how long it stays, whether the city-centre inset shows.
 */
export type Scene = WallScene;

const ALL: readonly WallLayer[] = WALL_LAYERS;

/** A new top-priority alarm holds the wall this long before the rotation goes on. */
export const FOCUS_MS = 120_000;
/**
 * After a pause the rotation runs at least this long before another alarm may pause it again: on a busy
 * day (or a simulator at high speed) top-priority reports would otherwise hold the wall for good. They
 * still reach the ticker and the map at once. A gauge at BĐ III is the exception: it always takes the wall.
 */
export const FOCUS_COOLDOWN_MS = 180_000;
/** A pause that newer alarms keep taking over ends this long after it began, all together. */
export const FOCUS_MAX_MS = 300_000;

export interface PlaylistConfig {
  /** The configuration's scenes by id. */
  scenes: ReadonlyMap<SceneId, Scene>;
  normal: readonly SceneId[];
  flood: readonly SceneId[];
  /** Dwell per scene (ms); null keeps each scene's own. */
  dwellMs: number | null;
  /** Layers allowed by `?layers=` (intersected with each scene's). */
  layers: ReadonlySet<WallLayer>;
  /** false: stay on the first scene (`?rotate=off`). */
  rotate: boolean;
}

/**
 * The rotation for this screen: the configuration's scenes and playlists, narrowed by the URL —
 * `?scenes=province,city,flood,spike` (ids of the configuration's scenes; order kept, unknown ids
 * dropped; the same list in flood mode), `?dwell=30` (seconds), `?layers=incidents,sensors,…`,
 * `?rotate=off`.
 */
export function playlistFromUrl(url: URL, wall: WallConfig = DEFAULT_WALL_CONFIG): PlaylistConfig {
  // `wall` passed validateWallConfig: its playlists are not empty and name only its own scenes.
  const scenes = new Map(wall.scenes.map((s) => [s.id, s]));
  const picked = (url.searchParams.get('scenes') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => scenes.has(s));
  const dwell = Number(url.searchParams.get('dwell'));
  const layersParam = url.searchParams.get('layers');
  const layers = layersParam
    ? new Set(
        layersParam
          .split(',')
          .map((s) => s.trim())
          .filter((s): s is WallLayer => (ALL as readonly string[]).includes(s)),
      )
    : new Set(ALL);
  return {
    scenes,
    normal: picked.length > 0 ? picked : wall.playlists.normal,
    flood: picked.length > 0 ? picked : wall.playlists.flood,
    dwellMs: Number.isFinite(dwell) && dwell >= 5 ? dwell * 1000 : null,
    layers,
    rotate: url.searchParams.get('rotate') !== 'off',
  };
}

export interface Focus {
  /** What the wall flies to: an alert's or incident's feature id. */
  id: string;
  position: readonly [number, number];
  /** The ticker line or alert that caused it (shown in the banner). */
  text: string;
  until: number;
}

export interface RotationState {
  mode: 'normal' | 'flood';
  index: number;
  /** When the current scene started (ms). */
  since: number;
  focus: Focus | null;
  /** When the current pause began (a newer alarm taking over keeps it); null while rotating. */
  pausedSince: number | null;
  /** When the last pause ended, for the cool-down; null when there was none. */
  resumedAt: number | null;
}

export function initialRotation(
  now: number,
  saved?: { mode?: unknown; index?: unknown } | null,
): RotationState {
  const mode = saved?.mode === 'flood' ? 'flood' : 'normal';
  const index =
    typeof saved?.index === 'number' && Number.isInteger(saved.index) && saved.index >= 0 ? saved.index : 0;
  return { mode, index, since: now, focus: null, pausedSince: null, resumedAt: null };
}

export function currentSceneId(state: RotationState, config: PlaylistConfig): SceneId {
  const list = state.mode === 'flood' ? config.flood : config.normal;
  return list[state.index % list.length] ?? DEFAULT_WALL_CONFIG.playlists.normal[0]!;
}

/** The scene the rotation is on (never undefined: a screen keeps turning whatever it is given). */
export function currentScene(state: RotationState, config: PlaylistConfig): Scene {
  return config.scenes.get(currentSceneId(state, config)) ?? DEFAULT_WALL_CONFIG.scenes[0]!;
}

export function dwellOf(scene: Scene, config: PlaylistConfig): number {
  return config.dwellMs ?? scene.dwellS * 1000;
}

/**
 * The rotation carried over to another configuration (the served one replacing the default the wall
 * started on): the same position in the playlist; the scene's dwell starts again only if its scene changed.
 */
export function rebaseRotation(
  state: RotationState,
  before: PlaylistConfig,
  after: PlaylistConfig,
  now: number,
): RotationState {
  const list = state.mode === 'flood' ? after.flood : after.normal;
  const next = { ...state, index: list.length > 0 ? state.index % list.length : 0 };
  return currentSceneId(state, before) === currentSceneId(next, after) ? next : { ...next, since: now };
}

/**
 * Advances the rotation to `now`: a focus holds until it expires; otherwise the scene changes after
 * its dwell. `flood` switches the scene set (and restarts it) when it changes.
 */
export function stepRotation(
  state: RotationState,
  config: PlaylistConfig,
  now: number,
  flood: boolean,
): RotationState {
  let s = state;
  const mode = flood ? 'flood' : 'normal';
  if (s.mode !== mode) s = { ...s, mode, index: 0, since: now };
  if (s.focus) {
    if (now < s.focus.until) return s;
    s = { ...s, focus: null, since: now, pausedSince: null, resumedAt: now };
  }
  if (!config.rotate) return s;
  if (now - s.since >= dwellOf(currentScene(s, config), config)) {
    const list = s.mode === 'flood' ? config.flood : config.normal;
    s = { ...s, index: (s.index + 1) % list.length, since: now };
  }
  return s;
}

/**
 * Holds the wall on a new top-priority alarm. During a pause a newer alarm takes it over, within
 * FOCUS_MAX_MS of the pause's start. Within FOCUS_COOLDOWN_MS after a pause the rotation goes on and the
 * same state is returned, unless `force` (a gauge at BĐ III).
 */
export function focusOn(
  state: RotationState,
  focus: Omit<Focus, 'until'>,
  now: number,
  opts: { force?: boolean; holdMs?: number } = {},
): RotationState {
  const holdMs = opts.holdMs ?? FOCUS_MS;
  if (state.focus && state.pausedSince !== null) {
    const until = Math.max(now + 5_000, Math.min(now + holdMs, state.pausedSince + FOCUS_MAX_MS));
    return { ...state, focus: { ...focus, until } };
  }
  const cooling = state.resumedAt !== null && now - state.resumedAt < FOCUS_COOLDOWN_MS;
  if (cooling && !opts.force) return state;
  return { ...state, focus: { ...focus, until: now + holdMs }, pausedSince: now };
}

/** Layers to draw: the scene's, within `?layers=`. A focus adds the alerts and incidents it is about. */
export function visibleLayers(
  scene: Scene,
  config: PlaylistConfig,
  focused: boolean,
): ReadonlySet<WallLayer> {
  const want = new Set<WallLayer>(scene.layers);
  if (focused) {
    want.add('alerts');
    want.add('incidents');
    want.add('sensors');
  }
  return new Set([...want].filter((l) => config.layers.has(l)));
}

/** A square-ish view around a point (± `half` degrees), for a focus or a ward spike. */
export function boundsAround([lon, lat]: readonly [number, number], half = 0.035): LonLatBounds {
  return [
    [lon - half * 1.6, lat - half],
    [lon + half * 1.6, lat + half],
  ];
}

/**
 * Where the camera goes: around a focus; for a 'spike' scene around the spiking ward (the city centre
 * until the wards layer has named one); otherwise the scene's bounds.
 */
export function viewOf(
  scene: Scene,
  focus: Pick<Focus, 'position'> | null,
  spike: readonly [number, number] | null,
): LonLatBounds {
  if (focus) return boundsAround(focus.position, 0.03);
  if (scene.view === 'spike') return spike ? boundsAround(spike, 0.05) : CITY_BOUNDS;
  return scene.view;
}
