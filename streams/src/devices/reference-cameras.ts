import type { WardIndex } from '../geo/wards.ts';

export interface CameraSeed {
  id: string;
  name: string;
  position: [number, number];
  wardCode: string | null;
}

/**
 * A starter set of AI cameras at well-known places of central Huế. Positions are approximate (read off
 * a map, rounded): verify against the camera register before production.
 */
const CAMERAS: readonly { id: string; name: string; at: [number, number] }[] = [
  { id: 'cam-truong-tien', name: 'Cầu Trường Tiền', at: [107.5881, 16.4684] },
  { id: 'cam-phu-xuan-bridge', name: 'Cầu Phú Xuân', at: [107.5827, 16.4631] },
  { id: 'cam-ngo-mon', name: 'Ngọ Môn', at: [107.5779, 16.4676] },
  { id: 'cam-dong-ba', name: 'Chợ Đông Ba', at: [107.5893, 16.4727] },
  { id: 'cam-hung-vuong', name: 'Hùng Vương – Bà Triệu', at: [107.6022, 16.4617] },
  { id: 'cam-an-cuu', name: 'Chợ An Cựu', at: [107.6012, 16.4543] },
  { id: 'cam-le-loi', name: 'Lê Lợi – Đội Cung', at: [107.5902, 16.4633] },
  { id: 'cam-kim-long', name: 'Kim Long – Nguyễn Hoàng', at: [107.5561, 16.4619] },
  { id: 'cam-vy-da', name: 'Nguyễn Sinh Cung (Vỹ Dạ)', at: [107.6095, 16.4733] },
  { id: 'cam-phu-bai', name: 'Quốc lộ 1A Phú Bài', at: [107.684, 16.4] },
];

export function referenceCameraSeeds(wards: WardIndex): CameraSeed[] {
  return CAMERAS.map((c) => ({
    id: c.id,
    name: c.name,
    position: c.at,
    wardCode: wards.wardAt(c.at[0], c.at[1])?.code ?? null,
  }));
}
