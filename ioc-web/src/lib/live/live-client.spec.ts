import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  encodeWallFeatures,
  LIVE_PROTOCOL_VERSION,
  type LayerTextRequest,
  type LayerDelta,
  type LayerSnapshot,
  type SubscribeRequest,
} from '@hue-ioc/layers';
import { LiveClient, type ConnectionState, type LiveClientOptions, type LiveSocket } from './live-client';

type Handler = (...args: unknown[]) => void;

/**
 * Stands in for socket.io-client's Socket: records what the client emits and lets a test play the
 * server's side. It mirrors the parts of socket.io's behaviour the client relies on: `active` is
 * false after a handshake refusal, `connect` fires after every (re)connection.
 */
class FakeSocket {
  readonly handlers = new Map<string, Handler[]>();
  readonly io = { removeAllListeners: () => this.io };
  readonly subscribes: SubscribeRequest[] = [];
  readonly textRequests: LayerTextRequest[] = [];
  /** The server's titles for `layer:text`. */
  titles = new Map<string, { version: number; title: string }>();
  active = false;
  connected = false;
  connects = 0;
  answer: (req: SubscribeRequest) => Promise<unknown> = async (req) => ({
    ok: true,
    layer: req.layer,
    seq: 0,
    mode: 'snapshot',
  });

  constructor(readonly options: { auth?: unknown }) {}

  handshakeAuth(): unknown {
    let sent: unknown;
    (this.options.auth as (cb: (data: object) => void) => void)((data) => (sent = data));
    return sent;
  }
  on(event: string, fn: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
    return this;
  }
  connect() {
    this.active = true;
    this.connects++;
    return this;
  }
  disconnect() {
    this.active = false;
    this.connected = false;
    return this;
  }
  removeAllListeners() {
    this.handlers.clear();
    return this;
  }
  timeout(_ms: number) {
    return {
      emitWithAck: (event: string, req: SubscribeRequest | LayerTextRequest) => {
        if (event === 'layer:text') {
          const r = req as LayerTextRequest;
          this.textRequests.push(r);
          const items = r.ids.flatMap((id) => {
            const t = this.titles.get(id);
            return t ? [{ id, version: t.version, text: { title: t.title } }] : [];
          });
          return Promise.resolve({ ok: true, layer: r.layer, items });
        }
        this.subscribes.push(req as SubscribeRequest);
        return this.answer(req as SubscribeRequest);
      },
    };
  }
  // The server's side.
  fire(event: string, ...args: unknown[]) {
    for (const h of this.handlers.get(event) ?? []) h(...args);
  }
  open() {
    this.connected = true;
    this.fire('connect');
  }
  drop(reason = 'transport close') {
    this.connected = false;
    this.fire('disconnect', reason);
  }
  refuse(code: string, message: string) {
    this.active = false;
    this.fire('connect_error', Object.assign(new Error(message), { data: { code } }));
  }
}

const T0 = Date.UTC(2025, 9, 27, 3, 0, 0);

function snapshot(seq: number): LayerSnapshot {
  return {
    layer: 'sensors',
    seq,
    serverTime: T0 + seq,
    changedAt: T0 + seq,
    features: [{ id: 'kim-long', position: [107.553, 16.462], props: { kind: 'water_level', value: 3.62 } }],
  };
}

function delta(from: number, seq: number): LayerDelta {
  return {
    layer: 'sensors',
    from,
    seq,
    serverTime: T0 + seq,
    changedAt: T0 + seq,
    upserts: [{ id: 'phu-oc', position: [107.47, 16.53], props: { kind: 'water_level', value: 3.3 } }],
    removes: [],
  };
}

function setup(overrides: Partial<LiveClientOptions> = {}) {
  let socket: FakeSocket | undefined;
  const states: ConnectionState[] = [];
  const onLayer = vi.fn();
  const client = new LiveClient({
    token: 'hue-demo-display',
    layers: ['sensors'],
    onLayer,
    onState: (s) => states.push(s),
    connect: (_url, options) => {
      socket = new FakeSocket(options);
      return socket as unknown as LiveSocket;
    },
    ...overrides,
  });
  client.start();
  if (!socket) throw new Error('no socket');
  return { client, socket, states, onLayer, last: () => states[states.length - 1] };
}

