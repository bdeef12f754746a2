import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { Redis } from 'ioredis';
import type { Feature, KpiUpdate, SensorProps } from '@hue-ioc/layers';
import { signBody } from '@hue-ioc/streams';
import { LiveMirror, startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';

/**
 * Several server nodes sharing one Redis event log (issue: live layers across nodes). Each test node
 * has its own embedded database — no TimescaleDB server is packaged for this machine — so what a node
 * serves must come from the log, not from its database.
 */
const redisUrl = process.env.IOC_TEST_REDIS_URL;
const mqttUrl = process.env.IOC_TEST_MQTT_URL;

describe.skipIf(!redisUrl)('two nodes on one Redis event log', () => {
  const prefix = `hue-ioc-test:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const nodes: RunningIoc[] = [];
  const dirs: string[] = [];
  const start = async (dataDir?: string, extra: { mqttUrl?: string } = {}) => {
    const node = await startIoc({
      ...(dataDir ? { dataDir } : {}),
      ...extra,
      overrides: {
        redisUrl: redisUrl!,
        redisPrefix: prefix,
        ...(extra.mqttUrl ? { mqttSharedGroup: `g${process.pid}` } : {}),
      },
    });
    nodes.push(node);
    return node;
  };
  afterAll(async () => {
    for (const n of nodes) await n.close().catch(() => undefined);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
    const r = new Redis(redisUrl!);
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
    await r.quit();
  });

  it('a reading ingested on node A reaches a client of node B with the same sequence numbers; B keeps serving when A dies', async () => {
    const a = await start();
    const b = await start();
    await a.app.ready();
    await b.app.ready();
    const onA = new LiveMirror(a.baseUrl, 'sensors');
    const onB = new LiveMirror(b.baseUrl, 'sensors');
    await waitFor('snapshots', () => onA.state && onB.state);

    const pub = await mqtt.connectAsync(a.mqttUrl, { protocolVersion: 4 });
    const ts = new Date(Date.now() - 1000).toISOString();
    await pub.publishAsync('hue/sensors/water_level/kim-long', JSON.stringify({ ts, value: 3.62 }), {
      qos: 1,
    });
    await pub.endAsync();
    const onBKim = await waitFor('kim-long at 3.62 on node B', () => {
      const f = onB.state?.features.get('kim-long') as Feature<SensorProps> | undefined;
      return f?.props.value === 3.62 ? f : undefined;
    });
    expect(onBKim.props).toMatchObject({ alarmLevel: 3, state: 'alarm3' });
    await waitFor('node A client caught up', () => onA.state!.seq === onB.state!.seq);
    expect(onA.features()).toEqual(onB.features());
    // Both nodes date the layer's newest change the same way: the log's append time, not their own clocks.
    expect(onB.changedAt).toBe(onA.changedAt);
    expect(onB.changedAt).toBeGreaterThanOrEqual(Date.parse(ts));
    // A client that connects to B later is told the same age in its snapshot.
    const late = new LiveMirror(b.baseUrl, 'sensors');
    await waitFor('late snapshot', () => late.state);
    expect(late.changedAt).toBe(onA.changedAt);
    late.close();
    // Node B never stored it: it serves it from the log.
    expect(await b.app.db.query(`SELECT 1 FROM observations WHERE ts = $1`, [ts])).toEqual([]);

    onA.close();
    await a.close();
    nodes.splice(nodes.indexOf(a), 1);
    const pubB = await mqtt.connectAsync(b.mqttUrl, { protocolVersion: 4 });
    await pubB.publishAsync(
      'hue/sensors/water_level/kim-long',
      JSON.stringify({ ts: new Date().toISOString(), value: 1.1 }),
      { qos: 1 },
    );
    await pubB.endAsync();
    await waitFor(
      'node B alone still serves',
      () => (onB.state?.features.get('kim-long') as Feature<SensorProps>)?.props.value === 1.1,
    );
    expect(onB.gaps).toBe(0);
    onB.close();
  });

  it('a KPI sample posted to node A reaches the screens on node B (socket.io Redis streams adapter)', async () => {
    const secret = 'cluster-kpi-secret-46';
    const secrets = { hueS: secret, hotline: secret, kpi: secret, open311: secret };
    const a = await startIoc({
      overrides: { redisUrl: redisUrl!, redisPrefix: prefix, ingestSecrets: secrets },
    });
    nodes.push(a);
    const b = await startIoc({
      overrides: { redisUrl: redisUrl!, redisPrefix: prefix, ingestSecrets: secrets },
    });
    nodes.push(b);
    const onA = new LiveMirror(a.baseUrl, 'sensors');
    const onB = new LiveMirror(b.baseUrl, 'sensors');
    const gotA: KpiUpdate[] = [];
    const gotB: KpiUpdate[] = [];
    onA.socket.on('kpi:update', (u) => gotA.push(u));
    onB.socket.on('kpi:update', (u) => gotB.push(u));
    await waitFor('both connected', () => onA.state && onB.state);
    const raw = JSON.stringify({
      kpi: 'ty_le_xu_ly_dung_han',
      scope: { level: 'province', code: '46' },
      value: 96.4,
      target: 95,
      ts: new Date(Date.now() - 30_000).toISOString(),
    });
    const res = await fetch(`${a.baseUrl}/api/ingest/kpi`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signBody(secret, raw, Math.floor(Date.now() / 1000)),
      },
      body: raw,
    });
    expect(res.status).toBe(201);
    await waitFor('kpi:update on node B', () => gotB.length > 0);
    await waitFor('kpi:update on node A', () => gotA.length > 0);
    expect(gotB).toEqual(gotA);
    expect(gotB[0]).toMatchObject({ kpi: 'ty_le_xu_ly_dung_han', value: 96.4, target: 95 });
    // Exactly once per node: the sender does not get its own value back through the adapter.
    await new Promise((r) => setTimeout(r, 500));
    expect(gotA).toHaveLength(1);
    expect(gotB).toHaveLength(1);
    onA.close();
    onB.close();
  });

  it('a client resumes across a restart of its node: the older changes come from the Redis log, no snapshot', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hue-ioc-cluster-'));
    dirs.push(dataDir);
    let node = await start(dataDir);
    const mirror = new LiveMirror(node.baseUrl, 'alerts');
    await waitFor('snapshot', () => mirror.state);
    for (let i = 0; i < 20; i++)
      await node.app.hub.apply('alerts', [
        { id: `flood-${i}`, position: [107.55, 16.46], props: { level: i % 4 } },
      ]);
    await waitFor('caught up', () => mirror.state!.seq === node.app.hub.seq('alerts'));
    mirror.close();
    const since = mirror.state!;

    await node.close({ keepData: true });
    nodes.splice(nodes.indexOf(node), 1);
    node = await start(dataDir);
    for (let i = 0; i < 500; i++) {
      if (i % 9 === 0) await node.app.hub.apply('alerts', [], [`flood-${i % 30}`]);
      else
        await node.app.hub.apply('alerts', [
          { id: `flood-${i % 30}`, position: [107.55, 16.46], props: { level: i % 4, i } },
        ]);
    }
    const back = new LiveMirror(node.baseUrl, 'alerts');
    back.state = since; // the client remembers what it had applied
    await waitFor(
      'resumed',
      () => back.state!.seq === node.app.hub.seq('alerts') && back.state!.seq > since.seq,
    );
    expect(back.snapshots).toBe(0);
    expect(back.gaps).toBe(0);
    expect(back.features()).toEqual(new Map(node.app.hub.features('alerts').map((f) => [f.id, f])));
    back.close();
  });

  it.skipIf(!mqttUrl)(
    'nodes split a real broker stream with a shared subscription: each message stored once',
    async () => {
      const a = await start(undefined, { mqttUrl: mqttUrl! });
      const b = await start(undefined, { mqttUrl: mqttUrl! });
      await a.app.ready();
      await b.app.ready();
      const run = Math.random().toString(36).slice(2, 7);
      const pub = await mqtt.connectAsync(mqttUrl!, { protocolVersion: 4 });
      const n = 200;
      const t0 = Date.now() - n * 1000;
      for (let i = 0; i < n; i++) {
        await pub.publishAsync(
          `hue/sensors/rain/share-${run}-${i % 5}`,
          JSON.stringify({ ts: new Date(t0 + i * 1000).toISOString(), value: i % 20 }),
          { qos: 1 },
        );
      }
      await pub.endAsync();
      const count = async (node: RunningIoc) =>
        (
          await node.app.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM observations WHERE device_id LIKE $1`,
            [`share-${run}-%`],
          )
        )[0]!.n;
      await waitFor(
        `${n} readings stored across both nodes`,
        async () => (await count(a)) + (await count(b)) === n,
      );
      await new Promise((r) => setTimeout(r, 300));
      const [na, nb] = [await count(a), await count(b)];
      expect(na + nb).toBe(n);
      expect(na).toBeGreaterThan(0);
      expect(nb).toBeGreaterThan(0);
    },
  );
});
