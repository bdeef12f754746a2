import { describe, expect, expectTypeOf, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import type { Static } from '@sinclair/typebox';
import {
  IncidentChangedSchema,
  KpiUpdateSchema,
  LayerDeltaSchema,
  LayerSnapshotSchema,
  LiveHandshakeAuthSchema,
  SubscribeAckSchema,
  TickerItemSchema,
} from './protocol.ts';
import type { LayerDelta, LayerSnapshot } from './delta.ts';
import { encodeColumnar } from './wire.ts';
import { ERROR_CATALOGUE, ERROR_CODES, ErrorBodySchema } from './errors.ts';

const kimLong = { id: 'kim-long', position: [107.553, 16.462] as [number, number], props: { value: 2.4 } };

describe('/live payload schemas', () => {
  it('describe exactly the TypeScript shapes server and web use', () => {
    // Assignable both ways (the interfaces' fields are readonly, the schemas' are not).
    expectTypeOf<Static<typeof LayerDeltaSchema>>().toExtend<LayerDelta>();
    expectTypeOf<LayerDelta>().toExtend<Static<typeof LayerDeltaSchema>>();
    expectTypeOf<Static<typeof LayerSnapshotSchema>>().toExtend<LayerSnapshot>();
    expectTypeOf<LayerSnapshot>().toExtend<Static<typeof LayerSnapshotSchema>>();
  });

  it('accept real messages and refuse broken ones', () => {
    const delta: LayerDelta = {
      layer: 'sensors',
      from: 41,
      seq: 42,
      serverTime: Date.parse('2026-12-01T02:00:00Z'),
      changedAt: Date.parse('2026-12-01T01:59:59Z'),
      upserts: [kimLong],
      removes: ['phu-oc-old'],
    };
    expect(Value.Check(LayerDeltaSchema, delta)).toBe(true);
    expect(Value.Check(LayerDeltaSchema, { ...delta, from: -1 })).toBe(false);
    expect(Value.Check(LayerDeltaSchema, { ...delta, layer: 'rivers' })).toBe(false);
    const columnar: LayerSnapshot = {
      layer: 'sensors',
      seq: 42,
      serverTime: delta.serverTime,
      changedAt: null,
      features: [],
      columns: encodeColumnar([kimLong]),
    };
    expect(Value.Check(LayerSnapshotSchema, columnar)).toBe(true);
    expect(
      Value.Check(TickerItemSchema, {
        id: 'alarm:kim-long',
        kind: 'alarm',
        text: 'Kim Long (sông Hương) 2,40 m — BĐ II',
        textEn: 'Kim Long (Hương river) 2.40 m — alarm II',
        level: 2,
        ts: '2026-12-01T02:00:00.000Z',
      }),
    ).toBe(true);
    expect(
      Value.Check(TickerItemSchema, { id: 'x', kind: 'alarm', text: 't', textEn: 't', level: 4, ts: '' }),
    ).toBe(false);
    expect(
      Value.Check(KpiUpdateSchema, {
        kpi: 'ty_le_xu_ly_dung_han',
        scope: { level: 'province', code: '46' },
        value: 97.8,
        target: 95,
        ts: '2026-12-01T02:00:00.000Z',
      }),
    ).toBe(true);
    expect(Value.Check(SubscribeAckSchema, { ok: true, layer: 'incidents', seq: 7, mode: 'delta' })).toBe(
      true,
    );
    expect(
      Value.Check(SubscribeAckSchema, { ok: false, error: { code: 'IOC_AUTH_FORBIDDEN', message: 'no' } }),
    ).toBe(true);
    expect(Value.Check(IncidentChangedSchema, { id: 'inc-1', version: 0 })).toBe(false);
    // The documented handshake: a token alone is a valid `auth`.
    expect(Value.Check(LiveHandshakeAuthSchema, { token: 'hue-demo-display' })).toBe(true);
    expect(Value.Check(LiveHandshakeAuthSchema, { token: 'x', encoding: 'protobuf' })).toBe(false);
  });
});

describe('the error catalogue', () => {
  it('gives every code a 4xx/5xx status, an English message and a Vietnamese text', () => {
    expect(ERROR_CODES.length).toBeGreaterThan(30);
    for (const code of ERROR_CODES) {
      const e = ERROR_CATALOGUE[code];
      expect(code).toMatch(/^IOC_[A-Z0-9]+(_[A-Z0-9]+)*$/);
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(e.status).toBeLessThan(600);
      expect(e.message.length).toBeGreaterThan(5);
      expect(e.vi).toMatch(/[àáảãạăâđêôơưếềệộớờợứừữựíìịóòỏọúùủụýỳ]/);
      expect(Value.Check(ErrorBodySchema, { error: { code, message: e.message } })).toBe(true);
    }
  });
});
