import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

/**
 * Route `config` that rate-limits one route (the access plugin registers @fastify/rate-limit with
 * `global: false`, so only routes that ask are limited). Counters live in each node's memory: with N
 * replicas a client gets up to N × `max`; the login lockout, which matters more, is counted in the database.
 *
 *   app.post('/api/ingest/hue-s', { config: rateLimited(600, '1 minute', (req) => 'hue-s') }, handler)
 */
export function rateLimited(
  max: number,
  timeWindow: string | number,
  keyGenerator?: (req: FastifyRequest) => string,
): {
  rateLimit: { max: number; timeWindow: string | number; keyGenerator?: (req: FastifyRequest) => string };
} {
  return { rateLimit: { max, timeWindow, ...(keyGenerator ? { keyGenerator } : {}) } };
}

/** What a limited client gets: the usual error body with code IOC_RATE_LIMITED (and a Retry-After header). */
export function rateLimitError(_req: FastifyRequest, context: { after: string; ttl: number }): AppError {
  return new AppError('IOC_RATE_LIMITED', `too many requests; retry in ${context.after}`, {
    retryAfterS: Math.ceil(context.ttl / 1000),
  });
}
