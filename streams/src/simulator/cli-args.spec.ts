import { describe, expect, it } from 'vitest';
import { parseCliArgs, parseDuration } from './cli-args.ts';

const ok = (argv: string[]) => {
  const r = parseCliArgs(argv);
  if (!r.ok) throw new Error(r.help ? 'help' : r.error);
  return r.options;
};
const error = (argv: string[]) => {
  const r = parseCliArgs(argv);
  if (r.ok || r.help) throw new Error('expected an error');
  return r.error;
};
const BASE = ['--url', 'http://localhost:8080', '--mqtt', 'mqtt://127.0.0.1:1883'];

describe('simulate CLI arguments', () => {
  it('reads the documented example', () => {
    const o = ok([
      ...BASE,
      '--scenario',
      'flood',
      '--speed',
      '60',
      '--duration',
      '10m',
      '--secret',
      'hue-demo-secret',
      '--seed',
      '46',
    ]);
    expect(o).toMatchObject({
      url: 'http://localhost:8080',
      mqtt: 'mqtt://127.0.0.1:1883',
      scenario: 'flood',
      speed: 60,
      durationMs: 600_000,
      secret: 'hue-demo-secret',
      seed: 46,
      start: null,
    });
  });

  it('has demo defaults: normal, 60×, 10 minutes, the demo secret, seed 46', () => {
    expect(ok(BASE)).toMatchObject({
      scenario: 'normal',
      speed: 60,
      durationMs: 600_000,
      secret: 'hue-demo-secret',
      seed: 46,
      rate: 1,
    });
  });

  it('says what is wrong, plainly', () => {
    expect(error(['--mqtt', 'mqtt://x'])).toMatch(/--url is required/);
    expect(error([...BASE, '--scenario', 'typhoon'])).toMatch(/--scenario must be one of normal, flood/);
    expect(error([...BASE, '--speed', 'fast'])).toMatch(/--speed must be a number from 0.1 to 10000/);
    expect(error([...BASE, '--speed', '0'])).toMatch(/--speed/);
    expect(error([...BASE, '--duration', '10 minutes'])).toMatch(/--duration must be like 90s, 10m or 1h30m/);
    expect(error([...BASE, '--seed', '4.6'])).toMatch(/--seed must be an integer/);
    expect(error(['--url', 'localhost:8080', '--mqtt', 'mqtt://x'])).toMatch(
      /--url must start with http:\/\/ or https:\/\//,
    );
    expect(error(['--url', 'http://x', '--mqtt', 'http://x'])).toMatch(/--mqtt must start with mqtt:/);
    expect(error([...BASE, '--start', '27/10/2025'])).toMatch(/--start must be an ISO 8601 time/);
    expect(error([...BASE, '--secret', ' '])).toMatch(/--secret must not be empty/);
    expect(error([...BASE, '--sped', '60'])).toMatch(/sped/);
    expect(error(['--no-webhooks', '--no-mqtt'])).toMatch(/nothing to simulate/);
  });

  it('lets one side out', () => {
    expect(ok(['--url', 'http://localhost:8080', '--no-mqtt']).mqtt).toBeNull();
    expect(ok(['--mqtt', 'mqtt://127.0.0.1:1883', '--no-webhooks']).url).toBeNull();
  });

  it('asks for help', () => {
    expect(parseCliArgs(['--help'])).toEqual({ ok: false, help: true });
  });

  it('reads durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('45')).toBe(45_000);
    expect(parseDuration('')).toBeNull();
    expect(parseDuration('10x')).toBeNull();
  });
});
