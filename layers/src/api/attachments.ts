import { Type, type Static } from '@sinclair/typebox';
import { AttachmentSchema } from './incidents.ts';

/**
 * Uploads of an incident's attachments (issue 12, item 4: the unit's result, text + photos). The limits are
 * here so the console's file picker (`accept`, the size shown) and the server say the same thing.
 */
export const ATTACHMENT_LIMITS = {
  /** Per file, as uploaded (before re-encoding). */
  maxBytes: 10 * 1024 * 1024,
  maxPerIncident: 10,
  /** Images are re-encoded to fit in this many pixels each way. */
  maxPixels: 4096,
} as const;

/**
 * What is accepted, by magic bytes (never by the client's name or content type). HEIC is not: the
 * prebuilt image library cannot decode HEVC, and phone browsers send a picked HEIC photo as JPEG anyway.
 */
export const ATTACHMENT_ACCEPTED_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'application/pdf',
] as const;

/** Why an upload was refused: `details.reason` of 400 IOC_ATTACHMENT_INVALID. */
export const ATTACHMENT_REJECT_REASONS = [
  /** No part named `file`, or more than one file. */
  'no_file',
  'empty',
  /** Not one of ATTACHMENT_ACCEPTED_TYPES by its bytes (HTML, SVG, an executable, HEIC, ...). */
  'wrong_type',
  'too_large',
  /** The incident already has ATTACHMENT_LIMITS.maxPerIncident attachments. */
  'too_many',
  /** Markup a browser would sniff as HTML in the first bytes of an image or document. */
  'polyglot',
  /** A PDF with scripts, launch actions or embedded files. */
  'active_content',
  /** Says it is an image but cannot be decoded (truncated, or too many pixels to decode safely). */
  'corrupt',
] as const;
export type AttachmentRejectReason = (typeof ATTACHMENT_REJECT_REASONS)[number];

export const AttachmentRejectDetailsSchema = Type.Object({
  reason: Type.Union(ATTACHMENT_REJECT_REASONS.map((r) => Type.Literal(r))),
  /** The type the bytes were found to be, when it is known. */
  detectedType: Type.Optional(Type.String()),
});
export type AttachmentRejectDetails = Static<typeof AttachmentRejectDetailsSchema>;

export const AttachmentUploadQuerySchema = Type.Object(
  {
    /** Published with the reply to the citizen (false: seen inside only). */
    public: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

export const AttachmentIdParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) },
  { additionalProperties: false },
);

/** 201 of POST /api/incidents/:id/attachments: the attachment, and the case's version after it. */
export const AttachmentUploadResultSchema = Type.Object({
  attachment: AttachmentSchema,
  incidentVersion: Type.Integer({ minimum: 1 }),
});
export type AttachmentUploadResult = Static<typeof AttachmentUploadResultSchema>;
