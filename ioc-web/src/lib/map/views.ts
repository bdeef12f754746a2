import type { LonLatBounds } from './base-style';

/** Thành phố Huế (province code 46): the 40 wards span lon 107.03–108.19, lat 15.99–16.74. */
export const PROVINCE_BOUNDS: LonLatBounds = [
  [107.02, 15.98],
  [108.2, 16.76],
];

/**
 * The city centre on both banks of the Hương river (Phú Xuân, Thuận Hóa, Vỹ Dạ, An Cựu, Kim Long):
 * most sensors sit here, a few pixels apart at the province's scale, so the wall shows it inset.
 */
export const CITY_BOUNDS: LonLatBounds = [
  [107.525, 16.415],
  [107.665, 16.505],
];

/** The two reference gauges (Kim Long on the Hương, Phú Ốc on the Bồ) and the river between them. */
export const FLOOD_BOUNDS: LonLatBounds = [
  [107.43, 16.43],
  [107.63, 16.56],
];
