import { Type, type Static } from '@sinclair/typebox';

/**
 * `GET /readyz`: what is up, and when not ready the parts that are down. `ingest` is false while an ingest
 * pipeline is stalled (messages waiting, nothing committed for INGEST_STALL_SECONDS); `stalled` names them.
 */
const ReadyChecks = Type.Object({
  db: Type.Boolean(),
  mqtt: Type.Boolean(),
  live: Type.Boolean(),
  ingest: Type.Boolean(),
});

export const HealthSchema = Type.Object({ status: Type.Literal('ok') });

export const ReadySchema = Type.Object({ status: Type.Literal('ready'), checks: ReadyChecks });

export const NotReadySchema = Type.Object({
  status: Type.Literal('not_ready'),
  checks: ReadyChecks,
  failing: Type.Array(Type.String()),
  /** The stalled ingest pipelines (`mqtt`, `webhooks`), when `ingest` is failing. */
  stalled: Type.Optional(Type.Array(Type.String())),
});
export type Readiness = Static<typeof ReadySchema> | Static<typeof NotReadySchema>;
