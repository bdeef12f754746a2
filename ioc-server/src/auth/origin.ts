import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIPv4 } from 'node:net';

/**
 * Whether a browser's `Origin` names this server: its host must be the request's Host, or — when the
 * request came through a proxy TRUST_PROXY names (`forwardedTrusted`) — the X-Forwarded-Host of that
 * reverse proxy, which rewrites Host. A page on another site cannot forge either header on a request that
 * carries cookies (a custom header would need a CORS preflight, which this server never answers), so this
 * is a sound cross-site test. `null` and unparsable origins fail.
 */
export function originMatchesHost(
  origin: string,
  headers: IncomingHttpHeaders,
  forwardedTrusted = false,
): boolean {
  let host: string;
  try {
    if (origin === 'null') return false;
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = forwardedTrusted ? headers['x-forwarded-host'] : undefined;
  const candidates = [
    headers.host,
    ...(typeof forwarded === 'string' ? forwarded.split(',').map((h) => h.trim()) : []),
  ];
  return candidates.some((h) => h !== undefined && h.toLowerCase() === host.toLowerCase());
}

/** proxy-addr's range names (what Fastify's `trustProxy` takes), as subnets. */
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * TRUST_PROXY (config.ts) as a test of a peer address: true when the connection comes from a proxy whose
 * X-Forwarded-* headers are believed. Fastify gets the same function as its `trustProxy` (so
 * `request.protocol`, `request.ip` and `request.host` follow it), and the /live handshake uses it for
 * X-Forwarded-Host. `false`: nobody is.
 */
export function proxyTrust(list: readonly string[] | false): (address: string | undefined) => boolean {
  if (list === false) return () => false;
  const trusted = new BlockList();
  for (const entry of list.flatMap((e) => (Object.hasOwn(NAMED_RANGES, e) ? NAMED_RANGES[e]! : [e]))) {
    const [address = '', prefix] = entry.split('/');
    const type = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) trusted.addAddress(address, type);
    else trusted.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    if (!address) return false;
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    return v4 ? trusted.check(v4, 'ipv4') : trusted.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
  };
}
