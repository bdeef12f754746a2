import { vietnameseTokens } from '../geo/address.ts';

/*
 * Whether an address is on a main road (Sở Xây dựng's network) rather than a local street or alley (the ward's).
 * We have no road network yet, so this reads the address: national and provincial roads by their prefix, and the
 * arterial streets of the urban core by name. An alley off a main road ("kiệt 5 Hùng Vương") is local.
 * Replace with a road-class lookup on OpenStreetMap data when the geography gains a road layer.
 */
const ROAD_PREFIXES = [
  ['quoc', 'lo'],
  ['tinh', 'lo'],
  ['duong', 'tinh'],
  ['cao', 'toc'],
  ['dai', 'lo'],
  ['vanh', 'dai'],
];

/** Arterial streets of the urban core (former Huế city), folded. */
export const MAIN_STREETS: readonly string[] = [
  'le loi',
  'hung vuong',
  'tran hung dao',
  'le duan',
  'nguyen hue',
  'ha noi',
  'dien bien phu',
  'ba trieu',
  'nguyen tat thanh',
  'to huu',
  'vo nguyen giap',
  'dong da',
  'an duong vuong',
  'truong chinh',
  'nguyen van linh',
  'tran phu',
  'dang van ngu',
  'nguyen chi thanh',
  'huynh thuc khang',
  'phan boi chau',
];
const ALLEY_WORDS = new Set(['kiet', 'hem', 'ngo', 'ngach']);

export function roadClassFromAddress(address: string): 'main' | 'local' | undefined {
  const tokens = vietnameseTokens(address).map((t) => t.folded);
  const at = (i: number, words: string[]): boolean => words.every((w, k) => tokens[i + k] === w);
  for (let i = 0; i < tokens.length; i++) {
    if (ROAD_PREFIXES.some((p) => at(i, p))) return 'main';
    const street = MAIN_STREETS.find((s) => at(i, s.split(' ')));
    if (!street) continue;
    // "kiệt 5 Hùng Vương", "kiệt Hùng Vương": an alley off the street.
    const before = tokens.slice(Math.max(0, i - 3), i);
    if (before.some((w) => ALLEY_WORDS.has(w))) return 'local';
    return 'main';
  }
  return tokens.some((w) => ALLEY_WORDS.has(w)) ? 'local' : undefined;
}
