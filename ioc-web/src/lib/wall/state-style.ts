import { SENSOR_STATE_COLORS, rgbaToCss, type SensorState } from '@hue-ioc/layers';

/** Badge colours: the state colour with text dark enough to read on it (every state colour is light or mid). */
export function badgeStyle(state: SensorState): string {
  return `background: ${rgbaToCss(SENSOR_STATE_COLORS[state])}; color: #0a0e14;`;
}

export function stateColor(state: SensorState): string {
  return rgbaToCss(SENSOR_STATE_COLORS[state]);
}
