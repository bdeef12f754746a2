import type { TickerItem } from '@hue-ioc/layers';
import type { PlacedIncident } from '@hue-ioc/layers/deck';
import type { ApplyTiming, ConnectionStatus } from '$lib/live';
import type { KpiTile } from './kpis';
import type { SceneId } from './scenes';
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
  /** Open incidents with a position, as drawn on the map (clustered or not). */
  incidents: () => readonly PlacedIncident[];
  /** Ticker lines held, newest first (capped). */
  ticker: () => readonly TickerItem[];
  /** Province KPI tiles. */
  kpis: () => readonly KpiTile[];
  /** The rotation: current scene, scene set, and whether an alarm holds it (and which). */
  scene: () => { id: SceneId; mode: 'normal' | 'flood'; paused: boolean; focusId: string | null };
  /** The map layers drawn now (scene ∩ `?layers=`). */
  layers: () => readonly string[];
  /** The deck.gl layer ids on the main map after its last update (e.g. `incidents-symbols`, `alerts-pulse`). */
  drawn: () => readonly string[];
  /** Main-thread time of the latest deltas applied (LiveClient ring), for `npm run bench:wall-delta`. */
  applyTimings: () => readonly ApplyTiming[];
}

export function installTestHook(hook: WallTestHook): () => void {
  window.__iocWall = hook;
  return () => {
    if (window.__iocWall === hook) delete window.__iocWall;
  };
}
