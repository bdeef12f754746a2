/**
 * Changed-row ranges for deck.gl's `_dataDiff`. Layer data here is an array of immutable features
 * (a delta replaces a feature object, never mutates it) kept in a stable order, so comparing rows
 * by reference finds exactly the rows a delta touched and deck.gl recomputes only those.
 *
 * Both take `unknown` because deck.gl's prop is generic over any data; data that is not an array
 * is reported as changed throughout.
 */
export interface RowRange {
  startRow: number;
  endRow?: number;
}

const EVERYTHING: RowRange[] = [{ startRow: 0 }];

/** Ranges of rows whose object differs from the previous array (rows past the old end included). */
export function changedRowRanges(next: unknown, previous?: unknown): RowRange[] {
  if (!Array.isArray(next) || !Array.isArray(previous)) return EVERYTHING;
  const ranges: RowRange[] = [];
  let start = -1;
  for (let i = 0; i < next.length; i++) {
    const same = i < previous.length && next[i] === previous[i];
    if (!same && start < 0) start = i;
    if (same && start >= 0) {
      ranges.push({ startRow: start, endRow: i });
      start = -1;
    }
  }
  if (start >= 0) ranges.push({ startRow: start, endRow: next.length });
  return ranges;
}

/**
 * For layers whose rows have a variable number of vertices (text: one per character), a changed
 * row can shift every later row's vertices, so everything from the first change on is rewritten.
 */
export function changedTail(next: unknown, previous?: unknown): RowRange[] {
  const first = changedRowRanges(next, previous)[0];
  // No changed row (at most the tail was dropped): nothing to rewrite.
  return first ? [{ startRow: first.startRow }] : [];
}
