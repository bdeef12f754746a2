import type { Logger } from '@hue-ioc/streams';

/**
 * Reloads a cached table every `intervalMs` (the SLA rules, the KPI catalogue: configuration another node
 * may have changed, with no channel between nodes that carries it). A failed reload is logged and the
 * cached copy kept; the next tick tries again. The timer does not hold the process open. Returns the stop.
 */
export function reloadEvery(
  load: () => Promise<void>,
  intervalMs: number,
  logger: Logger,
  what: string,
): () => void {
  const timer = setInterval(() => {
    load().catch((err: unknown) =>
      logger.warn({ err: (err as Error).message }, `${what} reload failed; keeping the cached one`),
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
