import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '@hue-ioc/layers';
import { open311Xml } from './open311-xml.ts';

/** A request for one of the .xml twins (its answer, errors included, is XML). */
export const isOpen311Xml = (req: FastifyRequest) => (req.url.split('?')[0] ?? '').endsWith('.xml');

/**
 * GeoReport v2's error body, `[{ code, description }]` (JSON) or `<errors><error>…</error></errors>` (XML),
 * with the HTTP status as `code` and our catalogue's code leading the description. Used by the Open311 routes
 * and by the app's not-found handler for paths under /open311/, so a 311 client always reads its own shape.
 */
export function sendOpen311Errors(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
) {
  const body = [{ code: status, description: `${code}: ${message}` }];
  if (isOpen311Xml(req))
    return reply.code(status).type('text/xml; charset=utf-8').send(open311Xml('errors', body));
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
