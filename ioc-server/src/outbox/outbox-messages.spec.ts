import { describe, expect, it } from 'vitest';
import type { IncidentRow } from '../storage/incident.repository.ts';
import type { IncidentChange } from '../incidents/workflow.service.ts';
import { messagesFor } from './outbox-messages.ts';
import { NO_WORKFLOW_YET } from '../../test/support/memory-ports.ts';

const at = new Date('2026-12-01T02:15:00Z');

function row(over: Partial<IncidentRow> = {}): IncidentRow {
  return {
    id: 'IOC-2612-000042',
    version: 5,
    status: 'in_progress',
    category: 'thoat_nuoc',
    priority: 2,
    title: 'Ngập trước 12 Lê Lợi',
    description: 'Ngập sâu khoảng 30cm trước số 12 Lê Lợi sau mưa lớn.',
    lon: 107.5902,
    lat: 16.4633,
    ward_code: '19774',
    address: '12 Lê Lợi, phường Thuận Hóa',
    agency_id: 'hepco',
    due_at: new Date('2026-12-03T10:00:00Z'),
    sources: [{ channel: 'hue_s', sourceId: 'hs-88123', at: at.toISOString() }],
    reporter: { name: 'Nguyễn Văn An', phone: '0905123456' },
    media: [],
    created_at: at,
    updated_at: at,
    resolved_at: null,
    closed_at: null,
    ...NO_WORKFLOW_YET,
    suggested_agency_id: 'hepco',
    ...over,
  };
}

const change = (
  before: IncidentRow | null,
  after: IncidentRow,
  type = 'status',
  data = {},
): IncidentChange => ({
  before,
  after,
  event: {
    type,
    actor: 'hepco-01',
    data: { from: before?.status, to: after.status, version: after.version, ...data },
  },
});

describe('messagesFor', () => {
  it('a public status change: one Hue-S callback per Hue-S report, keyed by version', () => {
    const before = row({ status: 'assigned', version: 4 });
    const after = row({
      status: 'in_progress',
      sources: [
        { channel: 'hue_s', sourceId: 'hs-88123', at: at.toISOString() },
        { channel: 'camera', sourceId: 'cam-le-loi:flooding', at: at.toISOString() },
        { channel: 'hue_s', sourceId: 'hs-88130', at: at.toISOString() },
      ],
    });
    const msgs = messagesFor(change(before, after));
    expect(msgs.map((m) => [m.channel, m.idempotencyKey])).toEqual([
      ['hue_s', 'IOC-2612-000042:v5:hue_s:status:hs-88123'],
      ['hue_s', 'IOC-2612-000042:v5:hue_s:status:hs-88130'],
    ]);
    expect(msgs[0]!.payload).toEqual({
      id: 'hs-88123',
      incidentId: 'IOC-2612-000042',
      version: 5,
      event: 'status',
      status: 'in_progress',
      statusLabel: 'Đang xử lý',
      at: at.toISOString(),
    });
    // The same change again gives the same keys: a re-run enqueues nothing.
    expect(messagesFor(change(before, after)).map((m) => m.idempotencyKey)).toEqual(
      msgs.map((m) => m.idempotencyKey),
    );
  });

  it('the resolution carries the published reply; a rejection its reason', () => {
    const reply = 'Đơn vị đã nạo vét cống thoát nước trước số 12 Lê Lợi ngày 01/12.';
    const [m] = messagesFor(change(row(), row({ status: 'resolved', version: 6, public_reply: reply })));
    expect(m!.payload).toMatchObject({ event: 'reply', status: 'resolved', statusLabel: 'Đã xử lý', reply });
    expect(m!.idempotencyKey).toBe('IOC-2612-000042:v6:hue_s:reply:hs-88123');
    const [r] = messagesFor(
      change(row({ status: 'new' }), row({ status: 'rejected' }), 'status', {
        reason: 'Trùng phản ánh đã xử lý',
      }),
    );
    expect(r!.payload).toMatchObject({
      event: 'status',
      status: 'rejected',
      reason: 'Trùng phản ánh đã xử lý',
    });
  });

  it('a case opened by a hotline call: a text to the caller, keyed by the ticket, not the phone', () => {
    const hotline = row({
      status: 'resolved',
      public_reply: 'Đã khắc phục đèn chiếu sáng.',
      sources: [{ channel: 'hotline', sourceId: 'hl-2026-5531', at: at.toISOString() }],
      reporter: { name: null, phone: '0234 3822 123' },
    });
    const msgs = messagesFor(change(row({ status: 'in_progress' }), hotline));
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({
      kind: 'citizen_notice',
      channel: 'sms',
      idempotencyKey: 'IOC-2612-000042:v5:sms:reply:hl-2026-5531',
      payload: { to: '0234 3822 123', event: 'reply' },
    });
    expect((msgs[0]!.payload as { text: string }).text).toMatch(
      /IOC-2612-000042.*Đã xử lý\. Trả lời: Đã khắc phục/,
    );
    // A hotline ticket that joined a Hue-S case: the reporter on the case is the Hue-S one, no text.
    const joined = row({
      sources: [
        { channel: 'hue_s', sourceId: 'hs-88123', at: at.toISOString() },
        { channel: 'hotline', sourceId: 'hl-2026-5532', at: at.toISOString() },
      ],
    });
    expect(messagesFor(change(row({ status: 'assigned' }), joined)).map((m) => m.channel)).toEqual(['hue_s']);
  });

  it('a public comment reaches the citizen; an internal note and a reassignment do not', () => {
    const pub = messagesFor(
      change(row(), row({ version: 6 }), 'comment', { text: 'Đội đang trên đường đến.', public: true }),
    );
    expect(pub.map((m) => [m.idempotencyKey, m.payload.comment])).toEqual([
      ['IOC-2612-000042:v6:hue_s:comment:hs-88123', 'Đội đang trên đường đến.'],
    ]);
    expect(
      messagesFor(change(row(), row({ version: 6 }), 'comment', { text: 'Nội bộ', public: false })),
    ).toEqual([]);
    expect(
      messagesFor(
        change(
          row({ status: 'assigned' }),
          row({ status: 'assigned', agency_id: 'ubnd-thuan-hoa' }),
          'assigned',
        ),
      ),
    ).toEqual([]);
    // The creation of a case: Hue-S has the webhook's answer.
    expect(messagesFor(change(null, row({ status: 'new', version: 1 }), 'created'))).toEqual([]);
  });

  it('a missed deadline and an escalation become notices to the unit', () => {
    const breached = messagesFor(change(row(), row({ version: 7 }), 'sla_breached'));
    expect(breached).toEqual([
      expect.objectContaining({
        kind: 'unit_notice',
        channel: 'unit_notice',
        idempotencyKey: 'IOC-2612-000042:v7:unit_notice:sla_breached:hepco',
        payload: expect.objectContaining({ to: 'hepco', event: 'sla_breached' }),
      }),
    ]);
    expect((breached[0]!.payload as { text: string }).text).toMatch(/quá hạn xử lý/);
    const escalated = messagesFor(change(row(), row({ version: 8 }), 'escalated'));
    expect(escalated[0]!.idempotencyKey).toBe('IOC-2612-000042:v8:unit_notice:escalated:hepco');
  });
});
