import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Counter, Registry } from 'prom-client';
import { validateXML } from 'xmllint-wasm';
import { XMLParser } from 'fast-xml-parser';
import { signBody } from '@hue-ioc/streams';
import type { AlertProps, Feature } from '@hue-ioc/layers';
import { startIoc, type RunningIoc } from './support/start-ioc.ts';
import { sessionFor, type Session } from './support/auth.ts';
import { CapRepository } from '../src/cap/cap.repository.ts';
import { CapInService } from '../src/cap/cap-in.service.ts';
import { CapFeedPoller } from '../src/cap/cap-feed.poller.ts';
import { systemClock } from '../src/ingest/ports.ts';

/**
 * CAP 1.2 out and in (issue 14, item 2), on the real app: gauge alarms through the real alarm service publish
 * Alert → Update → Cancel chains, every document valid against the OASIS CAP 1.2 XSD
 * (test/fixtures/cap/CAP-v1.2.xsd, CAP-v1.2-os Appendix A) with xmllint (libxml2, WASM); promotions and
 * cancels by a supervisor; inbound warnings over Huế on the alerts layer; hostile XML refused with a code and
 * a dead letter while the server keeps serving; the CAP_FEED_URL poller with a conditional GET.
 */
const XSD = readFileSync(new URL('./fixtures/cap/CAP-v1.2.xsd', import.meta.url), 'utf8');
const SECRET = 'test-secret-cap-46';
const xml = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (n) => ['info', 'area', 'polygon', 'geocode'].includes(n),
});

async function validCap(doc: string): Promise<{ valid: boolean; errors: string[] }> {
  const r = await validateXML({
    xml: [{ fileName: 'alert.xml', contents: doc }],
    schema: [{ fileName: 'CAP-v1.2.xsd', contents: XSD }],
  });
  return { valid: r.valid, errors: r.errors.map((e) => e.message) };
}

/** Every time element of a document: with +07:00, never Z. */
function times(doc: string): string[] {
  return [...doc.matchAll(/<(sent|effective|onset|expires)>([^<]*)</g)].map((m) => m[2]!);
}

