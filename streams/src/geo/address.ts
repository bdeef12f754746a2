import type { Ward, WardIndex, WardProperties } from './wards.ts';

/*
 * Vietnamese free text (addresses, category labels) arrives with or without diacritics, in NFC or NFD
 * (iOS keyboards send NFD), with old-style tone placement ("hoà" / "hòa", "thuỷ" / "thủy") and with the
 * abbreviations every hotline agent uses ("P.", "TP", "K12"). Matching therefore works on tokens with two
 * keys each: `folded` (no diacritics at all: what people type on a phone without Telex) and `toned` (the
 * diacritics kept, tone mark moved to the end of the syllable so both placements compare equal). A match is
 * made on `folded`; where the text did carry diacritics, `toned` must agree, which is what tells
 * "Thuận Hòa" (a former ward, now inside Phú Xuân) from "Thuận Hóa" (a ward of 2025).
 */

// Combining marks that change the vowel (â, ă, ơ/ư) versus those that carry the tone.
const TONE_MARKS = new Set(['\u0300', '\u0301', '\u0303', '\u0309', '\u0323']);
const COMBINING = /[\u0300-\u036f]/g;

/** Lowercase, NFC-independent, đ→d, no diacritics, whitespace collapsed: "Phường Thuận Hóa" → "phuong thuan hoa". */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Diacritics kept but tone placement made canonical: "hoà" and "hòa" give the same key. */
function tonedKey(token: string): string {
  let base = '';
  let tones = '';
  for (const ch of token.normalize('NFD').toLowerCase()) {
    if (TONE_MARKS.has(ch)) tones += ch;
    else base += ch;
  }
  return base + tones;
}

export interface TextToken {
  /** No diacritics, abbreviations expanded: what matching compares. */
  folded: string;
  /** With diacritics (canonical tone placement); undefined where the text had none or the token was expanded. */
  toned: string | undefined;
}

/**
 * Abbreviations in Huế addresses ("P." phường, "Q." quận, "TP" thành phố, "TT" thị trấn, "K12" kiệt 12 — kiệt is
 * Huế's word for an alley, hẻm in the south; both fold to plain words). None of the single letters is a
 * Vietnamese word on its own, so they expand wherever they stand alone. A Map, not an object literal: the key
 * is a word of the citizen's text, and "constructor" or "__proto__" must find nothing (issue 11).
 */
const ABBREVIATIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['p', ['phuong']],
  ['f', ['phuong']],
  ['x', ['xa']],
  ['q', ['quan']],
  ['tp', ['thanh', 'pho']],
  ['tt', ['thi', 'tran']],
  ['tx', ['thi', 'xa']],
  ['k', ['kiet']],
  ['h', ['huyen']],
  ['d', ['duong']],
  ['ql', ['quoc', 'lo']],
  ['tl', ['tinh', 'lo']],
]);

/** Tokens of Vietnamese text: split on anything that is not a letter or digit, "K12" → kiet 12, "TP." → thanh pho. */
export function vietnameseTokens(text: string): TextToken[] {
  const raw = text.normalize('NFC').match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  const out: TextToken[] = [];
  for (let i = 0; i < raw.length; i++) {
    const token = raw[i] ?? '';
    const folded = foldVietnamese(token);
    // "T.P." is written with a dot between the letters.
    if (folded === 't' && raw[i + 1] !== undefined && foldVietnamese(raw[i + 1] ?? '') === 'p') {
      out.push({ folded: 'thanh', toned: undefined }, { folded: 'pho', toned: undefined });
      i++;
      continue;
    }
    // "K12", "Q1", "P5": a letter abbreviation glued to a number.
    const glued = /^(k|q|p|ql|tl)(\d+[a-z]?)$/.exec(folded);
    if (glued) {
      for (const word of ABBREVIATIONS.get(glued[1] ?? '') ?? []) out.push({ folded: word, toned: undefined });
      out.push({ folded: glued[2] ?? '', toned: undefined });
      continue;
    }
    const expansion = ABBREVIATIONS.get(folded);
    if (expansion) {
      // None of these letters is a Vietnamese word on its own ("a" of "A Lưới" is not in the table).
      for (const word of expansion) out.push({ folded: word, toned: undefined });
      continue;
    }
    const toned = tonedKey(token);
    out.push({ folded, toned: toned === folded ? undefined : toned });
  }
  return out;
}

