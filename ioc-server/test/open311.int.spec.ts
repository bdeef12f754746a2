import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv, type ValidateFunction } from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { signBody, verifySignature } from '@hue-ioc/streams';
import { startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';
import { TEST_AGENCY } from './support/auth.ts';
import type { WorkflowBy } from '../src/incidents/workflow.service.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const KEY = 'open311-test-key-46';
const HUES = 'hues-test-key-46';

// ── JSON Schemas written from the GeoReport v2 specification (http://wiki.open311.org/GeoReport_v2) ──────
// Required fields are those the specification's response tables list; times must carry an offset (spec
// "Date/time format") and here must be +07:00 (never Z); ids are strings.
const DATETIME = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\+07:00$' };
const nullable = (s: object) => ({ anyOf: [s, { type: 'null' }] });
const SPEC_SCHEMAS: Record<string, object> = {
  discovery: {
    type: 'object',
    required: ['changeset', 'contact', 'key_service', 'endpoints'],
    properties: {
      changeset: DATETIME,
      endpoints: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['specification', 'url', 'changeset', 'type', 'formats'],
          properties: {
            specification: { const: 'http://wiki.open311.org/GeoReport_v2' },
            type: { enum: ['production', 'test'] },
            formats: { type: 'array', contains: { const: 'text/xml' } },
          },
        },
      },
    },
  },
  services: {
    type: 'array',
    minItems: 1,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'],
      properties: {
        service_code: { type: 'string', minLength: 1 },
        service_name: { type: 'string', minLength: 1 },
        description: { type: 'string' },
        metadata: { type: 'boolean' },
        type: { enum: ['realtime', 'batch', 'blackbox'] },
        keywords: { type: 'string' },
        group: { type: 'string' },
      },
    },
  },
  definition: {
    type: 'object',
    required: ['service_code', 'attributes'],
    properties: {
      service_code: { type: 'string' },
      attributes: {
        type: 'array',
        items: {
          type: 'object',
          required: [
            'variable',
            'code',
            'datatype',
            'required',
            'datatype_description',
            'order',
            'description',
          ],
          properties: {
            variable: { type: 'boolean' },
            code: { type: 'string' },
            datatype: { enum: ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] },
            required: { type: 'boolean' },
            order: { type: 'integer', minimum: 0 },
            values: {
              type: 'array',
              items: {
                type: 'object',
                required: ['key', 'name'],
                properties: { key: { type: 'string' }, name: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
  requests: {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: [
        'service_request_id',
        'status',
        'status_notes',
        'service_name',
        'service_code',
        'description',
        'agency_responsible',
        'service_notice',
        'requested_datetime',
        'updated_datetime',
        'expected_datetime',
        'address',
        'address_id',
        'zipcode',
        'lat',
        'long',
        'media_url',
      ],
      properties: {
        service_request_id: { type: 'string', minLength: 1 },
        status: { enum: ['open', 'closed'] },
        status_notes: nullable({ type: 'string' }),
        service_name: { type: 'string' },
        service_code: { type: 'string' },
        description: nullable({ type: 'string' }),
        agency_responsible: nullable({ type: 'string' }),
        service_notice: nullable({ type: 'string' }),
        requested_datetime: DATETIME,
        updated_datetime: DATETIME,
        expected_datetime: nullable(DATETIME),
        address: nullable({ type: 'string' }),
        address_id: nullable({ type: 'string' }),
        zipcode: nullable({ type: 'string' }),
        lat: nullable({ type: 'number', minimum: -90, maximum: 90 }),
        long: nullable({ type: 'number', minimum: -180, maximum: 180 }),
        media_url: nullable({ type: 'string' }),
      },
    },
  },
  postResponse: {
    type: 'array',
    minItems: 1,
    maxItems: 1,
    items: {
      type: 'object',
      required: ['service_request_id', 'service_notice', 'account_id'],
      properties: { service_request_id: { type: 'string', minLength: 1 }, token: { type: 'string' } },
    },
  },
  token: {
    type: 'array',
    minItems: 1,
    items: {
      type: 'object',
      required: ['service_request_id', 'token'],
      properties: { service_request_id: { type: 'string' } },
    },
  },
  // mySociety's servicerequestupdates (FixMyStreet's Open311 extension).
  updates: {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url'],
      properties: {
        update_id: { type: 'string', minLength: 1 },
        service_request_id: { type: 'string', minLength: 1 },
        status: { enum: ['OPEN', 'CLOSED'] },
        updated_datetime: DATETIME,
        description: { type: 'string' },
        media_url: nullable({ type: 'string' }),
      },
    },
  },
  errors: {
    type: 'array',
    minItems: 1,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'description'],
      properties: {
        code: { type: 'integer' },
        description: { type: 'string', pattern: '^IOC_[A-Z0-9_]+: ' },
      },
    },
  },
};
const ajv = new Ajv({ allErrors: true, strict: false });
const validators: Record<string, ValidateFunction> = Object.fromEntries(
  Object.entries(SPEC_SCHEMAS).map(([k, s]) => [k, ajv.compile(s)]),
);
function conforms(kind: string, body: unknown): void {
  const v = validators[kind]!;
  expect(v(body), `${kind}: ${JSON.stringify(v.errors)}`).toBe(true);
}

// ── XML: well-formed, and the same content as the JSON ─────────────────────────────────────────────────
const LISTS = new Set([
  'service',
  'request',
  'request_update',
  'error',
  'endpoint',
  'format',
  'attribute',
  'value',
]);
const xmlParser = new XMLParser({ parseTagValue: false, isArray: (name) => LISTS.has(name) });
const ROOTS: Record<string, [string, string | null]> = {
  services: ['services', 'service'],
  requests: ['service_requests', 'request'],
  token: ['service_requests', 'request'],
  postResponse: ['service_requests', 'request'],
  updates: ['service_requests_updates', 'request_update'],
  errors: ['errors', 'error'],
  discovery: ['discovery', null],
  definition: ['service_definition', null],
};
/** The JSON as text the way the XML carries it: null → '', numbers and booleans as their text, lists nested. */
function asXmlText(v: unknown, name = ''): unknown {
  if (v === null) return '';
  if (Array.isArray(v)) {
    const item = { endpoints: 'endpoint', formats: 'format', attributes: 'attribute', values: 'value' }[name];
    return item ? { [item]: v.map((x) => asXmlText(x)) } : v.map((x) => asXmlText(x));
  }
  if (typeof v === 'object')
    return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, asXmlText(x, k)]));
  return String(v);
}
function sameAsXml(kind: string, json: unknown, xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = xmlParser.parse(xml) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const [root, item] = ROOTS[kind]!;
  const inner = doc[root];
  const got = item ? ((inner === '' ? [] : inner[item]) ?? []) : inner;
  expect(got).toEqual(asXmlText(json));
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────
let ioc: RunningIoc;
async function get(path: string) {
  const res = await fetch(`${ioc.baseUrl}/open311/v2/${path}`);
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text,
    body: path.includes('.json') ? (JSON.parse(text) as Json) : null,
  };
}
async function post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${ioc.baseUrl}/open311/v2/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await res.text();
  return { status: res.status, text, body: path.endsWith('.json') ? (JSON.parse(text) as Json) : null };
}
/** GET both formats: the JSON conforms to the spec's schema and the XML carries the same content. */
async function both(path: string, kind: string, status = 200) {
  const j = await get(`${path.replace('{ext}', 'json')}`);
  const x = await get(`${path.replace('{ext}', 'xml')}`);
  expect(j.status, j.text).toBe(status);
  expect(x.status).toBe(status);
  expect(j.type).toContain('application/json');
  expect(x.type).toContain('text/xml');
  conforms(kind, j.body);
  sameAsXml(kind, j.body, x.text);
  return j.body as Json;
}

