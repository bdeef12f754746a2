import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Type } from '@sinclair/typebox';
import { BriefingQuerySchema } from '@hue-ioc/layers';
import { SESSION_COOKIE } from '../../auth/access.service.ts';
import { rateLimited } from '../../auth/rate-limit.ts';
import { AppError } from '../../errors.ts';
import { routePlugin } from '../route-plugin.ts';
import { renderBriefingPdf } from './briefing-pdf.ts';

export const BriefingPdfQuerySchema = Type.Object(
  {
    ...BriefingQuerySchema.properties,
    lang: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')], { default: 'vi' })),
  },
  { additionalProperties: false },
);

/** One PDF at a time: each is a Chromium, and a 2-core server also serves the live wall. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * GET /api/briefing.pdf (issue 13, item 5): the briefing page in its print view (`/briefing?print=1`),
 * rendered on A4 by the server's Chromium with the caller's own session, so the PDF shows exactly what that
 * user may see. Its running header states the period, the scope and when it was made. Without Chromium on
 * the server it answers 503 IOC_BRIEFING_PDF_UNAVAILABLE.
 */
export const briefingPdfRoutes = routePlugin('briefing-pdf', [], async (app) => {
  app.get(
    '/api/briefing.pdf',
    {
      schema: {
        summary: 'The briefing as an A4 PDF (period, scope and time made in its header)',
        querystring: BriefingPdfQuerySchema,
      },
      config: {
        ...rateLimited(6, '1 minute', (req) => `briefing-pdf:${req.principal?.id ?? req.ip}`),
        documentedOk: { 'application/pdf': Type.String({ format: 'binary' }) },
      },
    },
    async (req, reply) => {
      const chromium = app.config.chromiumPath ?? '/usr/bin/chromium';
      if (!existsSync(chromium)) throw new AppError('IOC_BRIEFING_PDF_UNAVAILABLE');
      const session = req.cookies?.[SESSION_COOKIE];
      if (!session) throw new AppError('IOC_AUTH_REQUIRED', 'the PDF is made with your session: log in');
      const address = app.server.address() as AddressInfo | null;
      if (!address) throw new AppError('IOC_BRIEFING_PDF_UNAVAILABLE', 'the server is not listening');
      const host = ['0.0.0.0', '::', ''].includes(address.address)
        ? '127.0.0.1'
        : address.family === 'IPv6'
          ? `[${address.address}]`
          : address.address;
      const { lang, ...query } = req.query;
      const params = new URLSearchParams({ print: '1' });
      for (const [k, v] of Object.entries(query)) if (typeof v === 'string') params.set(k, v);
      if (lang === 'en') params.set('lang', 'en');
      const origin = `http://${host}:${address.port}`;
      const job = queue.then(() =>
        renderBriefingPdf({
          chromiumPath: chromium,
          origin,
          path: `/briefing?${params}`,
          cookies: { [SESSION_COOKIE]: session },
          lang: lang === 'en' ? 'en' : 'vi',
        }),
      );
      queue = job.catch(() => {});
      let pdf: Buffer;
      try {
        pdf = await job;
      } catch (err) {
        req.log.warn({ err, reqId: req.id }, 'briefing PDF failed');
        if (err instanceof AppError) throw err;
        throw new AppError('IOC_BRIEFING_PDF_UNAVAILABLE', 'the PDF could not be made; try again');
      }
      const day = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="giao-ban-${query.period ?? '7d'}-${day}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );
});
