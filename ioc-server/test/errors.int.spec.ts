import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { Value } from '@sinclair/typebox/value';
import { ERROR_CATALOGUE, ErrorBodySchema } from '@hue-ioc/layers';
import { startIoc, type RunningIoc } from './support/start-ioc.ts';

let ioc: RunningIoc;
beforeAll(async () => {
  ioc = await startIoc();
});
afterAll(() => ioc?.close());

/** A raw request, so that headers Fastify's own client would refuse can be sent. */
function raw(opts: {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}) {
  const url = new URL(ioc.baseUrl);
  return new Promise<{ status: number; body: unknown; type: string }>((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: opts.method, path: opts.path, headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            body: text ? (JSON.parse(text) as unknown) : null,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('one error shape, also for the errors Fastify itself raises', () => {
  it.each([
    ['an unknown API route', { method: 'GET', path: '/api/khong-co' }, 404, 'IOC_NOT_FOUND'],
    [
      'malformed JSON',
      {
        method: 'POST',
        path: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        body: '{"username":',
      },
      400,
      'IOC_REQUEST_INVALID',
    ],
    [
      'a body over the limit',
      {
        method: 'POST',
        path: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'x'.repeat(1_100_000) }),
      },
      413,
      'IOC_REQUEST_TOO_LARGE',
    ],
    [
      'a content type nobody reads',
      {
        method: 'POST',
        path: '/api/auth/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      },
      415,
      'IOC_REQUEST_MEDIA_TYPE',
    ],
    [
      'a path parameter over the router limit',
      {
        method: 'PATCH',
        path: `/api/admin/users/${'9'.repeat(120)}`,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
      414,
      'IOC_REQUEST_URI_TOO_LONG',
    ],
    [
      'a static path that climbs out of its folder',
      { method: 'GET', path: '/docs/static/..%5C..%5Cwin.ini' },
      403,
      'IOC_REQUEST_FORBIDDEN_PATH',
    ],
    ['a malformed URL', { method: 'GET', path: '/api/admin/users/%E0%A4%A' }, 400, 'IOC_REQUEST_INVALID'],
    [
      'a path parameter out of range',
      {
        method: 'PATCH',
        path: '/api/admin/users/1e309',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
      401,
      'IOC_AUTH_REQUIRED',
    ],
    [
      'headers too large',
      { method: 'GET', path: '/healthz', headers: { 'x-padding': 'x'.repeat(20_000) } },
      431,
      'IOC_REQUEST_HEADERS_TOO_LARGE',
    ],
  ])('%s', async (_what, req, status, code) => {
    const res = await raw(req);
    expect(res.status).toBe(status);
    expect(res.type).toMatch(/application\/json/);
    expect(Value.Check(ErrorBodySchema, res.body)).toBe(true);
    expect(res.body).toMatchObject({ error: { code } });
    expect(ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE].status).toBe(status);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});
