import { bboxOf, type Ward, type WardIndex } from '../geo/wards.ts';
import type { Position } from '../ingest/common.ts';
import { intBetween, pick, weightedPick, type Rand } from './random.ts';

/**
 * Share of the density weighting in a ward's weight; the rest follows population. Reports follow density (the
 * old city and its neighbours send most of Hue-S's reports), but rural communes have phones too.
 */
const DENSITY_SHARE = 0.85;

export interface WardWeight {
  ward: Ward;
  /** Share of reports, summing to 1 over all wards. */
  weight: number;
}

/** Each ward's share of citizen reports: mostly by population density (people per km²), partly by population. */
export function wardWeights(wards: WardIndex): WardWeight[] {
  const list = wards.wards.filter((w) => w.population > 0 && w.areaKm2 > 0);
  const totalDensity = list.reduce((s, w) => s + w.population / w.areaKm2, 0);
  const totalPopulation = list.reduce((s, w) => s + w.population, 0);
  return list.map((ward) => ({
    ward,
    weight:
      (DENSITY_SHARE * (ward.population / ward.areaKm2)) / totalDensity +
      ((1 - DENSITY_SHARE) * ward.population) / totalPopulation,
  }));
}

/** About 4 km in degrees at Huế's latitude: how far from a ward's label point a report lands at most. */
const NEAR_CENTRE_DEG = 0.036;

/**
 * Random places in wards. A point is drawn uniformly in the ward's bounding box and kept when `wardAt` puts it
 * in that ward (rejection sampling). Large rural communes (Phong Điền is 592 km², much of it forest) are
 * sampled within ~4 km of their label point, where people live; central wards are smaller than that box.
 */
export class WardPlaces {
  private readonly weights: WardWeight[];
  private readonly boxes = new Map<string, [number, number, number, number]>();

  constructor(readonly wards: WardIndex) {
    this.weights = wardWeights(wards);
    for (const f of wards.collection.features) this.boxes.set(f.properties.gso_code, bboxOf(f.geometry));
  }

  /** A ward drawn by `wardWeights`. */
  pickWard(rand: Rand): Ward {
    return weightedPick(
      rand,
      this.weights.map((w) => [w.ward, w.weight] as const),
    );
  }

  /** A ward drawn from a weighted list of short names (names the ward file lacks are skipped). */
  pickWardAmong(rand: Rand, names: readonly (readonly [string, number])[]): Ward {
    const found = names
      .map(([name, w]) => [this.wards.byShortName(name), w] as const)
      .filter((e): e is readonly [Ward, number] => e[0] !== undefined);
    return found.length > 0 ? weightedPick(rand, found) : this.pickWard(rand);
  }

