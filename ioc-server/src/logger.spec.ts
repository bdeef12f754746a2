import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { loggerOptions } from './app.ts';

describe('log format', () => {
  it('is JSON for collectors and pretty lines for a person at a terminal', () => {
    const auto = loadConfig({}, 'default');
    expect(loggerOptions(auto, false)).not.toHaveProperty('transport');
    expect(loggerOptions(auto, true)).toMatchObject({ transport: { target: 'pino-pretty' } });
    // Production containers set json: a TTY (docker run -t) does not change it.
    expect(loggerOptions(loadConfig({ LOG_FORMAT: 'json' }, 'default'), true)).not.toHaveProperty(
      'transport',
    );
    expect(loggerOptions(loadConfig({ LOG_FORMAT: 'pretty' }, 'default'), false)).toMatchObject({
      transport: { target: 'pino-pretty', options: { colorize: false } },
    });
    // The redaction of credentials and reporter data applies in both formats.
    expect(loggerOptions(auto, true).redact).toEqual(loggerOptions(auto, false).redact);
    expect(() => loadConfig({ LOG_FORMAT: 'xml' }, 'default')).toThrow(
      /LOG_FORMAT="xml" must be json, pretty or auto/,
    );
  });
});
