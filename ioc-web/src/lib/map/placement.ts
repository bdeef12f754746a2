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

export function overlapsAny(box: Box, placed: readonly Box[]): boolean {
  return placed.some((b) => box.x0 < b.x1 && box.x1 > b.x0 && box.y0 < b.y1 && box.y1 > b.y0);
}

export interface SensorAnchor {
  id: string;
  position: readonly [number, number];
  /** Lower is placed first: the most urgent sensors get their preferred side. */
  priority: number;
}

/**
 * Room in pixels a sensor's dot and its value label take (sensors-layer.ts: dots up to 19 px, the
 * alarm halo 9 px more, the label 10 px off the dot's edge).
 */
const DOT_RADIUS = 24;
const LABEL_WIDTH = 150;
const LABEL_HEIGHT = 34;
const GAP = 26;

function labelBox(x: number, y: number, side: LabelSide): Box {
  switch (side) {
    case 'right':
      return { x0: x + GAP, x1: x + GAP + LABEL_WIDTH, y0: y - LABEL_HEIGHT / 2, y1: y + LABEL_HEIGHT / 2 };
    case 'left':
      return { x0: x - GAP - LABEL_WIDTH, x1: x - GAP, y0: y - LABEL_HEIGHT / 2, y1: y + LABEL_HEIGHT / 2 };
    case 'above':
      return { x0: x - LABEL_WIDTH / 2, x1: x + LABEL_WIDTH / 2, y0: y - GAP - LABEL_HEIGHT, y1: y - GAP };
    case 'below':
      return { x0: x - LABEL_WIDTH / 2, x1: x + LABEL_WIDTH / 2, y0: y + GAP, y1: y + GAP + LABEL_HEIGHT };
  }
}

const SIDES: readonly LabelSide[] = ['right', 'left', 'above', 'below'];

/**
 * Picks a side for each sensor's label so that labels of close sensors (Kim Long and 83 Hùng Vương
 * are 5 km apart: a few pixels at the province's zoom) do not cover each other or a dot. Returns
 * the sides and every box taken, which the ward labels then keep clear of.
 */
export function placeSensorLabels(
  sensors: readonly SensorAnchor[],
  project: Project,
  keepClear: readonly Box[],
): { sides: Map<string, LabelSide>; taken: Box[] } {
  const points = sensors.map((s, i) => ({ i, s, p: project([s.position[0], s.position[1]]) }));
  const dots = points.map(({ p }) => ({
    x0: p.x - DOT_RADIUS,
    x1: p.x + DOT_RADIUS,
    y0: p.y - DOT_RADIUS,
    y1: p.y + DOT_RADIUS,
  }));
  const labels: Box[] = [];
  const sides = new Map<string, LabelSide>();
  for (const { i, s, p } of [...points].sort((a, b) => a.s.priority - b.s.priority)) {
    const blocked = [...keepClear, ...labels, ...dots.filter((_, j) => j !== i)];
    const free = SIDES.find((side) => !overlapsAny(labelBox(p.x, p.y, side), blocked));
    const side = free ?? 'right';
    sides.set(s.id, side);
    labels.push(labelBox(p.x, p.y, side));
  }
  return { sides, taken: [...dots, ...labels] };
}

export interface TextLabel {
  text: string;
  position: [number, number];
  /** Higher is placed first. */
  weight: number;
}

/**
 * Greedy placement of text labels: heaviest first; a label is dropped when its box would overlap
 * one already placed or an area kept clear. Width is estimated at 0.6 em per character.
 */
export function placeTextLabels<L extends TextLabel>(
  labels: readonly L[],
  project: Project,
  sizeOf: (label: L) => number,
  keepClear: readonly Box[],
  margin = 6,
): L[] {
  const placed: Box[] = [...keepClear];
  const out: L[] = [];
  for (const label of [...labels].sort((a, b) => b.weight - a.weight)) {
    const { x, y } = project(label.position);
    const size = sizeOf(label);
    const half = (Array.from(label.text).length * size * 0.6) / 2 + margin;
    const box = { x0: x - half, x1: x + half, y0: y - size / 2 - margin, y1: y + size / 2 + margin };
    if (overlapsAny(box, placed)) continue;
    placed.push(box);
    out.push(label);
  }
  return out;
}
