import { Type, type Static } from '@sinclair/typebox';

/** Sensor kinds carried in the MQTT topic `hue/sensors/{kind}/{deviceId}`. */
export const SENSOR_KINDS = ['water_level', 'rain', 'air_quality', 'traffic'] as const;
export type SensorKind = (typeof SENSOR_KINDS)[number];
export const SensorKindSchema = Type.Union(SENSOR_KINDS.map((k) => Type.Literal(k)));

/**
 * Alarm thresholds, ascending. For river gauges these are the báo động (BĐ) levels of
 * QĐ 05/2020/QĐ-TTg: index 0 is BĐ I, 1 is BĐ II, 2 is BĐ III.
 */
export const ThresholdsSchema = Type.Array(Type.Number(), { maxItems: 3 });

/** What a sensor shows: 0 = normal, 1–3 = BĐ I–III (or the kind's own bands), or no data. */
export const SENSOR_STATES = ['normal', 'alarm1', 'alarm2', 'alarm3', 'offline', 'unknown'] as const;
export type SensorState = (typeof SENSOR_STATES)[number];

export const SensorPropsSchema = Type.Object({
  kind: Type.String(),
  name: Type.String(),
  wardCode: Type.Union([Type.String(), Type.Null()]),
  metric: Type.Union([Type.String(), Type.Null()]),
  value: Type.Union([Type.Number(), Type.Null()]),
  unit: Type.Union([Type.String(), Type.Null()]),
  /** ISO-8601 time of the reading shown. */
  observedAt: Type.Union([Type.String(), Type.Null()]),
  /** 0 normal, 1–3 = BĐ I–III for water level (or the kind's bands). */
  alarmLevel: Type.Integer({ minimum: 0, maximum: 3 }),
  state: Type.Union(SENSOR_STATES.map((s) => Type.Literal(s))),
  thresholds: ThresholdsSchema,
  /** Seconds between readings the device promises; silent for 3× this, it shows as offline. */
  expectedIntervalS: Type.Integer({ minimum: 1 }),
});
export type SensorProps = Static<typeof SensorPropsSchema>;

/** The highest threshold the value reaches (>=), 0 when below all of them. */
export function alarmLevelFor(value: number, thresholds: readonly number[]): 0 | 1 | 2 | 3 {
  let level = 0;
  for (let i = 0; i < thresholds.length && i < 3; i++) {
    const t = thresholds[i];
    if (t !== undefined && value >= t) level = i + 1;
  }
  return level as 0 | 1 | 2 | 3;
}

export function sensorStateFor(alarmLevel: number, online: boolean, hasValue: boolean): SensorState {
  if (!online) return 'offline';
  if (!hasValue) return 'unknown';
  if (alarmLevel >= 3) return 'alarm3';
  if (alarmLevel === 2) return 'alarm2';
  if (alarmLevel === 1) return 'alarm1';
  return 'normal';
}

const ROMAN = ['', 'I', 'II', 'III'] as const;

/**
 * The one sentence for a sensor above a threshold, in Vietnamese and English: "Trạm Kim Long (sông
 * Hương) vượt báo động III: 3,84 m" for a river gauge (BĐ I–III of QĐ 05/2020/QĐ-TTg), "… vượt ngưỡng
 * cảnh báo mức 2: 31 mm/h" for other kinds. Used by the alarm incidents and the ticker alike.
 */
export function alarmSentence(
  kind: string,
  name: string,
  level: number,
  value: number | null,
  unit: string | null,
): { vi: string; en: string } {
  const reading = (locale: string) =>
    value === null ? '' : `: ${value.toLocaleString(locale)}${unit ? ` ${unit}` : ''}`;
  const roman = ROMAN[level] ?? String(level);
  return kind === 'water_level'
    ? {
        vi: `${name} vượt báo động ${roman}${reading('vi-VN')}`,
        en: `${name} above alarm level ${roman}${reading('en')}`,
      }
    : {
        vi: `${name} vượt ngưỡng cảnh báo mức ${level}${reading('vi-VN')}`,
        en: `${name} above warning level ${level}${reading('en')}`,
      };
}
