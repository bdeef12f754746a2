import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import {
  ATTACHMENT_LIMITS,
  AttachmentIdParams,
  AttachmentUploadQuerySchema,
  AttachmentUploadResultSchema,
  ErrorBodySchema,
  IncidentIdParams,
} from '@hue-ioc/layers';
import { agencyScope, requirePrincipal } from '../../auth/access.plugin.ts';
import { rateLimited } from '../../auth/rate-limit.ts';
import { invalid } from '../../attachments/attachment.service.ts';
import { AppError } from '../../errors.ts';
import { routePlugin } from '../route-plugin.ts';

/**
 * A body larger than this is refused with 413 before it is read: the file's limit plus room for the
 * multipart framing and a few small fields. Within it, a file over the limit is a 400 `too_large`.
 */
const MAX_BODY_BYTES = ATTACHMENT_LIMITS.maxBytes + 256 * 1024;

/**
 * Attachments of incidents (issue 12, item 4): the unit's result photos and documents.
 * - POST /api/incidents/:id/attachments: multipart, one file in the field `file`; the type is decided by the
 *   bytes, images are re-encoded without their metadata (attachments/attachment-file.ts).
 * - GET /api/attachments/:id: the stored bytes, never sniffed, never run (nosniff, a sandboxing CSP).
 * An agency account reaches only its own agency's cases; another's answers 404 (policy.ts, own_agency).
 */
export const attachmentRoutes = routePlugin('attachments', ['attachments'], async (app) => {
  // Inside this encapsulated route plugin only: no other route takes multipart bodies.
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: ATTACHMENT_LIMITS.maxBytes,
      files: 1,
      fields: 5,
      fieldSize: 1024,
      parts: 6,
      headerPairs: 50,
    },
  });

  app.post(
    '/api/incidents/:id/attachments',
    {
      schema: {
        summary: 'Attach a photo (JPEG, PNG, WebP) or a PDF to an incident (multipart, field "file")',
        consumes: ['multipart/form-data'],
        params: IncidentIdParams,
        querystring: AttachmentUploadQuerySchema,
        response: { 201: AttachmentUploadResultSchema, 400: ErrorBodySchema, 404: ErrorBodySchema },
      },
      config: {
        ...rateLimited(60, '1 minute', (req) => `attachments:${req.principal?.id ?? req.ip}`),
        documentedBody: {
          'multipart/form-data': Type.Object(
            { file: Type.String({ format: 'binary' }) },
            { required: ['file'] },
          ),
        },
      },
      onRequest: async (req, reply) => {
        const length = Number(req.headers['content-length'] ?? 0);
        if (length > MAX_BODY_BYTES) {
          // The unread body is not drained: the connection ends with the answer.
          reply.header('connection', 'close');
          throw new AppError(
            'IOC_REQUEST_TOO_LARGE',
            `the body is larger than ${MAX_BODY_BYTES} bytes (a file may have ${ATTACHMENT_LIMITS.maxBytes})`,
          );
        }
      },
    },
    async (req, reply) => {
      const principal = requirePrincipal(req);
      const scope = agencyScope(req);
      if (!req.isMultipart())
        throw new AppError('IOC_REQUEST_MEDIA_TYPE', 'send the file as multipart/form-data, field "file"');
      await app.attachments.precheck(req.params.id, scope);
      const file = await readOneFile(req);
      const result = await app.attachments.upload({
        incidentId: req.params.id,
        agencyScope: scope,
        actor: principal.username ?? principal.id,
        uploadedBy: principal.id,
        clientName: file.name,
        bytes: file.bytes,
        public: req.query.public === true,
      });
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/api/attachments/:id',
    {
      schema: {
        summary: 'The bytes of an attachment, with the type they were stored as',
        params: AttachmentIdParams,
      },
      config: {
        documentedOk: Object.fromEntries(
          ['image/jpeg', 'image/webp', 'application/pdf'].map((t) => [t, Type.String({ format: 'binary' })]),
        ),
      },
    },
    async (req, reply) => {
      const { attachment, stream, bytes } = await app.attachments.open(req.params.id, agencyScope(req));
      const etag = `"${attachment.sha256}"`;
      reply
        .header('content-type', attachment.content_type)
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', contentDisposition(attachment.filename, attachment.content_type))
        // A private copy only: the case may move to another unit, and shared caches must not keep it.
        .header('cache-control', 'private, max-age=3600')
        .header('etag', etag)
        // Opened on its own, the file is a sandboxed document that can load and run nothing.
        .header('content-security-policy', "default-src 'none'; img-src 'self'; sandbox");
      if (req.headers['if-none-match'] === etag) {
        stream.destroy();
        return reply.code(304).send();
      }
      return reply.header('content-length', bytes).send(stream);
    },
  );
});

/** The one file of the upload, read into memory (≤ 10 MB); any other file part is refused. */
async function readOneFile(req: FastifyRequest): Promise<{ name: string; bytes: Buffer }> {
  let found: { name: string; bytes: Buffer } | null = null;
  try {
    for await (const part of req.parts()) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'file' || found) {
        part.file.resume();
        throw invalid('no_file');
      }
      found = { name: part.filename ?? '', bytes: await part.toBuffer() };
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw invalid('too_large');
    if (code === 'FST_FILES_LIMIT') throw invalid('no_file');
    // Busboy's own errors (a truncated or malformed body) carry no status: the request's fault, not ours.
    throw new AppError('IOC_REQUEST_INVALID', `the multipart body cannot be read: ${(e as Error).message}`);
  }
  if (!found) throw invalid('no_file');
  return found;
}

/**
 * RFC 6266: photos open in place, documents download. The name is given twice: an ASCII fallback
 * (diacritics folded: "Ảnh hiện trường" → "Anh hien truong") and the UTF-8 original (RFC 8187).
 */
export function contentDisposition(filename: string, contentType: string): string {
  const kind = contentType.startsWith('image/') ? 'inline' : 'attachment';
  const ascii = filename
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
