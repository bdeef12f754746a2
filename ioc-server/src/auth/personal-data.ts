import type { Role } from './principal.ts';

/**
 * Personal data (Decree 13/2023/NĐ-CP): a reporter's name and phone number are shown only to the roles
 * that need them, and never written to the logs. Pure functions, used by every way out of the server
 * (REST, /live, open data) — the stored incident keeps them whole.
 *
 * Who sees what of a reporter:
 * - `admin`, `supervisor`: name and phone (they call citizens back and handle complaints);
 * - `operator`: the phone masked (`09xx xxx 456`), enough to tell two callers apart, no name;
 * - `agency`, `leader`, `display`, anonymous: nothing (Hue-S hides the reporter from the handling unit).
 */
export interface Reporter {
  name: string | null;
  phone: string | null;
}

/**
 * `0905123456` or `+84905123456` → `09xx xxx 456`: the first two and last three digits of the national
 * number. Anything too short to mask meaningfully becomes `xxx`.
 */
export function maskPhone(phone: string): string {
  let digits = phone.replace(/\D/g, '');
  if (phone.trim().startsWith('+84') || (digits.startsWith('84') && digits.length >= 11))
    digits = `0${digits.slice(2)}`;
  if (digits.length < 8) return 'xxx';
  const hidden = digits.length - 5;
  return `${digits.slice(0, 2)}${'x'.repeat(2)} ${'x'.repeat(hidden - 2)} ${digits.slice(-3)}`;
}

/** The reporter as `role` may see it; null (anonymous) sees nothing. */
export function redactReporter(reporter: Reporter | null | undefined, role: Role | null): Reporter | null {
  if (!reporter) return null;
  switch (role) {
    case 'admin':
    case 'supervisor':
      return { name: reporter.name, phone: reporter.phone };
    case 'operator':
      return { name: null, phone: reporter.phone === null ? null : maskPhone(reporter.phone) };
    default:
      return null;
  }
}

/** A copy of an incident (anything with a `reporter`) with the reporter as `role` may see it. */
export function maskForRole<T extends object>(incident: T, role: Role | null): T {
  if (!('reporter' in incident)) return incident;
  return { ...incident, reporter: redactReporter(incident.reporter as Reporter | null | undefined, role) };
}

/**
 * pino `redact` paths for the app logger: credentials (authorization header, cookies, passwords, tokens)
 * and reporter data wherever a log line might carry a request, a body or an incident.
 */
export const LOG_REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-ioc-csrf"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'password',
  'newPassword',
  'token',
  'reporter',
  'phone',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.reporter',
  '*.phone',
  '*.caller_phone',
  '*.*.password',
  '*.*.reporter',
  '*.*.phone',
];

export const LOG_REDACT = { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' };

/**
 * A URL as it may be logged: the wall is opened as `/wall?token=<display token>`, so token-like query
 * values are masked before Fastify's request log line prints the URL.
 */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token|api_key|password)=)[^&#]*/gi, '$1[redacted]');
}

/** Fastify's default request serializer, with the URL passed through `redactUrl`. */
export const logSerializers = {
  req(req: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) {
    // Something else logged under `req` (not a Fastify request): leave it to the redact paths.
    if (typeof req?.url !== 'string') return req;
    return {
      method: req.method,
      url: redactUrl(req.url),
      host: req.host,
      remoteAddress: req.ip,
      remotePort: req.socket?.remotePort,
    };
  },
};
