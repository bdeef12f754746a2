import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { PlacedIncident } from '@hue-ioc/layers/deck';

/**
 * Colour ramp of the incident heatmap: dark violet → magenta → orange → pale yellow (inferno-like,
 * monotonic in lightness, so it reads for every common colour-vision deficiency and in greyscale).
 */
const RAMP: [number, number, number, number][] = [
  [40, 11, 84, 0],
  [101, 21, 110, 150],
  [159, 42, 99, 190],
  [212, 72, 66, 215],
  [245, 125, 21, 230],
  [250, 193, 39, 240],
];

/** Weight of an incident in the heat: urgent counts four times a routine one. */
export function heatWeight(priority: number): number {
  return Math.max(1, 5 - priority);
}

/** Where open incidents concentrate (GPU aggregation; a new data array per delta re-aggregates). */
export function createHeatLayer(data: readonly PlacedIncident[], visible: boolean) {
  return new HeatmapLayer<PlacedIncident>({
    id: 'incidents-heat',
    data,
    visible,
    getPosition: (d) => d.position,
    getWeight: (d) => heatWeight(d.props.priority),
    radiusPixels: 70,
    intensity: 1.2,
    threshold: 0.06,
    colorRange: RAMP,
    opacity: 0.75,
    aggregation: 'SUM',
  });
}
