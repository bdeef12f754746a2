import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import mqtt, { type MqttClient } from 'mqtt';
import { io as ioClient, Manager } from 'socket.io-client';
import { Value } from '@sinclair/typebox/value';
import type { OpenAPIV3 } from 'openapi-types';
import {
  CommandAckSchema,
  ERROR_CATALOGUE,
  ErrorBodySchema,
  ImportJobSchema,
  IngestOutcomeSchema,
  isErrorCode,
  LAYER_IDS,
  LIVE_PROTOCOL_VERSION,
  SubscribeAckSchema,
  type SensorProps,
} from '@hue-ioc/layers';
import {
  normaliseCameraMessage,
  normaliseHotlineTicket,
  normaliseHueSReport,
  normaliseKpiSample,
  normaliseSensorMessage,
  parseJsonBody,
  signBody,
  MAX_WEBHOOK_BODY_BYTES,
  type Result,
} from '@hue-ioc/streams';
import {
  cameraEvent,
  cameraId,
  cameraStatus,
  deviceId,
  hostileBytes,
  hostileCsv,
  hostileString,
  hostileTime,
  hostileValue,
  HUE_TEXTS,
  hotlineTicket,
  hueSReport,
  INJECTIONS,
  kpiSample,
  mutated,
  objectOf,
  PROTO_WORDS,
  RawJson,
  sensorKind,
  sensorPayload,
  toJsonText,
} from '../../streams/test/support/hostile.ts';
import {
  fuzz,
  fuzzSettings,
  fuzzTimeout,
  noteCases,
  outcome,
  printFuzzCounts,
} from '../../streams/test/support/fuzz.ts';
import { DISPLAY_TOKEN, LiveMirror, startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';
import { openSession, sessionFor, type Session } from './support/auth.ts';

/**
 * End-to-end fuzz of every entry point of a running IOC (issue 11, build item 7): MQTT topics and
 * payloads through the broker, the signed webhooks (well signed, so the fuzz reaches the validators, and
 * unsigned or mis-signed), hotline CSV imports, the /live handshake and its commands, and the query
 * strings, path parameters and bodies of every REST route the app registered (`app.accessRoutes`, the
 * OpenAPI document's parameters), as an admin so that access control lets the requests through.
 *
 * For every input: an answer within ANSWER_MS (no hang), never a 5xx, an error body in the one shape with
 * a code of the error catalogue whose status is the answer's, or a dead letter; the same verdict as streams'
 * pure validators where they apply; no unhandled rejection or uncaught exception in the process. After each
 * batch, a valid reading and a valid report are still stored and reach a /live client.
 *
 * The cases per entry point are few (HTTP and MQTT round trips cost milliseconds); the many in-process
 * cases are in streams/src/entry-points.fuzz.spec.ts. `npm run fuzz -- --minutes N` runs both longer.
 */
const settings = fuzzSettings();
const ENTRIES = 8;
const timeout = fuzzTimeout(settings, ENTRIES, 240_000);
/** An answer slower than this is a hang. */
const ANSWER_MS = 10_000;
const SECRET = 'fuzz-ingest-secret-46';

let ioc: RunningIoc;
let publisher: MqttClient;
let sensors: LiveMirror;
let incidents: LiveMirror;
let openapi: OpenAPIV3.Document;
const crashes: string[] = [];
const onRejection = (e: unknown) => crashes.push(`unhandledRejection: ${(e as Error)?.stack ?? String(e)}`);
const onException = (e: unknown) => crashes.push(`uncaughtException: ${(e as Error)?.stack ?? String(e)}`);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  ioc = await startIoc({
    overrides: {
      ingestSecrets: { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET, cap: SECRET },
      // The per-source webhook limit has its own test; here it would turn the fuzz into 429s.
      ingestRateLimit: 1_000_000,
    },
  });
  await ioc.app.ready();
  publisher = await connectPublisher();
  sensors = new LiveMirror(ioc.baseUrl, 'sensors');
  incidents = new LiveMirror(ioc.baseUrl, 'incidents');
  await waitFor('the sensors and incidents snapshots', () => sensors.state && incidents.state);
  openapi = (await (await fetch(`${ioc.baseUrl}/docs/json`)).json()) as OpenAPIV3.Document;
}, 120_000);

afterAll(async () => {
  sensors?.close();
  incidents?.close();
  await publisher?.endAsync(true);
  await ioc?.close();
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
  printFuzzCounts('fuzz, IOC end to end');
});

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP request as sent (node:http, not fetch: the path is not normalised, headers may repeat, bodies
 * are raw bytes); rejects when no answer comes within ANSWER_MS.
 */
