import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_WALL_CONFIG, type WallConfig } from '@hue-ioc/layers';
import { loadWallConfig } from './wall-config-loader';

const CITADEL: WallConfig = {
  scenes: [
    ...DEFAULT_WALL_CONFIG.scenes,
    {
      id: 'dai-noi',
      title: { vi: 'Đại Nội Huế', en: 'Imperial City' },
      view: [
        [107.565, 16.462],
        [107.592, 16.478],
      ],
      layers: ['incidents', 'cameras'],
      dwellS: 20,
      inset: false,
    },
  ],
  playlists: { normal: ['province', 'dai-noi'], flood: ['flood'] },
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('loading the wall configuration', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('sends the display token and keeps trying, past errors and invalid answers, until it has one', async () => {
    vi.useFakeTimers();
    const answers = [
      () => Promise.reject(new TypeError('Failed to fetch')), // the server is not up yet
      () => Promise.resolve(json(503, { error: { code: 'IOC_NOT_READY' } })),
      () => Promise.resolve(json(200, { ...CITADEL, playlists: { normal: ['kinh-thanh'], flood: [] } })),
      () => Promise.resolve(json(200, CITADEL)),
    ];
    const fetchMock = vi.fn((_url: string, _init?: RequestInit) =>
      answers[fetchMock.mock.calls.length - 1]!(),
    );
    vi.stubGlobal('fetch', fetchMock);
    const loaded: WallConfig[] = [];
    const stop = loadWallConfig('hue-demo-display', (c) => loaded.push(c), 10_000);
    for (let i = 0; i < 3; i++) await vi.advanceTimersByTimeAsync(10_000);
    expect(fetchMock).toHaveBeenCalledTimes(4);
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/wall/config');
    expect(fetchMock.mock.calls[0]?.[1]?.headers).toEqual({ authorization: 'Bearer hue-demo-display' });
    expect(loaded).toEqual([CITADEL]);
    // Loaded: no more requests.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchMock).toHaveBeenCalledTimes(4);
    stop();
  });

  it('stops retrying when the wall closes', async () => {
    vi.useFakeTimers();
    const fetchMock = vi.fn(() => Promise.resolve(json(503, {})));
    vi.stubGlobal('fetch', fetchMock);
    const stop = loadWallConfig(null, () => expect.unreachable(), 10_000);
    await vi.advanceTimersByTimeAsync(0);
    stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
