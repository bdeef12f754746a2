/** An instant as the value of an `<input type="datetime-local">` in Huế time (UTC+7, no daylight saving). */
export function isoToHuLocal(iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  return new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16);
}
