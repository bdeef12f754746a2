import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signBody, verifySignature } from '@hue-ioc/streams';
import type { Config } from '../src/config.ts';
import type { IncidentInput } from '../src/ingest/ports.ts';
import type { WorkflowBy } from '../src/incidents/workflow.service.ts';
import type { OutboxRow } from '../src/storage/outbox.repository.ts';
import { startIoc, waitFor, type RunningIoc } from './support/start-ioc.ts';
import { sessionFor, TEST_AGENCY } from './support/auth.ts';

const SECRET = 'test-ingest-secret-46';
const secrets = { hueS: SECRET, hotline: SECRET, kpi: SECRET, open311: SECRET };

const desk: WorkflowBy = {
  kind: 'principal',
  principal: {
    id: 'user:desk',
    role: 'supervisor',
    username: 'desk',
    credential: { type: 'session', idHash: 'x' },
  },
};
const unit: WorkflowBy = {
  kind: 'principal',
  principal: {
    id: 'user:unit',
    role: 'agency',
    agencyId: TEST_AGENCY,
    username: 'unit',
    credential: { type: 'session', idHash: 'y' },
  },
};

let seq = 0;
const run = Math.random().toString(36).slice(2, 8);
/** A new case far from every other one (no merge), through the real incident stream. */
async function newIncident(
  ioc: RunningIoc,
  over: Partial<IncidentInput> = {},
): Promise<{ id: string; reportId: string }> {
  const n = ++seq;
  const now = new Date();
  const reportId = `hs-${run}-${n}`;
  const out = await ioc.app.incidents.ingest({
    channel: 'hue_s',
    sourceId: reportId,
    category: 'roads',
    title: `Ổ gà trên đường Trần Hưng Đạo số ${n}`,
    description: 'Ổ gà sâu khoảng 20cm trước chợ Đông Ba, xe máy dễ ngã.',
    position: [107.52 + (n % 30) * 0.02, 16.42 + Math.floor(n / 30) * 0.02],
    wardCode: '19789',
    address: `${n} Trần Hưng Đạo, Phú Xuân`,
    media: [],
    reporter: { name: 'Trần Thị Bình', phone: '0914555666' },
    occurredAt: now,
    receivedAt: now,
    ...over,
  } as IncidentInput);
  expect(out.outcome).toBe('created');
  return { id: out.incidentId, reportId: (over.sourceId as string | undefined) ?? reportId };
}

const REPLY = 'Đơn vị đã vá ổ gà trước chợ Đông Ba ngày 01/12/2026.';

async function step(ioc: RunningIoc, id: string, to: 'verified' | 'assigned' | 'in_progress' | 'resolved') {
  const v = (await ioc.app.repos.incidents.get(id))!.version;
  if (to === 'verified') return ioc.app.workflow.transition(id, { to, expectedVersion: v }, desk);
  if (to === 'assigned')
    return ioc.app.workflow.transition(id, { to, expectedVersion: v, agencyId: TEST_AGENCY }, desk);
  if (to === 'in_progress') return ioc.app.workflow.transition(id, { to, expectedVersion: v }, unit);
  return ioc.app.workflow.transition(id, { to, expectedVersion: v, reply: REPLY }, unit);
}

async function resolved(ioc: RunningIoc, id: string) {
  for (const to of ['verified', 'assigned', 'in_progress', 'resolved'] as const) await step(ioc, id, to);
}

interface Received {
  key: string | undefined;
  body: Record<string, unknown>;
  signatureOk: boolean;
  answered: number;
}

