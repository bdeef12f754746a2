import type { SensorKind } from '@hue-ioc/layers';

/** The main metric each kind reports when a payload carries a single `value`. */
export const SENSOR_KIND_DEFAULTS: Readonly<
  Record<
    SensorKind,
    {
      metric: string;
      unit: string;
      expectedIntervalS: number;
      /** Alarm bands for a device of this kind until an admin sets its own; none for river gauges. */
      thresholds: number[];
      label: { vi: string; en: string };
    }
  >
> = {
  // Water level in metres at the gauge datum; the BĐ levels of QĐ 05/2020/QĐ-TTg use the same datum.
  water_level: {
    metric: 'water_level',
    unit: 'm',
    expectedIntervalS: 600,
    thresholds: [],
    label: { vi: 'Mực nước', en: 'Water level' },
  },
  // Rain rate bands: heavy (≥10 mm/h), very heavy (≥30), torrential (≥50).
  rain: {
    metric: 'rain_rate',
    unit: 'mm/h',
    expectedIntervalS: 600,
    thresholds: [10, 30, 50],
    label: { vi: 'Lượng mưa', en: 'Rainfall' },
  },
  // VN_AQI (QĐ 1459/QĐ-TCMT); the public station at 83 Hùng Vương reports every 5 minutes.
  // VN_AQI bands: kém (poor) 101–150, xấu (bad) 151–200, rất xấu (very bad) ≥ 201.
  air_quality: {
    metric: 'aqi',
    unit: 'VN_AQI',
    expectedIntervalS: 300,
    thresholds: [101, 151, 201],
    label: { vi: 'Chất lượng không khí', en: 'Air quality' },
  },
  // Vehicles per minute past a counter: heavy / congested / jammed.
  traffic: {
    metric: 'vehicle_flow',
    unit: 'xe/phút',
    expectedIntervalS: 60,
    thresholds: [60, 90, 120],
    label: { vi: 'Lưu lượng giao thông', en: 'Traffic flow' },
  },
};
