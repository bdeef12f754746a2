import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import {
  applyDelta,
  decodeWallFeatures,
  stateFromSnapshot,
  type LayerDelta,
  LIVE_PROTOCOL_VERSION,
  type Feature,
  type IncidentProps,
  type LayerId,
  type LayerSnapshot,
  type LayerTextAck,
  type SensorProps,
} from '@hue-ioc/layers';
import { DISPLAY_TOKEN, startIoc, waitFor, type LiveClient, type RunningIoc } from './support/start-ioc.ts';
import { sessionFor, TEST_AGENCY, type Session } from './support/auth.ts';

/** Open cases on Huế's streets, as the incidents layer carries them, split between two agencies. */
function incident(i: number, agencyId: string): Feature<IncidentProps> {
  return {
    id: `IOC-2612-${String(i).padStart(6, '0')}`,
    position: [107.5905 + i / 100_000, 16.4637 - i / 200_000],
    props: {
      version: 1 + (i % 3),
      status: i % 2 ? 'assigned' : 'in_progress',
      category: i % 3 ? 'roads' : 'drainage',
      priority: 1 + (i % 4),
      title: `Ổ gà trên đường Lê Lợi, đoạn ${i}`,
      wardCode: i % 5 ? '19774' : null,
      agencyId,
      dueAt: i % 7 ? new Date(Date.UTC(2026, 11, 2, 8) + i * 61_000).toISOString() : null,
      createdAt: new Date(Date.UTC(2026, 10, 28, 2, 15) + i * 3_517).toISOString(),
      updatedAt: new Date(Date.UTC(2026, 11, 1, 3) + i * 1_003).toISOString(),
      channels: i % 4 ? ['hue_s'] : ['hue_s', 'hotline'],
    },
  };
}

function sensor(i: number): Feature<SensorProps> {
  return {
    id: `kim-long-${i}`,
    position: [107.553 + i / 1000, 16.462],
    props: {
      kind: 'water_level',
      name: `Trạm Kim Long ${i} (sông Hương)`,
      wardCode: '19774',
      metric: 'water_level',
      value: i % 5 ? 2.3 + i / 100 : null,
      unit: 'm',
      observedAt: new Date(Date.UTC(2026, 11, 1, 3) + i * 1000).toISOString(),
      alarmLevel: i % 4,
      state: 'normal',
      thresholds: [2.5, 3.5, 4.5],
      expectedIntervalS: 300,
    },
  };
}

type Cred = { token: string } | { session: Session };

function live(ioc: RunningIoc, cred: Cred, encoding?: string): LiveClient {
  return ioClient(`${ioc.baseUrl}/live`, {
    auth: {
      protocol: LIVE_PROTOCOL_VERSION,
      ...('token' in cred ? { token: cred.token } : {}),
      ...(encoding ? { encoding } : {}),
    },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...('session' in cred ? { extraHeaders: { cookie: cred.session.cookie } } : {}),
  });
}

