import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics.ts';
import { ManualClock } from '../../test/support/memory-ports.ts';
import { IngestHealth, RequestTracker, type PipelineProbe } from './ingest-health.ts';

describe('IngestHealth: a pipeline with messages waiting and no commit past its threshold is stalled', () => {
  it('counts from the later of the last commit and the oldest waiting message; sets the gauges', async () => {
    const clock = new ManualClock('2026-11-27T01:00:00Z');
    const metrics = createMetrics();
    const health = new IngestHealth({ metrics, clock, thresholdS: 30 });
    const t = (s: number) => new Date('2026-11-27T01:00:00Z').getTime() + s * 1000;
    const probe = { waiting: 0, oldest: null as number | null, commit: null as number | null };
    const mqtt: PipelineProbe = {
      waiting: () => probe.waiting,
      oldestWaitingAt: () => probe.oldest,
      lastCommitAt: () => probe.commit,
    };
    health.register('mqtt', mqtt);
    const gauges = async () => [
      (await metrics.ingestStalled.get()).values[0]?.value,
      (await metrics.ingestOldestPendingSeconds.get()).values[0]?.value,
    ];

    // Quiet for an hour, then one message: not stalled until it has waited past the threshold.
    clock.advance(3600_000);
    Object.assign(probe, { waiting: 1, oldest: t(3600), commit: t(0) });
    expect(health.stalled()).toEqual([]);
    clock.advance(31_000);
    expect(health.stalled()).toEqual(['mqtt']);
    expect(await gauges()).toEqual([1, 31]);
    // A commit: progress, even with messages still waiting behind it.
    probe.commit = clock.now().getTime();
    expect(health.stalled()).toEqual([]);
    // Nothing waits: never stalled, however old the last commit.
    clock.advance(600_000);
    Object.assign(probe, { waiting: 0, oldest: null });
    expect(health.check()).toEqual([{ pipeline: 'mqtt', waiting: 0, oldestPendingS: 0, stalled: false }]);
    expect(await gauges()).toEqual([0, 0]);
  });

  it('RequestTracker: an open request waits; an answer below 500 commits', () => {
    const clock = new ManualClock('2026-11-27T01:00:00Z');
    const requests = new RequestTracker(clock);
    const first = requests.begin();
    clock.advance(1000);
    const second = requests.begin();
    expect(requests.waiting()).toBe(2);
    expect(requests.oldestWaitingAt()).toBe(new Date('2026-11-27T01:00:00Z').getTime());
    first(false);
    expect(requests.lastCommitAt()).toBeNull();
    expect(requests.oldestWaitingAt()).toBe(new Date('2026-11-27T01:00:01Z').getTime());
    second(true);
    expect(requests.waiting()).toBe(0);
    expect(requests.lastCommitAt()).toBe(new Date('2026-11-27T01:00:01Z').getTime());
  });
});
