import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { startIoc, type RunningIoc } from './support/start-ioc.ts';

let ioc: RunningIoc;
let doc: OpenAPIV3.Document;

beforeAll(async () => {
  ioc = await startIoc();
  const res = await fetch(`${ioc.baseUrl}/docs/json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as OpenAPIV3.Document;
});
afterAll(() => ioc?.close());

/** Fastify's `/api/x/:id` is OpenAPI's `/api/x/{id}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const isApiRoute = (r: { url: string; staticFile: boolean }) => !r.staticFile && !r.url.startsWith('/docs');

describe('OpenAPI at /docs', () => {
  it('is a valid OpenAPI 3 document', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    // Validates against the OpenAPI 3.0 schema and resolves every $ref (throws with the problem otherwise).
    await SwaggerParser.validate(structuredClone(doc) as never);
  });

  it('covers every registered route with its request and response schemas and its security', () => {
    const routes = ioc.app.accessRoutes.filter(isApiRoute);
    expect(routes.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const r of routes) {
      const op = doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase() as OpenAPIV3.HttpMethods];
      const key = `${r.method} ${r.url}`;
      if (!op) {
        problems.push(`${key}: not in the document`);
        continue;
      }
      const responses = Object.entries(op.responses ?? {});
      const ok = responses.filter(([status]) => /^2\d\d$/.test(status));
      if (ok.length === 0) problems.push(`${key}: no 2xx response`);
      for (const [status, res] of ok) {
        const content = (res as OpenAPIV3.ResponseObject).content;
        if (status !== '204' && !Object.values(content ?? {}).some((c) => c.schema))
          problems.push(`${key}: response ${status} has no schema`);
      }
      if (!responses.some(([status]) => /^[45]\d\d$/.test(status)))
        problems.push(`${key}: no error response documented`);
      const params = (r.url.match(/:([A-Za-z0-9_]+)/g) ?? []).map((p) => p.slice(1));
      for (const p of params) {
        const declared = (op.parameters ?? []).some(
          (x) =>
            (x as OpenAPIV3.ParameterObject).in === 'path' && (x as OpenAPIV3.ParameterObject).name === p,
        );
        if (!declared) problems.push(`${key}: path parameter ${p} undeclared`);
      }
      if (['POST', 'PUT', 'PATCH'].includes(r.method) && !op.requestBody && !/logout$/.test(r.url))
        problems.push(`${key}: no request body schema`);
      if (op.security === undefined) problems.push(`${key}: no security`);
      else if (r.policy.scope === 'public' && op.security.length !== 0)
        problems.push(`${key}: public but secured`);
      else if (r.policy.scope === 'signed' && !op.security.some((s) => 'signature' in s))
        problems.push(`${key}: signed but no signature scheme`);
      else if (
        (r.policy.scope === 'all' || r.policy.scope === 'own_agency') &&
        !op.security.some((s) => 'session' in s)
      )
        problems.push(`${key}: needs a login but has no session scheme`);
    }
    expect(problems).toEqual([]);
  });

  it('documents the one error shape and no route outside the app', () => {
    expect(doc.components?.schemas?.ErrorBody).toBeDefined();
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item ?? {})
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const registered = new Set(
      ioc.app.accessRoutes.filter(isApiRoute).map((r) => `${r.method} ${openApiPath(r.url)}`),
    );
    expect(documented.filter((d) => !registered.has(d))).toEqual([]);
  });

  it('serves the UI', async () => {
    const res = await fetch(`${ioc.baseUrl}/docs`, { redirect: 'follow' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger-ui');
  });
});
