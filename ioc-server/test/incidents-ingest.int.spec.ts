import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { signBody } from '@hue-ioc/streams';
import type {
  AlertProps,
  Feature,
  IncidentChanged,
  IncidentProps,
  KpiUpdate,
  TickerItem,
} from '@hue-ioc/layers';
import { DISPLAY_TOKEN, LiveMirror, startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';

const SECRET = 'test-ingest-secret-46';

/** Signs and posts a webhook body like a real source would. */
async function post(
  ioc: RunningIoc,
  path: string,
  body: unknown,
  opts: { secret?: string; ts?: number; raw?: string } = {},
) {
  const raw = opts.raw ?? JSON.stringify(body);
  const headers = signBody(opts.secret ?? SECRET, raw, opts.ts ?? Math.floor(Date.now() / 1000));
  const res = await fetch(`${ioc.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** 80 m east of a point at Huế's latitude. */
const east = ([lon, lat]: [number, number], m: number): [number, number] => [
  lon + m / (111_320 * Math.cos((lat * Math.PI) / 180)),
  lat,
];

describe('ingest every channel into one incident stream', () => {
  let ioc: RunningIoc;
  let pub: MqttClient;
  let incidents: LiveMirror;
  let alerts: LiveMirror;
  const run = Math.random().toString(36).slice(2, 8);
  // Lê Lợi – Đội Cung, where a reference camera stands (Phường Thuận Hóa).
  const here: [number, number] = [107.5902, 16.4633];

  beforeAll(async () => {
    ioc = await startIoc({
      overrides: { ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET } },
    });
    await ioc.app.ready();
    pub = await mqtt.connectAsync(ioc.mqttUrl, { protocolVersion: 4 });
    incidents = new LiveMirror(ioc.baseUrl, 'incidents');
    alerts = new LiveMirror(ioc.baseUrl, 'alerts');
    await waitFor('snapshots', () => incidents.state && alerts.state);
  });
  afterAll(async () => {
    incidents?.close();
    alerts?.close();
    await pub?.endAsync();
    await ioc?.close();
  });

  it('merges a Hue-S report, a hotline ticket 80 m away 10 min later and a camera flooding event; keeps a report 2 km away separate', async () => {
    const ticker: TickerItem[] = [];
    incidents.socket.on('ticker', (item) => ticker.push(item));
    const changes: IncidentChanged[] = [];
    incidents.socket.on('incident:changed', (c) => changes.push(c));
    const t0 = new Date(Date.now() - 15 * 60_000);
    const report = await post(ioc, '/api/ingest/hue-s', {
      id: `hs-${run}-1`,
      category: 'Thoát nước, ngập úng',
      description: 'Ngập sâu khoảng 30cm trước số 12 Lê Lợi sau mưa lớn, xe máy chết máy nhiều.',
      lat: here[1],
      lon: here[0],
      address: '12 Lê Lợi, phường Thuận Hóa',
      media: [{ url: 'https://hue-s.example.vn/media/abc.jpg', type: 'image' }],
      reporter: { name: 'Nguyễn Văn An', phone: '0905123456' },
      created_at: t0.toISOString(),
    });
    expect(report).toMatchObject({ status: 201, body: { outcome: 'created' } });
    const id = report.body.id as string;
    expect(id).toMatch(/^IOC-\d{4}-\d{6}$/);
    // Version 1 reaches the consoles before the next report merges into it (two changes within one tick
    // are coalesced into the later one, as on the layers: under load the console would see only v2).
    await waitFor('incident:changed version 1', () => changes.some((c) => c.id === id && c.version === 1));

    const ticketAt = east(here, 80);
    const ticket = await post(ioc, '/api/ingest/hotline', {
      ticket_id: `hl-${run}-1`,
      category: 'ngập úng',
      summary: 'Người dân gọi báo đường Lê Lợi ngập, nước tràn vào nhà.',
      caller_phone: '0234 3822 123',
      address: 'Lê Lợi, Thuận Hóa',
      lat: ticketAt[1],
      lon: ticketAt[0],
      created_at: new Date(t0.getTime() + 10 * 60_000).toISOString(),
      agent: 'tongdai-07',
    });
    expect(ticket).toMatchObject({ status: 201, body: { outcome: 'merged', id } });
    expect((ticket.body.reason as { distanceM: number }).distanceM).toBeGreaterThan(70);

    await pub.publishAsync(
      'hue/cameras/cam-le-loi/events',
      JSON.stringify({ ts: new Date().toISOString(), type: 'flooding', confidence: 0.91 }),
      { qos: 1 },
    );
    await waitFor(
      'three sources on one incident',
      async () => (await ioc.app.repos.incidents.get(id))!.sources.length === 3,
    );

    const far = await post(ioc, '/api/ingest/hue-s', {
      id: `hs-${run}-2`,
      category: 'Thoát nước, ngập úng',
      description: 'Cống bị tắc, nước ngập trước chợ.',
      ...(([lon, lat]) => ({ lon, lat }))(east(here, 2000)),
      media: [],
      reporter: {},
      created_at: new Date().toISOString(),
    });
    expect(far).toMatchObject({ status: 201, body: { outcome: 'created' } });
    expect(far.body.id).not.toBe(id);

    const row = (await ioc.app.repos.incidents.get(id))!;
    expect(row.sources.map((s) => s.channel)).toEqual(['hue_s', 'hotline', 'camera']);
    expect(row).toMatchObject({ category: 'drainage', ward_code: '19789', status: 'new' });
    // The routing table's choice is a suggestion until the desk assigns the case (issue 12).
    expect(row.agency_id).toBeNull();
    expect(row.suggested_agency_id).toBeTruthy();
    expect(row.due_at!.getTime()).toBeGreaterThan(t0.getTime());
    const events = await ioc.app.repos.incidents.events(id);
    expect(events.map((e) => e.type)).toEqual(['created', 'source_added', 'source_added']);
    expect((events[1]!.data as { reason: { rule: string } }).reason.rule).toBeTruthy();

    // On /live: the incident with its three channels, and no personal data on the layer.
    const f = await waitFor('incident on /live', () => {
      const x = incidents.state?.features.get(id) as Feature<IncidentProps> | undefined;
      return x && x.props.channels.length === 3 ? x : undefined;
    });
    expect(f.props).toMatchObject({ category: 'drainage', wardCode: '19789', status: 'new' });
    expect(JSON.stringify(f)).not.toMatch(/0905123456|Nguyễn Văn An/);
    // The ticker announced the new incident once (not again for each merged source), and the far one.
    await waitFor('ticker lines', () => ticker.length >= 2);
    expect(ticker.filter((t) => t.id === `incident:${id}`)).toHaveLength(1);
    expect(ticker.find((t) => t.id === `incident:${id}`)!.text).toMatch(/^Hue-S: Thoát nước, ngập úng — /);
    // Consoles get incident:changed for each version.
    await waitFor('incident:changed up to version 3', () =>
      changes.some((c) => c.id === id && c.version === 3),
    );
    // In order; two changes in one tick are coalesced into the later one, as on the layers.
    const versions = changes.filter((c) => c.id === id).map((c) => c.version);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
    expect(versions[0]).toBe(1);
  });

  it('treats a re-delivered webhook as a no-op', async () => {
    const body = {
      id: `hs-${run}-dup`,
      category: 'Môi trường, rác thải',
      description: 'Rác thải đổ trộm ven sông Như Ý.',
      lat: 16.4557,
      lon: 107.6168,
      media: [],
      reporter: {},
      created_at: new Date().toISOString(),
    };
    const first = await post(ioc, '/api/ingest/hue-s', body);
    const again = await post(ioc, '/api/ingest/hue-s', body);
    expect(first.status).toBe(201);
    expect(again).toEqual({ status: 200, body: { id: first.body.id, outcome: 'duplicate' } });
  });

  it('stores a report whose text holds a lone surrogate escape, the half character as U+FFFD (fuzz seed 1278645960)', async () => {
    const id = `hs-${run}-surrogate`;
    const raw = JSON.stringify({
      id,
      category: 'Môi trường, rác thải',
      description: 'Rác thải ven sông Như Ý XSURROGATE',
      // 3 km from the other reports here, so it opens its own incident.
      lat: 16.4857,
      lon: 107.5868,
      media: [],
      reporter: { name: 'XSURROGATE' },
      created_at: new Date().toISOString(),
    }).replaceAll('XSURROGATE', '\\ud800');
    const res = await post(ioc, '/api/ingest/hue-s', null, { raw });
    expect(res).toMatchObject({ status: 201, body: { outcome: 'created' } });
    const rows = await ioc.app.db.query<{ description: string }>(
      `SELECT description FROM incidents WHERE id = $1`,
      [res.body.id],
    );
    expect(rows[0]?.description).toBe('Rác thải ven sông Như Ý \ufffd');
  });

  it('refuses a bad signature and stores nothing; keeps a signed malformed body in dead_letters', async () => {
    const count = async () =>
      (
        await ioc.app.db.query<{ i: number; d: number }>(
          `SELECT (SELECT count(*) FROM incidents)::int AS i, (SELECT count(*) FROM dead_letters)::int AS d`,
        )
      )[0]!;
    const before = await count();
    const body = {
      id: `hs-${run}-forged`,
      category: 'Khác',
      description: 'Giả mạo.',
      lat: 16.46,
      lon: 107.59,
      media: [],
      reporter: {},
      created_at: new Date().toISOString(),
    };
    expect(
      (await post(ioc, '/api/ingest/hue-s', body, { secret: 'not-the-secret-at-all' })).body,
    ).toMatchObject({ error: { code: 'IOC_INGEST_SIGNATURE_INVALID' } });
    expect(
      (await post(ioc, '/api/ingest/hue-s', body, { ts: Math.floor(Date.now() / 1000) - 3600 })).body,
    ).toMatchObject({ error: { code: 'IOC_INGEST_SIGNATURE_EXPIRED' } });
    const unsigned = await fetch(`${ioc.baseUrl}/api/ingest/hue-s`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(unsigned.status).toBe(401);
    expect(await count()).toEqual(before);

    const bad = await post(ioc, '/api/ingest/hotline', {
      ticket_id: `hl-${run}-bad`,
      summary: 'thiếu số điện thoại',
      address: 'Huế',
      created_at: 'hôm qua',
      agent: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'IOC_INGEST_SCHEMA' } });
    const [letter] = await ioc.app.repos.deadLetters.recent(1, 'hotline');
    expect(letter).toMatchObject({ reason_code: 'IOC_INGEST_SCHEMA', topic: '/api/ingest/hotline' });
    expect(Buffer.from(letter!.payload_base64!, 'base64').toString()).toContain(`hl-${run}-bad`);
    const notJson = await post(ioc, '/api/ingest/hue-s', null, { raw: '{"id": ' });
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: 'IOC_INGEST_JSON' } } });
  });

  it('raises Kim Long alarms with hysteresis: BĐ II then III join one incident whose priority climbs', async () => {
    const at = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
    await pub.publishAsync('hue/sensors/water_level/kim-long', JSON.stringify({ ts: at(0), value: 2.3 }), {
      qos: 1,
    });
    const a2 = await waitFor('BĐ II alert', () => {
      const f = alerts.state?.features.get('alarm:kim-long') as Feature<AlertProps> | undefined;
      return f?.props.level === 2 ? f : undefined;
    });
    const incidentId = a2.props.incidentId!;
    expect((await ioc.app.repos.incidents.get(incidentId))!.priority).toBe(2);

    await pub.publishAsync('hue/sensors/water_level/kim-long', JSON.stringify({ ts: at(1), value: 3.61 }), {
      qos: 1,
    });
    await waitFor(
      'BĐ III alert',
      () =>
        (alerts.state?.features.get('alarm:kim-long') as Feature<AlertProps> | undefined)?.props.level === 3,
    );
    const row = (await ioc.app.repos.incidents.get(incidentId))!;
    expect(row.priority).toBe(1);
    expect(row.sources.map((s) => s.channel)).toEqual(['sensor', 'sensor']);
    expect(row.title).toContain('Kim Long');

    // 3.47 m is under BĐ III but within the 5 cm band: still III. 3.40 m drops to II, 0.5 m clears it.
    await pub.publishAsync('hue/sensors/water_level/kim-long', JSON.stringify({ ts: at(2), value: 3.47 }), {
      qos: 1,
    });
    await pub.publishAsync('hue/sensors/water_level/kim-long', JSON.stringify({ ts: at(3), value: 3.4 }), {
      qos: 1,
    });
    await waitFor(
      'back to BĐ II',
      () =>
        (alerts.state?.features.get('alarm:kim-long') as Feature<AlertProps> | undefined)?.props.level === 2,
    );
    await pub.publishAsync('hue/sensors/water_level/kim-long', JSON.stringify({ ts: at(4), value: 0.5 }), {
      qos: 1,
    });
    await waitFor('alert cleared', () => alerts.state && !alerts.state.features.has('alarm:kim-long'));
    expect((await ioc.app.repos.incidents.get(incidentId))!.sources).toHaveLength(2);
  });

  it('stores KPI samples once and announces them on /live', async () => {
    const updates: KpiUpdate[] = [];
    incidents.socket.on('kpi:update', (u) => updates.push(u));
    const sample = {
      kpi: 'ho_so_dung_han',
      scope: { level: 'province', code: '46' },
      value: 97.8,
      target: 95,
      ts: new Date(Date.now() - 60_000).toISOString(),
    };
    expect(await post(ioc, '/api/ingest/kpi', sample)).toMatchObject({
      status: 201,
      body: { outcome: 'stored' },
    });
    expect(await post(ioc, '/api/ingest/kpi', sample)).toMatchObject({
      status: 200,
      body: { outcome: 'duplicate' },
    });
    await waitFor('kpi:update', () => updates.length === 1);
    expect(updates[0]).toMatchObject({ kpi: 'ho_so_dung_han', value: 97.8, target: 95 });
    // The tiles read it back with its 24 h hourly series (continuous aggregate, real-time).
    const res = await fetch(`${ioc.baseUrl}/api/kpis?level=province`, {
      headers: { authorization: `Bearer ${DISPLAY_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as {
      items: { kpi: string; value: number; series: { v: number }[] }[];
    };
    const tile = items.find((i) => i.kpi === 'ho_so_dung_han')!;
    expect(tile).toMatchObject({ value: 97.8, target: 95, scope: { level: 'province', code: '46' } });
    expect(tile.series.at(-1)?.v).toBe(97.8);
  });
});
