import { ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Feature, Position } from '../feature.ts';
import type { SensorProps, SensorState } from '../sensor.ts';
import { SENSOR_STATE_COLORS, type Rgba } from '../style.ts';
import { changedRowRanges, changedTail } from './data-diff.ts';

/** A sensor that has a position: the only kind the map can draw. */
export type PlacedSensor = Feature<SensorProps> & { readonly position: Position };

/** Where a sensor's label sits relative to its dot ('above-right': above, running rightwards). */
export type LabelSide =
  'right' | 'left' | 'above' | 'below' | 'above-right' | 'above-left' | 'below-right' | 'below-left';

export interface SensorsLayerProps {
  /** Layer id prefix; sub-layers are `${id}-halo`, `${id}-dots`, `${id}-labels`. */
  id?: string;
  /**
   * The `sensors` layer's features in a stable order (as a LayerState's map yields them). Pass a new
   * array after every delta and never mutate a feature: rows are compared by reference so only the
   * rows a delta replaced are recomputed. Features without a position are skipped.
   */
  data: readonly Feature<SensorProps>[];
  /** Text next to each dot; `null` hides it. Default: the value with its unit. */
  getLabel?: (props: SensorProps) => string | null;
  /** Change it whenever `getLabel` would answer differently for the same feature (e.g. the locale). */
  labelKey?: string;
  /**
   * Label side per feature id (default right; null: no label), e.g. from a screen-space placement
   * that keeps close sensors' labels apart. Pass a new map only when a side changes: it is the
   * update trigger.
   */
  labelSides?: ReadonlyMap<string, LabelSide | null>;
  /**
   * false leaves the label layer out altogether (not merely hidden): deck.gl draws the glyph atlas
   * when the layer is created, so wait until the font is loaded.
   */
  showLabels?: boolean;
  /** A CSS font family that is already loaded: the glyph atlas is drawn once from it. */
  fontFamily?: string;
  pickable?: boolean;
  visible?: boolean;
}

export const SENSORS_LAYER_DEFAULTS = {
  id: 'sensors',
  labelKey: '',
  showLabels: true,
  fontFamily: '"Be Vietnam Pro", system-ui, sans-serif',
  pickable: false,
  visible: true,
} satisfies Partial<SensorsLayerProps>;

/**
 * Dot radius in pixels: alarms grow with the BĐ level so that size, not only colour, tells the
 * levels apart (readable by colour-blind operators and from across the room).
 */
export const SENSOR_RADIUS_PX: Readonly<Record<SensorState, number>> = {
  normal: 9,
  alarm1: 12,
  alarm2: 15,
  alarm3: 19,
  offline: 7,
  unknown: 7,
};

/** The alarm halo's ring: its radius past the dot's, and its width. */
const HALO_GAP_PX = 9;
const HALO_WIDTH_PX = 3;

const WHITE: Rgba = [255, 255, 255, 255];
const BLACK: Rgba = [10, 14, 20, 255];
const NONE: Rgba = [0, 0, 0, 0];
const LABEL_BACKGROUND: Rgba = [8, 14, 24, 225];
const LABEL_TEXT: Rgba = [240, 244, 250, 255];

function isAlarm(state: SensorState): boolean {
  return state === 'alarm1' || state === 'alarm2' || state === 'alarm3';
}

/** Radius in px a sensor's symbol covers, outline and alarm halo included: for label placement. */
export function sensorFootprintPx(state: SensorState): number {
  return SENSOR_RADIUS_PX[state] + (isAlarm(state) ? HALO_GAP_PX + HALO_WIDTH_PX / 2 : 1.5);
}

/** Offline sensors are drawn hollow-looking: dark fill, grey ring. */
function fillColor(state: SensorState): Rgba {
  return state === 'offline' ? [40, 44, 52, 255] : SENSOR_STATE_COLORS[state];
}

/** Alarms get a white ring, everything else a black one: a second cue besides the fill. */
function lineColor(state: SensorState): Rgba {
  if (state === 'offline') return SENSOR_STATE_COLORS.offline;
  return isAlarm(state) ? WHITE : BLACK;
}

function haloColor(state: SensorState): Rgba {
  if (!isAlarm(state)) return NONE;
  const [r, g, b] = SENSOR_STATE_COLORS[state];
  return [r, g, b, 170];
}

function formatValue(value: number, kind: string): string {
  if (kind === 'water_level') return value.toFixed(2);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1);
}

/** Default label: "2.35 m", "38 µg/m³"; "—" when there is no reading. */
export function defaultSensorLabel(props: SensorProps): string {
  if (props.value === null) return '—';
  const value = formatValue(props.value, props.kind);
  return props.unit ? `${value} ${props.unit}` : value;
}

