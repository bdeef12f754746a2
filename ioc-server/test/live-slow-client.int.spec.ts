import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature } from '@hue-ioc/layers';
import { DISPLAY_TOKEN, LiveMirror, startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';

/**
 * A wall screen whose network stalls must not make the server queue without bound: it gets coalesced
 * state when it drains (or a snapshot), and converges to exactly the server's state.
 */
describe('/live with a client that stops reading', () => {
  let ioc: RunningIoc;
  beforeAll(async () => {
    ioc = await startIoc();
  });
  afterAll(async () => {
    await ioc?.close();
  });

  it('keeps the per-socket queue bounded while it does not read for 30 s and 50k changes flow, then converges', async () => {
    const hub = ioc.app.hub;
    const pad = 'x'.repeat(1000); // ~1 KB per feature, so the stall outgrows the kernel's socket buffers
    const feature = (i: number, round: number): Feature => ({
      id: `inc-${i}`,
      position: [107.5 + (i % 100) / 1000, 16.4 + i / 100_000],
      props: { round, pad },
    });

    const slow = new LiveMirror(ioc.baseUrl, 'incidents');
    const healthy = new LiveMirror(ioc.baseUrl, 'incidents');
    await waitFor('both subscribed', () => slow.state && healthy.state);
    // Stop reading: the client's TCP socket is paused, as a frozen tablet or a saturated link would be.
    const tcp = (
      slow.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }
    ).ws._socket;
    tcp.pause();

    // Every socket's queue, the stalled one's included: layers, ticker and incident:changed all count.
    // engine.io's own heartbeat (a `ping` every 25 s) is not ours to bound, and is not counted.
    const queues = () =>
      [...ioc.app.live.nsp.sockets.values()].map(
        (s) =>
          (s.conn as unknown as { writeBuffer: { type: string }[] }).writeBuffer.filter(
            (p) => p.type === 'message',
          ).length,
      );
    let maxQueued = 0;
    const rssBefore = process.memoryUsage().rss;
    const changes = 50_000;
    const perBatch = 2000;
    const rounds = changes / perBatch;
    // The changes are spread over the 30 s the client does not read, as a real stream would be.
    const stallMs = 30_000;
    const stalledAt = Date.now();
    for (let round = 0; round < rounds; round++) {
      await hub.apply(
        'incidents',
        Array.from({ length: perBatch }, (_, i) => feature(i, round)),
      );
      const next = stalledAt + ((round + 1) * stallMs) / rounds;
      do {
        await new Promise((r) => setTimeout(r, 50)); // ticks go out meanwhile
        maxQueued = Math.max(maxQueued, ...queues());
      } while (Date.now() < next);
    }
    expect(Date.now() - stalledAt).toBeGreaterThanOrEqual(stallMs);
    const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / 1e6;
    const metrics = await (
      await fetch(`${ioc.baseUrl}/metrics`, { headers: { authorization: `Bearer ${DISPLAY_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/ioc_live_slow_skips_total\{layer="incidents"\} [1-9]/);
    // Bounded: at most the threshold (8 packets) plus the delta that tipped it over.
    expect(maxQueued).toBeLessThanOrEqual(9);
    expect(rssGrowthMb).toBeLessThan(300);

    await waitFor('healthy client kept up', () => healthy.state!.seq === hub.seq('incidents'), 20_000);
    tcp.resume();
    await waitFor('slow client converged', () => slow.state!.seq === hub.seq('incidents'), 30_000);
    expect(slow.gaps).toBe(0);
    expect(slow.features()).toEqual(new Map(hub.features('incidents').map((f) => [f.id, f])));
    expect(healthy.features()).toEqual(slow.features());
    slow.close();
    healthy.close();
  }, 120_000);
});