/** A CAP 1.2 warning over Huế as a national service would send it. */
function inboundCap(o: {
  identifier: string;
  sent: string;
  msgType?: 'Alert' | 'Update' | 'Cancel';
  references?: string;
  event?: string;
  headline?: string;
  expires?: string;
  area?: string;
  ns?: string;
  severity?: string;
}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="${o.ns ?? 'urn:oasis:names:tc:emergency:cap:1.2'}">
  <identifier>${o.identifier}</identifier>
  <sender>canhbao@nchmf.gov.vn</sender>
  <sent>${o.sent}</sent>
  <status>Actual</status>
  <msgType>${o.msgType ?? 'Alert'}</msgType>
  <scope>Public</scope>
  ${o.references ? `<references>${o.references}</references>` : ''}
  <info>
    <language>vi-VN</language>
    <category>Met</category>
    <event>${o.event ?? 'Lũ trên sông Hương'}</event>
    <urgency>Immediate</urgency>
    <severity>${o.severity ?? 'Severe'}</severity>
    <certainty>Likely</certainty>
    <expires>${o.expires ?? '2099-01-01T00:00:00+07:00'}</expires>
    <headline>${o.headline ?? 'Cảnh báo lũ trên sông Hương, báo động II'}</headline>
    <area>
      ${o.area ?? '<areaDesc>Hạ lưu sông Hương</areaDesc><polygon>16.40,107.50 16.40,107.65 16.50,107.65 16.50,107.50 16.40,107.50</polygon>'}
    </area>
  </info>
</alert>`;
}

describe('CAP 1.2 out and in', () => {
  let ioc: RunningIoc;
  let supervisor: Session;
  let operator: Session;

  beforeAll(async () => {
    ioc = await startIoc({
      overrides: {
        ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET, cap: SECRET },
        publicBaseUrl: 'https://ioc.example.hue.vn',
      },
    });
    supervisor = await sessionFor(ioc.app, 'supervisor');
    operator = await sessionFor(ioc.app, 'operator');
  }, 180_000);
  afterAll(async () => ioc?.close());

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${ioc.baseUrl}/api/ingest/cap`, {
      method: 'POST',
      headers: { 'content-type': 'application/cap+xml', ...signBody(SECRET, body, new Date()), ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
  const deadLetters = async (code: string) =>
    (
      await ioc.app.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM dead_letters WHERE source = 'cap' AND reason_code = $1`,
        [code],
      )
    )[0]!.n;
  const capFeatures = () =>
    (ioc.app.hub.features('alerts') as Feature<AlertProps>[]).filter((f) => f.props.kind === 'cap_warning');

  it('a gauge rising through BĐ I, II, III and falling back publishes Alert, Update, Update, Cancel, each XSD-valid and referencing every earlier one', async () => {
    const devices = await ioc.app.repos.devices.list();
    const kimLong = devices.find((d) => d.id === 'kim-long')!;
    expect(kimLong.kind).toBe('water_level');
    const t0 = Date.now() - 60_000;
    for (const [i, value] of [1.2, 2.3, 3.8, 0.4].entries()) {
      await ioc.app.alarms.onReadings([{ device: kimLong, value, unit: 'm', ts: new Date(t0 + i * 10_000) }]);
    }
    const rows = await ioc.app.db.query<{
      identifier: string;
      msg_type: string;
      sent_text: string;
      references: string | null;
      document: string;
      superseded_by: string | null;
    }>(
      `SELECT identifier, msg_type, sent_text, "references", document, superseded_by FROM cap_messages
        WHERE source_kind = 'gauge' AND source_ref = 'kim-long' ORDER BY sent`,
    );
    expect(rows.map((r) => r.msg_type)).toEqual(['Alert', 'Update', 'Update', 'Cancel']);
    // The Cancel says what fell, in the gauge's words.
    expect(rows[3]!.document).toContain(
      'Mực nước tại Trạm Kim Long (sông Hương) đã xuống dưới mức báo động I',
    );
    const ref = (r: (typeof rows)[number]) => `ioc@hue.gov.vn,${r.identifier},${r.sent_text}`;
    expect(rows[0]!.references).toBeNull();
    for (let i = 1; i < rows.length; i++)
      expect(rows[i]!.references).toBe(rows.slice(0, i).map(ref).join(' '));
    expect(rows.slice(0, 3).every((r) => r.superseded_by !== null)).toBe(true);

    const severities: string[] = [];
    for (const r of rows) {
      const res = await fetch(`${ioc.baseUrl}/cap/alerts/${r.identifier}.xml`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/cap\+xml/);
      const doc = await res.text();
      expect(doc).toBe(r.document);
      const v = await validCap(doc);
      expect(v.errors).toEqual([]);
      expect(v.valid).toBe(true);
      for (const t of times(doc)) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);
      const a = xml.parse(doc).alert;
      expect(a.info.map((i: { language: string }) => i.language)).toEqual(['vi-VN', 'en-US']);
      severities.push(a.info[0].severity);
      const area = a.info[0].area[0];
      expect(area.geocode[0]).toEqual({ valueName: 'GSO', value: kimLong.ward_code });
      for (const p of area.polygon as string[]) {
        const pts = p.split(' ');
        expect(pts.length).toBeGreaterThanOrEqual(4);
        expect(pts[0]).toBe(pts.at(-1));
        const [lat, lon] = pts[0]!.split(',').map(Number);
        expect(lat).toBeGreaterThan(15.5);
        expect(lon).toBeGreaterThan(107);
      }
    }
    // BĐ I → Moderate, II → Severe, III → Extreme; the Cancel is an all-clear.
    expect(severities).toEqual(['Moderate', 'Severe', 'Extreme', 'Minor']);
    expect(rows[2]!.document).toContain('<responseType>Evacuate</responseType>');
    expect(rows[3]!.document).toContain('<responseType>AllClear</responseType>');
    expect(rows[0]!.document).toMatch(/<headline>Báo động I tại .*1,20 m<\/headline>/);

    // The feed lists the chain only while it is open.
    const feed = await (await fetch(`${ioc.baseUrl}/cap/alerts.atom`)).text();
    for (const r of rows) expect(feed).not.toContain(r.identifier);
  });

  it('a supervisor promotes an incident and cancels it; an operator may not; documents stay XSD-valid', async () => {
    const kimLong = (await ioc.app.repos.devices.list()).find((d) => d.id === 'kim-long')!;
    await ioc.app.alarms.onReadings([{ device: kimLong, value: 2.4, unit: 'm', ts: new Date() }]);
    const [alarm] = await ioc.app.db.query<{ incident_id: string }>(
      `SELECT incident_id FROM device_alarms WHERE device_id = 'kim-long'`,
    );
    const incidentId = alarm!.incident_id;
    const promote = (s: Session, body: unknown) =>
      fetch(`${ioc.baseUrl}/api/cap/alerts`, {
        method: 'POST',
        headers: { ...s.headers(true), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await promote(operator, { incidentId })).status).toBe(403);
    expect((await promote(supervisor, { incidentId, deviceId: 'kim-long' })).status).toBe(400);
    const first = await promote(supervisor, { incidentId, level: 2 });
    expect(first.status).toBe(201);
    const alert = (await first.json()) as { identifier: string; msgType: string; sent: string; url: string };
    expect(alert.msgType).toBe('Alert');
    expect(alert.sent).toMatch(/\+07:00$/);
    expect(alert.url).toBe(`https://ioc.example.hue.vn/cap/alerts/${alert.identifier}.xml`);
    const again = (await (await promote(supervisor, { incidentId, level: 3 })).json()) as {
      msgType: string;
      references: string;
    };
    expect(again.msgType).toBe('Update');
    expect(again.references).toBe(`ioc@hue.gov.vn,${alert.identifier},${alert.sent}`);

    const feed = await fetch(`${ioc.baseUrl}/cap/alerts.atom`);
    expect(feed.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    const atom = xml.parse(await feed.text()).feed;
    const entries = [atom.entry].flat();
    expect(
      entries.some((e: { link: { '@_href': string } }) => e.link['@_href'].includes('vn.hue.ioc.')),
    ).toBe(true);

    const cancel = await fetch(`${ioc.baseUrl}/api/cap/alerts/${alert.identifier}/cancel`, {
      method: 'POST',
      headers: { ...supervisor.headers(true), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Nước đã rút' }),
    });
    expect(cancel.status).toBe(201);
    const c = (await cancel.json()) as { identifier: string; msgType: string; references: string };
    expect(c.msgType).toBe('Cancel');
    expect(c.references.split(' ')).toHaveLength(2);
    expect(c.references.startsWith(`ioc@hue.gov.vn,${alert.identifier},`)).toBe(true);
    const again2 = await fetch(`${ioc.baseUrl}/api/cap/alerts/${alert.identifier}/cancel`, {
      method: 'POST',
      headers: { ...supervisor.headers(true), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(again2.status).toBe(409);
    expect(((await again2.json()) as { error: { code: string } }).error.code).toBe('IOC_CAP_CANCELLED');
    for (const id of [alert.identifier, c.identifier]) {
      const doc = await (await fetch(`${ioc.baseUrl}/cap/alerts/${id}.xml`)).text();
      expect((await validCap(doc)).errors).toEqual([]);
      // The reporter's identity never reaches a public document.
      expect(doc).not.toMatch(/09\d{8}/);
    }
    expect((await fetch(`${ioc.baseUrl}/cap/alerts/nothing-here.xml`)).status).toBe(404);
  });

  it('an inbound flood warning over Huế goes on the alerts layer; redelivery, Update and Cancel follow the chain', async () => {
    const sent = '2026-11-20T08:00:00+07:00';
    const doc = inboundCap({ identifier: 'VN-NCHMF-2026-1120-01', sent });
    const res = await post(doc);
    expect(res.status).toBe(201);
    const out = (await res.json()) as { id: string; outcome: string; onWall: boolean; hazard: string };
    expect(out).toMatchObject({ outcome: 'stored', onWall: true, hazard: 'flood' });
    const f = capFeatures().find((x) => x.id === out.id)!;
    expect(f.props).toMatchObject({ hazard: 'flood', level: 2, deviceId: 'canhbao@nchmf.gov.vn' });
    expect(f.props.wardCode).toMatch(/^\d{5}$/);

    const dup = await post(doc);
    expect(dup.status).toBe(200);
    expect(((await dup.json()) as { outcome: string }).outcome).toBe('duplicate');

    const update = inboundCap({
      identifier: 'VN-NCHMF-2026-1120-02',
      sent: '2026-11-20T11:00:00+07:00',
      msgType: 'Update',
      references: `canhbao@nchmf.gov.vn,VN-NCHMF-2026-1120-01,${sent}`,
      headline: 'Lũ lên báo động III trên sông Hương',
      severity: 'Extreme',
    });
    const u = (await (await post(update)).json()) as { id: string };
    expect(u.id).toBe(out.id);
    expect(capFeatures().find((x) => x.id === out.id)!.props).toMatchObject({
      level: 3,
      name: 'Lũ lên báo động III trên sông Hương',
    });

    const cancel = inboundCap({
      identifier: 'VN-NCHMF-2026-1120-03',
      sent: '2026-11-21T06:00:00+07:00',
      msgType: 'Cancel',
      references: `canhbao@nchmf.gov.vn,VN-NCHMF-2026-1120-02,2026-11-20T11:00:00+07:00`,
    });
    expect((await post(cancel)).status).toBe(201);
    expect(capFeatures().find((x) => x.id === out.id)).toBeUndefined();
  });

  it('CAP 1.1 storm warnings by province geocode are accepted; areas elsewhere and expired warnings stay off the wall', async () => {
    const storm = inboundCap({
      ns: 'urn:oasis:names:tc:emergency:cap:1.1',
      identifier: 'BAO-SO-12-2026',
      sent: '2026-11-22T07:00:00+07:00',
      event: 'Bão số 12',
      headline: 'Bão số 12 đổ bộ Thừa Thiên Huế',
      area: '<areaDesc>Thừa Thiên Huế</areaDesc><geocode><valueName>GSO</valueName><value>46</value></geocode>',
    });
    const s = (await (await post(storm)).json()) as { onWall: boolean; hazard: string; id: string };
    expect(s).toMatchObject({ onWall: true, hazard: 'storm' });

    const hanoi = inboundCap({
      identifier: 'HN-2026-1',
      sent: '2026-11-22T07:00:00+07:00',
      area: '<areaDesc>Hà Nội</areaDesc><polygon>21.0,105.8 21.0,105.9 21.1,105.9 21.1,105.8 21.0,105.8</polygon>',
    });
    expect(((await (await post(hanoi)).json()) as { onWall: boolean }).onWall).toBe(false);
    const old = inboundCap({
      identifier: 'OLD-1',
      sent: '2020-10-01T07:00:00+07:00',
      expires: '2020-10-02T07:00:00+07:00',
    });
    expect(((await (await post(old)).json()) as { onWall: boolean }).onWall).toBe(false);
    // An unsigned one is refused before anything is read.
    const unsigned = await fetch(`${ioc.baseUrl}/api/ingest/cap`, {
      method: 'POST',
      headers: { 'content-type': 'application/cap+xml' },
      body: storm,
    });
    expect(unsigned.status).toBe(401);
  });

  it('hostile XML is refused with its code and a dead letter, and the server keeps serving', async () => {
    const root = 'urn:oasis:names:tc:emergency:cap:1.2';
    const cases: [string, string | Buffer, number, string][] = [
      [
        'XXE',
        `<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><alert xmlns="${root}"><identifier>&xxe;</identifier></alert>`,
        400,
        'IOC_CAP_DOCTYPE',
      ],
      [
        'billion laughs',
        `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><alert xmlns="${root}"><identifier>&lol3;</identifier></alert>`,
        400,
        'IOC_CAP_DOCTYPE',
      ],
      ['10 MB', Buffer.alloc(10 * 1024 * 1024, 'a'), 413, 'IOC_CAP_TOO_LARGE'],
      [
        'deep nesting',
        `<alert xmlns="${root}">${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</alert>`,
        400,
        'IOC_CAP_TOO_DEEP',
      ],
      [
        'wrong root',
        `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
        400,
        'IOC_CAP_ROOT',
      ],
      [
        'CAP 1.0 namespace',
        `<alert xmlns="http://www.incident.com/cap/1.0"><identifier>x</identifier></alert>`,
        400,
        'IOC_CAP_ROOT',
      ],
      ['not XML', `<alert xmlns="${root}"><identifier>x</sender></alert>`, 400, 'IOC_CAP_XML'],
      ['NUL byte', `<alert xmlns="${root}"><identifier>a\u0000b</identifier></alert>`, 400, 'IOC_CAP_XML'],
      [
        'schema-invalid (no status, bad severity)',
        inboundCap({ identifier: 'BAD-1', sent: '2026-11-22T07:00:00+07:00', severity: 'Catastrophic' }),
        400,
        'IOC_CAP_SCHEMA',
      ],
      [
        'prototype-shaped element',
        `<alert xmlns="${root}"><__proto__><identifier>x</identifier></__proto__></alert>`,
        400,
        'IOC_CAP_XML',
      ],
    ];
    for (const [name, body, status, code] of cases) {
      const before = await deadLetters(code);
      const res = await post(body);
      const answer = (await res.json()) as { error: { code: string } };
      expect([name, res.status, answer.error.code]).toEqual([name, status, code]);
      expect([name, await deadLetters(code)]).toEqual([name, before + 1]);
    }
    const [big] = await ioc.app.db.query<{ n: number }>(
      `SELECT max(octet_length(payload))::int AS n FROM dead_letters WHERE reason_code = 'IOC_CAP_TOO_LARGE'`,
    );
    expect(big!.n).toBeLessThanOrEqual(65_536);
    expect((await fetch(`${ioc.baseUrl}/healthz`)).status).toBe(200);
    const fine = await post(inboundCap({ identifier: 'AFTER-HOSTILE-1', sent: '2026-11-23T07:00:00+07:00' }));
    expect(fine.status).toBe(201);
  });

  it('polls a CAP feed with a conditional GET, reads its documents once, and survives a failing feed', async () => {
    const doc = inboundCap({
      identifier: 'FEED-2026-1',
      sent: '2026-11-24T07:00:00+07:00',
      headline: 'Cảnh báo từ nguồn cấp',
    });
    const seen: { path: string; inm: string | null }[] = [];
    let failing = false;
    const server: Server = createServer((req, res) => {
      seen.push({ path: req.url ?? '', inm: (req.headers['if-none-match'] as string) ?? null });
      if (failing) return void res.writeHead(500).end('down');
      if (req.url === '/feed.atom') {
        if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
        res.writeHead(200, { 'content-type': 'application/atom+xml', etag: '"v1"' });
        return void res.end(
          `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>t</title><updated>2026-11-24T07:00:00+07:00</updated>` +
            `<entry><id>e1</id><title>e</title><updated>2026-11-24T07:00:00+07:00</updated><link rel="alternate" type="application/cap+xml" href="/a1.xml"/></entry></feed>`,
        );
      }
      if (req.url === '/a1.xml')
        return void res.writeHead(200, { 'content-type': 'application/cap+xml' }).end(doc);
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const registry = new Registry();
    const polls = new Counter({
      name: 'p',
      help: 'p',
      labelNames: ['outcome'] as const,
      registers: [registry],
    });
    const capIn = new CapInService({
      repo: new CapRepository(ioc.app.db),
      wards: ioc.app.wards,
      alerts: ioc.app.alertsLayer,
      deadLetters: ioc.app.deadLetterSink,
      clock: systemClock,
      logger: ioc.app.log,
      messages: new Counter({
        name: 'm',
        help: 'm',
        labelNames: ['via', 'outcome'] as const,
        registers: [registry],
      }),
    });
    const poller = new CapFeedPoller({
      url: `http://127.0.0.1:${port}/feed.atom`,
      intervalS: 3600,
      capIn,
      logger: ioc.app.log,
      polls,
    });
    try {
      await poller.poll();
      await poller.poll();
      failing = true;
      await poller.poll();
      expect(seen.map((s) => s.path)).toEqual(['/feed.atom', '/a1.xml', '/feed.atom', '/feed.atom']);
      expect(seen[2]!.inm).toBe('"v1"');
      const counts = Object.fromEntries((await polls.get()).values.map((v) => [v.labels.outcome, v.value]));
      expect(counts).toEqual({ ok: 1, not_modified: 1, failed: 1 });
      expect(capFeatures().some((f) => f.props.name === 'Cảnh báo từ nguồn cấp')).toBe(true);
    } finally {
      await poller.stop();
      server.close();
    }
  });
});
