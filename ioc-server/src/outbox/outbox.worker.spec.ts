import { describe, expect, it } from 'vitest';
import { silentLogger } from '@hue-ioc/streams';
import type { OutboxRow } from '../storage/outbox.repository.ts';
import type { DeliveryResult, NextState } from './delivery-policy.ts';
import type { OutboxChannel } from './outbox-messages.ts';
import { OutboxWorker, type OutboxStore, type Sender } from './outbox.worker.ts';

/**
 * The table's rules in memory (OutboxRepository.claim does the same in SQL, tested in
 * test/outbox.int.spec.ts): pending and due, not claimed, the oldest pending of its incident and channel.
 */
class MemoryStore implements OutboxStore {
  rows: (OutboxRow & { claimedBy: string | null })[] = [];
  constructor(private readonly clock: { now: number }) {}

  add(incidentId: string, channel: OutboxChannel, event: string): void {
    const id = String(this.rows.length + 1);
    this.rows.push({
      id,
      created_at: new Date(this.clock.now),
      incident_id: incidentId,
      kind: channel === 'hue_s' ? 'hue_s_callback' : 'citizen_notice',
      channel,
      idempotency_key: `${incidentId}:${id}:${event}`,
      payload: { event },
      status: 'pending',
      attempts: 0,
      next_attempt_at: new Date(this.clock.now),
      last_error: null,
      sent_at: null,
      claimedBy: null,
    });
  }

  async claim(nodeId: string, limit: number): Promise<OutboxRow[]> {
    const heads = this.rows.filter(
      (r) =>
        r.status === 'pending' &&
        r.next_attempt_at.getTime() <= this.clock.now &&
        r.claimedBy === null &&
        !this.rows.some(
          (e) =>
            e.status === 'pending' &&
            e.incident_id === r.incident_id &&
            e.channel === r.channel &&
            Number(e.id) < Number(r.id),
        ),
    );
    return heads.slice(0, limit).map((r) => {
      r.claimedBy = nodeId;
      r.attempts++;
      return { ...r };
    });
  }

  async settle(id: string, nodeId: string, next: NextState): Promise<boolean> {
    const r = this.rows.find((x) => x.id === id && x.claimedBy === nodeId);
    if (!r) return false;
    r.claimedBy = null;
    r.status = next.status;
    if (next.status === 'pending') r.next_attempt_at = next.nextAttemptAt;
    if (next.status !== 'sent') r.last_error = next.error;
    return true;
  }

  async release(nodeId: string): Promise<void> {
    for (const r of this.rows) if (r.claimedBy === nodeId) r.claimedBy = null;
  }
}

function setup(send: (row: OutboxRow, signal: AbortSignal) => Promise<DeliveryResult>, drainMs = 1000) {
  const clock = { now: Date.parse('2026-12-01T01:00:00Z') };
  const store = new MemoryStore(clock);
  const sender: Sender = send;
  const worker = new OutboxWorker({
    store,
    senders: { hue_s: sender, open311: sender, sms: sender, zalo: sender, unit_notice: sender },
    policy: { baseMs: 2000, capMs: 600_000, maxAttempts: 12 },
    nodeId: 'node-a',
    logger: silentLogger,
    pollMs: 60_000,
    drainMs,
    now: () => new Date(clock.now),
    random: () => 1,
  });
  return { clock, store, worker };
}

describe('OutboxWorker', () => {
  it('sends in order per incident and channel: a later message waits for an earlier one in backoff', async () => {
    const sent: string[] = [];
    let failFirst = true;
    const { clock, store, worker } = setup(async (row) => {
      if (row.id === '1' && failFirst) {
        failFirst = false;
        return { ok: false, retryable: true, error: 'HTTP 503' };
      }
      sent.push(`${row.incident_id}/${row.channel}/${String(row.payload.event)}`);
      return { ok: true };
    });
    store.add('IOC-A', 'hue_s', 'verified');
    store.add('IOC-A', 'hue_s', 'assigned');
    store.add('IOC-B', 'hue_s', 'verified');
    store.add('IOC-A', 'sms', 'verified');
    store.add('IOC-A', 'hue_s', 'resolved');

    await worker.drainOnce();
    // A's first Hue-S message failed: A's later Hue-S messages wait; B and A's SMS are independent.
    expect(sent).toEqual(['IOC-B/hue_s/verified', 'IOC-A/sms/verified']);
    expect(store.rows[0]).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 503' });
    await worker.drainOnce();
    expect(sent).toHaveLength(2);

    // After the backoff (2 s with the jitter at its top), in order, one per pass.
    clock.now += 2000;
    while ((await worker.drainOnce()) > 0);
    expect(sent).toEqual([
      'IOC-B/hue_s/verified',
      'IOC-A/sms/verified',
      'IOC-A/hue_s/verified',
      'IOC-A/hue_s/assigned',
      'IOC-A/hue_s/resolved',
    ]);
    expect(store.rows.every((r) => r.status === 'sent')).toBe(true);
  });

  it('a failed (refused) or dead message does not hold back the ones after it', async () => {
    const sent: string[] = [];
    const { clock, store, worker } = setup(async (row) => {
      if (row.id === '1') return { ok: false, retryable: false, error: 'HTTP 404: unknown report' };
      sent.push(row.id);
      return { ok: true };
    });
    store.add('IOC-A', 'hue_s', 'verified');
    store.add('IOC-A', 'hue_s', 'assigned');
    for (let i = 0; i < 3; i++) {
      await worker.drainOnce();
      clock.now += 600_000;
    }
    expect(store.rows[0]).toMatchObject({ status: 'failed', attempts: 3 });
    await worker.drainOnce();
    expect(sent).toEqual(['2']);
  });

  it('a thrown adapter error is a transient failure', async () => {
    const { store, worker } = setup(async () => {
      throw new Error('gateway down');
    });
    store.add('IOC-A', 'sms', 'resolved');
    await worker.drainOnce();
    expect(store.rows[0]).toMatchObject({ status: 'pending', last_error: 'gateway down' });
  });

  it('stop waits for a send in flight, and settles it', async () => {
    let finish!: () => void;
    const { store, worker } = setup(() => new Promise((r) => (finish = () => r({ ok: true }))));
    store.add('IOC-A', 'hue_s', 'verified');
    worker.start();
    await new Promise((r) => setTimeout(r, 20));
    const stopped = worker.stop();
    setTimeout(() => finish(), 50);
    await stopped;
    expect(store.rows[0]).toMatchObject({ status: 'sent', claimedBy: null });
  });

  it('stop aborts a send that outlasts the drain deadline; the message stays pending, unclaimed', async () => {
    const { store, worker } = setup(
      (_row, signal) =>
        new Promise((resolve) =>
          signal.addEventListener('abort', () => resolve({ ok: false, retryable: true, error: 'aborted' })),
        ),
      100,
    );
    store.add('IOC-A', 'hue_s', 'verified');
    worker.start();
    await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    await worker.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(store.rows[0]).toMatchObject({ status: 'pending', claimedBy: null, last_error: 'aborted' });
  });
});