/** Hue-S's side: answers 500 to the first `failFirst` requests, then 200; checks every signature. */
async function receiver(failFirst: number) {
  const received: Received[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const sig = verifySignature({
        secret: SECRET,
        timestamp: req.headers['x-timestamp'],
        signature: req.headers['x-signature'],
        rawBody: raw,
        now: new Date(),
      });
      const answered = ++n <= failFirst ? 500 : 200;
      received.push({
        key: req.headers['idempotency-key'] as string | undefined,
        body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
        signatureOk: sig.ok,
        answered,
      });
      res.writeHead(answered, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/callbacks/ioc`,
    received,
    delivered: () => received.filter((r) => r.answered === 200),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const fast = (over: Partial<Config> = {}): Partial<Config> => ({
  ingestSecrets: secrets,
  outbox: { retryBaseMs: 50, retryCapMs: 200, maxAttempts: 12, pollMs: 100 },
  ...over,
});

describe('the outbox: answers to Hue-S through restarts', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('holds callbacks while HUES_CALLBACK_URL is unset, then delivers every event once, in order, signed, through retries and restarts', async () => {
    const hueS = await receiver(2);
    const dataDir = await mkdtemp(join(tmpdir(), 'hue-ioc-outbox-'));
    dirs.push(dataDir);
    let id = '';
    let reportId = '';
    try {
      // 1. No callback URL: the message is written with the change, and held.
      const first = await startIoc({ dataDir, overrides: fast({ huesCallbackUrl: null }) });
      try {
        await sessionFor(first.app, 'agency');
        ({ id, reportId } = await newIncident(first));
        await step(first, id, 'verified');
        const rows = await first.app.outbox.repo.ofIncident(id);
        expect(rows).toMatchObject([
          { channel: 'hue_s', status: 'held', last_error: 'HUES_CALLBACK_URL is not configured' },
        ]);
      } finally {
        await first.close({ keepData: true });
      }

      // 2. Configured and restarted: the held message goes out (after two 500s), then the next ones.
      const second = await startIoc({ dataDir, overrides: fast({ huesCallbackUrl: hueS.url }) });
      try {
        await step(second, id, 'assigned');
        await step(second, id, 'in_progress');
        await waitFor('two callbacks delivered', () => hueS.delivered().length >= 2, 20_000);
      } finally {
        // Stopped with the third maybe in flight or pending: nothing may be lost or sent twice.
        await second.close({ keepData: true });
      }

      // 3. Another restart; the reply.
      const third = await startIoc({ dataDir, overrides: fast({ huesCallbackUrl: hueS.url }) });
      try {
        await step(third, id, 'resolved');
        await waitFor('four callbacks delivered', () => hueS.delivered().length >= 4, 20_000);
        // A re-run of the same change enqueues nothing (the idempotency key).
        const last = (await third.app.outbox.repo.ofIncident(id)).at(-1)!;
        const again = await third.app.outbox.repo.enqueue(third.app.db, [
          {
            incidentId: id,
            kind: last.kind,
            channel: last.channel,
            idempotencyKey: last.idempotency_key,
            payload: last.payload,
          },
        ]);
        expect(again).toBe(0);
        await new Promise((r) => setTimeout(r, 500));
        const rows = await third.app.outbox.repo.ofIncident(id);
        expect(rows.map((r: OutboxRow) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
      } finally {
        await third.close({ keepData: true });
      }

      const delivered = hueS.delivered();
      expect(delivered.map((d) => [d.body.event, d.body.status])).toEqual([
        ['status', 'verified'],
        ['status', 'assigned'],
        ['status', 'in_progress'],
        ['reply', 'resolved'],
      ]);
      // Exactly once each, in version order.
      const keys = delivered.map((d) => d.key);
      expect(new Set(keys).size).toBe(4);
      expect(delivered.map((d) => d.body.version)).toEqual([2, 3, 4, 5]);
      expect(keys[0]).toBe(`${id}:v2:hue_s:status:${reportId}`);
      // Every request (the refused ones too) signed like an inbound webhook, with its Idempotency-Key.
      expect(hueS.received.length).toBe(6);
      expect(hueS.received.every((r) => r.signatureOk && typeof r.key === 'string')).toBe(true);
      // The two 500s went to the first message, which was then delivered; nothing overtook it.
      expect(hueS.received.slice(0, 3).map((r) => [r.key, r.answered])).toEqual([
        [keys[0], 500],
        [keys[0], 500],
        [keys[0], 200],
      ]);
      expect(delivered[0]!.body).toMatchObject({ id: reportId, incidentId: id, statusLabel: 'Đã xác minh' });
      expect(delivered[3]!.body).toMatchObject({ reply: REPLY, statusLabel: 'Đã xử lý' });
      expect(Date.parse(delivered[3]!.body.at as string)).toBeGreaterThan(0);
    } finally {
      await hueS.close();
    }
  });
});

describe('the outbox: other channels, admin', () => {
  let ioc: RunningIoc;
  let hueS: Awaited<ReturnType<typeof receiver>>;
  let refusing: Server;
  let refusingUrl = '';

  beforeAll(async () => {
    hueS = await receiver(0);
    // A receiver that refuses everything: 404 (unknown report).
    refusing = createServer((_req, res) => res.writeHead(404).end('{"error":"unknown report"}'));
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', () => r()));
    refusingUrl = `http://127.0.0.1:${(refusing.address() as { port: number }).port}/cb`;
    ioc = await startIoc({ overrides: fast({ huesCallbackUrl: refusingUrl }) });
    await sessionFor(ioc.app, 'agency');
  });
  afterAll(async () => {
    await ioc?.close();
    await hueS?.close();
    await new Promise((r) => refusing?.close(r));
  });

  it('texts a hotline caller through the notifier (recorded, text kept in the row)', async () => {
    const { id } = await newIncident(ioc, {
      channel: 'hotline',
      sourceId: `hl-${run}-1`,
      reporter: { name: null, phone: '0234 3822 123' },
    } as Partial<IncidentInput>);
    await step(ioc, id, 'verified');
    const row = await waitFor('the SMS sent', async () =>
      (await ioc.app.outbox.repo.ofIncident(id)).find((r) => r.status === 'sent'),
    );
    expect(row).toMatchObject({ channel: 'sms', kind: 'citizen_notice', attempts: 1 });
    expect(row.payload).toMatchObject({ to: '0234 3822 123', event: 'status' });
    expect(row.payload.text).toMatch(/Đã xác minh/);
    expect(ioc.app.outbox.notifiers.sms instanceof Object).toBe(true);
  });

  it('a refused callback fails after three tries; the admin sees it, masked, and re-queues it', async () => {
    const { id } = await newIncident(ioc);
    await step(ioc, id, 'verified');
    const failed = await waitFor(
      'the callback failed',
      async () => (await ioc.app.outbox.repo.ofIncident(id)).find((r) => r.status === 'failed'),
      20_000,
    );
    expect(failed.attempts).toBe(3);
    expect(failed.last_error).toMatch(/HTTP 404.*refused 3 times/);

    const admin = await sessionFor(ioc.app, 'admin');
    const operator = await sessionFor(ioc.app, 'operator');
    const list = await fetch(`${ioc.baseUrl}/api/admin/outbox?status=failed&status=dead&limit=10`, {
      headers: admin.headers(),
    });
    expect(list.status).toBe(200);
    const page = (await list.json()) as { items: { id: string; incidentId: string; lastError: string }[] };
    expect(page.items.find((i) => i.incidentId === id)).toMatchObject({
      id: failed.id,
      lastError: /HTTP 404/,
    });
    expect((await fetch(`${ioc.baseUrl}/api/admin/outbox`, { headers: operator.headers() })).status).toBe(
      403,
    );

    const retry = await fetch(`${ioc.baseUrl}/api/admin/outbox/${failed.id}/retry`, {
      method: 'POST',
      headers: { ...admin.headers(true), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ id: failed.id, status: 'pending', attempts: 0 });
    const audit = await ioc.app.db.query<{ target_id: string; before: unknown }>(
      `SELECT target_id, before FROM audit_events WHERE action = 'outbox.retry'`,
    );
    expect(audit).toEqual([{ target_id: failed.id, before: { status: 'failed' } }]);
    // Sent again (and refused again: the receiver has not changed).
    await waitFor(
      'retried',
      async () => (await ioc.app.outbox.repo.get(failed.id))!.status === 'failed',
      20_000,
    );
    const again = await fetch(`${ioc.baseUrl}/api/admin/outbox/${failed.id}/retry`, {
      method: 'POST',
      headers: { ...admin.headers(true), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(again.status).toBe(200);
    // A sent message is not sent again by hand.
    const sent = (
      await ioc.app.db.query<{ id: string }>(
        `SELECT id::text AS id FROM outbox WHERE status = 'sent' LIMIT 1`,
      )
    )[0];
    if (sent) {
      const refused = await fetch(`${ioc.baseUrl}/api/admin/outbox/${sent.id}/retry`, {
        method: 'POST',
        headers: { ...admin.headers(true), 'content-type': 'application/json' },
        body: '{}',
      });
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ error: { code: 'IOC_OUTBOX_NOT_RETRYABLE' } });
    }
    const missing = await fetch(`${ioc.baseUrl}/api/admin/outbox/999999999/retry`, {
      method: 'POST',
      headers: { ...admin.headers(true), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(missing.status).toBe(404);
    // The metrics.
    const metrics = await (await fetch(`${ioc.baseUrl}/metrics`, { headers: admin.headers() })).text();
    expect(metrics).toMatch(/ioc_outbox_deliveries_total\{channel="hue_s",outcome="failed"\} [1-9]/);
  });

  it('a missed deadline and its escalation reach the unit as notices (the deadline scheduler, for real)', async () => {
    const { id } = await newIncident(ioc);
    await step(ioc, id, 'verified');
    await step(ioc, id, 'assigned');
    // Assigned three days ago, due two days ago: past the deadline and past twice the time allowed.
    await ioc.app.db.query(
      `UPDATE incidents SET assigned_at = now() - INTERVAL '3 days', due_at = now() - INTERVAL '2 days' WHERE id = $1`,
      [id],
    );
    await ioc.app.deadlines.sweep();
    const notices = await waitFor('two unit notices sent', async () => {
      const rows = (await ioc.app.outbox.repo.ofIncident(id)).filter((r) => r.channel === 'unit_notice');
      return rows.length === 2 && rows.every((r) => r.status === 'sent') ? rows : null;
    });
    expect(notices.map((r) => r.payload.event)).toEqual(['sla_breached', 'escalated']);
    expect(notices[0]!.payload).toMatchObject({ to: TEST_AGENCY });
    expect(notices[0]!.payload.text).toMatch(/đã quá hạn xử lý/);
    // A second sweep marks nothing new, so nothing more is sent.
    await ioc.app.deadlines.sweep();
    expect(
      (await ioc.app.outbox.repo.ofIncident(id)).filter((r) => r.channel === 'unit_notice'),
    ).toHaveLength(2);
  });

  it('claims the oldest pending message of each incident and channel only, and none twice', async () => {
    const a = await newIncident(ioc);
    const b = await newIncident(ioc);
    const repo = ioc.app.outbox.repo;
    // Far in the future for the worker of this app: only this test's claims see them.
    await ioc.app.db.query(`UPDATE outbox SET status = 'sent' WHERE status = 'pending'`);
    const msg = (incidentId: string, n: number, channel: 'hue_s' | 'sms' = 'hue_s') => ({
      incidentId,
      kind: 'hue_s_callback' as const,
      channel,
      idempotencyKey: `${incidentId}:order-test:${channel}:${n}`,
      payload: { n },
    });
    await ioc.app.outbox.worker.stop();
    await repo.enqueue(ioc.app.db, [msg(a.id, 1), msg(a.id, 2), msg(b.id, 1), msg(a.id, 1, 'sms')]);
    const first = await repo.claim('node-x', 10, 60_000);
    expect(first.map((r) => [r.incident_id, r.channel, r.payload.n])).toEqual([
      [a.id, 'hue_s', 1],
      [b.id, 'hue_s', 1],
      [a.id, 'sms', 1],
    ]);
    // Another node finds nothing: the heads are claimed, and a's second waits behind its first.
    expect(await repo.claim('node-y', 10, 60_000)).toEqual([]);
    const aFirst = first[0]!;
    await repo.settle(aFirst.id, 'node-x', {
      status: 'pending',
      nextAttemptAt: new Date(Date.now() + 60_000),
      error: 'HTTP 503',
    });
    // In backoff, it still holds back the next one of its incident.
    expect(await repo.claim('node-y', 10, 60_000)).toEqual([]);
    await ioc.app.db.query(`UPDATE outbox SET next_attempt_at = now() WHERE id = $1::bigint`, [aFirst.id]);
    expect((await repo.claim('node-y', 10, 60_000)).map((r) => r.payload.n)).toEqual([1]);
    await repo.settle(aFirst.id, 'node-y', { status: 'sent' });
    expect((await repo.claim('node-y', 10, 60_000)).map((r) => [r.incident_id, r.payload.n])).toEqual([
      [a.id, 2],
    ]);
  });
});

describe('citizen feedback and the close of unrated cases', () => {
  let ioc: RunningIoc;

  async function feedback(body: unknown) {
    const raw = JSON.stringify(body);
    const res = await fetch(`${ioc.baseUrl}/api/ingest/hue-s/feedback`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signBody(SECRET, raw, Math.floor(Date.now() / 1000)),
      },
      body: raw,
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }
  const ago = (id: string, days: number) =>
    ioc.app.db.query(
      `UPDATE incidents SET resolved_at = now() - ($2::float8 * INTERVAL '1 day') WHERE id = $1`,
      [id, days],
    );

  beforeAll(async () => {
    ioc = await startIoc({
      overrides: fast({
        huesCallbackUrl: null,
        // Reopen within 1 day of the reply; unrated cases close after 3 days; the sweep every 200 ms.
        feedback: { reopenWindowS: 86_400, ratingWindowS: 3 * 86_400, sweepMs: 200 },
      }),
    });
    await sessionFor(ioc.app, 'agency');
  });
  afterAll(async () => {
    await ioc?.close();
  });

  it('closes a resolved case with the rating; a retried delivery changes nothing', async () => {
    const { id, reportId } = await newIncident(ioc);
    await resolved(ioc, id);
    const res = await feedback({ id: reportId, rating: 'hai_long', comment: 'Cảm ơn, đường đã phẳng.' });
    expect(res).toMatchObject({ status: 200, body: { id, status: 'closed', outcome: 'closed' } });
    const row = (await ioc.app.repos.incidents.get(id))!;
    expect(row).toMatchObject({
      status: 'closed',
      rating: 'hai_long',
      rating_comment: 'Cảm ơn, đường đã phẳng.',
    });
    expect(row.rated_at).not.toBeNull();
    const events = await ioc.app.repos.incidents.events(id);
    expect(events.at(-1)).toMatchObject({ actor: 'citizen', data: { to: 'closed', rating: 'hai_long' } });

    const retried = await feedback({ id: reportId, rating: 'hai_long', comment: 'Cảm ơn, đường đã phẳng.' });
    expect(retried).toMatchObject({ status: 200, body: { id, status: 'closed', outcome: 'duplicate' } });
    expect((await ioc.app.repos.incidents.get(id))!.version).toBe(row.version);
    // The satisfaction indicator has a sample from the ratings.
    await waitFor(
      'a satisfaction sample',
      async () =>
        (await ioc.app.db.query(`SELECT 1 FROM kpi_samples WHERE kpi = 'ty_le_hai_long'`)).length > 0,
    );
  });

  it('reopens on "không hài lòng" within the window; after it, closes as dissatisfied', async () => {
    const soon = await newIncident(ioc);
    await resolved(ioc, soon.id);
    expect(
      await feedback({ id: soon.reportId, rating: 'khong_hai_long', comment: 'Vẫn còn ổ gà.' }),
    ).toMatchObject({
      status: 200,
      body: { id: soon.id, status: 'reopened', outcome: 'reopened' },
    });
    expect(await ioc.app.repos.incidents.get(soon.id)).toMatchObject({
      status: 'reopened',
      rating: 'khong_hai_long',
    });

    const late = await newIncident(ioc);
    await resolved(ioc, late.id);
    await ago(late.id, 2);
    expect(await feedback({ id: late.reportId, rating: 'khong_hai_long' })).toMatchObject({
      status: 200,
      body: { id: late.id, status: 'closed', outcome: 'closed' },
    });
    expect(await ioc.app.repos.incidents.get(late.id)).toMatchObject({
      status: 'closed',
      rating: 'khong_hai_long',
    });
    const sat = await ioc.app.feedback.satisfaction();
    expect(sat!.value).toBeLessThan(100);
  });

  it('an unknown report is 404 and kept as a dead letter; a case not resolved is 409', async () => {
    const unknown = await feedback({ id: `hs-${run}-never-sent`, rating: 'chap_nhan' });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'IOC_INCIDENT_NOT_FOUND' } } });
    const dead = await ioc.app.db.query<{ reason_code: string }>(
      `SELECT reason_code FROM dead_letters WHERE source = 'hue-s' AND topic = '/api/ingest/hue-s/feedback'`,
    );
    expect(dead.map((d) => d.reason_code)).toContain('IOC_INCIDENT_NOT_FOUND');

    const open = await newIncident(ioc);
    await step(ioc, open.id, 'verified');
    const early = await feedback({ id: open.reportId, rating: 'hai_long' });
    expect(early).toMatchObject({ status: 409, body: { error: { code: 'IOC_INCIDENT_TRANSITION' } } });
    expect((await ioc.app.repos.incidents.get(open.id))!.status).toBe('verified');

    // A well-signed body that is not a rating: 400 and a dead letter.
    const bad = await feedback({ id: open.reportId, rating: 'tuyet_voi' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'IOC_INGEST_SCHEMA' } } });
  });

  it('closes resolved cases nobody rated within RATING_WINDOW_DAYS, as the system', async () => {
    const { id } = await newIncident(ioc);
    await resolved(ioc, id);
    await ago(id, 4);
    await waitFor(
      'closed by the sweep',
      async () => (await ioc.app.repos.incidents.get(id))!.status === 'closed',
    );
    const events = await ioc.app.repos.incidents.events(id);
    expect(events.at(-1)).toMatchObject({ actor: expect.stringMatching(/^system/), data: { to: 'closed' } });
    expect((await ioc.app.repos.incidents.get(id))!.rating).toBeNull();
  });
});