function send(opts: {
  method: string;
  path: string;
  headers?: [string, string][];
  body?: Uint8Array | string;
}): Promise<Answer> {
  const url = new URL(ioc.baseUrl);
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
  const headers: [string, string][] = [
    ['host', url.host],
    ...(opts.headers ?? []),
    ...(body ? [['content-length', String(body.length)] as [string, string]] : []),
  ];
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: opts.method,
        path: opts.path,
        headers: headers.flat(),
        timeout: ANSWER_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => {
      req.destroy(new Error(`no answer within ${ANSWER_MS} ms: ${opts.method} ${opts.path.slice(0, 200)}`));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Findings of this fuzz that nobody is fixing yet, reported (issue 11's closing note lists them): accepted
 * here so the CI run stays green, and counted (`tolerated: …` in the printed outcomes). Remove a row when
 * its fix lands; the property then holds it.
 */
const TOLERATED: { name: string; matches: (status: number, code: string) => boolean }[] = [
  // Empty: the one row it had (403 and 414 answered as IOC_REQUEST_INVALID) was fixed in db0dbea.
];

/**
 * The catalogue code of an error answer, from the shape its route speaks: ours (`{ error: { code } }`) on
 * the API; GeoReport v2's `[{ code: <status>, description: "IOC_…: …" }]` or its XML twin under /open311/
 * (the standard fixes the shape, our code leads the description); an HTML error page (/cong-khai,
 * /open-data/) that names the code in its text.
 */
function errorCodeOf(a: Answer, what: string): string {
  const text = a.text.trimStart();
  const head = text.slice(0, 300);
  if (text.startsWith('[')) {
    const body = JSON.parse(text) as { code: number; description: string }[];
    expect(body[0]?.code, `${what}: Open311 error code is the status`).toBe(a.status);
    return /^(IOC_[A-Z0-9_]+):/.exec(body[0]?.description ?? '')?.[1] ?? `none in ${head}`;
  }
  if (text.startsWith('<?xml') || text.startsWith('<errors')) {
    expect(/<code>(\d+)<\/code>/.exec(text)?.[1], `${what}: XML error code is the status`).toBe(
      String(a.status),
    );
    return /<description>(IOC_[A-Z0-9_]+):/.exec(text)?.[1] ?? `none in ${head}`;
  }
  if (/^<(!doctype html|html)/i.test(text))
    return /\b(IOC_[A-Z0-9_]+)\b/.exec(text)?.[1] ?? `none in ${head}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${what}: ${a.status} answered without a JSON error body: ${head}`);
  }
  expect(Value.Check(ErrorBodySchema, body), `${what}: error body ${head}`).toBe(true);
  return (body as { error: { code: string } }).error.code;
}

/** Every error answer: its route's error shape, a catalogue code, the code's status; never a 5xx. */
function expectCodedAnswer(a: Answer, what: string): string | null {
  expect(a.status, `${what}: ${a.status} ${a.text.slice(0, 300)}`).toBeLessThan(500);
  if (a.status < 400) return null;
  const code = errorCodeOf(a, what);
  expect(isErrorCode(code), `${what}: ${code} is in the catalogue`).toBe(true);
  const tolerated = TOLERATED.find((t) => t.matches(a.status, code));
  if (tolerated) outcome(`tolerated: ${tolerated.name}`);
  else if (isErrorCode(code))
    expect(ERROR_CATALOGUE[code].status, `${what}: ${code} answered ${a.status}`).toBe(a.status);
  expect(a.text, `${what}: no stack trace`).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return code;
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await ioc.app.db.query<{ n: number }>(sql, params);
  return row?.n ?? 0;
}
const deadLetters = (source: string) =>
  count(`SELECT count(*)::int AS n FROM dead_letters WHERE source = $1`, [source]);

const signed = (body: Uint8Array | string): [string, string][] =>
  Object.entries(signBody(SECRET, body, new Date())).map(([k, v]) => [k, v]);

/**
 * Percent-encodes the UTF-8 bytes of `s` (a lone surrogate becomes U+FFFD, as on the wire; encodeURIComponent
 * would throw), leaving `keep` characters as they are.
 */
const pct = (s: string, keep = /[A-Za-z0-9\-_.~]/) =>
  [...Buffer.from(s, 'utf8')]
    .map((b) =>
      b < 0x80 && keep.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

/** Header values node:http will send (printable ASCII, no CR/LF): hostile strings percent-encoded. */
const headerSafe = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : pct(s).slice(0, 4000));

async function connectPublisher(): Promise<MqttClient> {
  const creds = ioc.app.mqtt.publisher;
  return mqtt.connectAsync(ioc.mqttUrl, {
    protocolVersion: 4,
    clientId: `fuzz-pub-${Math.random().toString(36).slice(2, 8)}`,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...(creds ? { username: creds.username, password: creds.password } : {}),
  });
}

/**
 * Publishes QoS 1 and says what became of it: `acked` (the broker took it), or `closed` (the client library
 * refused it, or the broker closed the connection: MQTT 3.1.1 has no negative PUBACK).
 */
function publishOnce(client: MqttClient, topic: string, payload: Uint8Array): Promise<'acked' | 'closed'> {
  return new Promise((resolve) => {
    const done = (r: 'acked' | 'closed') => {
      clearTimeout(timer);
      client.off('close', onClose);
      resolve(r);
    };
    const onClose = () => done('closed');
    const timer = setTimeout(() => done('closed'), 5000);
    client.once('close', onClose);
    try {
      client.publish(topic, Buffer.from(payload), { qos: 1 }, (err) => done(err ? 'closed' : 'acked'));
    } catch {
      done('closed');
    }
  });
}

let probeN = 0;
/**
 * Valid input still flows: a water level from Kim Long is stored and reaches a /live client, a Hue-S report
 * becomes an incident on the incidents layer, and nothing crashed in the process.
 */
async function stillFlows(): Promise<void> {
  expect(crashes).toEqual([]);
  probeN++;
  const value = Math.round((0.5 + probeN / 1000) * 1000) / 1000;
  const ts = new Date(Date.now() - 1000).toISOString();
  if (!publisher.connected || publisher.disconnecting) publisher = await connectPublisher();
  await publisher.publishAsync('hue/sensors/water_level/kim-long', JSON.stringify({ ts, value, unit: 'm' }), {
    qos: 1,
  });
  const stored = () =>
    count(`SELECT count(*)::int AS n FROM observations WHERE device_id = 'kim-long' AND ts = $1`, [ts]);
  try {
    await waitFor(
      `the probe reading ${value} m of kim-long on /live`,
      () => (sensors.state?.features.get('kim-long')?.props as SensorProps | undefined)?.value === value,
      15_000,
    );
  } catch (e) {
    // Say where it stopped: broker, storage or /live.
    const seen = sensors.state?.features.get('kim-long')?.props as SensorProps | undefined;
    throw new Error(
      `${(e as Error).message} (publisher connected ${publisher.connected}, stored ${await stored()}, ` +
        `/live socket connected ${sensors.socket.connected}, kim-long on /live: ${seen?.value} at ${seen?.observedAt})`,
      { cause: e },
    );
  }
  expect(await stored()).toBe(1);
  const report = fc.sample(hueSReport, { numRuns: 1, seed: probeN })[0] as Record<string, unknown>;
  const body = JSON.stringify({ ...report, id: `HUES-PROBE-${probeN}-${Date.now()}` });
  const a = await send({
    method: 'POST',
    path: '/api/ingest/hue-s',
    headers: [['content-type', 'application/json'], ...signed(body)],
    body,
  });
  expect(a.status, a.text).toBeLessThan(300);
  const { id } = JSON.parse(a.text) as { id: string };
  await waitFor(`the probe report ${id} on /live`, () => incidents.state?.features.has(id), 15_000);
  expect(crashes).toEqual([]);
}

const ENTRY = { settings, entries: ENTRIES, afterBatch: stillFlows };

// ── MQTT ─────────────────────────────────────────────────────────────────────────────────────────────

/** A topic the server subscribes to (hue/sensors/+/+, hue/cameras/+/events|status), as the broker matches. */
function ingestFamily(topic: string): 'sensor' | 'camera' | null {
  if (topic.startsWith('$') || /[+#]/.test(topic) || topic.includes('\u0000')) return null;
  const l = topic.split('/');
  if (l.length !== 4 || l[0] !== 'hue') return null;
  if (l[1] === 'sensors') return 'sensor';
  if (l[1] === 'cameras' && (l[3] === 'events' || l[3] === 'status')) return 'camera';
  return null;
}

const segment = fc.oneof(
  { weight: 4, arbitrary: hostileString({ maxLength: 60, noNul: true }) },
  { weight: 1, arbitrary: fc.constantFrom('+', '#', '', '$SYS') },
);
const mqttMessage = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      topic: fc.oneof(
        { weight: 5, arbitrary: fc.tuple(sensorKind, deviceId).map(([k, d]) => `hue/sensors/${k}/${d}`) },
        { weight: 1, arbitrary: fc.tuple(sensorKind, segment).map(([k, d]) => `hue/sensors/${k}/${d}`) },
        { weight: 1, arbitrary: fc.tuple(segment, deviceId).map(([k, d]) => `hue/sensors/${k}/${d}`) },
      ),
      payload: hostileBytes(fc.oneof(sensorPayload, mutated(sensorPayload), hostileValue()), {
        maxBytes: 70_000,
      }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      topic: fc
        .tuple(fc.oneof(cameraId, segment), fc.constantFrom('events', 'status', 'snapshot'))
        .map(([c, s]) => `hue/cameras/${c}/${s}`),
      payload: hostileBytes(
        fc.oneof(cameraEvent, cameraStatus, mutated(fc.oneof(cameraEvent, cameraStatus)), hostileValue()),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      topic: fc.array(segment, { minLength: 1, maxLength: 6 }).map((p) => p.join('/')),
      payload: hostileBytes(sensorPayload),
    }),
  },
);

// ── REST ─────────────────────────────────────────────────────────────────────────────────────────────

/** A path segment or query value as a client may write it: raw where node:http allows, else encoded. */
const urlPiece = fc.oneof(
  { weight: 3, arbitrary: hostileString({ maxLength: 300 }).map((x) => pct(x)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '0',
      '-1',
      '1',
      '1e309',
      '1.5',
      '9007199254740993',
      '99999999999999999999',
      '0x1F',
      'NaN',
      'Infinity',
      '%00',
      '%',
      '%zz',
      '%E0%A4%A',
      '..',
      '../..',
      '..%2F..%2Fetc%2Fpasswd',
      "'",
      "';DROP%20TABLE%20users;--",
      '${7*7}',
      '__proto__',
      'constructor',
      'toString',
      '%0D%0ASet-Cookie:%20x=1',
      'null',
      'true',
      '[]',
      '%5B%5D',
      '00000000-0000-0000-0000-000000000000',
      '2026-02-30T00:00:00Z',
      '%FF',
      '%C0%80',
      '%ED%A0%80',
      '%F4%90%80%80',
      'a'.repeat(2000),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...INJECTIONS, ...PROTO_WORDS)
      .map((x) => pct(x, /[\x21-\x7e]/).replace(/[#?&]/g, (c) => pct(c, /(?!)/))),
  },
);

describe('fuzz: every entry point of a running IOC', () => {
  // Each entry point answers for the crashes during its own run (its batches check them; so does rawHandshake).
  beforeEach(() => {
    crashes.length = 0;
  });

  it(
    'MQTT: hostile topics and payloads are stored or dead-lettered, never stall ingest',
    async () => {
      await fuzz(
        'mqtt:topics+payloads (broker → ingest)',
        fc.asyncProperty(fc.array(mqttMessage, { minLength: 1, maxLength: 12 }), async (batch) => {
          noteCases(batch.length);
          const before = await deadLetters('mqtt');
          let expectedRejects = 0;
          const expectedReadings: { deviceId: string; metric: string; ts: Date }[] = [];
          for (const m of batch) {
            const receivedAt = new Date();
            if (!publisher.connected || publisher.disconnecting) publisher = await connectPublisher();
            if ((await publishOnce(publisher, m.topic, m.payload)) === 'closed') {
              outcome('refused by the broker');
              publisher.end(true);
              publisher = await connectPublisher();
              continue;
            }
            const family = ingestFamily(m.topic);
            if (family === null) {
              outcome('not an ingest topic');
              continue;
            }
            const r: Result<unknown> =
              family === 'sensor'
                ? normaliseSensorMessage(m.topic, m.payload, receivedAt)
                : normaliseCameraMessage(m.topic, m.payload, { receivedAt });
            outcome(r.ok ? `${family}: accepted` : `${family}: ${r.reject.code}`);
            if (!r.ok) expectedRejects++;
            else if (family === 'sensor') expectedReadings.push(...(r.value as typeof expectedReadings));
          }
          await waitFor(
            `${expectedRejects} dead letters of this batch (after ${before})`,
            async () => (await deadLetters('mqtt')) >= before + expectedRejects,
            15_000,
          );
          for (const x of expectedReadings) {
            await waitFor(
              `the reading ${x.deviceId}/${x.metric} at ${x.ts.toISOString()} stored`,
              async () =>
                (await count(
                  `SELECT count(*)::int AS n FROM observations WHERE device_id = $1 AND metric = $2 AND ts = $3`,
                  [x.deviceId, x.metric, x.ts],
                )) === 1,
              15_000,
            );
          }
          expect(crashes).toEqual([]);
        }),
        { ...ENTRY, runs: 60, batch: 15, shrink: false },
      );
    },
    timeout,
  );

  type Source = 'hue-s' | 'hotline' | 'kpi';
  const pipelines: Record<
    Source,
    { message: fc.Arbitrary<unknown>; normalise: (v: unknown) => Result<unknown> }
  > = {
    'hue-s': {
      message: hueSReport,
      normalise: (v) => normaliseHueSReport(v, { receivedAt: new Date(), wards: ioc.app.wards }),
    },
    hotline: {
      message: hotlineTicket,
      normalise: (v) => normaliseHotlineTicket(v, { receivedAt: new Date(), wards: ioc.app.wards }),
    },
    kpi: {
      message: kpiSample,
      normalise: (v) => normaliseKpiSample(v, { receivedAt: new Date(), wards: ioc.app.wards }),
    },
  };
  const source = fc.constantFrom<Source>('hue-s', 'hotline', 'kpi');
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'application/json; charset=latin1',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json, text/csv',
        '',
      ),
    },
  );

  it(
    'webhooks, well signed: every body is accepted, or answered 400 with its reject code and kept as a dead letter',
    async () => {
      await fuzz(
        'webhook:signed bodies (hue-s, hotline, kpi)',
        fc.asyncProperty(
          source.chain((s) =>
            fc.tuple(
              fc.constant(s),
              hostileBytes(
                fc.oneof(
                  { weight: 2, arbitrary: pipelines[s].message },
                  { weight: 5, arbitrary: mutated(pipelines[s].message) },
                  { weight: 2, arbitrary: hostileValue() },
                ),
                {
                  maxBytes: MAX_WEBHOOK_BODY_BYTES * 2 + 1,
                },
              ),
              contentType,
            ),
          ),
          async ([s, body, type]) => {
            const before = await deadLetters(s);
            const a = await send({
              method: 'POST',
              path: `/api/ingest/${s}`,
              headers: [...(type ? [['content-type', type] as [string, string]] : []), ...signed(body)],
              body,
            });
            const code = expectCodedAnswer(a, `POST /api/ingest/${s}`);
            outcome(`${s} ${a.status}${code ? ` ${code}` : ''}`);
            if (type !== 'application/json') return; // Fastify's own 415/400 before the route: nothing to keep
            if (a.status === 413) {
              expect(code).toBe('IOC_REQUEST_TOO_LARGE');
              expect(body.byteLength).toBeGreaterThan(MAX_WEBHOOK_BODY_BYTES);
              return;
            }
            // The server's verdict is streams' verdict: the same pipeline, in process.
            const parsed = parseJsonBody(body, MAX_WEBHOOK_BODY_BYTES);
            const expected = parsed.ok ? pipelines[s].normalise(parsed.value) : parsed;
            if (!expected.ok) {
              expect(a.status, a.text).toBe(400);
              expect(code).toBe(expected.reject.code);
            }
            if (a.status < 300)
              expect(Value.Check(IngestOutcomeSchema, JSON.parse(a.text)), a.text).toBe(true);
            else if (a.status === 400) {
              expect(code).toMatch(/^IOC_INGEST_/);
              expect(await deadLetters(s), 'a signed bad body is kept as a dead letter').toBe(before + 1);
            }
          },
        ),
        { ...ENTRY, runs: 450, batch: 150 },
      );
    },
    timeout,
  );

  it(
    'webhooks, unsigned or mis-signed: 401 with a signature code, nothing kept',
    async () => {
      const headerValue = fc.oneof(
        fc.constantFrom(
          '',
          ' ',
          'sha256=',
          `sha256=${'0'.repeat(64)}`,
          `sha256=${'G'.repeat(64)}`,
          'sha1=abc',
          '-1',
          '1e3',
          '99999999999999',
          '0',
        ),
        hostileString({ maxLength: 200 }).map(headerSafe),
      );
      const variant = fc.oneof(
        fc.constant({ kind: 'none' as const }),
        fc.constantFrom('timestamp only', 'signature only').map((kind) => ({ kind })),
        fc.constant({ kind: 'wrong secret' as const }),
        fc
          .integer({ min: 301, max: 10 ** 9 })
          .chain((s) => fc.constantFrom(s, -s))
          .map((skew) => ({ kind: 'skewed' as const, skew })),
        fc.tuple(headerValue, headerValue).map(([ts, sig]) => ({ kind: 'hostile' as const, ts, sig })),
        fc.constant({ kind: 'twice' as const }),
        fc.constant({ kind: 'other body' as const }),
      );
      await fuzz(
        'webhook:unsigned and mis-signed',
        fc.asyncProperty(
          source.chain((s) =>
            fc.tuple(
              fc.constant(s),
              hostileBytes(fc.oneof(pipelines[s].message, mutated(pipelines[s].message)), { maxBytes: 4096 }),
            ),
          ),
          variant,
          async ([s, body], v) => {
            const before = await deadLetters(s);
            const good = signed(body);
            let headers: [string, string][] = [];
            if (v.kind === 'timestamp only') headers = [good[0]!];
            if (v.kind === 'signature only') headers = [good[1]!];
            if (v.kind === 'wrong secret')
              headers = Object.entries(signBody(`${SECRET}-old`, body, new Date()));
            if (v.kind === 'skewed')
              headers = Object.entries(signBody(SECRET, body, Date.now() / 1000 + v.skew));
            if (v.kind === 'hostile')
              headers = [
                ['x-timestamp', v.ts],
                ['x-signature', v.sig],
              ];
            if (v.kind === 'twice') headers = [...good, ...good];
            if (v.kind === 'other body') headers = signed(`${toJsonText({ id: 'khác' })}`);
            const a = await send({
              method: 'POST',
              path: `/api/ingest/${s}`,
              headers: [['content-type', 'application/json'], ...headers],
              body,
            });
            const code = expectCodedAnswer(a, `POST /api/ingest/${s} (${v.kind})`);
            outcome(`${v.kind}: ${a.status} ${code}`);
            if (a.status === 413) return;
            expect(a.status, a.text).toBe(401);
            expect(code).toMatch(/^IOC_INGEST_SIGNATURE_(MISSING|INVALID|EXPIRED)$/);
            expect(await deadLetters(s), 'a refused signature keeps nothing').toBe(before);
          },
        ),
        { ...ENTRY, runs: 200, batch: 100 },
      );
    },
    timeout,
  );

  it(
    'hotline CSV import: every file is imported row by row (bad rows dead-lettered) or refused as a CSV',
    async () => {
      const query = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('', '?wait=true', '?filename=th%C3%A1ng11.csv') },
        {
          weight: 1,
          arbitrary: fc.constantFrom('?wait=1', '?wait=yes', '?wait=%00', '?wait=true&wait=false'),
        },
        { weight: 1, arbitrary: fc.tuple(urlPiece, urlPiece).map(([f, w]) => `?filename=${f}&wait=${w}`) },
      );
      await fuzz(
        'webhook:hotline CSV rows',
        fc.asyncProperty(hostileCsv(), query, async (csv, q) => {
          const before = await deadLetters('csv');
          const a = await send({
            method: 'POST',
            path: `/api/ingest/hotline/csv${q}`,
            headers: [['content-type', 'text/csv'], ...signed(csv)],
            body: csv,
          });
          const code = expectCodedAnswer(a, 'POST /api/ingest/hotline/csv');
          outcome(`${a.status}${code ? ` ${code}` : ''}`);
          if (a.status === 202) return; // ?wait=false: the job runs on; its rows are checked by the job's own test
          if (a.status >= 400) return;
          const job = JSON.parse(a.text) as import('@hue-ioc/layers').ImportJob;
          expect(Value.Check(ImportJobSchema, job), a.text).toBe(true);
          expect(job.status).toBe('done');
          expect(job.processed).toBe(job.total);
          expect(job.created + job.merged + job.skipped + job.failed).toBe(job.total);
          expect(job.errors.length).toBe(Math.min(job.failed, 500));
          for (const e of job.errors) expect(isErrorCode(e.code), e.code).toBe(true);
          expect(await deadLetters('csv'), 'each bad row is a dead letter').toBe(before + job.failed);
        }),
        { ...ENTRY, runs: 80, batch: 40 },
      );
    },
    timeout,
  );

  it(
    '/live handshake: hostile auth objects and cookies connect or are refused with a coded connect_error',
    async () => {
      const auth = fc.oneof(
        {
          weight: 4,
          arbitrary: fc
            .record(
              {
                token: fc.oneof(fc.constant(DISPLAY_TOKEN), hostileValue({ maxLength: 2000, depth: 2 })),
                protocol: fc.oneof(
                  fc.constant(LIVE_PROTOCOL_VERSION),
                  hostileValue({ maxLength: 200, depth: 2 }),
                ),
                encoding: fc.oneof(
                  fc.constantFrom('json', 'columnar'),
                  hostileValue({ maxLength: 200, depth: 2 }),
                ),
              },
              { requiredKeys: [] },
            )
            .map((r) => objectOf(Object.entries(r))),
        },
        { weight: 1, arbitrary: hostileValue({ maxLength: 2000, depth: 3 }) },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom('{"token":', '', 'null', '{"token":"x"', '[]', '"x"', '{"token":"x"}}', '{}garbage')
            .map((t) => new RawJson(t)),
        },
      );
      const cookie = fc.option(
        fc.oneof(
          hostileString({ maxLength: 200 }).map((x) => `ioc_session=${pct(x)}`),
          hostileString({ maxLength: 200 }).map(headerSafe),
        ),
        { nil: undefined, freq: 3 },
      );
      await fuzz(
        '/live handshake (auth, cookie)',
        fc.asyncProperty(auth, cookie, async (rawAuth, c) => {
          const text = toJsonText(rawAuth);
          let a: unknown;
          try {
            a = JSON.parse(text);
          } catch {
            a = undefined; // not JSON: socket.io's parser refuses the packet and closes the connection
          }
          const result = await rawHandshake(text, c);
          const isObject = typeof a === 'object' && a !== null && !Array.isArray(a);
          const o = (isObject ? a : {}) as Record<string, unknown>;
          const shouldConnect =
            isObject &&
            o.token === DISPLAY_TOKEN &&
            (o.protocol === undefined || o.protocol === LIVE_PROTOCOL_VERSION) &&
            (o.encoding === undefined || o.encoding === 'json' || o.encoding === 'columnar');
          if ('closed' in result) {
            // socket.io refuses a CONNECT whose payload is not a JSON object, and closes the connection.
            outcome(`closed (${result.closed})`);
            expect(isObject, `an object handshake was closed: ${result.closed}: ${text.slice(0, 300)}`).toBe(
              false,
            );
            return;
          }
          if (result.connected) {
            outcome('connected');
            expect(shouldConnect, `connected with ${text.slice(0, 300)}`).toBe(true);
            return;
          }
          const data = (result.data as { data?: { code?: unknown; message?: unknown } } | undefined)?.data;
          outcome(`connect_error ${String(data?.code)}`);
          // A refusal is coded; a valid handshake is never refused.
          expect(shouldConnect, `refused ${text.slice(0, 300)}: ${JSON.stringify(result.data)}`).toBe(false);
          expect(isErrorCode(data?.code), `connect_error ${JSON.stringify(result.data)?.slice(0, 300)}`).toBe(
            true,
          );
          expect(typeof data?.message).toBe('string');
        }),
        { ...ENTRY, runs: 200, batch: 100 },
      );
    },
    timeout,
  );

  it(
    '/live commands: hostile subscribe / unsubscribe arguments, raw packets and unknown events; the socket lives on',
    async () => {
      const RESERVED = new Set([
        'connect',
        'connect_error',
        'disconnect',
        'disconnecting',
        'newListener',
        'removeListener',
      ]);
      const request = fc.record(
        { layer: fc.constantFrom(...LAYER_IDS), since: fc.nat() },
        { requiredKeys: ['layer'] },
      );
      const argument = fc.oneof(
        { weight: 2, arbitrary: request },
        { weight: 4, arbitrary: mutated(request, { maxLength: 2000 }) },
        { weight: 2, arbitrary: hostileValue({ maxLength: 2000 }) },
      );
      // socket.io packet text as a hostile client writes it (after the engine.io message type "4").
      const rawPacket = fc.oneof(
        fc.constantFrom(
          '2/live,["subscribe"',
          '2/live,{"layer":"sensors"}',
          '2/live,["subscribe",{"layer":"sensors"}',
          '2/live,1x["subscribe",{"layer":"sensors"}]',
          '2/live,-1["subscribe",{"layer":"sensors"}]',
          '2/live,99999999999999999999["subscribe",{"layer":"sensors"}]',
          '2/live,[]',
          '2/live,[null]',
          '2/live,[1,2,3]',
          '2["subscribe",{"layer":"sensors"}]',
          '2/nowhere,["subscribe",{"layer":"sensors"}]',
          '0/live,{"token":"x"}',
          '1/live,',
          '3/live,5[]',
          '4/live,{"message":"x"}',
          '5/live,1-["subscribe",{"_placeholder":true,"num":0}]',
          '6/live,1-7[{"_placeholder":true,"num":5}]',
          '9',
          '',
        ),
        hostileString({ maxLength: 300 }).map((x) => `2/live,${x}`),
        hostileString({ maxLength: 300 }),
      );
      const command = fc.oneof(
        {
          weight: 6,
          arbitrary: fc.record({
            kind: fc.constant('ask' as const),
            event: fc.constantFrom('subscribe', 'unsubscribe'),
            arg: argument,
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({
            kind: fc.constant('emit' as const),
            event: fc.oneof(
              fc.constantFrom('subscribe', 'unsubscribe'),
              hostileString({ maxLength: 60 }).filter((e) => !RESERVED.has(e)),
            ),
            args: fc.array(argument, { maxLength: 3 }),
          }),
        },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), text: rawPacket }) },
        {
          // Binary attachments, through the client library (it writes the attachment packets).
          weight: 1,
          arbitrary: fc.record({
            kind: fc.constant('binary' as const),
            event: fc.constantFrom('subscribe', 'unsubscribe'),
            args: fc.array(
              fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)),
              { minLength: 1, maxLength: 2 },
            ),
          }),
        },
      );
      await fuzz(
        '/live commands (subscribe, unsubscribe, raw packets)',
        fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 8 }), async (commands) => {
          noteCases(commands.length);
          const socket = ioClient(`${ioc.baseUrl}/live`, {
            auth: { token: DISPLAY_TOKEN, protocol: LIVE_PROTOCOL_VERSION },
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
          });
          try {
            await new Promise<void>((resolve, reject) => {
              socket.once('connect', () => resolve());
              socket.once('connect_error', reject);
            });
            let tainted = false; // after a raw packet the server may have closed this socket's namespace
            for (const c of commands) {
              if (!socket.connected) {
                outcome('socket closed by the server');
                break;
              }
              if (c.kind === 'raw') {
                await rawSend(socket, c.text, null);
                tainted = true;
                outcome('raw packet');
                continue;
              }
              if (c.kind === 'binary') {
                const answered = await socket
                  .timeout(c.args.length === 1 ? ANSWER_MS : 200)
                  .emitWithAck(c.event as 'subscribe', ...(c.args as [never]))
                  .then(
                    (ack: unknown) => ack,
                    () => NO_ACK,
                  );
                // One binary argument is an invalid request (answered); more leave no callback to answer.
                if (c.args.length === 1) {
                  expect(answered, `${c.event}(<binary>) was not answered`).not.toBe(NO_ACK);
                  expect((answered as { ok: boolean }).ok).toBe(false);
                }
                outcome(`binary ${c.event}: ${answered === NO_ACK ? 'no ack' : 'refused'}`);
                continue;
              }
              if (c.kind === 'emit') {
                await rawSend(socket, `2/live,${toJsonText([c.event, ...c.args])}`, null);
                outcome('emit without ack');
                continue;
              }
              // Written as text, so that a 6,000-deep argument and `__proto__` keys reach the server as they are.
              const text = toJsonText([c.event, c.arg]);
              let parsed: unknown[] | null;
              try {
                parsed = JSON.parse(text) as unknown[];
              } catch {
                parsed = null;
              }
              const id = nextAckId();
              const ack = await rawSend(socket, `2/live,${id}${text}`, {
                id,
                ms: parsed === null ? 200 : ANSWER_MS,
              });
              if (parsed === null || (tainted && (ack === NO_ACK || ack === CLOSED))) {
                // Not JSON: socket.io's parser refuses the packet and closes the connection; nothing to answer.
                outcome(
                  `${c.event}: ${parsed === null ? 'invalid packet' : 'after a raw packet'}, ${ack === CLOSED ? 'closed' : 'no ack'}`,
                );
                expect(ack === CLOSED || ack === NO_ACK).toBe(true);
                break;
              }
              expect(ack, `${c.event}(${text.slice(0, 300)}) was not answered`).not.toBe(NO_ACK);
              expect(ack, `${c.event}(${text.slice(0, 300)}): the server closed the socket`).not.toBe(CLOSED);
              const schema = c.event === 'subscribe' ? SubscribeAckSchema : CommandAckSchema;
              expect(Value.Check(schema, ack), `${c.event} ack ${JSON.stringify(ack)}`).toBe(true);
              const a = ack as { ok: boolean; error?: { code: string } };
              outcome(`${c.event}: ${a.ok ? 'ok' : a.error?.code}`);
              if (!a.ok) expect(isErrorCode(a.error?.code), a.error?.code).toBe(true);
              const valid = isValidLayerRequest(parsed[1], c.event === 'subscribe');
              if (valid && !a.ok)
                expect(a.error?.code, `a valid ${c.event} refused`).toMatch(/RATE_LIMITED$/);
              if (!valid) expect(a.ok, `${c.event}(${text.slice(0, 300)}) accepted`).toBe(false);
            }
            // Still there: a valid subscribe is answered on the same socket, unless it was closed.
            if (socket.connected && !tainted) {
              const ack = await socket.timeout(ANSWER_MS).emitWithAck('subscribe', { layer: 'wards' });
              expect(Value.Check(SubscribeAckSchema, ack)).toBe(true);
            }
          } finally {
            socket.close();
          }
        }),
        { ...ENTRY, runs: 100, batch: 50 },
      );
    },
    timeout,
  );

  it(
    'REST: hostile path parameters, query strings and bodies on every route answer a coded 4xx, never a 5xx',
    async () => {
      const routes = ioc.app.accessRoutes.filter((r) => !r.staticFile && r.method !== 'HEAD');
      expect(routes.length).toBeGreaterThan(20);
      const operation = (method: string, url: string) =>
        openapi.paths[url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[
          method.toLowerCase() as OpenAPIV3.HttpMethods
        ];
      const request = fc.constantFrom(...routes).chain((route) => {
        const op = operation(route.method, route.url);
        const parameters = (op?.parameters ?? []).map((p) => deref(p) as OpenAPIV3.ParameterObject);
        const inPath = (name: string) => parameters.find((p) => p.in === 'path' && p.name === name);
        const documented = parameters.filter((p) => p.in === 'query');
        const pathNames = [...route.url.matchAll(/:([A-Za-z0-9_]+)|\*/g)].map((m) => m[1] ?? '*');
        const extraKey = fc.oneof(
          fc.constantFrom('__proto__', 'constructor', '__proto__[admin]', 'a[]', 'limit[$gt]', 'toString'),
          urlPiece,
        );
        const bodySchema = deref(
          (deref(op?.requestBody) as OpenAPIV3.RequestBodyObject | undefined)?.content?.['application/json']
            ?.schema,
        ) as OpenAPIV3.SchemaObject | undefined;
        const valid = bodySchema ? jsonFor(bodySchema) : fc.constant({});
        const mutating = !['GET', 'HEAD', 'OPTIONS'].includes(route.method);
        return fc.record({
          route: fc.constant(route),
          params: fc.tuple(
            ...pathNames.map((n) => paramValue(deref(inPath(n)?.schema) as OpenAPIV3.SchemaObject)),
          ),
          query: fc
            .tuple(
              fc.tuple(
                ...documented.map((p) =>
                  fc.option(
                    paramValue(deref(p.schema) as OpenAPIV3.SchemaObject).map((v) => [p.name, v] as const),
                    { nil: undefined },
                  ),
                ),
              ),
              fc.array(fc.tuple(extraKey, urlPiece), { maxLength: 2 }),
            )
            .map(([doc, extra]) => [...doc.filter((x) => x !== undefined), ...extra]),
          body: mutating
            ? fc.option(
                hostileBytes(
                  fc.oneof(
                    { weight: 2, arbitrary: valid },
                    { weight: 4, arbitrary: mutated(valid) },
                    { weight: 1, arbitrary: hostileValue({ depth: 3 }) },
                  ),
                ),
                { nil: undefined, freq: 8 },
              )
            : fc.constant(undefined),
          auth: fc.constantFrom('admin', 'admin', 'admin', 'admin', 'no csrf', 'hostile cookie', 'bearer'),
          hostileValue: hostileString({ maxLength: 300 }).map(headerSafe),
        });
      });
      let admin: Session = await sessionFor(ioc.app, 'admin');
      const protectedTokens = new Set(
        (await ioc.app.db.query<{ id: number }>(`SELECT id FROM display_tokens`)).map((t) => Number(t.id)),
      );
      const decoded = (p: string | undefined) => {
        try {
          return decodeURIComponent(p ?? '');
        } catch {
          return p ?? '';
        }
      };
      await fuzz(
        'REST: path params, query strings, bodies',
        fc.asyncProperty(request, async (r) => {
          let i = 0;
          let path = r.route.url.replace(/:[A-Za-z0-9_]+|\*/g, () => (r.params as string[])[i++] ?? '0');
          // The /live mirrors of stillFlows hold the seeded display token: revoking it would end them (as it
          // should), and with them the check that valid input still flows.
          if (
            r.route.url === '/api/admin/display-tokens/:id' &&
            protectedTokens.has(Number(decoded(r.params[0]).trim()))
          ) {
            path = '/api/admin/display-tokens/0';
            outcome('the seeded display token spared');
          }
          const qs = r.query.map(([k, v]) => `${k}=${v}`).join('&');
          // Log in anew for each request: a case may log the session out or change the account.
          const session = await openSession(ioc.app, admin.userId, admin.username);
          const headers: [string, string][] = [];
          if (r.auth === 'admin' || r.auth === 'no csrf') headers.push(['cookie', session.cookie]);
          if (r.auth === 'admin') headers.push(['x-ioc-csrf', session.csrf]);
          if (r.auth === 'hostile cookie')
            headers.push(
              ['cookie', `ioc_session=${r.hostileValue}; ioc_csrf=${r.hostileValue}`],
              ['x-ioc-csrf', r.hostileValue],
            );
          if (r.auth === 'bearer') headers.push(['authorization', `Bearer ${r.hostileValue}`]);
          if (r.body !== undefined) headers.push(['content-type', 'application/json']);
          const a = await send({
            method: r.route.method,
            path: qs ? `${path}?${qs}` : path,
            headers,
            ...(r.body !== undefined ? { body: r.body } : {}),
          });
          const code = expectCodedAnswer(a, `${r.route.method} ${path}?${qs}`.slice(0, 400));
          outcome(`${a.status}${code ? ` ${code}` : ''}`);
          // A case may have changed or disabled the fuzz's own admin account: the next one uses a new admin.
          if (code === 'IOC_AUTH_REQUIRED' && r.auth === 'admin') admin = await sessionFor(ioc.app, 'admin');
        }),
        {
          ...ENTRY,
          runs: 1000,
          batch: 250,
          afterBatch: async () => {
            admin = await sessionFor(ioc.app, 'admin');
            await stillFlows();
          },
        },
      );
    },
    timeout,
  );

  it('the end: nothing crashed in the process and ingest still flows', async () => {
    await stillFlows();
    expect(await ioc.app.inject({ method: 'GET', url: '/readyz' }).then((r) => r.statusCode)).toBe(200);
  });
});

