import { Type, type Static } from '@sinclair/typebox';

/** What a signed webhook answers: the incident it created, joined or already had (or the KPI sample). */
export const IngestOutcomeSchema = Type.Object({
  id: Type.String({ description: 'incident id (or KPI sample key)' }),
  outcome: Type.Union([
    Type.Literal('created'),
    Type.Literal('merged'),
    Type.Literal('duplicate'),
    Type.Literal('stored'),
  ]),
  /** Why a report joined an open incident: how far, how long apart, which rule. */
  reason: Type.Optional(
    Type.Object({ distanceM: Type.Number(), minutesApart: Type.Number(), rule: Type.String() }),
  ),
});
export type IngestOutcome = Static<typeof IngestOutcomeSchema>;

/** A hotline CSV import and its progress. */
export const ImportJobSchema = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  total: Type.Integer(),
  processed: Type.Integer(),
  created: Type.Integer(),
  merged: Type.Integer(),
  skipped: Type.Integer({ description: 'rows already imported (same ticket_id)' }),
  failed: Type.Integer(),
  errors: Type.Array(Type.Object({ row: Type.Integer(), code: Type.String(), message: Type.String() })),
});
export type ImportJob = Static<typeof ImportJobSchema>;

export const ImportQuerySchema = Type.Object(
  {
    wait: Type.Optional(Type.Boolean({ default: true })),
    filename: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