/** Lets pending acks (promises) settle. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('LiveClient', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the token, protocol version and wall encoding, subscribes without since, goes live', async () => {
    const { client, socket, last, onLayer } = setup();
    expect(socket.handshakeAuth()).toEqual({
      token: 'hue-demo-display',
      protocol: LIVE_PROTOCOL_VERSION,
      encoding: 'wall',
    });
    expect(client.state.status).toBe('connecting');
    socket.open();
    await settle();
    expect(socket.subscribes).toEqual([{ layer: 'sensors' }]);
    expect(last()?.status).toBe('live');
    socket.fire('layer:snapshot', snapshot(40));
    expect(last()?.dataTime).toBe(T0 + 40);
    expect(onLayer).toHaveBeenCalledTimes(1);
    client.close();
  });

  it('after a drop shows reconnecting with the data time, then re-subscribes with since', async () => {
    const { client, socket, last } = setup();
    socket.open();
    await settle();
    socket.fire('layer:snapshot', snapshot(40));
    socket.fire('layer:delta', delta(40, 41));
    socket.drop();
    expect(last()).toMatchObject({ status: 'reconnecting', dataTime: T0 + 41 });
    socket.open();
    await settle();
    expect(socket.subscribes.at(-1)).toEqual({ layer: 'sensors', since: 41 });
    expect(last()?.status).toBe('live');
    client.close();
  });

  it('re-subscribes with the current seq on a gap, one subscription at a time', async () => {
    const { client, socket } = setup();
    socket.open();
    await settle();
    socket.fire('layer:snapshot', snapshot(40));
    let release: (ack: unknown) => void = () => {};
    socket.answer = () => new Promise((resolve) => (release = resolve));
    socket.fire('layer:delta', delta(42, 43));
    socket.fire('layer:delta', delta(43, 44));
    expect(socket.subscribes.slice(1)).toEqual([{ layer: 'sensors', since: 40 }]);
    socket.answer = async () => ({ ok: true, layer: 'sensors', seq: 44, mode: 'delta' });
    release({ ok: true, layer: 'sensors', seq: 44, mode: 'delta' });
    await settle();
    // The second gap arrived while the first re-subscription was pending: one more, not two.
    expect(socket.subscribes.slice(1)).toEqual([
      { layer: 'sensors', since: 40 },
      { layer: 'sensors', since: 40 },
    ]);
    client.close();
  });

  it('shows the server code when the handshake is refused and tries again later', async () => {
    const { client, socket, last } = setup({ refusedRetryMs: 30_000 });
    socket.refuse('IOC_AUTH_TOKEN_INVALID', 'invalid display token');
    expect(last()).toMatchObject({
      status: 'error',
      failure: { code: 'IOC_AUTH_TOKEN_INVALID', message: 'invalid display token' },
    });
    expect(socket.connects).toBe(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(socket.connects).toBe(2);
    client.close();
  });

  it('keeps waiting, not failing, while the server is merely unreachable', () => {
    const { client, socket, last } = setup();
    socket.fire('connect_error', new Error('xhr poll error'));
    expect(socket.active).toBe(true);
    expect(last()?.status ?? client.state.status).toBe('connecting');
    client.close();
  });

  it('reports a refused subscription and retries it', async () => {
    const { client, socket, last } = setup({ refusedRetryMs: 30_000 });
    socket.answer = async () => ({ ok: false, error: { code: 'IOC_LIVE_FORBIDDEN', message: 'no' } });
    socket.open();
    await settle();
    expect(last()).toMatchObject({ status: 'error', failure: { code: 'IOC_LIVE_FORBIDDEN' } });
    socket.answer = async () => ({ ok: true, layer: 'sensors', seq: 0, mode: 'snapshot' });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(last()?.status).toBe('live');
    client.close();
  });

  it('asks again when a subscribe gets no answer in time', async () => {
    const { client, socket, last } = setup();
    socket.answer = () => Promise.reject(new Error('operation has timed out'));
    socket.open();
    await settle();
    expect(socket.subscribes).toHaveLength(1);
    socket.answer = async () => ({ ok: true, layer: 'sensors', seq: 0, mode: 'snapshot' });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(socket.subscribes).toHaveLength(2);
    expect(last()?.status).toBe('live');
    client.close();
  });

  it('reconnects itself after a server-side disconnect', async () => {
    const { client, socket } = setup();
    socket.open();
    await settle();
    socket.drop('io server disconnect');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(socket.connects).toBe(2);
    client.close();
  });
  it('passes ticker lines and KPI updates on, and drops malformed ones', async () => {
    const onTicker = vi.fn();
    const onKpi = vi.fn();
    const { client, socket } = setup({ onTicker, onKpi });
    socket.open();
    await settle();
    const line = {
      id: 'alarm:kim-long:3:2025-10-27T03:00:00.000Z',
      kind: 'alarm',
      text: 'Trạm Kim Long vượt báo động III: 3,62 m',
      textEn: 'Trạm Kim Long above alarm level III: 3.62 m',
      level: 3,
      ts: '2025-10-27T03:00:00.000Z',
    };
    socket.fire('ticker', line);
    socket.fire('ticker', { id: 42 });
    const kpi = {
      kpi: 'ty_le_hai_long',
      scope: { level: 'province', code: '46' },
      value: 92.4,
      target: 90,
      ts: line.ts,
    };
    socket.fire('kpi:update', kpi);
    socket.fire('kpi:update', { kpi: 'ty_le_hai_long', value: 'n/a' });
    expect(onTicker.mock.calls).toEqual([[line]]);
    expect(onKpi.mock.calls).toEqual([[kpi]]);
    client.close();
  });

  describe('wall encoding and text on demand', () => {
    const incident = (id: string, version: number, title: string) => ({
      id,
      position: [107.585, 16.4637] as [number, number],
      props: { version, status: 'new', priority: 1, title, agencyId: 'ubnd-phuong-phu-hoi' },
    });
    const packedSnapshot = (seq: number, features: ReturnType<typeof incident>[]): LayerSnapshot => ({
      layer: 'incidents',
      seq,
      serverTime: T0 + seq,
      changedAt: T0,
      features: [],
      // As socket.io delivers a binary attachment in a browser.
      packed: encodeWallFeatures(features, { omit: { title: '' } }).slice().buffer,
    });

    it('decodes a packed snapshot into the features the views read, titles left empty', async () => {
      const { client, socket, onLayer } = setup({ layers: ['incidents'] });
      socket.open();
      await settle();
      socket.fire('layer:snapshot', packedSnapshot(5, [incident('IOC-2612-000101', 2, 'Ngập đường Lê Lợi')]));
      expect(onLayer).toHaveBeenCalledTimes(1);
      const view = onLayer.mock.calls[0]![0].view;
      expect(view.state.seq).toBe(5);
      expect(view.state.features.get('IOC-2612-000101')).toEqual({
        ...incident('IOC-2612-000101', 2, ''),
      });
      client.close();
    });

    it('asks again for a snapshot it cannot read instead of applying it', async () => {
      const { client, socket, onLayer } = setup({ layers: ['incidents'] });
      socket.open();
      await settle();
      const before = socket.subscribes.length;
      socket.fire('layer:snapshot', { ...packedSnapshot(5, []), packed: new Uint8Array([1, 2, 3]).buffer });
      expect(onLayer).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(2_000);
      expect(socket.subscribes.length).toBe(before + 1);
      client.close();
    });

    it('fetches titles once, serves them from its cache, refreshes them from deltas', async () => {
      const { client, socket } = setup({ layers: ['incidents'] });
      socket.open();
      await settle();
      socket.fire(
        'layer:snapshot',
        packedSnapshot(5, [incident('IOC-2612-000101', 2, ''), incident('IOC-2612-000102', 1, '')]),
      );
      socket.titles.set('IOC-2612-000101', { version: 2, title: 'Ngập đường Lê Lợi' });
      socket.titles.set('IOC-2612-000102', { version: 1, title: 'Đèn đường hỏng, Kim Long' });
      const first = await client.texts('incidents', [
        'IOC-2612-000101',
        'IOC-2612-000102',
        'IOC-2612-999999',
      ]);
      expect(first.get('IOC-2612-000101')).toEqual({ title: 'Ngập đường Lê Lợi' });
      expect(first.has('IOC-2612-999999')).toBe(false);
      expect(socket.textRequests).toHaveLength(1);
      // Cached: only the id the server did not answer is asked again.
      await client.texts('incidents', ['IOC-2612-000101', 'IOC-2612-000102', 'IOC-2612-999999']);
      expect(socket.textRequests[1]!.ids).toEqual(['IOC-2612-999999']);
      // A delta carries its feature's new title: the cache follows without asking.
      socket.fire('layer:delta', {
        layer: 'incidents',
        from: 5,
        seq: 6,
        serverTime: T0 + 6,
        changedAt: T0 + 6,
        upserts: [incident('IOC-2612-000101', 3, 'Ngập sâu đường Lê Lợi')],
        removes: ['IOC-2612-000102'],
      });
      const after = await client.texts('incidents', ['IOC-2612-000101']);
      expect(after.get('IOC-2612-000101')).toEqual({ title: 'Ngập sâu đường Lê Lợi' });
      expect(socket.textRequests).toHaveLength(2);
      // The delta removed the other one: its title is no longer cached and is asked for again.
      await client.texts('incidents', ['IOC-2612-000101', 'IOC-2612-000102']);
      expect(socket.textRequests[2]!.ids).toEqual(['IOC-2612-000102']);
      client.close();
    });
  });
});