const NO_ACK = Symbol('no ack');
const CLOSED = Symbol('closed');
let rawAckId = 1_000_000;
const nextAckId = () => rawAckId++;

type RawPacket = { type: number; nsp: string; id?: number; data?: unknown };
interface RawManager {
  engine: { write(data: string): void; close(): void };
  on(e: 'packet', f: (p: RawPacket) => void): void;
  on(e: 'close', f: (reason: string) => void): void;
  off(e: 'packet' | 'close', f: (...a: never[]) => void): void;
}

/**
 * Writes socket.io packet text on the socket's engine.io connection as is (the client library would choke
 * on a 6,000-deep argument before the server saw it) and waits for the ack `ack.id` for `ack.ms`, or 200 ms.
 * Resolves with the ack's argument, NO_ACK, or CLOSED when the connection closes.
 */
function rawSend(
  socket: ReturnType<typeof ioClient>,
  packet: string,
  ack: { id: number; ms: number } | null,
): Promise<unknown> {
  const manager = socket.io as unknown as RawManager;
  return new Promise((resolve) => {
    const finish = (v: unknown) => {
      clearTimeout(timer);
      manager.off('packet', onPacket);
      socket.off('disconnect', onClose);
      resolve(v);
    };
    const onPacket = (p: RawPacket) => {
      if (ack && p.type === 3 && p.nsp === '/live' && p.id === ack.id)
        finish((p.data as unknown[] | undefined)?.[0]);
    };
    const onClose = () => finish(CLOSED);
    const timer = setTimeout(() => finish(NO_ACK), ack?.ms ?? 200);
    manager.on('packet', onPacket);
    socket.on('disconnect', onClose);
    manager.engine.write(packet);
  });
}

