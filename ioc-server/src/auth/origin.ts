import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a browser's `Origin` names this server: its host must be the request's Host, or the
 * X-Forwarded-Host of a reverse proxy that rewrites Host. A page on another site cannot forge either
 * header on a request that carries cookies (a custom header would need a CORS preflight, which this
 * server never answers), so this is a sound cross-site test. `null` and unparsable origins fail.
 */
export function originMatchesHost(origin: string, headers: IncomingHttpHeaders): boolean {
  let host: string;
  try {
    if (origin === 'null') return false;
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = headers['x-forwarded-host'];
  const candidates = [
    headers.host,
    ...(typeof forwarded === 'string' ? forwarded.split(',').map((h) => h.trim()) : []),
  ];
  return candidates.some((h) => h !== undefined && h.toLowerCase() === host.toLowerCase());
}
