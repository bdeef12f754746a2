import type { LonLatBounds } from '../map/base-style';
import { CITY_BOUNDS, FLOOD_BOUNDS, PROVINCE_BOUNDS } from '../map/views';

/** What the wall can draw; `?layers=` picks among them (default: all). */
export const WALL_LAYERS = [
  'incidents',
  'clusters',
  'heat',
  'sensors',
  'cameras',
  'wards',
  'alerts',
] as const;
export type WallLayer = (typeof WALL_LAYERS)[number];

export type SceneId = 'province' | 'city' | 'flood' | 'spike';

export interface Scene {
  id: SceneId;
  /** Where the camera goes; 'spike' is resolved at run time to the ward with the most open incidents per resident. */
  view: LonLatBounds | 'spike';
  layers: readonly WallLayer[];
  dwellMs: number;
  /** The city-centre inset is shown (only where the main map shows the whole province). */
  inset: boolean;
}

const ALL: readonly WallLayer[] = WALL_LAYERS;

/** The default playlist's scenes (the "province overview → city centre → flood stations → a ward with a spike"). */
export const SCENES: Readonly<Record<SceneId, Scene>> = {
  province: {
    id: 'province',
    view: PROVINCE_BOUNDS,
    layers: ['clusters', 'heat', 'sensors', 'wards', 'alerts'],
    dwellMs: 40_000,
    inset: true,
  },
  city: {
    id: 'city',
    view: CITY_BOUNDS,
    layers: ['incidents', 'sensors', 'cameras', 'alerts'],
    dwellMs: 30_000,
    inset: false,
  },
  flood: {
    id: 'flood',
    view: FLOOD_BOUNDS,
    layers: ['sensors', 'alerts', 'cameras', 'incidents'],
    dwellMs: 25_000,
    inset: false,
  },
  spike: {
    id: 'spike',
    view: 'spike',
    layers: ['incidents', 'wards', 'cameras', 'alerts', 'sensors'],
    dwellMs: 25_000,
    inset: false,
  },
};

export const DEFAULT_PLAYLIST: readonly SceneId[] = ['province', 'city', 'flood', 'spike'];
/** When a gauge reaches BĐ II the wall watches the rivers: the flood scene comes every other time. */
export const FLOOD_PLAYLIST: readonly SceneId[] = ['flood', 'province', 'flood', 'city'];

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
  normal: readonly SceneId[];
  flood: readonly SceneId[];
  /** Dwell per scene (ms); null keeps each scene's own. */
  dwellMs: number | null;
  /** Layers allowed by `?layers=` (intersected with each scene's). */
  layers: ReadonlySet<WallLayer>;
  /** false: stay on the first scene (`?rotate=off`). */
  rotate: boolean;
}

function isSceneId(s: string): s is SceneId {
  return s in SCENES;
}

/**
 * `?scenes=province,city,flood,spike` (order kept; unknown names dropped), `?dwell=30` (seconds),
 * `?layers=incidents,sensors,…`, `?rotate=off`.
 */
export function playlistFromUrl(url: URL): PlaylistConfig {
  const scenes = (url.searchParams.get('scenes') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(isSceneId);
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
    normal: scenes.length > 0 ? scenes : DEFAULT_PLAYLIST,
    flood: scenes.length > 0 ? scenes : FLOOD_PLAYLIST,
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
  return list[state.index % list.length] ?? 'province';
}

export function dwellOf(scene: Scene, config: PlaylistConfig): number {
  return config.dwellMs ?? scene.dwellMs;
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
  const scene = SCENES[currentSceneId(s, config)];
  if (now - s.since >= dwellOf(scene, config)) {
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
