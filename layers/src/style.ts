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

/**
 * Incident colours by priority (1 = highest … 4 = lowest), Okabe–Ito like the sensor states so the wall
 * reads the same with the common colour-vision deficiencies. The wall also varies the symbol's shape and
 * size by priority: colour is never the only cue.
 */
export const PRIORITY_COLORS: Readonly<Record<1 | 2 | 3 | 4, Rgba>> = {
  1: [213, 94, 0, 255], // vermilion — urgent
  2: [230, 159, 0, 255], // orange
  3: [240, 228, 66, 255], // yellow
  4: [86, 180, 233, 255], // sky blue — routine
};

export const PRIORITY_LABELS: Readonly<Record<1 | 2 | 3 | 4, { vi: string; en: string }>> = {
  1: { vi: 'Khẩn cấp', en: 'Urgent' },
  2: { vi: 'Cao', en: 'High' },
  3: { vi: 'Trung bình', en: 'Medium' },
  4: { vi: 'Thấp', en: 'Low' },
};

/** An incident past its hạn xử lý (deadline) is ringed in this colour (reddish purple, Okabe–Ito). */
export const OVERDUE_COLOR: Rgba = [204, 121, 167, 255];

/**
 * `alerts` layer colours by level: 1–3 share the BĐ I–III sensor colours (for a gauge they are the
 * báo động levels; for other kinds the kind's warning bands); 0 is a device gone silent.
 */
export const ALERT_LEVEL_COLORS: Readonly<Record<0 | 1 | 2 | 3, Rgba>> = {
  0: SENSOR_STATE_COLORS.offline,
  1: SENSOR_STATE_COLORS.alarm1,
  2: SENSOR_STATE_COLORS.alarm2,
  3: SENSOR_STATE_COLORS.alarm3,
};

/** A priority outside 1–4 (bad data) is drawn as the lowest. */
export function priorityColor(priority: number): Rgba {
  return PRIORITY_COLORS[(priority >= 1 && priority <= 4 ? Math.round(priority) : 4) as 1 | 2 | 3 | 4];
}
