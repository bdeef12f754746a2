import { IconLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { Feature, Position } from '../feature.ts';
import { isFinishedStatus, type IncidentProps } from '../incident.ts';
import { OVERDUE_COLOR, priorityColor, type Rgba } from '../style.ts';
import { changedRowRanges } from './data-diff.ts';
import { SHAPE_MAPPING, shapeAtlas, type ShapeName } from './shape-atlas.ts';

/** An incident that has a position: the only kind the map can draw. */
export type PlacedIncident = Feature<IncidentProps> & { readonly position: Position };

/** A group of incidents drawn as one disc with a count (computed by the caller, e.g. supercluster). */
export interface IncidentCluster {
  readonly id: string;
  readonly position: Position;
  readonly count: number;
  /** The highest priority among its incidents (1 = highest). */
  readonly topPriority: number;
  readonly overdue: number;
}

/** A finished incident (FINISHED_INCIDENT_STATUSES) leaves the wall. */
export function isOpenIncident(props: IncidentProps): boolean {
  return !isFinishedStatus(props.status);
}

/** Past its hạn xử lý (deadline) at `now` (ms) and still open. */
export function isOverdue(props: IncidentProps, now: number): boolean {
  if (props.dueAt === null || !isOpenIncident(props)) return false;
  const due = Date.parse(props.dueAt);
  return Number.isFinite(due) && due < now;
}

/** Priority → shape: urgent is a warning triangle, then diamond, square, dot. */
export const PRIORITY_SHAPES: Readonly<Record<1 | 2 | 3 | 4, ShapeName>> = {
  1: 'triangle',
  2: 'diamond',
  3: 'square',
  4: 'circle',
};

/** Symbol size in px by priority: more urgent is bigger, a second cue besides colour and shape. */
export const PRIORITY_SIZE_PX: Readonly<Record<1 | 2 | 3 | 4, number>> = { 1: 40, 2: 32, 3: 26, 4: 22 };

function p4(priority: number): 1 | 2 | 3 | 4 {
  return (priority >= 1 && priority <= 4 ? Math.round(priority) : 4) as 1 | 2 | 3 | 4;
}

export interface IncidentsLayerProps {
  id?: string;
  /**
   * Incidents drawn one by one, in a stable order. Pass a new array after every delta and never mutate
   * a feature: rows are compared by reference so only replaced rows are recomputed.
   */
  points: readonly PlacedIncident[];
  /** Groups drawn as counted discs (empty when the view is close enough to show every incident). */
  clusters?: readonly IncidentCluster[];
  /** Clock (ms) for the overdue ring; pass it rounded (e.g. to the minute): it is an update trigger. */
  now: number;
  /** false leaves the count labels out (wait for the font: deck.gl draws its glyph atlas once). */
  showCounts?: boolean;
  fontFamily?: string;
  visible?: boolean;
}

const DARK: Rgba = [6, 10, 16, 235];
const WHITE: Rgba = [255, 255, 255, 255];

export function clusterRadiusPx(count: number): number {
  return Math.min(44, 16 + Math.sqrt(count) * 4);
}

/**
 * The `incidents` live layer as deck.gl layers: a dark outline and the priority-shaped, priority-coloured
 * symbol per incident, a reddish-purple ring when overdue; clusters as discs coloured by their most urgent
 * incident with the count in white.
 */
export function createIncidentsLayers(props: IncidentsLayerProps): Layer[] {
  const id = props.id ?? 'incidents';
  const visible = props.visible ?? true;
  const clusters = props.clusters ?? [];
  const atlas = shapeAtlas();
  const points = props.points;
  const common = {
    data: points,
    visible,
    getPosition: (d: PlacedIncident) => d.position,
    _dataDiff: changedRowRanges,
  };
  const layers: Layer[] = [];

  layers.push(
    new ScatterplotLayer<PlacedIncident>({
      ...common,
      id: `${id}-overdue`,
      stroked: true,
      filled: false,
      radiusUnits: 'pixels',
      lineWidthUnits: 'pixels',
      getRadius: (d) => PRIORITY_SIZE_PX[p4(d.props.priority)] / 2 + 7,
      getLineWidth: 4,
      getLineColor: (d) => (isOverdue(d.props, props.now) ? OVERDUE_COLOR : [0, 0, 0, 0]),
      updateTriggers: { getLineColor: props.now },
    }),
    new IconLayer<PlacedIncident>({
      ...common,
      id: `${id}-outline`,
      iconAtlas: atlas,
      iconMapping: SHAPE_MAPPING,
      getIcon: (d) => PRIORITY_SHAPES[p4(d.props.priority)],
      sizeUnits: 'pixels',
      getSize: (d) => PRIORITY_SIZE_PX[p4(d.props.priority)] + 8,
      getColor: DARK,
    }),
    new IconLayer<PlacedIncident>({
      ...common,
      id: `${id}-symbols`,
      iconAtlas: atlas,
      iconMapping: SHAPE_MAPPING,
      getIcon: (d) => PRIORITY_SHAPES[p4(d.props.priority)],
      sizeUnits: 'pixels',
      getSize: (d) => PRIORITY_SIZE_PX[p4(d.props.priority)],
      getColor: (d) => priorityColor(d.props.priority),
    }),
  );

  if (props.clusters) {
    const clusterCommon = { data: clusters, visible, getPosition: (d: IncidentCluster) => d.position };
    layers.push(
      new ScatterplotLayer<IncidentCluster>({
        ...clusterCommon,
        id: `${id}-clusters`,
        stroked: true,
        filled: true,
        radiusUnits: 'pixels',
        lineWidthUnits: 'pixels',
        getRadius: (d) => clusterRadiusPx(d.count),
        getFillColor: (d) => priorityColor(d.topPriority),
        // Overdue inside: the ring is the overdue colour, as for single incidents.
        getLineColor: (d) => (d.overdue > 0 ? OVERDUE_COLOR : WHITE),
        getLineWidth: (d) => (d.overdue > 0 ? 5 : 3),
      }),
    );
    if (props.showCounts ?? true) {
      layers.push(
        new TextLayer<IncidentCluster>({
          ...clusterCommon,
          id: `${id}-cluster-counts`,
          getText: (d) => String(d.count),
          getSize: (d) => (d.count >= 100 ? 22 : 26),
          getColor: [8, 12, 18, 255],
          fontFamily: props.fontFamily ?? '"Be Vietnam Pro", system-ui, sans-serif',
          fontWeight: 800,
          characterSet: '0123456789',
          fontSettings: { sdf: true, fontSize: 64, buffer: 6, radius: 12 },
          outlineWidth: 0,
        }),
      );
    }
  }
  return layers;
}
