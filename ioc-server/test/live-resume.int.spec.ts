import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature } from '@hue-ioc/layers';
import { DISPLAY_TOKEN, LiveMirror, startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';

const alert = (id: string, n: number): Feature => ({
  id,
  position: [107.58 + (n % 10) / 1000, 16.46],
  props: { n },
});

describe('/live resume (in-process log)', () => {
  let ioc: RunningIoc;
  beforeAll(async () => {
    ioc = await startIoc();
  });
  afterAll(async () => {
    await ioc?.close();
  });

  it('a client that missed 500 changes resumes with `since` and gets exactly the server state, no gap, no duplicate', async () => {
    const hub = ioc.app.hub;
    for (let i = 0; i < 50; i++) await hub.apply('alerts', [alert(`a${i}`, i)]);
    const mirror = new LiveMirror(ioc.baseUrl, 'alerts');
    await waitFor('snapshot', () => mirror.state);
    for (let i = 0; i < 100; i++) await hub.apply('alerts', [alert(`a${i % 70}`, 1000 + i)]);
    await waitFor('caught up', () => mirror.state!.seq === hub.seq('alerts') && mirror.state!.seq > 0);
    const seenBefore = mirror.state!.seq;
    mirror.socket.disconnect();

    for (let i = 0; i < 500; i++) {
      if (i % 7 === 0) await hub.apply('alerts', [], [`a${i % 80}`]);
      else await hub.apply('alerts', [alert(`a${i % 80}`, 2000 + i)]);
    }
    hub.flushAll();
    mirror.socket.connect();
    await waitFor(
      'resumed',
      () => mirror.state!.seq === hub.seq('alerts') && mirror.state!.seq !== seenBefore,
    );
    const ack = await mirror.subscribe();
    expect(ack).toMatchObject({ ok: true, mode: 'delta' });
    expect(mirror.snapshots).toBe(1);
    expect(mirror.gaps).toBe(0);
    expect(mirror.features()).toEqual(new Map(hub.features('alerts').map((f) => [f.id, f])));
    mirror.close();
    // The work shows in the metrics: bytes sent and how far the log was behind when applied.
    const metrics = await (
      await fetch(`${ioc.baseUrl}/metrics`, { headers: { authorization: `Bearer ${DISPLAY_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/ioc_live_bytes_total\{layer="alerts"\} [1-9]/);
    expect(metrics).toMatch(/ioc_event_log_lag_seconds_count [1-9]/);
    // The resume buffers' fill, per store and layer (bench/soak.ts fits memory once it levels off).
    expect(metrics).toMatch(/ioc_live_history_entries\{store="hub",layer="alerts"\} [1-9]/);
    expect(metrics).toMatch(/ioc_live_history_entries\{store="event_log",layer="alerts"\} [1-9]/);
  });

  it('a client handed a delta whose `from` is not its seq re-subscribes and converges', async () => {
    const hub = ioc.app.hub;
    const mirror = new LiveMirror(ioc.baseUrl, 'alerts');
    await waitFor('snapshot', () => mirror.state);
    // Pretend the client lost a delta: rewind its seq, then let a change flow.
    mirror.state = { ...mirror.state!, seq: mirror.state!.seq - 1 };
    await hub.apply('alerts', [alert('gap-probe', 1)]);
    await waitFor(
      'converged after the gap',
      () =>
        mirror.gaps === 1 &&
        mirror.state!.seq === hub.seq('alerts') &&
        mirror.state!.features.has('gap-probe'),
    );
    expect(mirror.features()).toEqual(new Map(hub.features('alerts').map((f) => [f.id, f])));
    mirror.close();
  });
});
