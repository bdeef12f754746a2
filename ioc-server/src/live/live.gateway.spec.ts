import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { io as ioClient, type Socket } from 'socket.io-client';
import { LIVE_PROTOCOL_VERSION, type Feature, type LayerDelta, type LayerSnapshot } from '@hue-ioc/layers';
import { silentLogger } from '@hue-ioc/streams';
import { createLiveGateway, type LiveGateway } from './live.gateway.ts';
import { LayerHub } from './layer-hub.ts';
import { MemoryEventLog } from './event-log/memory.event-log.ts';
import { canSubscribe, scopeDelta, scopeKey, scopeSnapshot } from '../auth/policy.ts';
import { createMetrics } from '../metrics.ts';
import type { Principal } from '../auth/principal.ts';

/** Screens of the desk, of Sở Xây dựng and of HEPCO (the power company), by token. */
const PRINCIPALS: Record<string, Principal> = {
  'op-1': { id: 'user:1', role: 'operator', credential: { type: 'session', idHash: 'a' } },
  'op-2': { id: 'user:2', role: 'supervisor', credential: { type: 'session', idHash: 'b' } },
  'wall-1': { id: 'display-token:1', role: 'display', credential: { type: 'display_token', tokenId: 1 } },
  'sxd-1': {
    id: 'user:3',
    role: 'agency',
    agencyId: 'so-xay-dung',
    credential: { type: 'session', idHash: 'c' },
  },
  'sxd-2': {
    id: 'user:4',
    role: 'agency',
    agencyId: 'so-xay-dung',
    credential: { type: 'session', idHash: 'd' },
  },
  'hepco-1': {
    id: 'user:5',
    role: 'agency',
    agencyId: 'hepco',
    credential: { type: 'session', idHash: 'e' },
  },
};

const incident = (id: string, agencyId: string): Feature => ({
  id,
  position: [107.5905, 16.4637],
  props: { status: 'assigned', category: 'roads', title: 'Ổ gà trên đường Lê Lợi', agencyId },
});

let http: HttpServer | null = null;
let gateway: LiveGateway | null = null;
let hub: LayerHub | null = null;
const clients: Socket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await gateway?.close(100);
  hub?.stop();
  await new Promise((r) => http?.close(r));
  http = gateway = hub = null;
});

