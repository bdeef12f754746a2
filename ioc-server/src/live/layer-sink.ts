import type { Feature, LayerId } from '@hue-ioc/layers';
import type { LayerSink } from '../ingest/ports.ts';
import type { LayerHub } from './layer-hub.ts';

/** One layer of the hub as a LayerSink: reads this node's state, appends to the shared event log. */
export function hubLayer<P>(hub: LayerHub, layer: LayerId): LayerSink<P> {
  return {
    get: (id) => hub.get(layer, id) as Feature<P> | undefined,
    features: () => hub.features(layer) as Feature<P>[],
    apply: async (upserts, removes = []) => {
      await hub.apply(layer, upserts, removes);
    },
  };
}
