import { afterEach, describe, expect, it, vi } from 'vitest';
import { reloadEvery } from './reload-every.ts';

describe('reloadEvery', () => {
  afterEach(() => vi.useRealTimers());

  it('reloads each interval, logs a failed reload and tries again next time, and stops', async () => {
    vi.useFakeTimers();
    const warn = vi.fn();
    const logger = { warn, info: vi.fn(), error: vi.fn(), debug: vi.fn() } as never;
    let calls = 0;
    const load = vi.fn(async () => {
      calls++;
      if (calls === 2) throw new Error('database away');
    });
    const stop = reloadEvery(load, 1000, logger, 'SLA table');
    await vi.advanceTimersByTimeAsync(3000);
    expect(load).toHaveBeenCalledTimes(3);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      { err: 'database away' },
      'SLA table reload failed; keeping the cached one',
    );
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(load).toHaveBeenCalledTimes(3);
  });
});
