import { alarmLevelFor, type SensorKind } from '@hue-ioc/layers';

/**
 * How far below a threshold a reading must fall before its alarm level drops: without it a river hovering
 * at 2.00 m would flap between BĐ I and BĐ II on every reading. Per kind, in the kind's unit.
 */
export const ALARM_HYSTERESIS: Readonly<Record<SensorKind, number>> = {
  water_level: 0.05, // m
  rain: 2, // mm/h
  air_quality: 5, // VN_AQI points
  traffic: 5, // vehicles per minute
};

/**
 * The alarm level after a reading, given the level before it: rises as soon as a threshold is reached,
 * falls one level only once the value is below that level's threshold minus the hysteresis.
 */
export function nextAlarmLevel(
  previous: number,
  value: number,
  thresholds: readonly number[],
  hysteresis: number,
): 0 | 1 | 2 | 3 {
  const raw = alarmLevelFor(value, thresholds);
  if (raw >= previous) return raw;
  let level = Math.min(previous, thresholds.length);
  while (level > raw) {
    const t = thresholds[level - 1];
    if (t === undefined || value < t - hysteresis) level--;
    else break;
  }
  return level as 0 | 1 | 2 | 3;
}
