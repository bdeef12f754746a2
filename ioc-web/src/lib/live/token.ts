/** Where a wall screen keeps its display token, so a reload (or a power cut) needs no URL edit. */
export const TOKEN_STORAGE_KEY = 'hue-ioc.display-token';

/**
 * The display token: `?token=` in the URL wins and is remembered; otherwise the remembered one.
 * Storage can be unavailable (private mode, kiosk policies): the URL token still works then.
 */
export function resolveDisplayToken(url: URL, storage: Storage | null): string | null {
  const fromUrl = url.searchParams.get('token')?.trim();
  if (fromUrl) {
    try {
      storage?.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // quota or policy: keep going with the URL token
    }
    return fromUrl;
  }
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** The URL without `token`, so the secret does not stay in the address bar or in screenshots. */
export function urlWithoutToken(url: URL): URL | null {
  if (!url.searchParams.has('token')) return null;
  const clean = new URL(url);
  clean.searchParams.delete('token');
  return clean;
}
