import type { LabelSide } from '@hue-ioc/layers/deck';

/**
 * Screen-space label placement for the wall. The wall's view does not move, so this runs when the
 * view is sized and when sensors are added, removed or moved — not on every reading.
 */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export type Project = (lonLat: [number, number]) => { x: number; y: number };

export interface Viewport {
  width: number;
  height: number;
}

export function overlapsAny(box: Box, placed: readonly Box[]): boolean {
  return placed.some((b) => box.x0 < b.x1 && box.x1 > b.x0 && box.y0 < b.y1 && box.y1 > b.y0);
}

/** A label must be whole on screen: half a reading is worse than none. */
function fits(box: Box, view: Viewport): boolean {
  return box.x0 >= 0 && box.y0 >= 0 && box.x1 <= view.width && box.y1 <= view.height;
}

export interface SensorAnchor {
  id: string;
  position: readonly [number, number];
  /** Lower is placed first: the most urgent sensors get their preferred side. */
  priority: number;
  /** Radius in px the dot (with its alarm halo) covers. */
  radius: number;
  /** false: draw the dot only (its label is shown elsewhere, e.g. in an inset). */
  label: boolean;
}

/**
 * Room in pixels a value label takes and its distance from the dot's centre (sensors-layer.ts: dots
 * up to 19 px, the label 10 px off the dot's edge).
 */
const LABEL_WIDTH = 165;
const LABEL_HEIGHT = 36;
const GAP = 26;

function labelBox(x: number, y: number, side: LabelSide): Box {
  const h = LABEL_HEIGHT / 2;
  if (side === 'right') return { x0: x + GAP, x1: x + GAP + LABEL_WIDTH, y0: y - h, y1: y + h };
  if (side === 'left') return { x0: x - GAP - LABEL_WIDTH, x1: x - GAP, y0: y - h, y1: y + h };
  const [y0, y1] = side.startsWith('above')
    ? [y - GAP - LABEL_HEIGHT, y - GAP]
    : [y + GAP, y + GAP + LABEL_HEIGHT];
  if (side.endsWith('-right')) return { x0: x, x1: x + LABEL_WIDTH, y0, y1 };
  if (side.endsWith('-left')) return { x0: x - LABEL_WIDTH, x1: x, y0, y1 };
  return { x0: x - LABEL_WIDTH / 2, x1: x + LABEL_WIDTH / 2, y0, y1 };
}

/** Preferred first: beside the dot, then centred above or below, then diagonally. */
const SIDES: readonly LabelSide[] = [
  'right',
  'left',
  'above',
  'below',
  'above-right',
  'below-right',
  'above-left',
  'below-left',
];

/**
 * Picks a side for each sensor's label so that labels of close sensors (Kim Long and 83 Hùng Vương
 * are 5 km apart: a few pixels at the province's zoom) do not cover each other or a dot; null where
 * no side is free — the reading is still in the side panel. Returns the sides and every box taken,
 * which the ward labels then keep clear of.
 */
export function placeSensorLabels(
  sensors: readonly SensorAnchor[],
  project: Project,
  view: Viewport,
  keepClear: readonly Box[],
): { sides: Map<string, LabelSide | null>; taken: Box[] } {
  const points = sensors.map((s, i) => ({ i, s, p: project([s.position[0], s.position[1]]) }));
  const dots = points.map(({ s, p }) => ({
    x0: p.x - s.radius,
    x1: p.x + s.radius,
    y0: p.y - s.radius,
    y1: p.y + s.radius,
  }));
  const labels: Box[] = [];
  const sides = new Map<string, LabelSide | null>();
  for (const { i, s, p } of [...points].sort((a, b) => a.s.priority - b.s.priority)) {
    const blocked = [...keepClear, ...labels, ...dots.filter((_, j) => j !== i)];
    const free = (d: LabelSide) => {
      const box = labelBox(p.x, p.y, d);
      return fits(box, view) && !overlapsAny(box, blocked);
    };
    const side = s.label ? SIDES.find(free) : undefined;
    sides.set(s.id, side ?? null);
    if (side) labels.push(labelBox(p.x, p.y, side));
  }
  return { sides, taken: [...dots, ...labels] };
}

export interface TextLabel {
  text: string;
  position: [number, number];
  /** Higher is placed first. */
  weight: number;
}

export interface PlacedText<L> {
  label: L;
  /** Pixel offset from the anchor where the label found room. */
  offset: [number, number];
}

/**
 * Greedy placement of text labels: heaviest first, each at its anchor or, failing that, just below
 * or above it (a sensor often sits on a ward's label point); dropped when no spot is free. Width is
 * estimated at 0.6 em per character.
 */
export function placeTextLabels<L extends TextLabel>(
  labels: readonly L[],
  project: Project,
  sizeOf: (label: L) => number,
  view: Viewport,
  keepClear: readonly Box[],
  margin = 6,
): PlacedText<L>[] {
  const placed: Box[] = [...keepClear];
  const out: PlacedText<L>[] = [];
  for (const label of [...labels].sort((a, b) => b.weight - a.weight)) {
    const { x, y } = project(label.position);
    const size = sizeOf(label);
    const half = (Array.from(label.text).length * size * 0.6) / 2 + margin;
    // Far enough to clear a sensor dot (up to 28 px with its halo) sitting on the anchor.
    const step = 28 + size / 2 + margin;
    for (const dy of [0, step, -step]) {
      const cy = y + dy;
      const box = { x0: x - half, x1: x + half, y0: cy - size / 2 - margin, y1: cy + size / 2 + margin };
      if (!fits(box, view) || overlapsAny(box, placed)) continue;
      placed.push(box);
      out.push({ label, offset: [0, dy] });
      break;
    }
  }
  return out;
}