const NO_SIDES: ReadonlyMap<string, LabelSide | null> = new Map();

/** Gap in pixels between a dot's edge and its label. */
const LABEL_GAP_PX = 10;

function labelOffset(side: LabelSide, radius: number): [number, number] {
  const d = radius + LABEL_GAP_PX;
  if (side === 'right') return [d, 0];
  if (side === 'left') return [-d, 0];
  return [0, side.startsWith('above') ? -d : d];
}

function labelAnchor(side: LabelSide): 'start' | 'middle' | 'end' {
  if (side === 'right' || side.endsWith('-right')) return 'start';
  if (side === 'left' || side.endsWith('-left')) return 'end';
  return 'middle';
}

function labelBaseline(side: LabelSide): 'top' | 'center' | 'bottom' {
  if (side.startsWith('above')) return 'bottom';
  if (side.startsWith('below')) return 'top';
  return 'center';
}

function isPlaced(f: Feature<SensorProps>): f is PlacedSensor {
  return f.position !== null;
}

/**
 * The `sensors` live layer as deck.gl layers: an alarm halo, the state-coloured dots and a value
 * label per sensor. Call it on every render with the current data; deck.gl diffs the props.
 */
export function createSensorsLayers(
  props: SensorsLayerProps,
): (ScatterplotLayer<PlacedSensor> | TextLayer<PlacedSensor>)[] {
  const p = { ...SENSORS_LAYER_DEFAULTS, ...props };
  const getLabel = p.getLabel ?? defaultSensorLabel;
  const data = p.data.filter(isPlaced);
  const common = {
    data,
    visible: p.visible,
    getPosition: (d: PlacedSensor) => d.position,
    _dataDiff: changedRowRanges,
  };

  const halo = new ScatterplotLayer<PlacedSensor>({
    ...common,
    id: `${p.id}-halo`,
    pickable: false,
    stroked: true,
    filled: false,
    radiusUnits: 'pixels',
    lineWidthUnits: 'pixels',
    getRadius: (d) => SENSOR_RADIUS_PX[d.props.state] + HALO_GAP_PX,
    getLineWidth: HALO_WIDTH_PX,
    getLineColor: (d) => haloColor(d.props.state),
  });

  const dots = new ScatterplotLayer<PlacedSensor>({
    ...common,
    id: `${p.id}-dots`,
    pickable: p.pickable,
    stroked: true,
    filled: true,
    radiusUnits: 'pixels',
    lineWidthUnits: 'pixels',
    getRadius: (d) => SENSOR_RADIUS_PX[d.props.state],
    getFillColor: (d) => fillColor(d.props.state),
    getLineColor: (d) => lineColor(d.props.state),
    getLineWidth: (d) => (isAlarm(d.props.state) ? 3 : 2),
  });

  if (!p.showLabels) return [halo, dots];

  const sides = p.labelSides ?? NO_SIDES;
  const sideOf = (d: PlacedSensor): LabelSide => sides.get(d.id) ?? 'right';
  // No text (and no empty label box) where the label is null or placed nowhere.
  const labelled = data.filter((d) => sides.get(d.id) !== null && getLabel(d.props) !== null);
  // An empty character set makes an empty glyph atlas, which WebGL rejects.
  if (labelled.length === 0) return [halo, dots];

  const labels = new TextLayer<PlacedSensor>({
    ...common,
    data: labelled,
    _dataDiff: changedTail,
    id: `${p.id}-labels`,
    pickable: false,
    getText: (d) => getLabel(d.props) ?? '',
    getSize: (d) => (isAlarm(d.props.state) ? 24 : 20),
    getColor: LABEL_TEXT,
    getTextAnchor: (d) => labelAnchor(sideOf(d)),
    getAlignmentBaseline: (d) => labelBaseline(sideOf(d)),
    getPixelOffset: (d) => labelOffset(sideOf(d), SENSOR_RADIUS_PX[d.props.state]),
    background: true,
    getBackgroundColor: LABEL_BACKGROUND,
    getBorderColor: (d) => fillColor(d.props.state),
    getBorderWidth: (d) => (isAlarm(d.props.state) ? 2 : 0),
    backgroundPadding: [8, 4],
    fontFamily: p.fontFamily,
    fontWeight: 600,
    // Glyphs come from the data, so Vietnamese diacritics and units like "µg/m³" are in the atlas.
    characterSet: 'auto',
    fontSettings: { sdf: true, fontSize: 64, buffer: 6, radius: 12 },
    updateTriggers: {
      getText: p.labelKey,
      getTextAnchor: sides,
      getAlignmentBaseline: sides,
      getPixelOffset: sides,
    },
  });

  return [halo, dots, labels];
}
