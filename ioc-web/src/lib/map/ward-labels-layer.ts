import { TextLayer } from '@deck.gl/layers';
import type { PlacedText } from './placement';
import type { WardLabel } from './wards';

export function wardLabelSize(label: WardLabel): number {
  return label.urban ? 17 : 16;
}

/**
 * Ward names, drawn by deck.gl with the bundled Be Vietnam Pro (MapLibre labels would need a glyph
 * server). `characterSet: 'auto'` puts every Vietnamese letter the names use into the atlas.
 */
export function createWardLabelsLayer(labels: readonly PlacedText<WardLabel>[], fontFamily: string) {
  return new TextLayer<PlacedText<WardLabel>>({
    id: 'ward-labels',
    data: labels,
    getPosition: (d) => d.label.position,
    getText: (d) => d.label.text,
    getSize: (d) => wardLabelSize(d.label),
    getPixelOffset: (d) => d.offset,
    getColor: (d) => (d.label.urban ? [214, 226, 242, 235] : [170, 188, 210, 220]),
    fontFamily,
    fontWeight: 600,
    characterSet: 'auto',
    fontSettings: { sdf: true, fontSize: 64, buffer: 8, radius: 12 },
    outlineWidth: 4,
    outlineColor: [5, 13, 23, 230],
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
  });
}
