import { ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { Feature, Position } from '../feature.ts';
import type { AlertProps } from '../incident.ts';
import { ALERT_LEVEL_COLORS, type Rgba } from '../style.ts';
import { changedRowRanges } from './data-diff.ts';

export type PlacedAlert = Feature<AlertProps> & { readonly position: Position };

export interface AlertsLayerProps {
  id?: string;
  /** New array per delta, features never mutated. */
  data: readonly PlacedAlert[];
  /**
   * Pulse phase 0–1. Only `radiusScale` and `opacity` follow it — uniforms, not attributes — so
   * animating the pulse recomputes nothing per alert.
   */
  phase: number;
  visible?: boolean;
}

/** Area radius in metres by level: a BĐ III gauge covers the river reach around it. */
export const ALERT_RADIUS_M: Readonly<Record<0 | 1 | 2 | 3, number>> = { 0: 300, 1: 700, 2: 1100, 3: 1600 };

function level(p: AlertProps): 0 | 1 | 2 | 3 {
  return (p.level >= 0 && p.level <= 3 ? p.level : 0) as 0 | 1 | 2 | 3;
}

function withAlpha([r, g, b]: Rgba, a: number): Rgba {
  return [r, g, b, a];
}

/**
 * Alerts as areas: a translucent disc in the level's colour and a ring that pulses outwards. Offline
 * devices (level 0) get a small grey disc and no pulse: they need attention, not alarm.
 */
export function createAlertsLayers(props: AlertsLayerProps): Layer[] {
  const id = props.id ?? 'alerts';
  const visible = props.visible ?? true;
  const alarms = props.data.filter((d) => d.props.kind === 'sensor_alarm');
  const common = {
    visible,
    getPosition: (d: PlacedAlert) => d.position,
    radiusUnits: 'meters' as const,
    radiusMinPixels: 14,
    _dataDiff: changedRowRanges,
  };
  return [
    new ScatterplotLayer<PlacedAlert>({
      ...common,
      data: props.data,
      id: `${id}-areas`,
      filled: true,
      stroked: true,
      lineWidthUnits: 'pixels',
      getRadius: (d) => ALERT_RADIUS_M[level(d.props)],
      getFillColor: (d) =>
        withAlpha(ALERT_LEVEL_COLORS[level(d.props)], d.props.kind === 'sensor_alarm' ? 70 : 40),
      getLineColor: (d) => withAlpha(ALERT_LEVEL_COLORS[level(d.props)], 200),
      getLineWidth: (d) => (level(d.props) === 3 ? 3 : 2),
    }),
    new ScatterplotLayer<PlacedAlert>({
      ...common,
      data: alarms,
      id: `${id}-pulse`,
      filled: false,
      stroked: true,
      lineWidthUnits: 'pixels',
      getRadius: (d) => ALERT_RADIUS_M[level(d.props)],
      getLineColor: (d) => ALERT_LEVEL_COLORS[level(d.props)],
      getLineWidth: (d) => 2 + level(d.props),
      radiusScale: 1 + props.phase * 0.8,
      opacity: 1 - props.phase * 0.85,
    }),
  ];
}