/** The folded, abbreviation-expanded form of an address: "K12 Phan Đình Phùng, P. Thuận Hóa" → "kiet 12 phan dinh phung phuong thuan hoa". */
export function normaliseAddress(text: string): string {
  return vietnameseTokens(text)
    .map((t) => t.folded)
    .join(' ');
}

/** The pre-2025 units a ward absorbed (`merged_from` in hue_wards_2025.geojson, from dvhcvn/20250701). */
interface MergedFrom {
  gso_code: string;
  name: string;
  old_district?: string;
}
type WardPropertiesWithHistory = WardProperties & { merged_from?: MergedFrom[] };

type UnitType = 'phuong' | 'xa' | 'thi tran';

interface NameEntry {
  ward: Ward;
  tokens: TextToken[];
  /** The type that goes with this name ("phường Thuận Hòa"); a "xã X" phrase prefers a xã named X. */
  unitType: UnitType;
  /** Set for a pre-2025 name: what it was called. */
  formerName?: string;
}

export interface AddressMatch {
  ward: Ward;
  /** The name as found in the text's normalised form. */
  matched: string;
  /** `former_name`: a pre-2025 ward named in `formerName`, now part of `ward`. */
  via: 'name' | 'former_name';
  formerName?: string;
  /** The name followed "phường", "xã" or "thị trấn" in the text. */
  explicit: boolean;
}

/** A district, city or province before a name: "huyện A Lưới", "thị xã Hương Thủy" are not the ward. Checked before "xã". */
const DISTRICT_PREFIXES: string[][] = [['thi', 'xa'], ['huyen'], ['quan'], ['thanh', 'pho'], ['tinh']];
const UNIT_PREFIXES: { tokens: string[]; type: UnitType }[] = [
  { tokens: ['thi', 'tran'], type: 'thi tran' },
  { tokens: ['phuong'], type: 'phuong' },
  { tokens: ['xa'], type: 'xa' },
];
/** Words before a name that make it a street, an alley or a place rather than the ward: "đường Kim Long", "chợ An Cựu". */
const STREET_WORDS = new Set([
  'duong',
  'kiet',
  'hem',
  'ngo',
  'pho',
  'cho',
  'cau',
  'so',
  'lo',
  'cong',
  'ben',
  'truong',
]);

function unitTypeOf(type: string): UnitType {
  const f = foldVietnamese(type);
  return f === 'xa' ? 'xa' : f === 'thi tran' ? 'thi tran' : 'phuong';
}

/** "Phường Phường Đúc" → { type: phuong, rest: "Phường Đúc" }: strip the unit type once. */
function splitUnitName(fullName: string): { type: UnitType; rest: string } {
  const m = /^(Phường|Xã|Thị trấn)\s+(.+)$/iu.exec(fullName.normalize('NFC').trim());
  if (!m) return { type: 'phuong', rest: fullName };
  return { type: unitTypeOf(m[1] ?? ''), rest: m[2] ?? fullName };
}

/** The name table for one WardIndex, built once. */
class AddressMatcher {
  private readonly names: NameEntry[] = [];

  constructor(wards: WardIndex) {
    const current = new Set<string>();
    for (const feature of wards.collection.features) {
      const p = feature.properties as WardPropertiesWithHistory;
      const ward = wards.byCode(p.gso_code);
      if (!ward) continue;
      const tokens = vietnameseTokens(p.short_name);
      current.add(tokens.map((t) => t.folded).join(' '));
      this.names.push({ ward, tokens, unitType: unitTypeOf(p.type) });
    }
    // Former names: "Phường Thuận Hòa" (now in Phú Xuân). A former name that folds to a ward of 2025
    // ("Thuận Hòa" / "Thuận Hóa", "Xã Phú Xuân" / "Phường Phú Xuân") is kept: the toned key and the unit
    // type tell them apart when the text gives them, and the ward of 2025 wins when it does not.
    for (const feature of wards.collection.features) {
      const p = feature.properties as WardPropertiesWithHistory;
      const ward = wards.byCode(p.gso_code);
      if (!ward) continue;
      for (const old of p.merged_from ?? []) {
        const { type, rest } = splitUnitName(old.name);
        const tokens = vietnameseTokens(rest);
        const key = tokens.map((t) => t.folded).join(' ');
        const sameAsCurrent = this.names.some(
          (n) =>
            !n.formerName && n.ward.code === ward.code && n.tokens.map((t) => t.folded).join(' ') === key,
        );
        if (sameAsCurrent) continue;
        this.names.push({ ward, tokens, unitType: type, formerName: old.name });
      }
    }
  }

