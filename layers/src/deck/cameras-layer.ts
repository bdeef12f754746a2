import { IconLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { Feature, Position } from '../feature.ts';
import type { CameraProps } from '../incident.ts';
import { SENSOR_STATE_COLORS, type Rgba } from '../style.ts';
import { changedRowRanges } from './data-diff.ts';
import { SHAPE_MAPPING, shapeAtlas } from './shape-atlas.ts';

export type PlacedCamera = Feature<CameraProps> & { readonly position: Position };

export interface CamerasLayerProps {
  id?: string;
  /** New array per delta, features never mutated (rows compared by reference). */
  data: readonly PlacedCamera[];
  /** Clock (ms), rounded: an event younger than `recentMs` is highlighted. */
  now: number;
  recentMs?: number;
  visible?: boolean;
}

const ONLINE: Rgba = [86, 180, 233, 255]; // sky blue
const RECENT: Rgba = [240, 228, 66, 255]; // yellow: an analytics event in the last minutes
const OFFLINE: Rgba = SENSOR_STATE_COLORS.offline;
const DARK: Rgba = [6, 10, 16, 235];

/** An analytics event (littering, flooding, …) newer than `recentMs` at `now`. */
export function hasRecentEvent(props: CameraProps, now: number, recentMs: number): boolean {
  if (!props.lastEvent) return false;
  const ts = Date.parse(props.lastEvent.ts);
  return Number.isFinite(ts) && now - ts <= recentMs;
}

/** Cameras: a camera glyph, crossed out and grey when offline, yellow and bigger after a recent event. */
export function createCamerasLayers(props: CamerasLayerProps): Layer[] {
  const id = props.id ?? 'cameras';
  const recentMs = props.recentMs ?? 10 * 60_000;
  const atlas = shapeAtlas();
  const recent = (d: PlacedCamera) => d.props.online && hasRecentEvent(d.props, props.now, recentMs);
  const common = {
    data: props.data,
    visible: props.visible ?? true,
    getPosition: (d: PlacedCamera) => d.position,
    getIcon: (d: PlacedCamera) => (d.props.online ? 'camera' : 'camera-off'),
    iconAtlas: atlas,
    iconMapping: SHAPE_MAPPING,
    sizeUnits: 'pixels' as const,
    _dataDiff: changedRowRanges,
  };
  return [
    new IconLayer<PlacedCamera>({
      ...common,
      id: `${id}-outline`,
      getSize: (d) => (recent(d) ? 38 : 30),
      getColor: DARK,
      updateTriggers: { getSize: props.now },
    }),
    new IconLayer<PlacedCamera>({
      ...common,
      id: `${id}-icons`,
      getSize: (d) => (recent(d) ? 32 : 24),
      getColor: (d) => (!d.props.online ? OFFLINE : recent(d) ? RECENT : ONLINE),
      updateTriggers: { getSize: props.now, getColor: props.now },
    }),
  ];
}
