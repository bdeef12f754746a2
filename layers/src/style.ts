import type { SensorState } from './sensor.ts';

export type Rgba = readonly [number, number, number, number];

/**
 * Sensor colours by state. Picked from the Okabe–Ito palette so that normal / BĐ I / II / III stay
 * distinguishable with the common colour-vision deficiencies; the wall also varies size and outline.
 */
export const SENSOR_STATE_COLORS: Readonly<Record<SensorState, Rgba>> = {
  normal: [0, 158, 115, 255], // bluish green
  alarm1: [240, 228, 66, 255], // yellow — BĐ I
  alarm2: [230, 159, 0, 255], // orange — BĐ II
  alarm3: [213, 94, 0, 255], // vermilion — BĐ III
  offline: [120, 120, 120, 255],
  unknown: [86, 180, 233, 255], // sky blue: registered, no reading yet
};

export const SENSOR_STATE_LABELS: Readonly<Record<SensorState, { vi: string; en: string }>> = {
  normal: { vi: 'Bình thường', en: 'Normal' },
  alarm1: { vi: 'Báo động I', en: 'Alarm level I' },
  alarm2: { vi: 'Báo động II', en: 'Alarm level II' },
  alarm3: { vi: 'Báo động III', en: 'Alarm level III' },
  offline: { vi: 'Mất kết nối', en: 'Offline' },
  unknown: { vi: 'Chưa có số liệu', en: 'No data yet' },
};

export function rgbaToCss([r, g, b, a]: Rgba): string {
  return `rgba(${r}, ${g}, ${b}, ${(a / 255).toFixed(3)})`;
}