let n = 0;
/** A point in Thành phố Huế away from every other test's (no accidental merge). */
function place(): { lat: string; long: string } {
  n++;
  return { lat: (16.44 + (n % 6) * 0.012).toFixed(6), long: (107.56 + Math.floor(n / 6) * 0.012).toFixed(6) };
}

const desk: WorkflowBy = {
  kind: 'principal',
  principal: {
    id: 'user:desk',
    role: 'supervisor',
    username: 'desk',
    credential: { type: 'session', idHash: 'd' },
  },
};
const unit: WorkflowBy = {
  kind: 'principal',
  principal: {
    id: 'user:unit',
    role: 'agency',
    agencyId: TEST_AGENCY,
    username: 'unit',
    credential: { type: 'session', idHash: 'u' },
  },
};

const NAME = 'Trần Thị Bích Ngọc';
const PHONE = '0905 777 321';
const EMAIL = 'bichngoc.tran@example.vn';

const callbacks: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
let callbackServer: Server;

describe('Open311 GeoReport v2', () => {
  beforeAll(async () => {
    callbackServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        callbacks.push({ headers: req.headers, body });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => callbackServer.listen(0, '127.0.0.1', r));
    const addr = callbackServer.address() as { port: number };
    ioc = await startIoc({
      overrides: {
        ingestSecrets: { hueS: HUES, hotline: HUES, kpi: HUES, open311: KEY },
        open311CallbackUrl: `http://127.0.0.1:${addr.port}/open311-callback`,
        outbox: { retryBaseMs: 50, retryCapMs: 200, maxAttempts: 5, pollMs: 100 },
      },
    });
    await ioc.app.ready();
  });
  afterAll(async () => {
    await ioc?.close();
    await new Promise((r) => callbackServer?.close(r));
  });

  it('discovery, services and service definitions conform, in JSON and XML alike', async () => {
    const d = await both('discovery.{ext}', 'discovery');
    expect(d.endpoints[0].url).toBe(`${ioc.baseUrl}/open311/v2`);
    const services = await both('services.{ext}', 'services');
    expect(services.map((s: Json) => s.service_code)).toContain('drainage');
    const roads = services.find((s: Json) => s.service_code === 'roads');
    expect(roads).toMatchObject({
      service_name: 'Hạ tầng giao thông (đường, vỉa hè, ổ gà)',
      metadata: true,
      type: 'realtime',
      group: 'Hạ tầng',
    });
    expect(roads.keywords).toContain('ổ gà');
    for (const s of services.filter((x: Json) => x.metadata)) {
      const def = await both(`services/${s.service_code}.{ext}`, 'definition');
      expect(def.attributes.length).toBeGreaterThan(0);
    }
    const def = await both('services/drainage.{ext}', 'definition');
    expect(def.attributes.map((a: Json) => a.code)).toEqual(['khan_cap', 'do_sau_cm']);
    await both('services.{ext}?jurisdiction_id=hue.gov.vn', 'services');
  });

  it('answers errors in the specification’s shape with the right status', async () => {
    const cases: [string, number, string][] = [
      ['services/potholes.{ext}', 404, 'IOC_OPEN311_SERVICE'],
      ['services.{ext}?jurisdiction_id=sfgov.org', 404, 'IOC_OPEN311_JURISDICTION'],
      ['requests/HUE-NOPE-1.{ext}', 404, 'IOC_INCIDENT_NOT_FOUND'],
      ['tokens/o311-00000000000000000000000000000000.{ext}', 404, 'IOC_OPEN311_TOKEN_NOT_FOUND'],
      ['tokens/nonsense.{ext}', 404, 'IOC_OPEN311_TOKEN_NOT_FOUND'],
      ['requests.{ext}?start_date=2026-02-30T00:00:00%2B07:00', 400, 'IOC_REQUEST_INVALID'],
      ['requests.{ext}?status=pending', 400, 'IOC_REQUEST_INVALID'],
      ['requests.{ext}?service_code=potholes', 404, 'IOC_OPEN311_SERVICE'],
      [
        'requests.{ext}?start_date=2026-01-01T00:00:00%2B07:00&end_date=2026-06-01T00:00:00%2B07:00',
        400,
        'IOC_REQUEST_INVALID',
      ],
      ['requests.{ext}?start_date=2026-06-01&end_date=2026-05-01', 400, 'IOC_REQUEST_INVALID'],
      // A path the API does not have, under /open311/: still the specification's shape, not ours.
      ['requests/IOC-1/comments.{ext}', 404, 'IOC_NOT_FOUND'],
    ];
    for (const [path, status, code] of cases) {
      const body = await both(path, 'errors', status);
      expect(body[0].code).toBe(status);
      expect(body[0].description.startsWith(`${code}: `), `${path}: ${body[0].description}`).toBe(true);
    }
    // POST: 403 for a wrong or missing key (stored nowhere), 400 without a location, 404 for an unknown service.
    const before = await deadLetters();
    for (const ext of ['json', 'xml']) {
      const bad = await post(`requests.${ext}`, {
        api_key: 'wrong',
        service_code: 'roads',
        ...place(),
        description: 'Ổ gà',
      });
      expect(bad.status).toBe(403);
      const none = await post(`requests.${ext}`, { service_code: 'roads', ...place(), description: 'Ổ gà' });
      expect(none.status).toBe(403);
    }
    expect(await deadLetters()).toBe(before);
    const noPlace = await post('requests.json', {
      api_key: KEY,
      service_code: 'roads',
      description: 'Ổ gà sâu',
    });
    expect(noPlace.status).toBe(400);
    conforms('errors', noPlace.body);
    expect(noPlace.body[0].description).toMatch(/^IOC_OPEN311_LOCATION: /);
    const noPlaceXml = await post('requests.xml', { api_key: KEY, service_code: 'roads', lat: '16.46' });
    expect(noPlaceXml.status).toBe(400);
    sameAsXml(
      'errors',
      [{ code: 400, description: 'IOC_OPEN311_LOCATION: lat and long must come together' }],
      noPlaceXml.text,
    );
    const unknown = await post('requests.json', { api_key: KEY, service_code: 'potholes', ...place() });
    expect(unknown.status).toBe(404);
    const otherCity = await post('requests.json', {
      api_key: KEY,
      jurisdiction_id: 'sfgov.org',
      service_code: 'roads',
      ...place(),
    });
    expect(otherCity.status).toBe(404);
    const badAttr = await post('requests.json', {
      api_key: KEY,
      service_code: 'drainage',
      ...place(),
      'attribute[do_sau_cm]': 'rất sâu',
    });
    expect(badAttr.status).toBe(400);
    expect(badAttr.body[0].description).toMatch(/^IOC_OPEN311_ATTRIBUTE: /);
    const outside = await post('requests.json', {
      api_key: KEY,
      service_code: 'roads',
      lat: '21.0278',
      long: '105.8342',
    });
    expect(outside.status).toBe(400);
    const proto = await post('requests.json', {
      api_key: KEY,
      service_code: 'roads',
      ...place(),
      __proto__x: '1',
      'attribute[__proto__]': 'x',
    });
    expect(proto.status).toBe(400);
    const nul = await post('requests.json', {
      api_key: KEY,
      service_code: 'roads',
      ...place(),
      description: 'Ổ gà\u0000 sâu',
    });
    expect(nul.status).toBe(201);
    // Every refusal of a client with the right key is a dead letter, with the key removed.
    expect(await deadLetters()).toBe(before + 7);
    const kept = await ioc.app.db.query<{ payload: Buffer }>(
      `SELECT payload FROM dead_letters WHERE source = 'open311'`,
    );
    for (const k of kept) expect(Buffer.from(k.payload).toString()).not.toContain(KEY);
  });

  it('takes a POST through the Hue-S ingest: routing, deadline, a retry is no duplicate, tokens resolve', async () => {
    const at = place();
    const fields = {
      api_key: KEY,
      jurisdiction_id: 'hue.gov.vn',
      service_code: 'drainage',
      ...at,
      address_string: '12 Lê Lợi, phường Thuận Hóa',
      description: `Cống tắc, nước ngập sâu trước nhà. Liên hệ ${NAME}, ${PHONE}, ${EMAIL}.`,
      first_name: 'Bích Ngọc',
      last_name: 'Trần Thị',
      email: EMAIL,
      phone: PHONE,
      'attribute[khan_cap]': 'co',
      'attribute[do_sau_cm]': '40',
    };
    const created = await post('requests.json', fields);
    expect(created.status, created.text).toBe(201);
    conforms('postResponse', created.body);
    const { service_request_id: id, token } = created.body[0];
    expect(token).toMatch(/^o311-[0-9a-f]{32}$/);

    // The same POST again (a client retrying after a lost answer): the same ids, no second case or source.
    const again = await post('requests.json', fields);
    expect(again.status).toBe(200);
    expect(again.body[0]).toMatchObject({ service_request_id: id, token });
    const sources = await ioc.app.db.query(
      `SELECT 1 FROM incident_sources WHERE channel = 'open311' AND source_id = $1`,
      [token],
    );
    expect(sources).toHaveLength(1);
    const xmlAgain = await post('requests.xml', fields);
    expect(xmlAgain.status).toBe(200);
    sameAsXml('postResponse', again.body, xmlAgain.text);

    const [r] = await both(`requests/${id}.{ext}`, 'requests');
    expect(r.service_code).toBe('drainage');
    expect(r.status).toBe('open');
    expect(r.agency_responsible).toBeTruthy();
    const row = (await ioc.app.repos.incidents.get(id))!;
    expect(r.expected_datetime).toBe(isoVn(row.due_at!));
    expect(row.priority).toBe(1); // khan_cap=co: urgent, the immediate process
    expect(row.reporter).toEqual({ name: NAME, phone: '+84905777321' });
    expect(r.lat).toBe(Math.round(Number(at.lat) * 1e4) / 1e4);
    expect(r.long).toBe(Math.round(Number(at.long) * 1e4) / 1e4);
    expect(r.address_id).toBe(row.ward_code);
    expect(r.description).toContain('Độ sâu ngập (cm): 40');
    const tok = await both(`tokens/${token}.{ext}`, 'token');
    expect(tok).toEqual([{ service_request_id: id, token }]);

    // An explicit Idempotency-Key makes two bodies one request.
    const k = { 'idempotency-key': `retry-${Date.now()}` };
    const p2 = place();
    const first = await post(
      'requests.json',
      { api_key: KEY, service_code: 'lighting', ...p2, description: 'Đèn đường tắt cả dãy' },
      k,
    );
    const second = await post(
      'requests.json',
      { api_key: KEY, service_code: 'lighting', ...p2, description: 'Đèn đường tắt cả dãy!' },
      k,
    );
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body[0].service_request_id).toBe(first.body[0].service_request_id);
  });

  it('merges a request into the open Hue-S case of the same thing, as a second Hue-S report would be', async () => {
    const at = place();
    const hueS = JSON.stringify({
      id: `hs-o311-${Date.now()}`,
      category: 'Hạ tầng giao thông',
      description: 'Ổ gà lớn giữa đường, xe máy dễ ngã.',
      lat: Number(at.lat),
      lon: Number(at.long),
      media: [],
      reporter: { name: 'Lê Văn Tâm' },
      created_at: new Date().toISOString(),
    });
    const res = await fetch(`${ioc.baseUrl}/api/ingest/hue-s`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signBody(HUES, hueS, new Date()) },
      body: hueS,
    });
    expect(res.status).toBe(201);
    const hueSId = ((await res.json()) as Json).id;
    const near = { lat: (Number(at.lat) + 0.00005).toFixed(6), long: at.long };
    const merged = await post('requests.json', {
      api_key: KEY,
      service_code: 'roads',
      ...near,
      description: 'Ổ gà sâu trên đường',
      'attribute[loai_hu_hong]': 'o_ga',
    });
    expect(merged.status).toBe(201);
    expect(merged.body[0].service_request_id).toBe(hueSId);
    expect(merged.body[0].service_notice).toContain(hueSId);
    const row = (await ioc.app.repos.incidents.get(hueSId))!;
    expect(row.sources.map((s) => s.channel)).toEqual(['hue_s', 'open311']);
    expect((await both(`tokens/${merged.body[0].token}.{ext}`, 'token'))[0].service_request_id).toBe(hueSId);
  });

  it('filters requests.json by id, service, dates and status, in every combination', async () => {
    const now = Date.now();
    const mk = async (category: 'roads' | 'environment' | 'other', daysAgo: number) => {
      const t = new Date(now - daysAgo * 86_400_000);
      const p = place();
      const out = await ioc.app.incidents.ingest({
        channel: 'hue_s',
        sourceId: `o311-filter-${now}-${n}`,
        category,
        title: `Phản ánh ${category} ${daysAgo} ngày trước`,
        description: `Phản ánh ${category} ${daysAgo} ngày trước`,
        position: [Number(p.long), Number(p.lat)],
        wardCode: null,
        address: null,
        media: [],
        reporter: { name: null, phone: null },
        occurredAt: t,
        receivedAt: t,
      });
      return out.incidentId;
    };
    const old = await mk('other', 100);
    const recentOther = await mk('other', 10);
    const recentEnv = await mk('environment', 5);
    const closedEnv = await mk('environment', 3);
    await resolve(closedEnv);

    const ids = (b: Json[]) => b.map((r) => r.service_request_id);
    const all = await both('requests.{ext}', 'requests');
    expect(ids(all)).toEqual(expect.arrayContaining([recentOther, recentEnv, closedEnv]));
    expect(ids(all)).not.toContain(old); // default: the last 90 days
    const times = all.map((r: Json) => Date.parse(r.requested_datetime));
    expect([...times].sort((a, b) => b - a)).toEqual(times); // newest first

    const env = await both('requests.{ext}?service_code=environment', 'requests');
    expect(env.every((r: Json) => r.service_code === 'environment')).toBe(true);
    expect(ids(env)).toEqual(expect.arrayContaining([recentEnv, closedEnv]));
    const two = await both('requests.{ext}?service_code=environment,other', 'requests');
    expect(ids(two)).toEqual(expect.arrayContaining([recentEnv, closedEnv, recentOther]));
    expect(two.every((r: Json) => ['environment', 'other'].includes(r.service_code))).toBe(true);

    const closed = await both('requests.{ext}?status=closed', 'requests');
    expect(ids(closed)).toContain(closedEnv);
    expect(closed.every((r: Json) => r.status === 'closed')).toBe(true);
    const [c] = closed.filter((r: Json) => r.service_request_id === closedEnv);
    expect(c.status_notes).toBe('Đã nạo vét, thu gom rác xong.');
    const open = await both('requests.{ext}?status=open', 'requests');
    expect(ids(open)).not.toContain(closedEnv);
    expect(open.every((r: Json) => r.status === 'open')).toBe(true);
    expect(ids(await both('requests.{ext}?status=open,closed', 'requests'))).toEqual(
      expect.arrayContaining([closedEnv, recentEnv]),
    );
    const openEnv = await both('requests.{ext}?status=open&service_code=environment', 'requests');
    expect(ids(openEnv)).toContain(recentEnv);
    expect(ids(openEnv)).not.toContain(closedEnv);

    const iso = (d: number) => encodeURIComponent(isoVn(new Date(now - d * 86_400_000)));
    const window = await both(`requests.{ext}?start_date=${iso(7)}&end_date=${iso(4)}`, 'requests');
    expect(ids(window)).toContain(recentEnv);
    expect(ids(window)).not.toContain(closedEnv);
    expect(ids(window)).not.toContain(recentOther);
    const fromOld = await both(`requests.{ext}?start_date=${iso(101)}&service_code=other`, 'requests');
    expect(ids(fromOld)).toContain(old); // start_date alone: 90 days from it
    expect(ids(fromOld)).not.toContain(recentOther);
    const untilOld = await both(`requests.{ext}?end_date=${iso(95)}`, 'requests');
    expect(ids(untilOld)).toEqual([old].filter((x) => ids(untilOld).includes(x)));
    expect(ids(untilOld)).toContain(old);
    const closedInWindow = await both(
      `requests.{ext}?start_date=${iso(4)}&status=closed&service_code=environment`,
      'requests',
    );
    expect(ids(closedInWindow)).toEqual(expect.arrayContaining([closedEnv]));

    // service_request_id overrides every other filter: the 100-day-old one, with filters that exclude it.
    const byId = await both(
      `requests.{ext}?service_request_id=${old},${closedEnv}&status=open&service_code=roads&start_date=${iso(1)}`,
      'requests',
    );
    expect(ids(byId).sort()).toEqual([old, closedEnv].sort());
    expect(await both('requests.{ext}?service_request_id=HUE-NOPE', 'requests')).toEqual([]);
  });

  it('takes updates from the unit’s system, publishes them in servicerequestupdates and calls the client back', async () => {
    const created = await post('requests.json', {
      api_key: KEY,
      service_code: 'roads',
      ...place(),
      description: `Vỉa hè bị vỡ. ${NAME} ${PHONE}`,
      last_name: 'Trần Thị',
      first_name: 'Bích Ngọc',
    });
    const id = created.body[0].service_request_id;
    const token = created.body[0].token;
    let row = (await ioc.app.repos.incidents.get(id))!;
    row = await ioc.app.workflow.transition(id, { to: 'verified', expectedVersion: row.version }, desk);
    row = await ioc.app.workflow.transition(
      id,
      { to: 'assigned', expectedVersion: row.version, agencyId: TEST_AGENCY },
      desk,
    );

    const upd = (over: Record<string, string>) =>
      post('servicerequestupdates.json', {
        api_key: KEY,
        service_request_id: id,
        updated_datetime: isoVn(new Date()),
        ...over,
      });
    const comment = await upd({
      update_id: `u-${id}-1`,
      status: 'OPEN',
      description: 'Đơn vị đã cử người kiểm tra hiện trường.',
    });
    expect(comment.status, comment.text).toBe(201);
    expect(comment.body).toEqual([{ update_id: `u-${id}-1` }]);
    const retry = await upd({
      update_id: `u-${id}-1`,
      status: 'OPEN',
      description: 'Đơn vị đã cử người kiểm tra hiện trường.',
    });
    expect(retry.status).toBe(200);
    const comments = await ioc.app.db.query(
      `SELECT 1 FROM incident_events WHERE incident_id = $1 AND type = 'comment'`,
      [id],
    );
    expect(comments).toHaveLength(1);
    const reused = await upd({ update_id: `u-${id}-1`, status: 'OPEN', description: 'Nội dung khác' });
    expect(reused.status).toBe(400);
    expect(reused.body[0].description).toMatch(/^IOC_OPEN311_UPDATE: /);

    // Assigned but not accepted: the state table does not let the unit resolve yet.
    const early = await upd({ update_id: `u-${id}-2`, status: 'CLOSED', description: 'Đã sửa xong.' });
    expect(early.status).toBe(400);
    expect(early.body[0].description).toMatch(/^IOC_OPEN311_UPDATE: .*assigned/);
    row = (await ioc.app.repos.incidents.get(id))!;
    await ioc.app.workflow.transition(id, { to: 'in_progress', expectedVersion: row.version }, unit);
    const closing = await post('servicerequestupdates.xml', {
      api_key: KEY,
      service_request_id: id,
      update_id: `u-${id}-2`,
      updated_datetime: isoVn(new Date()),
      status: 'closed',
      description: 'Đã lát lại vỉa hè. Liên hệ 0905 111 222 nếu còn hư hỏng.',
    });
    expect(closing.status, closing.text).toBe(201);
    const bad = await upd({ update_id: `u-${id}-3`, status: 'FIXED', description: 'x' });
    expect(bad.status).toBe(400);
    const badKey = await post('servicerequestupdates.json', {
      api_key: 'nope',
      service_request_id: id,
      update_id: 'z',
      updated_datetime: isoVn(new Date()),
      status: 'OPEN',
      description: 'x',
    });
    expect(badKey.status).toBe(403);
    const missing = await upd({
      service_request_id: 'HUE-NOPE-9',
      update_id: `u-${id}-4`,
      status: 'OPEN',
      description: 'x',
    });
    expect(missing.status).toBe(404);

    const [r] = await both(`requests/${id}.{ext}`, 'requests');
    expect(r.status).toBe('closed');
    expect(r.status_notes).toBe('Đã lát lại vỉa hè. Liên hệ [đã ẩn] nếu còn hư hỏng.');

    const updates = await both('servicerequestupdates.{ext}', 'updates');
    const mine = updates.filter((u: Json) => u.service_request_id === id);
    expect(mine.map((u: Json) => u.status)).toEqual(['CLOSED', 'OPEN', 'OPEN', 'OPEN', 'OPEN']);
    expect(mine[0].description).toBe(r.status_notes);
    expect(mine.map((u: Json) => u.description)).toContain('Đơn vị đã cử người kiểm tra hiện trường.');
    expect(new Set(mine.map((u: Json) => u.update_id)).size).toBe(mine.length);

    // The outbox told the client of every public change, signed with the Open311 secret.
    await waitFor(
      'five Open311 callbacks',
      () => callbacks.filter((c) => JSON.parse(c.body).service_request_id === id).length >= 5 || null,
      15_000,
    );
    const mineOut = callbacks.filter((c) => JSON.parse(c.body).service_request_id === id);
    for (const c of mineOut) {
      const sig = verifySignature({
        secret: KEY,
        timestamp: c.headers['x-timestamp'],
        signature: c.headers['x-signature'],
        rawBody: Buffer.from(c.body),
        now: new Date(),
      });
      expect(sig.ok).toBe(true);
      expect(c.headers['idempotency-key']).toMatch(new RegExp(`^${id}:v\\d+:open311:`));
      const b = JSON.parse(c.body);
      expect(b.token).toBe(token);
      conforms(
        'updates',
        [{ ...b, token: undefined }].map(({ token: _t, ...rest }) => rest),
      );
    }
    const last = JSON.parse(mineOut.at(-1)!.body);
    expect(last).toMatchObject({ status: 'CLOSED', description: r.status_notes });
    expect(mineOut.map((c) => JSON.parse(c.body).update_id)).toEqual(
      expect.arrayContaining(mine.map((u: Json) => u.update_id)),
    );
  });

  it('never shows the reporter: no name, phone or e-mail in any field of any GET', async () => {
    const json: string[] = [];
    const paths = ['requests', 'servicerequestupdates', 'services', 'discovery'];
    for (const p of paths) for (const ext of ['json', 'xml']) json.push((await get(`${p}.${ext}`)).text);
    const all = (await get('requests.json')).body as Json[];
    for (const r of all)
      for (const ext of ['json', 'xml'])
        json.push((await get(`requests/${r.service_request_id}.${ext}`)).text);
    const text = json.join('\n');
    expect(all.length).toBeGreaterThan(3);
    for (const needle of [
      NAME,
      'Bích Ngọc',
      EMAIL,
      '0905777321',
      '0905 777 321',
      '905777321',
      '+84905777321',
      'Lê Văn Tâm',
    ])
      expect(
        text.includes(needle),
        `${needle} in ${json.find((t) => t.includes(needle))?.slice(0, 3000)}`,
      ).toBe(false);
    // And the report itself is there, scrubbed.
    expect(text).toContain('Cống tắc, nước ngập sâu trước nhà. Liên hệ [đã ẩn], [đã ẩn], [đã ẩn].');
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${ioc.baseUrl}/docs/json`)).json()) as Json;
    for (const p of [
      '/open311/v2/requests.json',
      '/open311/v2/requests.xml',
      '/open311/v2/servicerequestupdates.json',
      '/open311/v2/services/{code}.json',
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    expect(doc.paths['/open311/v2/requests.json'].post.requestBody.content).toHaveProperty(
      'application/x-www-form-urlencoded',
    );
  });
});

async function deadLetters(): Promise<number> {
  const [r] = await ioc.app.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM dead_letters WHERE source = 'open311'`,
  );
  return r!.n;
}

/** Huế's clock: ISO 8601 with +07:00, to the second. */
function isoVn(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000 + 7 * 3_600_000)
    .toISOString()
    .replace('.000Z', '+07:00');
}

/** new → verified → assigned → in_progress → resolved with a reply, as the desk and the unit do. */
async function resolve(id: string): Promise<void> {
  let row = (await ioc.app.repos.incidents.get(id))!;
  row = await ioc.app.workflow.transition(id, { to: 'verified', expectedVersion: row.version }, desk);
  row = await ioc.app.workflow.transition(
    id,
    { to: 'assigned', expectedVersion: row.version, agencyId: TEST_AGENCY },
    desk,
  );
  row = await ioc.app.workflow.transition(id, { to: 'in_progress', expectedVersion: row.version }, unit);
  await ioc.app.workflow.transition(
    id,
    { to: 'resolved', expectedVersion: row.version, reply: 'Đã nạo vét, thu gom rác xong.' },
    unit,
  );
}
