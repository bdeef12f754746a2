/** A case as the console holds it: which one, and how many changes it has seen. */
export interface Versioned {
  id: string;
  version: number;
}

/**
 * Whether `next` may replace what is shown: a different case, or the same one at the same or a later version.
 * Every change moves a case's version on by one (the server's optimistic lock), so an answer carrying a lower
 * version was read before a change the view has already shown, and taking it would undo that change on screen.
 */
export function isNewerOrSame(shown: Versioned | null, next: Versioned): boolean {
  return shown === null || shown.id !== next.id || next.version >= shown.version;
}
