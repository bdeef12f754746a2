import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  IncidentChangedSchema,
  KpiUpdateSchema,
  LayerDeltaSchema,
  LayerTextAckSchema,
  LayerSnapshotSchema,
  SubscribeAckSchema,
  TickerItemSchema,
  type IncidentChanged,
  type KpiUpdate,
  type LayerTextAck,
  type SubscribeAck,
  type TickerItem,
} from './protocol.ts';
import { KpiItemSchema, type KpiItem } from './api/kpis.ts';
import { ErrorBodySchema, type ErrorBody } from './errors.ts';
import type { LayerDelta, LayerSnapshot } from './delta.ts';
import './formats.ts';

/*
 * The checks a client runs on what the server sends, made from the same schemas the server validates and
 * documents with (so they cannot drift from it). They use TypeBox's `Value.Check`, which interprets the
 * schema: the compiled checks (`TypeCompiler`) would need `eval`, which the web app's CSP forbids.
 * Layer snapshots and deltas are checked as envelopes: each layer's feature props are checked where they
 * are drawn (the feature counts of a large wall make a per-message deep check too slow for a tick).
 */

const envelope = <T extends typeof LayerSnapshotSchema | typeof LayerDeltaSchema>(schema: T) =>
  Type.Object({
    ...schema.properties,
    ...('features' in schema.properties ? { features: Type.Array(Type.Unknown()) } : {}),
    ...('upserts' in schema.properties ? { upserts: Type.Array(Type.Unknown()) } : {}),
  });
const SnapshotEnvelope = envelope(LayerSnapshotSchema);
const DeltaEnvelope = envelope(LayerDeltaSchema);

export const isLayerSnapshot = (v: unknown): v is LayerSnapshot => Value.Check(SnapshotEnvelope, v);
export const isLayerDelta = (v: unknown): v is LayerDelta => Value.Check(DeltaEnvelope, v);
export const isSubscribeAck = (v: unknown): v is SubscribeAck => Value.Check(SubscribeAckSchema, v);
export const isLayerTextAck = (v: unknown): v is LayerTextAck => Value.Check(LayerTextAckSchema, v);
export const isTickerItem = (v: unknown): v is TickerItem => Value.Check(TickerItemSchema, v);
export const isKpiUpdate = (v: unknown): v is KpiUpdate => Value.Check(KpiUpdateSchema, v);
export const isKpiItem = (v: unknown): v is KpiItem => Value.Check(KpiItemSchema, v);
export const isIncidentChanged = (v: unknown): v is IncidentChanged => Value.Check(IncidentChangedSchema, v);
export const isErrorBody = (v: unknown): v is ErrorBody => Value.Check(ErrorBodySchema, v);
