import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { IncidentAttributes } from '$lib/wall/incidents';

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

type HeatData = {
  length: number;
  attributes: {
    getPosition: { value: Float64Array; size: 2 };
    getWeight: { value: Float32Array; size: 1 };
  };
};

/** One deck.gl data object per version of the attributes: deck.gl re-uploads when it gets another. */
const heatData = new WeakMap<IncidentAttributes, HeatData>();

function heatDataOf(data: IncidentAttributes): HeatData {
  let d = heatData.get(data);
  if (!d) {
    const weights = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) weights[i] = heatWeight(data.priority[i]!);
    d = {
      length: data.length,
      attributes: {
        getPosition: { value: data.position, size: 2 },
        getWeight: { value: weights, size: 1 },
      },
    };
    heatData.set(data, d);
  }
  return d;
}

/**
 * Where open incidents concentrate (GPU aggregation). Fed binary attributes (WallIncidents.attributes):
 * a delta re-uploads two buffers instead of calling getPosition/getWeight for each of 100,000 incidents.
 */
export function createHeatLayer(data: IncidentAttributes, visible: boolean) {
  return new HeatmapLayer({
    id: 'incidents-heat',
    data: heatDataOf(data),
    visible,
    radiusPixels: 70,
    intensity: 1.2,
    threshold: 0.06,
    colorRange: RAMP,
    opacity: 0.75,
    aggregation: 'SUM',
  });
}