/**
 * A /live handshake written by hand: engine.io open, then `0/live,` + `authText` (socket.io's CONNECT). Resolves
 * with the server's CONNECT (accepted), its CONNECT_ERROR's data, `closed`, or rejects after ANSWER_MS.
 */
function rawHandshake(
  authText: string,
  cookie: string | undefined,
): Promise<{ connected: true } | { connected: false; data: unknown } | { closed: string }> {
  const manager = new Manager(ioc.baseUrl, {
    transports: ['websocket'],
    reconnection: false,
    autoConnect: false,
    timeout: ANSWER_MS,
    ...(cookie ? { extraHeaders: { cookie } } : {}),
  });
  const raw = manager as unknown as RawManager;
  return new Promise((resolve, reject) => {
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      clearInterval(watch);
      fn();
      raw.engine?.close();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new Error(`no answer to the handshake within ${ANSWER_MS} ms: 0/live,${authText.slice(0, 300)}`),
          ),
        ),
      ANSWER_MS,
    );
    raw.on('packet', (p) => {
      if (p.nsp !== '/live') return;
      if (p.type === 0) finish(() => resolve({ connected: true }));
      if (p.type === 4) finish(() => resolve({ connected: false, data: p.data }));
    });
    raw.on('close', (reason) => finish(() => resolve({ closed: reason })));
    // A crash in the server process (an unhandled rejection in the handshake) is the answer, not the timeout.
    const watch = setInterval(() => {
      if (crashes.length > 0)
        finish(() => reject(new Error(`the handshake crashed the server: ${crashes[0]!.slice(0, 600)}`)));
    }, 50);
    let opened = false;
    manager.open((err) => {
      // Once open, a transport error is the server closing the connection (socket.io's parser refused it).
      if (err) finish(() => (opened ? resolve({ closed: `transport error: ${err.message}` }) : reject(err)));
      else {
        opened = true;
        raw.engine.write(`0/live,${authText}`);
      }
    });
  });
}