async function start() {
  hub = new LayerHub({ log: new MemoryEventLog(), tickMs: 250, layers: ['incidents'] });
  await hub.start();
  http = createServer();
  const metrics = createMetrics();
  gateway = createLiveGateway({
    httpServer: http,
    hub,
    logger: silentLogger,
    metrics,
    authenticate: ({ token }) => (token ? (PRINCIPALS[token] ?? null) : null),
    canSubscribe,
    scopeDelta,
    scopeKey,
    scopeSnapshot,
  });
  hub.onDelta((d, t) => gateway!.emitDelta(d, t));
  await new Promise<void>((r) => http!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/live`;
  return { hub, gateway, metrics, url };
}

/** A subscribed client; `got` collects its deltas on the incidents layer. */
async function client(url: string, token: string) {
  const socket = ioClient(url, {
    auth: { token, protocol: LIVE_PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  clients.push(socket);
  const got: LayerDelta[] = [];
  socket.on('layer:delta', (d: LayerDelta) => got.push(d));
  socket.on('layer:snapshot', (_s: LayerSnapshot) => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  expect(await socket.timeout(5_000).emitWithAck('subscribe', { layer: 'incidents' })).toMatchObject({
    ok: true,
  });
  return { token, got };
}

async function until(what: string, ok: () => boolean) {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok(), what).toBe(true);
}

/** Counts the packets encoded from now on (socket.io-adapter's encoder, which its broadcast uses). */
function countEncodings(gateway: { nsp: { adapter: unknown } }): () => number {
  const adapter = gateway.nsp.adapter as { _encode: (...a: unknown[]) => unknown };
  const encode = adapter._encode.bind(adapter);
  let n = 0;
  adapter._encode = (...a: unknown[]) => {
    n++;
    return encode(...a);
  };
  return () => n;
}

describe('live gateway fan-out', () => {
  it('scopes and encodes a delta once per scope group, and each screen gets exactly its own view', async () => {
    const { hub, gateway, metrics, url } = await start();
    const screens = await Promise.all(Object.keys(PRINCIPALS).map((t) => client(url, t)));
    const encodings = countEncodings(gateway);
    await hub.apply('incidents', [
      incident('IOC-2611-000001', 'so-xay-dung'),
      incident('IOC-2611-000002', 'hepco'),
    ]);
    await until('every screen got the delta', () => screens.every((s) => s.got.length === 1));

    const view = (token: string) => {
      const d = screens.find((s) => s.token === token)!.got[0]!;
      return { upserts: d.upserts.map((f) => f.id), removes: d.removes };
    };
    const all = { upserts: ['IOC-2611-000001', 'IOC-2611-000002'], removes: [] };
    expect(view('op-1')).toEqual(all);
    expect(view('op-2')).toEqual(all);
    expect(view('wall-1')).toEqual(all);
    expect(view('sxd-1')).toEqual({ upserts: ['IOC-2611-000001'], removes: ['IOC-2611-000002'] });
    expect(view('sxd-2')).toEqual({ upserts: ['IOC-2611-000001'], removes: ['IOC-2611-000002'] });
    expect(view('hepco-1')).toEqual({ upserts: ['IOC-2611-000002'], removes: ['IOC-2611-000001'] });
    // Three groups: the desk and the wall, Sở Xây dựng, HEPCO; not one encoding per socket.
    expect(encodings()).toBe(3);
    // Every socket on the same seq chain.
    expect(new Set(screens.map((s) => `${s.got[0]!.from}-${s.got[0]!.seq}`)).size).toBe(1);

    // The bytes metric counts the packet each socket was written (`2/live,` + the event's JSON).
    const packetBytes = screens.reduce(
      (n, s) => n + Buffer.byteLength(`2/live,${JSON.stringify(['layer:delta', s.got[0]])}`),
      0,
    );
    const bytes = (await metrics.liveBytes.get()).values.find((v) => v.labels.layer === 'incidents');
    expect(bytes?.value).toBe(packetBytes);
    const features = (await metrics.liveFeaturesSent.get()).values.find(
      (v) => v.labels.layer === 'incidents',
    );
    expect(features?.value).toBe(2 * screens.length);
  });

  it('keeps each socket on its own seq chain: one that subscribes later starts where its ack said', async () => {
    const { hub, url } = await start();
    const early = await client(url, 'op-1');
    await hub.apply('incidents', [incident('IOC-2611-000003', 'hepco')]);
    await until('the first delta', () => early.got.length === 1);
    const late = await client(url, 'op-2');
    await hub.apply('incidents', [incident('IOC-2611-000004', 'hepco')]);
    await until('both got the second delta', () => early.got.length === 2 && late.got.length === 1);
    expect(late.got[0]).toMatchObject({ from: early.got[1]!.from, seq: early.got[1]!.seq });
    expect(early.got[1]!.from).toBe(early.got[0]!.seq);
  });

  it('catches up the sockets skipped at the same delta with one coalesced delta encoded once per group', async () => {
    const { hub, gateway, url } = await start();
    const screens = await Promise.all(
      ['op-1', 'op-2', 'wall-1', 'sxd-1', 'sxd-2'].map((t) => client(url, t)),
    );
    const base = hub.seq('incidents');
    // A delta none of them can take (it does not start at their seq): every socket is marked behind, as
    // when their queues were full.
    gateway.emitDelta(
      {
        layer: 'incidents',
        from: base - 1,
        seq: base,
        serverTime: 0,
        changedAt: null,
        upserts: [],
        removes: [],
      },
      [],
    );
    const encodings = countEncodings(gateway);
    await hub.apply('incidents', [
      incident('IOC-2611-000005', 'so-xay-dung'),
      incident('IOC-2611-000006', 'hepco'),
    ]);
    await until('every screen caught up', () => screens.every((s) => s.got.length >= 1));
    await new Promise((r) => setTimeout(r, 100));
    // Once each: engine.io's synchronous 'drain' after the write must not send the catch-up again.
    expect(screens.map((s) => s.got.length)).toEqual(screens.map(() => 1));
    for (const s of screens) expect(s.got[0]).toMatchObject({ from: base, seq: base + 1 });
    expect(screens.find((s) => s.token === 'sxd-2')!.got[0]!.upserts.map((f) => f.id)).toEqual([
      'IOC-2611-000005',
    ]);
    expect(encodings()).toBe(2); // the desk and the wall; Sở Xây dựng
  });
});
