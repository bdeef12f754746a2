/**
 * `node --import tsx bench/wall-encode.ts [--incidents 100000] [--runs 5]`: the server's side of a cold
 * `wall` join without sockets (issue 15, row `join`): a hub-like Map of incidents, a tenth of them changed,
 * then per run the snapshot copy, the display principal's scoping and `encodeWallFeatures`, each in ms
 * (median of the runs). Run it with `--cpu-prof` to see where an encode goes; compare two versions in the
 * same session, the machine is shared.
 */
import { parseArgs } from 'node:util';

import { encodeWallFeatures, WALL_TEXT_FIELDS, type Feature } from '@hue-ioc/layers';
import { scopeSnapshot } from '../ioc-server/src/auth/policy.ts';
import type { Principal } from '../ioc-server/src/auth/principal.ts';
import { incident } from './lib/features.ts';

const { values } = parseArgs({
  options: { incidents: { type: 'string', default: '100000' }, runs: { type: 'string', default: '5' } },
});
const n = Number(values.incidents);
const runs = Number(values.runs);
const now = Date.now();
const hub = new Map<string, Feature>();
for (let i = 0; i < n; i++) hub.set(`IOC-2611-${i}`, incident(i, now));
// As the bench's fresh join: a tenth of the layer changed since the kept snapshot.
for (let k = 0; k <= n / 10; k++) {
  const f = incident((7919 + k) % n, now, 1);
  hub.set(f.id, f);
}
const display: Principal = {
  id: 'display-token:1',
  role: 'display',
  credential: { type: 'display_token', tokenId: 1 },
};
const omit = WALL_TEXT_FIELDS.incidents!;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const times = { copy: [] as number[], scope: [] as number[], encode: [] as number[] };
let bytes = 0;
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  const snapshot = {
    layer: 'incidents' as const,
    seq: 1,
    serverTime: now,
    changedAt: now,
    features: [...hub.values()],
  };
  const t1 = performance.now();
  const scoped = scopeSnapshot(display, snapshot);
  const t2 = performance.now();
  bytes = encodeWallFeatures(scoped.features, { omit }).length;
  const t3 = performance.now();
  times.copy.push(t1 - t0);
  times.scope.push(t2 - t1);
  times.encode.push(t3 - t2);
}
console.log(
  `${n} incidents, ${runs} runs, median ms: copy ${median(times.copy).toFixed(1)}, scope ${median(times.scope).toFixed(1)}, encode ${median(times.encode).toFixed(1)} (all: ${times.encode.map((t) => t.toFixed(0)).join(' ')}); ${bytes} bytes`,
);
