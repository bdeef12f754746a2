import { ERROR_CATALOGUE, isErrorCode, type ErrorBody, type ErrorCode } from '@hue-ioc/layers';

export type { ErrorBody, ErrorCode };

/**
 * An expected error: a code of the catalogue (layers/src/errors.ts), which fixes its HTTP status, and a
 * message safe to show (the catalogue's when none is given). The app's one error handler answers it as
 * `{ error: { code, message, details? } }`.
 */
export class AppError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERROR_CATALOGUE[code].message);
    this.name = 'AppError';
    this.statusCode = ERROR_CATALOGUE[code].status;
  }
}

export const errorBody = (code: ErrorCode, message?: string, details?: unknown): ErrorBody => {
  const text = message ?? ERROR_CATALOGUE[code].message;
  return { error: details === undefined ? { code, message: text } : { code, message: text, details } };
};

/** The HTTP status of a catalogue code. */
export const statusOf = (code: ErrorCode): number => ERROR_CATALOGUE[code].status;

/** A code that arrived as a string (a streams reject, a thrown error's `code`), or `fallback`. */
export const codeOr = (code: unknown, fallback: ErrorCode): ErrorCode =>
  isErrorCode(code) ? code : fallback;

/** Fastify's own errors (body parser, router, limits) by status, in our shape. */
const FRAMEWORK_CODES: Record<number, ErrorCode> = {
  400: 'IOC_REQUEST_INVALID',
  // @fastify/static refuses a path that climbs out of its root (`..%5C..`).
  403: 'IOC_REQUEST_FORBIDDEN_PATH',
  404: 'IOC_NOT_FOUND',
  405: 'IOC_REQUEST_METHOD',
  // find-my-way: a path parameter longer than maxParamLength.
  414: 'IOC_REQUEST_URI_TOO_LONG',
  413: 'IOC_REQUEST_TOO_LARGE',
  415: 'IOC_REQUEST_MEDIA_TYPE',
  431: 'IOC_REQUEST_HEADERS_TOO_LARGE',
  429: 'IOC_RATE_LIMITED',
};

/**
 * The code for a 4xx error Fastify or a plugin raised. A status with no code of its own is answered as
 * IOC_REQUEST_INVALID, and the handler then answers 400, so that status and code always agree.
 */
export const frameworkCode = (status: number): ErrorCode => FRAMEWORK_CODES[status] ?? 'IOC_REQUEST_INVALID';