  match(text: string): AddressMatch | undefined {
    const tokens = vietnameseTokens(text);
    interface Hit {
      entry: NameEntry;
      start: number;
      length: number;
      context: 0 | 1 | 2; // 2 explicit "phường X", 1 bare, 0 after a street word
      typeAgrees: boolean;
      tonesAgree: boolean;
    }
    const hits: Hit[] = [];
    for (const entry of this.names) {
      const n = entry.tokens.length;
      for (let start = 0; start + n <= tokens.length; start++) {
        let folded = true;
        let tonesAgree = true;
        for (let k = 0; k < n; k++) {
          const t = tokens[start + k];
          const e = entry.tokens[k];
          if (!t || !e || t.folded !== e.folded) {
            folded = false;
            break;
          }
          if (t.toned !== undefined && t.toned !== (e.toned ?? e.folded)) tonesAgree = false;
        }
        if (!folded) continue;
        // A name must end at a token boundary that is not a digit continuing it: "A Lưới" must not match "A Lưới 2".
        const next = tokens[start + n]?.folded;
        if (next !== undefined && /^\d+$/.test(next) && !/\d$/.test(entry.tokens[n - 1]?.folded ?? ''))
          continue;
        const follows = (words: string[]): boolean =>
          words.every((w, k) => tokens[start - words.length + k]?.folded === w);
        const district = DISTRICT_PREFIXES.some(follows);
        const prefix = district ? undefined : UNIT_PREFIXES.find((u) => follows(u.tokens));
        const before = tokens[start - 1]?.folded;
        const context = prefix ? 2 : district || (before !== undefined && STREET_WORDS.has(before)) ? 0 : 1;
        hits.push({
          entry,
          start,
          length: n,
          context,
          typeAgrees: prefix ? prefix.type === entry.unitType : true,
          tonesAgree,
        });
      }
    }
    if (hits.length === 0) return undefined;
    // Drop a hit inside a longer one ("A Lưới" inside "A Lưới 2", "Phú Xuân" inside "Phường Phú Xuân …" is not an issue).
    const kept = hits.filter(
      (h) =>
        !hits.some(
          (o) => o.length > h.length && o.start <= h.start && o.start + o.length >= h.start + h.length,
        ),
    );
    // Explicit "phường X" beats a bare name beats a street; then agreeing diacritics, then the longer name, then
    // the unit type named in the text, then a ward of 2025 over a former name, then the later mention (a
    // Vietnamese address runs from house to city, so the ward comes after the street).
    const score = (h: Hit): number[] => [
      h.context,
      h.tonesAgree ? 1 : 0,
      h.length,
      h.typeAgrees ? 1 : 0,
      h.entry.formerName ? 0 : 1,
      h.start,
    ];
    kept.sort((a, b) => compareDesc(score(a), score(b)));
    // Two former units of the same name and type in different wards ("Xã Hương Phong" of A Lưới vs "Phường
    // Hương Phong" of Huế) with nothing else to go on: do not guess; a less likely but unambiguous hit may remain.
    const best = kept.find(
      (h) =>
        !kept.some((o) => o.entry.ward.code !== h.entry.ward.code && compareDesc(score(o), score(h)) === 0),
    );
    if (!best) return undefined;
    const matched = tokens
      .slice(best.start, best.start + best.length)
      .map((t) => t.folded)
      .join(' ');
    return best.entry.formerName
      ? {
          ward: best.entry.ward,
          matched,
          via: 'former_name',
          formerName: best.entry.formerName,
          explicit: best.context === 2,
        }
      : { ward: best.entry.ward, matched, via: 'name', explicit: best.context === 2 };
  }
}

function compareDesc(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (b[i] ?? 0) - (a[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const matchers = new WeakMap<WardIndex, AddressMatcher>();

/**
 * The ward an address names, by the ward names of 2025 (`short_name`, with or without "phường"/"xã") and the
 * pre-2025 names each ward absorbed (`merged_from`). Prefers an explicit "phường/xã X" over a bare name or a
 * street named after a ward, and the longest name ("A Lưới 2" over "A Lưới"). Undefined when no ward is named
 * or the text is ambiguous.
 */
export function wardFromAddress(text: string, wards: WardIndex): AddressMatch | undefined {
  let matcher = matchers.get(wards);
  if (!matcher) {
    matcher = new AddressMatcher(wards);
    matchers.set(wards, matcher);
  }
  return matcher.match(text);
}
