import { Type, type Static } from '@sinclair/typebox';

/**
 * CAP 1.2 (issue 14). A supervisor promotes a sensor in alarm or an incident (a camera detection, a report) to
 * a public CAP alert: exactly one of `deviceId` and `incidentId`. `level` (BĐ I–III scale, severity Moderate /
 * Severe / Extreme) overrides the incident's priority; a sensor's own alarm level always decides for it.
 */
export const CapPromoteBodySchema = Type.Object(
  {
    deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' })),
    incidentId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' })),
    level: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
  },
  { additionalProperties: false },
);
export type CapPromoteBody = Static<typeof CapPromoteBodySchema>;

/** Cancelling a published alert: the reason goes into the Cancel's description (both languages). */
export const CapCancelBodySchema = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
  { additionalProperties: false },
);
export type CapCancelBody = Static<typeof CapCancelBodySchema>;

/** A CAP message we published. */
export const CapPublishedSchema = Type.Object({
  identifier: Type.String(),
  msgType: Type.Union([Type.Literal('Alert'), Type.Literal('Update'), Type.Literal('Cancel')]),
  /** As in the document: +07:00, never Z. */
  sent: Type.String(),
  /** "sender,identifier,sent" of each earlier message of the chain, space separated; null for an Alert. */
  references: Type.Union([Type.String(), Type.Null()]),
  /** The first Alert's identifier. */
  chain: Type.String(),
  url: Type.String(),
});
export type CapPublished = Static<typeof CapPublishedSchema>;

export const CapIdParamsSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._-]+$' }),
});

/** POST /api/ingest/cap's answer. */
export const CapIngestOutcomeSchema = Type.Object({
  /** The wall alert the message belongs to (`cap:<hash>` of its chain's first message). */
  id: Type.String(),
  outcome: Type.Union([Type.Literal('stored'), Type.Literal('duplicate')]),
  onWall: Type.Boolean(),
  hazard: Type.Union([Type.Literal('flood'), Type.Literal('storm'), Type.Null()]),
});
export type CapIngestOutcome = Static<typeof CapIngestOutcomeSchema>;
