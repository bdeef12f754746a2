import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { signBody } from '@hue-ioc/streams';
import type { LayerDelta, SensorProps } from '@hue-ioc/layers';
import { DISPLAY_TOKEN, LiveMirror, startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';
import { FaultyDb } from './support/faulty-db.ts';

/**
 * Chaos: the database down under load (issue 11, "Database outage"). A FaultyDb at the Db port fails every
 * call as `pg` does with the server gone (the embedded PGlite cannot be cut over a network; the `pg` Db
 * is cut through a TCP proxy in postgres-outage.int.spec.ts) while sensors publish over MQTT and Hue-S
 * posts reports. Counted: MQTT readings published (acknowledged by the broker) against stored and
 * delivered to a /live client, and webhook reports: zero lost, zero duplicated, no 2xx for anything not
 * stored, /readyz 503 naming the stalled pipeline during the outage and 200 after.
 *
 * IOC_CHAOS_OUTAGE_S (default 10) and IOC_CHAOS_RATE (readings a second, default 40) size it; the issue's
 * 60 s figure is `IOC_CHAOS_OUTAGE_S=60 npx vitest run ioc-server/test/db-outage.int.spec.ts`.
 * Each variant prints its row of the fault table.
 */
const OUTAGE_S = Number(process.env.IOC_CHAOS_OUTAGE_S ?? 10);
const RATE = Number(process.env.IOC_CHAOS_RATE ?? 40);
const REPORTS_PER_S = 2;
const WARMUP_S = 3;
const TAIL_S = 3;
const SECRET = 'test-ingest-secret-46';
const MIB = 1024 * 1024;

/** Spool off: batches are not acknowledged while the database is down, and the broker holds them. */
const variants: { name: string; url: string | undefined; spoolMb: number }[] = [
  { name: 'embedded broker, spool on', url: undefined, spoolMb: 64 },
  { name: 'embedded broker, spool off', url: undefined, spoolMb: 0 },
];
if (process.env.IOC_TEST_MQTT_URL)
  variants.push(
    { name: 'Mosquitto, spool on', url: process.env.IOC_TEST_MQTT_URL, spoolMb: 64 },
    // Mosquitto holds at most max_queued_messages (default 1000) beyond its 20 in flight for a client that
    // does not acknowledge: an outage longer than that at this rate loses messages at the broker.
    { name: 'Mosquitto, spool off', url: process.env.IOC_TEST_MQTT_URL, spoolMb: 0 },
  );

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(variants)(`database down ${OUTAGE_S} s under load: $name`, ({ url, spoolMb }) => {
  let ioc: RunningIoc;
  let faulty: FaultyDb;
  let pub: MqttClient;
  let live: LiveMirror;
  const run = Math.random().toString(36).slice(2, 7);

  beforeAll(async () => {
    ioc = await startIoc({
      mqttUrl: url,
      overrides: {
        ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET },
        ingestStallS: 3,
        ingestSpoolBytes: spoolMb * MIB,
        // Every report outstanding sends again each Retry-After: over a long outage that passes the
        // per-source limit (600 a minute), which is not what this test is about.
        ingestRateLimit: 100_000,
      },
      wrapDb: (db) => (faulty = new FaultyDb(db)),
    });
    await ioc.app.ready();
    pub = await mqtt.connectAsync(ioc.mqttUrl, { protocolVersion: 4, clientId: `outage-pub-${run}` });
    live = new LiveMirror(ioc.baseUrl, 'sensors');
    await waitFor('the sensors snapshot', () => live.state);
  });
  afterAll(async () => {
    live?.close();
    await pub?.endAsync();
    await ioc?.close();
  });

  it(
    'loses nothing, duplicates nothing, answers no 2xx for what is not stored, and says so on /readyz',
    async () => {
      const prefix = `out-${run}-`;
      // What /live delivered: each reading (device, observedAt) as often as a delta carried it.
      const delivered = new Map<string, number>();
      live.socket.on('layer:delta', (d: LayerDelta) => {
        if (d.layer !== 'sensors') return;
        for (const f of d.upserts) {
          const at = (f.props as SensorProps).observedAt;
          if (!f.id.startsWith(prefix) || at === null) continue;
          const key = `${f.id}|${at}`;
          delivered.set(key, (delivered.get(key) ?? 0) + 1);
        }
      });

      // /readyz every 500 ms throughout.
      const readiness: { at: number; status: number; stalled: string[]; spooled: number; oldestS: number }[] =
        [];
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const res = await fetch(`${ioc.baseUrl}/readyz`);
          const body = (await res.json()) as { stalled?: string[] };
          const gauge = async (g: 'ingestSpooled' | 'ingestOldestPendingSeconds') =>
            (await ioc.app.metrics[g].get()).values.find((v) => v.labels.pipeline === 'mqtt')?.value ?? 0;
          readiness.push({
            at: Date.now(),
            status: res.status,
            stalled: body.stalled ?? [],
            spooled: await gauge('ingestSpooled'),
            oldestS: await gauge('ingestOldestPendingSeconds'),
          });
          await sleep(500);
        }
      })();

      // MQTT load: one rain gauge per reading (a /live client keeps one feature per device, so a reading
      // per device makes every delivery countable), values under the first threshold (10 mm/h).
      const published = new Map<string, { value: number; ts: string }>();
      const publishes: Promise<void>[] = [];
      let i = 0;
      const publishFor = async (ms: number) => {
        const end = Date.now() + ms;
        while (Date.now() < end) {
          const id = `${prefix}${i}`;
          const reading = { ts: new Date(Date.now() - 1000).toISOString(), value: (i % 90) / 10 };
          i++;
          publishes.push(
            pub
              .publishAsync(`hue/sensors/rain/${id}`, JSON.stringify(reading), { qos: 1 })
              .then(() => void published.set(id, reading)),
          );
          await sleep(1000 / RATE);
        }
      };

      // Webhook load: Hue-S reports, sent again after a 503 as a real source would, after its Retry-After.
      const reports = { sent: 0, accepted: 0, answered503: 0, retryAfterMissing: 0, notStoredWhen2xx: 0 };
      const posts: Promise<void>[] = [];
      const postReport = async (n: number) => {
        const report = {
          id: `hs-${prefix}${n}`,
          category: 'Thoát nước, ngập úng',
          description: `Ngập sâu khoảng ${20 + (n % 30)}cm trên đường Lê Lợi sau mưa lớn.`,
          lat: 16.4 + (n % 20) * 0.006,
          lon: 107.55 + Math.floor(n / 20) * 0.006,
          address: 'đường Lê Lợi, phường Thuận Hóa',
          media: [],
          reporter: { name: 'Trần Thị Bình', phone: '0914123456' },
          created_at: new Date(Date.now() - 60_000).toISOString(),
        };
        const raw = JSON.stringify(report);
        reports.sent++;
        for (;;) {
          const res = await fetch(`${ioc.baseUrl}/api/ingest/hue-s`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...signBody(SECRET, raw, Date.now() / 1000) },
            body: raw,
          });
          await res.arrayBuffer();
          if (res.status === 201 || res.status === 200) {
            // Checked at once, on the database behind the fault: a 2xx means it is stored now.
            const rows = await faulty.inner.query(
              `SELECT 1 FROM incident_sources WHERE channel = 'hue_s' AND source_id = $1`,
              [report.id],
            );
            if (rows.length !== 1) reports.notStoredWhen2xx++;
            reports.accepted++;
            return;
          }
          if (res.status !== 503) throw new Error(`report ${report.id}: unexpected ${res.status}`);
          reports.answered503++;
          const retryAfter = Number(res.headers.get('retry-after'));
          if (!(retryAfter > 0)) reports.retryAfterMissing++;
          await sleep((retryAfter > 0 ? retryAfter : 1) * 1000);
        }
      };
      const reportFor = async (ms: number) => {
        const end = Date.now() + ms;
        for (let n = 0; Date.now() < end; n++) {
          posts.push(postReport(n));
          await sleep(1000 / REPORTS_PER_S);
        }
      };

      const t0 = Date.now();
      const loadMs = (WARMUP_S + OUTAGE_S + TAIL_S) * 1000;
      const load = Promise.all([publishFor(loadMs), reportFor(loadMs)]);
      await sleep(WARMUP_S * 1000);
      const outageAt = Date.now();
      faulty.failFor(OUTAGE_S * 1000);
      await sleep(OUTAGE_S * 1000);
      const backAt = Date.now();
      await load;
      await Promise.all(publishes);
      await Promise.all(posts);

      const ids = [...published.keys()];
      const stored = async () => {
        const [row] = await faulty.inner.query<{ n: number; devices: number }>(
          `SELECT count(*)::int AS n, count(DISTINCT device_id)::int AS devices FROM observations
         WHERE device_id = ANY($1::text[])`,
          [ids],
        );
        return row!;
      };
      const onLive = () =>
        ids.filter((id) => {
          const p = live.state?.features.get(id)?.props as SensorProps | undefined;
          return p?.value === published.get(id)!.value && p.observedAt === published.get(id)!.ts;
        }).length;
      // Not thrown here: a loss is counted and printed in the row below, then fails the assertions.
      await waitFor(
        'every published reading stored',
        async () => (await stored()).n >= ids.length,
        120_000,
      ).catch(() => undefined);
      await waitFor('every reading on /live', () => onLive() === ids.length, 30_000).catch(() => undefined);
      await waitFor('/readyz 200 again', () => readiness.at(-1)?.status === 200, 30_000);
      watching = false;
      await watcher;

      const count = await stored();
      const duplicatesOnLive = [...delivered.values()].filter((n) => n > 1).length;
      const deadLettered = await faulty.inner.query(
        `SELECT 1 FROM dead_letters WHERE topic LIKE $1 OR topic = '/api/ingest/hue-s'`,
        [`hue/sensors/rain/${prefix}%`],
      );
      const [sources] = await faulty.inner.query<{ n: number; ids: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT source_id)::int AS ids FROM incident_sources
       WHERE channel = 'hue_s' AND source_id LIKE $1`,
        [`hs-${prefix}%`],
      );
      const during = readiness.filter((r) => r.at > outageAt && r.at < backAt);
      const maxSpooled = Math.max(...during.map((r) => r.spooled));
      const maxWaitS = Math.max(...during.map((r) => r.oldestS));
      console.log(
        [
          `| database down (FaultyDb; ${url ? 'Mosquitto' : 'embedded broker'}; spool ${spoolMb > 0 ? 'on' : 'off'}) ` +
            `| ${OUTAGE_S} s | ${RATE} readings/s + ${REPORTS_PER_S} reports/s ` +
            `| ${ids.length} readings, ${reports.sent} reports | ${count.n} readings, ${sources!.n} reports ` +
            `| ${onLive()} readings on /live | ${count.n - count.devices} stored, ${duplicatesOnLive} on /live, ` +
            `${sources!.n - sources!.ids} reports |`,
          `  (${Math.round((Date.now() - t0) / 1000)} s in all; ${faulty.refused} calls refused; ` +
            `${reports.answered503} answers 503; /readyz during the outage: ` +
            `${during.filter((r) => r.status === 503).length}/${during.length} were 503, ` +
            `stalled ${[...new Set(during.flatMap((r) => r.stalled))].join(',') || '-'}; ` +
            `at most ${maxSpooled} spooled, oldest waiting ${maxWaitS.toFixed(1)} s)`,
        ].join('\n'),
      );

      // Zero lost, zero duplicated.
      expect(count).toEqual({ n: ids.length, devices: ids.length });
      expect(ids.length).toBe(i);
      expect(onLive()).toBe(ids.length);
      expect(duplicatesOnLive).toBe(0);
      expect(deadLettered).toEqual([]);
      expect(reports).toMatchObject({ accepted: reports.sent, retryAfterMissing: 0, notStoredWhen2xx: 0 });
      expect(reports.answered503).toBeGreaterThan(0);
      expect(sources).toEqual({ n: reports.sent, ids: reports.sent });
      // Where the readings waited: on disk (acknowledged), or unacknowledged with the broker holding them.
      if (spoolMb > 0) expect(maxSpooled).toBeGreaterThan(0);
      else expect(maxSpooled).toBe(0);
      expect(maxWaitS).toBeGreaterThan(3);
      // /readyz told the truth: 503 naming the mqtt pipeline once it waited past the 3 s threshold.
      expect(during.some((r) => r.status === 503 && r.stalled.includes('mqtt'))).toBe(true);
      expect(readiness.filter((r) => r.at < outageAt).every((r) => r.status === 200)).toBe(true);
      const metrics = await (
        await fetch(`${ioc.baseUrl}/metrics`, { headers: { authorization: `Bearer ${DISPLAY_TOKEN}` } })
      ).text();
      expect(metrics).toMatch(/ioc_ingest_batch_failures_total\{pipeline="mqtt",kind="unavailable"\} [1-9]/);
      expect(metrics).toContain('ioc_ingest_stalled{pipeline="mqtt"} 0');
      expect(metrics).toContain('ioc_ingest_spooled_messages{pipeline="mqtt"} 0');
    },
    (WARMUP_S + OUTAGE_S + TAIL_S + 200) * 1000,
  );
});

describe('the spool across a restart', () => {
  it('readings acknowledged into the spool while the database is down are stored after the server restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hue-ioc-spool-restart-'));
    const run = Math.random().toString(36).slice(2, 7);
    const ids = Array.from({ length: 50 }, (_, i) => `restart-${run}-${i}`);
    try {
      let faulty!: FaultyDb;
      const first = await startIoc({ dataDir, wrapDb: (db) => (faulty = new FaultyDb(db)) });
      await first.app.ready();
      const pub = await mqtt.connectAsync(first.mqttUrl, {
        protocolVersion: 4,
        clientId: `restart-pub-${run}`,
      });
      faulty.failFor(600_000);
      const ts = new Date(Date.now() - 5000).toISOString();
      await Promise.all(
        ids.map((id, i) =>
          pub.publishAsync(`hue/sensors/rain/${id}`, JSON.stringify({ ts, value: i / 10 }), { qos: 1 }),
        ),
      );
      const spooled = async () =>
        (await first.app.metrics.ingestSpooled.get()).values.find((v) => v.labels.pipeline === 'mqtt')?.value;
      await waitFor('all 50 in the spool', async () => (await spooled()) === 50);
      await pub.endAsync();
      // Stopped while the database is still down: what is in the spool is all there is of them.
      await first.close();

      const second = await startIoc({ dataDir });
      try {
        await second.app.ready();
        await waitFor('the 50 stored', async () => {
          const [row] = await second.app.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM observations WHERE device_id = ANY($1::text[])`,
            [ids],
          );
          return row!.n === 50;
        });
        // Removed from the spool once the whole batch is through (stored, layers, alarms).
        await waitFor(
          'the spool empty',
          async () => (await readdir(join(dataDir, 'spool', 'mqtt'))).length === 0,
        );
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
