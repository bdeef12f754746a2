/**
 * Kiosk behaviour of a wall screen that nobody touches: keep the screen awake, and reload once a day at a
 * quiet hour (fresh memory, a new build picked up) — the page saves its scene in sessionStorage first so
 * the rotation goes on where it was.
 */

interface WakeLockSentinelLike {
  release(): Promise<void>;
  addEventListener(type: 'release', fn: () => void): void;
}
interface WakeLockLike {
  request(type: 'screen'): Promise<WakeLockSentinelLike>;
}

/**
 * Holds a screen wake lock where the browser has one (it is dropped when the page is hidden, so it is
 * asked for again on `visibilitychange`). Returns a function that releases it.
 */
export function keepScreenAwake(): () => void {
  const wakeLock = (navigator as Navigator & { wakeLock?: WakeLockLike }).wakeLock;
  if (!wakeLock) return () => {};
  let sentinel: WakeLockSentinelLike | null = null;
  let stopped = false;
  const request = async () => {
    if (stopped || document.visibilityState !== 'visible' || sentinel) return;
    try {
      sentinel = await wakeLock.request('screen');
      sentinel.addEventListener('release', () => (sentinel = null));
    } catch {
      // Not allowed here (no user gesture, policy): the kiosk's own power settings apply.
    }
  };
  const onVisibility = () => void request();
  document.addEventListener('visibilitychange', onVisibility);
  void request();
  return () => {
    stopped = true;
    document.removeEventListener('visibilitychange', onVisibility);
    void sentinel?.release().catch(() => {});
  };
}

/** Huế is UTC+7 all year (no daylight saving; DOMAIN.md). */
const HUE_OFFSET_MS = 7 * 3_600_000;

/** Milliseconds from `now` to the next `hh:mm` in Huế (always in the future, at most a day). */
export function msUntilHueTime(now: number, hh: number, mm: number): number {
  const day = 86_400_000;
  const local = now + HUE_OFFSET_MS;
  const target = Math.floor(local / day) * day + (hh * 60 + mm) * 60_000;
  const next = target > local ? target : target + day;
  return next - local;
}

/** `?reload=HH:MM` (Huế time) or the default 03:30; `?reload=off` disables it. */
export function reloadTimeFromUrl(url: URL): { hh: number; mm: number } | null {
  const raw = url.searchParams.get('reload');
  if (raw === 'off') return null;
  const m = /^(\d{1,2}):(\d{2})$/.exec(raw ?? '');
  if (m) {
    const hh = Number(m[1]);
    const mm = Number(m[2]);
    if (hh < 24 && mm < 60) return { hh, mm };
  }
  return { hh: 3, mm: 30 };
}

/** Schedules the daily reload; `beforeReload` saves what must survive it. Returns a cancel function. */
export function scheduleDailyReload(at: { hh: number; mm: number }, beforeReload: () => void): () => void {
  const timer = setTimeout(
    () => {
      beforeReload();
      location.reload();
    },
    msUntilHueTime(Date.now(), at.hh, at.mm),
  );
  return () => clearTimeout(timer);
}