/** Follows an OpenAPI `$ref` (#/components/...) of the served document. */
function deref(x: unknown): unknown {
  let v = x as { $ref?: string } | undefined;
  for (let i = 0; v?.$ref && i < 10; i++) {
    v = v.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], openapi) as typeof v;
  }
  return v;
}

const NUMERIC_EDGES = [
  '0',
  '-1',
  '1',
  '1e309',
  '-1e309',
  '1.5',
  '1e3',
  '+1',
  '%201',
  '1%20',
  '00001',
  '0x1F',
  'NaN',
  'Infinity',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '99999999999999999999',
  '%D9%A3',
];

/**
 * A query or path value for a parameter, from its schema in the OpenAPI document: the edges of its type
 * (numbers past min and max, 1e309; times of hostileTime; near-UUIDs; enum values in another case;
 * strings one past maxLength), valid values, and any hostile piece.
 */
function paramValue(schema: OpenAPIV3.SchemaObject | undefined): fc.Arbitrary<string> {
  const edges: fc.Arbitrary<string>[] = [];
  const enums = [
    schema?.enum ?? [],
    ...((schema?.anyOf ?? []) as OpenAPIV3.SchemaObject[]).map((s) => s.enum ?? []),
  ].flat();
  if (enums.length > 0) {
    const e = fc.constantFrom(...enums.map(String));
    edges.push(
      e,
      e.map((x) => x.toUpperCase()),
      e.map((x) => `${x}%00`),
    );
  }
  if (schema?.type === 'integer' || schema?.type === 'number') {
    const bounds = [schema.minimum, schema.maximum].flatMap((b) =>
      b === undefined ? [] : [b - 1, b, b + 1],
    );
    edges.push(fc.constantFrom(...NUMERIC_EDGES, ...bounds.map(String)));
  }
  if (schema?.type === 'boolean')
    edges.push(fc.constantFrom('true', 'false', '1', '0', 'yes', 'TRUE', '', 'null'));
  if (schema?.format === 'date-time') edges.push(hostileTime.map((t) => pct(t)));
  if (schema?.format === 'uuid')
    edges.push(
      fc.uuid(),
      fc.uuid().map((u) => u.toUpperCase()),
      fc.uuid().map((u) => `${u}0`),
      fc.constantFrom('00000000-0000-0000-0000-000000000000', '{00000000-0000-0000-0000-000000000000}'),
    );
  if (schema?.type === 'string' && schema.maxLength !== undefined)
    edges.push(
      fc
        .constantFrom(
          'a'.repeat(schema.maxLength),
          'a'.repeat(schema.maxLength + 1),
          'ư'.repeat(schema.maxLength),
        )
        .map((x) => pct(x)),
    );
  if (schema?.type === 'string' && schema.pattern)
    edges.push(stringMatchingOr(schema.pattern).map((x) => pct(x)));
  return edges.length === 0
    ? urlPiece
    : fc.oneof({ weight: 3, arbitrary: fc.oneof(...edges) }, { weight: 1, arbitrary: urlPiece });
}

