/**
 * GETs `path` with the wall's display token and hands the checked body to `onLoaded`, retrying every
 * `retryMs` until it works: a wall may come up before its server, and a screen must never stay blank.
 * `parse` throws on a body of the wrong shape (that counts as a failure and is retried). Returns a
 * function that stops it.
 */
export function loadWithRetry<T>(opts: {
  path: string;
  token: string | null;
  parse: (body: unknown) => T;
  onLoaded: (value: T) => void;
  onFailed?: () => void;
  retryMs: number;
}): () => void {
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const attempt = async () => {
    try {
      const response = await fetch(opts.path, {
        headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
        signal: abort.signal,
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      opts.onLoaded(opts.parse(await response.json()));
    } catch {
      if (abort.signal.aborted) return;
      opts.onFailed?.();
      timer = setTimeout(() => void attempt(), opts.retryMs);
    }
  };
  void attempt();
  return () => {
    abort.abort();
    clearTimeout(timer);
  };
}
