import { describe, expect, it } from 'vitest';
import { MAX_SENSOR_PAYLOAD_BYTES, normaliseSensorMessage, parseSensorTopic } from './normalise.ts';

const now = new Date('2026-11-27T08:00:00Z');
const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

describe('normaliseSensorMessage', () => {
  it('accepts a single reading with the kind defaults', () => {
    const r = normaliseSensorMessage(
      'hue/sensors/water_level/kim-long',
      enc({ ts: '2026-11-27T14:55:00+07:00', value: 2.31 }),
      now,
    );
    expect(r).toEqual({
      ok: true,
      value: [
        {
          deviceId: 'kim-long',
          kind: 'water_level',
          metric: 'water_level',
          value: 2.31,
          unit: 'm',
          ts: new Date('2026-11-27T07:55:00Z'),
        },
      ],
    });
  });

  it('refuses a unit holding a control character or a half surrogate at validation (issue 11), keeps µg/m³', () => {
    for (const unit of ['m\u0000', '\u001b[0m', 'mm\ud800']) {
      const r = normaliseSensorMessage(
        'hue/sensors/water_level/kim-long',
        enc({ ts: '2026-11-27T07:55:00Z', value: 2.3, unit }),
        now,
      );
      expect(r.ok, JSON.stringify(unit)).toBe(false);
      expect(!r.ok && r.reject.code).toBe('IOC_INGEST_SCHEMA');
    }
    const ok = normaliseSensorMessage(
      'hue/sensors/air_quality/aq-hung-vuong',
      enc({ ts: '2026-11-27T07:55:00Z', values: { pm2_5: 24.1 }, unit: 'µg/m³' }),
      now,
    );
    expect(ok.ok).toBe(true);
  });

  it('accepts several metrics in `values`', () => {
    const r = normaliseSensorMessage(
      'hue/sensors/air_quality/aq-hung-vuong',
      enc({ ts: '2026-11-27T07:55:00Z', values: { aqi: 72, pm2_5: 24.1 } }),
      now,
    );
    expect(r.ok && r.value.map((x) => [x.metric, x.value, x.unit])).toEqual([
      ['aqi', 72, 'VN_AQI'],
      ['pm2_5', 24.1, ''],
    ]);
  });

  it.each([
    ['hue/sensors/water_level/kim-long', 'not json', 'IOC_INGEST_JSON'],
    ['hue/sensors/water_level/kim-long', '{"ts":"2026-11-27T07:55:00Z"}', 'IOC_INGEST_SCHEMA'],
    ['hue/sensors/water_level/kim-long', '{"ts":"2026-11-27T07:55:00Z","value":"2.3"}', 'IOC_INGEST_SCHEMA'],
    ['hue/sensors/water_level/kim-long', '{"ts":"27/11/2026 14:55","value":2.3}', 'IOC_INGEST_SCHEMA'],
    [
      'hue/sensors/water_level/kim-long',
      '{"ts":"2026-11-27T07:55:00Z","value":2.3,"extra":1}',
      'IOC_INGEST_SCHEMA',
    ],
    ['hue/sensors/water_level/kim-long', '{"ts":"2026-11-27T07:55:00Z","values":{}}', 'IOC_INGEST_SCHEMA'],
    [
      'hue/sensors/water_level/kim-long',
      '{"ts":"2026-11-27T07:55:00Z","values":{"Bad Metric":1}}',
      'IOC_INGEST_SCHEMA',
    ],
    ['hue/sensors/water_level/kim-long', '{"ts":"2026-11-27T09:00:00Z","value":2.3}', 'IOC_INGEST_TIME'],
    ['hue/sensors/water_level/kim-long', '{"ts":"2026-02-30T07:55:00Z","value":2.3}', 'IOC_INGEST_TIME'],
    ['hue/sensors/water_level/kim-long', '[]', 'IOC_INGEST_SCHEMA'],
    ['hue/sensors/water_level/kim-long', 'null', 'IOC_INGEST_SCHEMA'],
    ['hue/sensors/radiation/x1', '{"ts":"2026-11-27T07:55:00Z","value":2.3}', 'IOC_INGEST_UNKNOWN_KIND'],
    [
      'hue/sensors/water_level/Kim Long!',
      '{"ts":"2026-11-27T07:55:00Z","value":2.3}',
      'IOC_INGEST_DEVICE_ID',
    ],
    ['hue/cameras/cam-1/events', '{}', 'IOC_INGEST_TOPIC'],
  ])('%s %s → %s', (topic, payload, code) => {
    const r = normaliseSensorMessage(topic, enc(payload), now);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reject.code).toBe(code);
      expect(r.reject.reason.length).toBeGreaterThan(10);
    }
  });

  it('refuses invalid UTF-8 and oversized payloads before parsing', () => {
    const bad = normaliseSensorMessage(
      'hue/sensors/rain/rain-a-luoi',
      new Uint8Array([0x7b, 0xff, 0x7d]),
      now,
    );
    expect(!bad.ok && bad.reject.code).toBe('IOC_INGEST_JSON');
    const big = normaliseSensorMessage(
      'hue/sensors/rain/rain-a-luoi',
      new Uint8Array(MAX_SENSOR_PAYLOAD_BYTES + 1),
      now,
    );
    expect(!big.ok && big.reject.code).toBe('IOC_INGEST_TOO_LARGE');
  });

  it('names the wrong field in the reason', () => {
    const r = normaliseSensorMessage('hue/sensors/rain/rain-a-luoi', enc({ ts: 'yesterday', value: 1 }), now);
    expect(!r.ok && r.reject.reason).toMatch(/\/ts/);
  });
});

describe('parseSensorTopic', () => {
  it('reads kind and device id', () => {
    expect(parseSensorTopic('hue/sensors/traffic/traffic-an-cuu')).toEqual({
      ok: true,
      value: { kind: 'traffic', deviceId: 'traffic-an-cuu' },
    });
  });
});
