import { isTickerItem, type TickerItem } from '@hue-ioc/layers';

/** The ticker keeps this many lines: the stream never grows the page's memory (kiosk, STYLE.md). */
export const TICKER_CAP = 40;

/**
 * Adds a line, newest first, capped. The server repeats its newest ~30 lines on every (re)connect, so
 * a line already held is ignored. Returns the same array when nothing changed.
 */
export function addTickerItem(
  items: readonly TickerItem[],
  item: unknown,
  cap = TICKER_CAP,
): readonly TickerItem[] {
  if (!isTickerItem(item) || items.some((i) => i.id === item.id)) return items;
  const next = [item, ...items];
  // Newest first by time: replayed lines can arrive after newer live ones.
  next.sort((a, b) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0));
  return next.length > cap ? next.slice(0, cap) : next;
}
