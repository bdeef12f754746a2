import type { SensorKind } from '@hue-ioc/layers';
import { SENSOR_KIND_DEFAULTS } from '../sensors/sensor-kinds.ts';
import type { WardIndex } from '../geo/wards.ts';

/** Where a seeded device stands: a surveyed point, or the label point of a ward (from the ward file). */
type Placement = { at: [number, number] } | { inWard: string };

interface ReferenceDevice {
  id: string;
  kind: SensorKind;
  name: string;
  placement: Placement;
  /** Ascending alarm thresholds; for river gauges the BĐ I/II/III levels of QĐ 05/2020/QĐ-TTg. Default: the kind's. */
  thresholds?: number[];
  metadata?: Record<string, unknown>;
}

/**
 * The reference stations of geo/SOURCES.md plus a plausible starter network of rain, air and
 * traffic sensors. Gauge positions are the approximate ones given there; verify before production.
 */
export const REFERENCE_DEVICES: readonly ReferenceDevice[] = [
  {
    id: 'kim-long',
    kind: 'water_level',
    name: 'Trạm Kim Long (sông Hương)',
    placement: { at: [107.553, 16.462] },
    thresholds: [1.0, 2.0, 3.5],
    metadata: { river: 'Hương', record: { value: 5.05, date: '2025-10-27' } },
  },
  {
    id: 'phu-oc',
    kind: 'water_level',
    name: 'Trạm Phú Ốc (sông Bồ)',
    placement: { at: [107.47, 16.53] },
    // BĐ I 1.5 m is unconfirmed in our sources (DOMAIN.md).
    thresholds: [1.5, 3.0, 4.5],
    metadata: { river: 'Bồ', record: { value: 5.24, date: '2020' } },
  },
  // Rain gauges: the upstream catchments of the Tả Trạch, Bình Điền and Hương Điền reservoirs, and the plain.
  { id: 'rain-a-luoi', kind: 'rain', name: 'Đo mưa A Lưới', placement: { inWard: 'A Lưới 2' } },
  { id: 'rain-binh-dien', kind: 'rain', name: 'Đo mưa Bình Điền', placement: { inWard: 'Bình Điền' } },
  { id: 'rain-nam-dong', kind: 'rain', name: 'Đo mưa Nam Đông', placement: { inWard: 'Nam Đông' } },
  { id: 'rain-phong-dien', kind: 'rain', name: 'Đo mưa Phong Điền', placement: { inWard: 'Phong Điền' } },
  { id: 'rain-phu-bai', kind: 'rain', name: 'Đo mưa Phú Bài', placement: { inWard: 'Phú Bài' } },
  // Air quality: the public station at 83 Hùng Vương (approximate position) and two more.
  {
    id: 'aq-hung-vuong',
    kind: 'air_quality',
    name: 'Quan trắc không khí 83 Hùng Vương',
    placement: { at: [107.5968, 16.4622] },
  },
  {
    id: 'aq-phu-bai',
    kind: 'air_quality',
    name: 'Quan trắc không khí Phú Bài',
    placement: { inWard: 'Phú Bài' },
  },
  {
    id: 'aq-thuan-an',
    kind: 'air_quality',
    name: 'Quan trắc không khí Thuận An',
    placement: { inWard: 'Thuận An' },
  },
  // Traffic counters (vehicles per minute); thresholds mark heavy / congested / jammed.
  { id: 'traffic-thuan-hoa', kind: 'traffic', name: 'Đếm xe Thuận Hóa', placement: { inWard: 'Thuận Hóa' } },
  { id: 'traffic-phu-xuan', kind: 'traffic', name: 'Đếm xe Phú Xuân', placement: { inWard: 'Phú Xuân' } },
  { id: 'traffic-an-cuu', kind: 'traffic', name: 'Đếm xe An Cựu', placement: { inWard: 'An Cựu' } },
  { id: 'traffic-vy-da', kind: 'traffic', name: 'Đếm xe Vỹ Dạ', placement: { inWard: 'Vỹ Dạ' } },
  {
    id: 'traffic-huong-thuy',
    kind: 'traffic',
    name: 'Đếm xe Hương Thủy',
    placement: { inWard: 'Hương Thủy' },
  },
];

export interface DeviceSeed {
  id: string;
  kind: SensorKind;
  name: string;
  position: [number, number];
  wardCode: string | null;
  thresholds: number[];
  unit: string;
  expectedIntervalS: number;
  metadata: Record<string, unknown>;
}

/** Resolves positions and ward codes (by point-in-polygon) from the ward file. */
export function referenceDeviceSeeds(wards: WardIndex): DeviceSeed[] {
  return REFERENCE_DEVICES.map((d) => {
    let position: [number, number];
    if ('at' in d.placement) position = d.placement.at;
    else {
      const ward = wards.byShortName(d.placement.inWard);
      if (!ward)
        throw new Error(`reference device ${d.id}: no ward named "${d.placement.inWard}" in the ward file`);
      position = ward.labelPoint;
    }
    const defaults = SENSOR_KIND_DEFAULTS[d.kind];
    return {
      id: d.id,
      kind: d.kind,
      name: d.name,
      position,
      wardCode: wards.wardAt(position[0], position[1])?.code ?? null,
      thresholds: d.thresholds ?? defaults.thresholds,
      unit: defaults.unit,
      expectedIntervalS: defaults.expectedIntervalS,
      metadata: d.metadata ?? {},
    };
  });
}
