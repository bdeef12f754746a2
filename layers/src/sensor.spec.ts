import { describe, expect, it } from 'vitest';
import { alarmLevelFor, alarmSentence, sensorStateFor } from './sensor.ts';

describe('alarm levels', () => {
  // Kim Long on the Hương river, QĐ 05/2020/QĐ-TTg: BĐ I 1.0 m, II 2.0 m, III 3.5 m.
  const kimLong = [1.0, 2.0, 3.5];
  it.each([
    [0.4, 0],
    [0.99, 0],
    [1.0, 1],
    [1.99, 1],
    [2.0, 2],
    [3.49, 2],
    [3.5, 3],
    [5.05, 3], // the 2025-10-27 peak
  ])('Kim Long at %s m is level %s', (value, level) => {
    expect(alarmLevelFor(value, kimLong)).toBe(level);
  });

  it('has no level without thresholds', () => {
    expect(alarmLevelFor(99, [])).toBe(0);
  });

  it('maps levels and connectivity to a state', () => {
    expect(sensorStateFor(0, true, true)).toBe('normal');
    expect(sensorStateFor(2, true, true)).toBe('alarm2');
    expect(sensorStateFor(3, false, true)).toBe('offline');
    expect(sensorStateFor(0, true, false)).toBe('unknown');
  });
});

describe('alarmSentence', () => {
  it('says BĐ I–III for a river gauge and a warning level for other kinds, in both languages', () => {
    expect(alarmSentence('water_level', 'Trạm Kim Long (sông Hương)', 3, 3.84, 'm')).toEqual({
      vi: 'Trạm Kim Long (sông Hương) vượt báo động III: 3,84 m',
      en: 'Trạm Kim Long (sông Hương) above alarm level III: 3.84 m',
    });
    expect(alarmSentence('rain', 'Trạm đo mưa A Lưới', 2, 31, 'mm/h').vi).toBe(
      'Trạm đo mưa A Lưới vượt ngưỡng cảnh báo mức 2: 31 mm/h',
    );
    expect(alarmSentence('water_level', 'Trạm Phú Ốc', 1, null, 'm').vi).toBe('Trạm Phú Ốc vượt báo động I');
  });
});
