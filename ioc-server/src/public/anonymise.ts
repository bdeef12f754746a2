import type { CategoryCode } from '@hue-ioc/layers';

/**
 * What the public sees of a report (issue 14: open data, Open311 GET, the transparency page /cong-khai):
 * one set of rules for every way out that needs no login, so that the three never disagree.
 *
 * - The reporter (name, phone, Hue-S account) never leaves: callers simply do not select `reporter`.
 * - Free text (title, description, address, the unit's reply) is scrubbed of telephone numbers and e-mail
 *   addresses, and of the reporter's own name when the caller passes it (people sign their reports:
 *   "Tôi là Nguyễn Văn An, nhà số 12 …").
 * - Positions are rounded: to about 11 m (4 decimals) for reports about a public place, to about 110 m
 *   (3 decimals) where a precise point tends to be somebody's home or a victim (security, public order).
 * - Duplicates merged into another case and reports refused as invalid (`rejected`: spam, abuse, out of
 *   scope) are not published; `PUBLISHED_SQL` says so once for every query.
 */

/** The text that replaces what was removed, in Vietnamese as the public reads it. */
export const REDACTED = '[đã ẩn]';

/** Decimal places kept of a public position, by category (4 ≈ 11 m, 3 ≈ 110 m at Huế's latitude). */
export const POSITION_DECIMALS: Readonly<Record<CategoryCode, number>> = {
  urban_order: 4,
  environment: 4,
  roads: 4,
  lighting: 4,
  drainage: 4,
  traffic: 4,
  security: 3,
  food_safety: 4,
  public_services: 3,
  heritage_tourism: 4,
  other: 3,
};

/**
 * The rows a public query may return (a WHERE fragment over `incidents` aliased as `i`, or unaliased when
 * `alias` is ''): not a duplicate merged into another case, not refused as invalid.
 */
export function publishedSql(alias = 'i'): string {
  const p = alias ? `${alias}.` : '';
  return `(${p}merged_into IS NULL AND ${p}status <> 'rejected')`;
}

// E-mail: the usual local@domain.tld shape (also with spaces around @ that people type on phones).
const EMAIL = /[\p{L}\p{N}._%+-]+\s?@\s?[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// Telephone numbers as people write them in Vietnam: 0905 123 456, 0905.123.456, +84 905-123-456,
// (0234) 3822 123, 19001075. Seven or more digits with spaces, dots, dashes or brackets between them.
// Longer digit runs are also removed: an ID card number (CCCD, 12 digits) is personal data too.
const PHONE = /(?:\+\s?84|\(?\b0)[\d\s.()-]{6,16}\d\b|\b\d(?:[\s.-]?\d){6,}\b/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Folds case and Vietnamese diacritics for matching a name in text ("Nguyễn" ~ "nguyen"). */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

/**
 * Free text with telephone numbers, e-mail addresses and (when given) the reporter's name removed. Control
 * characters (NUL included) are dropped too: the text goes into CSV, XML and HTML.
 */
export function scrubText(text: string | null | undefined, reporterName?: string | null): string | null {
  if (text === null || text === undefined) return null;
  // eslint-disable-next-line no-control-regex
  let out = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  out = out
    .replace(EMAIL, REDACTED)
    .replace(PHONE, (m) => (/\d{7}/.test(m.replace(/\D/g, '')) ? REDACTED : m));
  const name = reporterName?.trim();
  if (name && name.length >= 3) {
    // The whole name, matched without regard to case or diacritics, position by position in the folded text
    // (folding keeps one character per character for Vietnamese letters once marks are removed).
    const folded = fold(out);
    const wanted = new RegExp(`\\b${escapeRegExp(fold(name)).replace(/\s+/g, '\\s+')}\\b`, 'gu');
    const spans: Array<[number, number]> = [];
    for (const m of folded.matchAll(wanted)) spans.push([m.index, m.index + m[0].length]);
    if (spans.length && folded.length === out.length) {
      for (const [from, to] of spans.reverse()) out = out.slice(0, from) + REDACTED + out.slice(to);
    }
  }
  return out;
}

/** A position rounded as its category allows; null stays null. */
export function publicPosition(
  category: string,
  lon: number | null | undefined,
  lat: number | null | undefined,
): { lon: number; lat: number } | null {
  if (lon === null || lon === undefined || lat === null || lat === undefined) return null;
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return null;
  const decimals = POSITION_DECIMALS[category as CategoryCode] ?? 3;
  const f = 10 ** decimals;
  return { lon: Math.round(lon * f) / f, lat: Math.round(lat * f) / f };
}
