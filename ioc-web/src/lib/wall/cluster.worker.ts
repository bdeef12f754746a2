/// <reference lib="webworker" />
import { answerBuffers, createClusterEngine, type ClusterRequest } from './cluster-index';

/** The wall's cluster index, off the main thread (see cluster-index.ts). */
const answer = createClusterEngine();
self.onmessage = (event: MessageEvent<ClusterRequest>) => {
  const a = answer(event.data);
  if (a) (self as unknown as DedicatedWorkerGlobalScope).postMessage(a, answerBuffers(a));
};
