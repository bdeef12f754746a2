import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { Writable } from 'node:stream';
import {
  LOG_REDACT,
  logSerializers,
  maskForRole,
  maskPhone,
  redactReporter,
  redactUrl,
} from './personal-data.ts';
import { ROLES } from './principal.ts';

describe('maskPhone', () => {
  it('keeps the first two and last three digits of a Huế mobile number', () => {
    expect(maskPhone('0905123456')).toBe('09xx xxx 456');
  });
  it('reads E.164 (+84) as stored by ingest and writes the national form', () => {
    expect(maskPhone('+84905123456')).toBe('09xx xxx 456');
    expect(maskPhone('84 905 123 456')).toBe('09xx xxx 456');
  });
  it('masks an 11-digit Huế landline (0234) the same way', () => {
    expect(maskPhone('02343822123')).toBe('02xx xxxx 123');
  });
  it('never returns more than five digits of the number', () => {
    for (const phone of ['0905123456', '+84905123456', '02343822123', '0234.382.2123']) {
      expect(maskPhone(phone).replace(/\D/g, '').length).toBeLessThanOrEqual(5);
    }
  });
  it('gives up on something too short to mask', () => {
    expect(maskPhone('113')).toBe('xxx');
  });
});

describe('redactReporter', () => {
  const reporter = { name: 'Nguyễn Thị Hoa', phone: '+84905123456' };

  it('shows name and phone to admin and supervisor', () => {
    expect(redactReporter(reporter, 'admin')).toEqual(reporter);
    expect(redactReporter(reporter, 'supervisor')).toEqual(reporter);
  });
  it('shows the operator a masked phone and no name', () => {
    expect(redactReporter(reporter, 'operator')).toEqual({ name: null, phone: '09xx xxx 456' });
  });
  it('shows agency, leader, display and anonymous callers nothing', () => {
    for (const role of ['agency', 'leader', 'display', null] as const)
      expect(redactReporter(reporter, role)).toBeNull();
  });
  it('keeps an anonymous report anonymous for every role', () => {
    for (const role of ROLES) expect(redactReporter(null, role)).toBeNull();
    expect(redactReporter({ name: null, phone: null }, 'operator')).toEqual({ name: null, phone: null });
  });
});

describe('maskForRole', () => {
  const incident = {
    id: 'IOC-2510-000123',
    category: 'drainage_flooding',
    agencyId: 'hepco',
    reporter: { name: 'Trần Văn Bình', phone: '0914555777' },
  };
  it('returns a copy and leaves the stored incident whole', () => {
    const masked = maskForRole(incident, 'operator');
    expect(masked).toEqual({ ...incident, reporter: { name: null, phone: '09xx xxx 777' } });
    expect(incident.reporter.name).toBe('Trần Văn Bình');
  });
  it('removes the reporter for every role that may not see it', () => {
    for (const role of ['agency', 'leader', 'display', null] as const)
      expect(maskForRole(incident, role).reporter).toBeNull();
  });
  it('passes through an object without a reporter', () => {
    const layerProps = { id: 'x', status: 'new' };
    expect(maskForRole(layerProps, 'agency')).toBe(layerProps);
  });
});

describe('log redaction', () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        cb();
      },
    });
    // The app's own logger (pino inside Fastify) with the options app.ts gives it.
    const app = Fastify({
      logger: { level: 'info', redact: LOG_REDACT, serializers: logSerializers, stream },
    });
    return { log: app.log, lines };
  }

  it('keeps credentials and reporter data out of the logs', () => {
    const { log, lines } = capture();
    log.info({
      req: { headers: { authorization: 'Bearer ioc_dt_secret', cookie: 'ioc_session=abc' } },
      body: { username: 'operator', password: 'hue-demo' },
      incident: { id: 'IOC-1', reporter: { name: 'Lê Thị Mai', phone: '+84905123456' } },
      phone: '0905123456',
    });
    const text = JSON.stringify(lines);
    for (const secret of ['ioc_dt_secret', 'ioc_session=abc', 'hue-demo', 'Lê Thị Mai', '905123456'])
      expect(text).not.toContain(secret);
    expect(text).toContain('IOC-1');
  });

  it('masks a display token in a logged URL', () => {
    expect(redactUrl('/wall?token=hue-demo-display&lang=vi')).toBe('/wall?token=[redacted]&lang=vi');
    expect(logSerializers.req({ method: 'GET', url: '/wall?lang=en&token=abc' }).url).toBe(
      '/wall?lang=en&token=[redacted]',
    );
  });
});