function stringMatchingOr(pattern: string): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    return hostileString({ maxLength: 40 });
  }
}

/** A value valid for a JSON schema of the OpenAPI document (a start for `mutated`), Huế text in its strings. */
function jsonFor(schema: OpenAPIV3.SchemaObject | undefined, depth = 0): fc.Arbitrary<unknown> {
  const s = deref(schema) as OpenAPIV3.SchemaObject | undefined;
  if (!s || depth > 4) return fc.constant(null);
  if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.anyOf ?? s.oneOf) as OpenAPIV3.SchemaObject[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((a) => jsonFor(a, depth + 1)));
  switch (s.type) {
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      if (props.length === 0) return fc.constant({});
      return fc.record(
        Object.fromEntries(props.map(([k, v]) => [k, jsonFor(v as OpenAPIV3.SchemaObject, depth + 1)])),
        {
          requiredKeys: (s.required ?? []) as never[],
        },
      );
    }
    case 'array':
      return fc.array(
        jsonFor((s as OpenAPIV3.ArraySchemaObject).items as OpenAPIV3.SchemaObject, depth + 1),
        { maxLength: 3 },
      );
    case 'integer':
      return fc.integer({ min: s.minimum ?? 0, max: Math.min(s.maximum ?? 1000, 2 ** 31) });
    case 'number':
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (s.format === 'date-time') return fc.constant(new Date().toISOString());
      if (s.format === 'uuid') return fc.uuid();
      if (s.pattern) return stringMatchingOr(s.pattern);
      return fc.constantFrom(...HUE_TEXTS).map((t) => t.slice(0, s.maxLength ?? t.length));
    default:
      return hostileValue({ depth: 1 });
  }
}

/** `{ layer, since? }` as the /live schemas accept it (since: a non-negative integer, subscribe only). */
function isValidLayerRequest(v: unknown, subscribe: boolean): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  const o = v as Record<string, unknown>;
  if (!(LAYER_IDS as readonly unknown[]).includes(o.layer)) return false;
  if (!subscribe) return keys.length === 1;
  if (!keys.every((k) => k === 'layer' || k === 'since')) return false;
  return o.since === undefined || (Number.isInteger(o.since) && (o.since as number) >= 0);
}