/** Connects, subscribes to `layer`, resolves with its snapshot. */
async function snapshotOf(socket: LiveClient, layer: LayerId): Promise<LayerSnapshot> {
  await new Promise<void>((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const snap = new Promise<LayerSnapshot>((resolve) => {
    const on = (s: LayerSnapshot) => {
      if (s.layer !== layer) return;
      socket.off('layer:snapshot', on);
      resolve(s);
    };
    socket.on('layer:snapshot', on);
  });
  expect(await socket.timeout(10_000).emitWithAck('subscribe', { layer })).toMatchObject({ ok: true });
  return snap;
}

const text = (socket: LiveClient, request: unknown): Promise<LayerTextAck> =>
  socket.timeout(10_000).emitWithAck('layer:text', request as never);

const byId = (features: readonly Feature[]) => new Map(features.map((f) => [f.id, f]));

describe('/live wall encoding and layer:text', () => {
  let ioc: RunningIoc;
  const sockets: LiveClient[] = [];
  const track = (s: LiveClient) => (sockets.push(s), s);
  const incidents = Array.from({ length: 400 }, (_, i) => incident(i, i % 2 ? TEST_AGENCY : 'hepco'));

  beforeAll(async () => {
    ioc = await startIoc();
    await ioc.app.hub.apply('incidents', incidents);
    await ioc.app.hub.apply(
      'sensors',
      Array.from({ length: 60 }, (_, i) => sensor(i)),
    );
    ioc.app.hub.flushAll();
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await ioc?.close();
  });

  it('gives a wall the features a json client gets, as one binary attachment, without titles', async () => {
    for (const layer of ['incidents', 'sensors'] as const) {
      const json = await snapshotOf(track(live(ioc, { token: DISPLAY_TOKEN })), layer);
      const wall = await snapshotOf(track(live(ioc, { token: DISPLAY_TOKEN }, 'wall')), layer);
      expect(wall.features).toEqual([]);
      expect(wall.seq).toBe(json.seq);
      expect(Buffer.isBuffer(wall.packed)).toBe(true);
      const decoded = decodeWallFeatures(wall.packed);
      expect(decoded.omitted).toEqual(layer === 'incidents' ? ['title'] : []);
      const got = byId(decoded.features);
      expect(got.size).toBe(json.features.length);
      for (const f of json.features) {
        const w = got.get(f.id)!;
        const props = f.props as Record<string, unknown>;
        expect(w.props).toEqual(layer === 'incidents' ? { ...props, title: '' } : props);
        // Positions on the 1e-6° grid (0.1 m).
        expect(Math.abs(w.position![0] - f.position![0])).toBeLessThanOrEqual(5e-7);
        expect(Math.abs(w.position![1] - f.position![1])).toBeLessThanOrEqual(5e-7);
      }
      const jsonBytes = Buffer.byteLength(JSON.stringify(json.features));
      expect((wall.packed as Buffer).length).toBeLessThan(jsonBytes / (layer === 'incidents' ? 8 : 3));
    }
  });

  it('answers titles for the ids asked, the same bytes to walls joining at the same seq', async () => {
    const a = track(live(ioc, { token: DISPLAY_TOKEN }, 'wall'));
    const b = track(live(ioc, { token: DISPLAY_TOKEN }, 'wall'));
    const [sa, sb] = await Promise.all([snapshotOf(a, 'incidents'), snapshotOf(b, 'incidents')]);
    expect(sa.seq).toBe(sb.seq);
    expect(Buffer.compare(sa.packed as Buffer, sb.packed as Buffer)).toBe(0);
    const ids = [incidents[3]!.id, incidents[10]!.id, 'IOC-2612-999999'];
    const ack = await text(a, { layer: 'incidents', ids });
    expect(ack).toEqual({
      ok: true,
      layer: 'incidents',
      items: [
        {
          id: incidents[3]!.id,
          version: incidents[3]!.props.version,
          text: { title: incidents[3]!.props.title },
        },
        {
          id: incidents[10]!.id,
          version: incidents[10]!.props.version,
          text: { title: incidents[10]!.props.title },
        },
      ],
    });
    // A layer whose snapshot leaves nothing out has no text to fetch.
    expect(await text(a, { layer: 'sensors', ids: ['kim-long-1'] })).toEqual({
      ok: true,
      layer: 'sensors',
      items: [],
    });
  });

  it('sends a wall joining after a change the kept snapshot and the delta since it: the current state', async () => {
    const first = track(live(ioc, { token: DISPLAY_TOKEN }, 'wall'));
    const kept = await snapshotOf(first, 'incidents');
    // Two cases change and one is withdrawn: the layer moves on.
    const changed = [
      { ...incidents[5]!, props: { ...incidents[5]!.props, version: 9, status: 'in_progress' as const } },
      incident(900, TEST_AGENCY),
    ];
    await ioc.app.hub.apply('incidents', changed, [incidents[6]!.id]);
    ioc.app.hub.flushAll();
    const later = track(live(ioc, { token: DISPLAY_TOKEN }, 'wall'));
    const deltas: LayerDelta[] = [];
    later.on('layer:delta', (d) => d.layer === 'incidents' && deltas.push(d));
    const snap = await snapshotOf(later, 'incidents');
    expect(snap.seq).toBe(kept.seq);
    expect(Buffer.compare(snap.packed as Buffer, kept.packed as Buffer)).toBe(0);
    await waitFor('the delta since the kept snapshot', () => deltas.length > 0);
    let state = stateFromSnapshot(snap);
    for (const d of deltas) state = applyDelta(state, d).state;
    const json = await snapshotOf(track(live(ioc, { token: DISPLAY_TOKEN })), 'incidents');
    expect(state.seq).toBe(json.seq);
    expect([...state.features.keys()].sort()).toEqual(json.features.map((f) => f.id).sort());
    const now = state.features.get(incidents[5]!.id)!;
    expect(now.props).toMatchObject({ version: 9, status: 'in_progress', title: incidents[5]!.props.title });
  });

  it('gives an agency only its own incidents, in the snapshot and in layer:text', async () => {
    const session = await sessionFor(ioc.app, 'agency');
    const socket = track(live(ioc, { session }, 'wall'));
    const snap = await snapshotOf(socket, 'incidents');
    const features = decodeWallFeatures<IncidentProps>(snap.packed).features;
    const theirs = ioc.app.hub
      .features('incidents')
      .filter((f) => (f.props as IncidentProps).agencyId === TEST_AGENCY);
    expect(features.length).toBe(theirs.length);
    expect(features.every((f) => f.props.agencyId === TEST_AGENCY)).toBe(true);
    const own = incidents.find((f) => f.props.agencyId === TEST_AGENCY)!;
    const foreign = incidents.find((f) => f.props.agencyId === 'hepco')!;
    const ack = await text(socket, { layer: 'incidents', ids: [own.id, foreign.id] });
    expect(ack).toEqual({
      ok: true,
      layer: 'incidents',
      items: [{ id: own.id, version: own.props.version, text: { title: own.props.title } }],
    });
    // The display screen sees both: the agency's answer is scoped, not the data missing.
    const wall = track(live(ioc, { token: DISPLAY_TOKEN }, 'wall'));
    await snapshotOf(wall, 'incidents');
    const all = await text(wall, { layer: 'incidents', ids: [own.id, foreign.id] });
    expect(all.ok && all.items.map((i) => i.id)).toEqual([own.id, foreign.id]);
  });

  it('refuses garbage text requests with IOC_LIVE_BAD_REQUEST and limits their rate', async () => {
    const socket = track(live(ioc, { token: DISPLAY_TOKEN }, 'wall'));
    await snapshotOf(socket, 'sensors');
    const garbage: unknown[] = [
      null,
      'incidents',
      {},
      { layer: 'incidents' },
      { layer: 'incidents', ids: [] },
      { layer: 'rivers', ids: ['x'] },
      { layer: 'incidents', ids: [42] },
      { layer: 'incidents', ids: [''] },
      { layer: 'incidents', ids: ['x'.repeat(65)] },
      { layer: 'incidents', ids: Array.from({ length: 201 }, (_, i) => `IOC-2612-${i}`) },
      { layer: 'incidents', ids: ['IOC-2612-000001'], extra: true },
      { layer: 'incidents', ids: { length: 1, 0: 'IOC-2612-000001' } },
      // A prototype-shaped key (own, as JSON.parse makes it) is an extra key like any other.
      JSON.parse('{"layer":"incidents","ids":["IOC-2612-000001"],"__proto__":{"ok":true}}'),
    ];
    for (const request of garbage) {
      const ack = await text(socket, request);
      expect(ack, JSON.stringify(request)?.slice(0, 60)).toMatchObject({
        ok: false,
        error: { code: 'IOC_LIVE_BAD_REQUEST' },
      });
    }
    // A burst past the bucket (20) is answered IOC_LIVE_RATE_LIMITED, not served.
    const acks = await Promise.all(
      Array.from({ length: 30 }, () => text(socket, { layer: 'incidents', ids: [incidents[0]!.id] })),
    );
    const limited = acks.filter((a) => !a.ok && a.error.code === 'IOC_LIVE_RATE_LIMITED');
    expect(limited.length).toBeGreaterThanOrEqual(5);
    expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(20);
    // Ids shaped like prototype keys or holding a NUL are just ids no feature has: nothing comes back
    // (asked once the bucket has a token again: it refills at 5/s).
    await new Promise((r) => setTimeout(r, 400));
    expect(
      await text(socket, { layer: 'incidents', ids: ['__proto__', 'constructor', 'IOC\u0000x'] }),
    ).toEqual({
      ok: true,
      layer: 'incidents',
      items: [],
    });
    expect(socket.connected).toBe(true);
  });
});