  /** A random point inside the ward; its label point if 400 draws all missed (a sliver of a polygon). */
  pointIn(ward: Ward, rand: Rand): Position {
    const box = this.boxes.get(ward.code);
    if (!box) return ward.labelPoint;
    const [lx, ly] = ward.labelPoint;
    const minX = Math.max(box[0], lx - NEAR_CENTRE_DEG);
    const maxX = Math.min(box[2], lx + NEAR_CENTRE_DEG);
    const minY = Math.max(box[1], ly - NEAR_CENTRE_DEG);
    const maxY = Math.min(box[3], ly + NEAR_CENTRE_DEG);
    for (let i = 0; i < 400; i++) {
      const lon = minX + (maxX - minX) * rand();
      const lat = minY + (maxY - minY) * rand();
      if (this.wards.wardAt(lon, lat)?.code === ward.code) return [round6(lon), round6(lat)];
    }
    return ward.labelPoint;
  }
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** A point `distanceM` metres from `from` on a bearing (flat-earth: fine at a few hundred metres). */
export function offsetPosition(from: Position, distanceM: number, bearingRad: number): Position {
  const dLat = (distanceM * Math.cos(bearingRad)) / 111_320;
  const dLon = (distanceM * Math.sin(bearingRad)) / (111_320 * Math.cos((from[1] * Math.PI) / 180));
  return [round6(from[0] + dLon), round6(from[1] + dLat)];
}

/* ---------------------------------------------------------------- streets and addresses */

/**
 * Streets of the central wards (2025 boundaries; a street may run on into a neighbour) and a few landmarks
 * people name in reports. From public maps of Huế; good enough for simulated text, not a gazetteer.
 */
const STREETS: Readonly<Record<string, readonly string[]>> = {
  'Thuận Hóa': [
    'Lê Lợi',
    'Hùng Vương',
    'Nguyễn Huệ',
    'Hà Nội',
    'Phan Đình Phùng',
    'Điện Biên Phủ',
    'Lý Thường Kiệt',
    'Đội Cung',
    'Bến Nghé',
    'Phạm Ngũ Lão',
    'Chu Văn An',
    'Nguyễn Tri Phương',
    'Ngô Quyền',
    'Trần Cao Vân',
    'Nguyễn Trường Tộ',
    'Bà Triệu',
  ],
  'Phú Xuân': [
    'Trần Hưng Đạo',
    'Đinh Tiên Hoàng',
    'Mai Thúc Loan',
    'Lê Duẩn',
    'Đoàn Thị Điểm',
    'Huỳnh Thúc Kháng',
    'Chi Lăng',
    'Nguyễn Trãi',
    'Đặng Thái Thân',
    'Lê Thánh Tôn',
    'Nguyễn Chí Thanh',
    'Tăng Bạt Hổ',
  ],
  'Vỹ Dạ': ['Nguyễn Sinh Cung', 'Phạm Văn Đồng', 'Ưng Bình', 'Nguyễn Lộ Trạch', 'Tố Hữu', 'Bà Triệu'],
  'An Cựu': ['Hùng Vương', 'Phan Chu Trinh', 'Ngự Bình', 'Trường Chinh', 'An Dương Vương', 'Tôn Đức Thắng'],
  'Kim Long': ['Kim Long', 'Nguyễn Phúc Nguyên', 'Văn Thánh', 'Lý Nam Đế'],
  'Thủy Xuân': ['Điện Biên Phủ', 'Huyền Trân Công Chúa', 'Minh Mạng', 'Lê Ngô Cát'],
  'Hương An': ['Lý Nam Đế', 'Tản Đà'],
  'Phú Bài': ['Nguyễn Tất Thành', 'Sóng Hồng'],
};

const LANDMARKS: Readonly<Record<string, readonly string[]>> = {
  'Thuận Hóa': ['trường Quốc Học', 'Ga Huế', 'cầu Trường Tiền', 'công viên Thương Bạc', 'cầu Phú Xuân'],
  'Phú Xuân': ['chợ Đông Ba', 'Phu Văn Lâu', 'cầu Gia Hội', 'cửa Thượng Tứ', 'hồ Tịnh Tâm'],
  'Vỹ Dạ': ['chợ Vỹ Dạ', 'cầu Vỹ Dạ'],
  'An Cựu': ['chợ An Cựu', 'Bến xe phía Nam'],
  // No monuments here: their names are keywords of the heritage category and would pull a pothole report there.
  'Kim Long': ['chợ Kim Long'],
  'Thủy Xuân': ['Đàn Nam Giao'],
};

export interface Place {
  /** "số 45 Lê Lợi", "kiệt 12 Phan Đình Phùng", "tổ dân phố 5", "thôn 3". */
  local: string;
  /** The street alone where there is one, for a second mention in a text. */
  street: string | null;
  landmark: string;
  /** "phường Thuận Hóa" / "xã Quảng Điền". */
  ward: string;
}

/** A plausible address in the ward: a house number or kiệt (Huế's word for an alley) on one of its streets. */
export function placeIn(ward: Ward, rand: Rand): Place {
  const streets = STREETS[ward.shortName];
  const unit = ward.type === 'Xã' ? 'xã' : 'phường';
  const landmark = pick(
    rand,
    LANDMARKS[ward.shortName] ?? [ward.type === 'Xã' ? 'nhà văn hóa thôn' : 'nhà văn hóa tổ dân phố'],
  );
  if (streets) {
    const street = pick(rand, streets);
    const local =
      rand() < 0.6
        ? `số ${intBetween(rand, 1, 240)} ${street}`
        : `kiệt ${intBetween(rand, 2, 180)} ${street}`;
    return { local, street, landmark, ward: `${unit} ${ward.shortName}` };
  }
  const local =
    ward.type === 'Xã' ? `thôn ${intBetween(rand, 1, 12)}` : `tổ dân phố ${intBetween(rand, 1, 20)}`;
  return { local, street: null, landmark, ward: `${unit} ${ward.shortName}` };
}
