import type { ConnectionStatus } from '$lib/live';
import type { SensorFeature } from './sensors';

/**
 * Test hook, and the only global the wall sets: `window.__iocWall`, read by the browser tests
 * (ioc-web/tests/*.e2e.ts) to wait for data and compare it with what is on screen.
 */
export interface WallTestHook {
  /** The sensors layer's features as currently applied. */
  sensors: () => readonly SensorFeature[];
  /** The last sequence number applied to the sensors layer (0 before the first snapshot). */
  seq: () => number;
  state: () => ConnectionStatus;
}

export function installTestHook(hook: WallTestHook): () => void {
  window.__iocWall = hook;
  return () => {
    if (window.__iocWall === hook) delete window.__iocWall;
  };
}
