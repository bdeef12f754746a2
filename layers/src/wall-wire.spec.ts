import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeWallFeatures, encodeWallFeatures, WALL_TEXT_FIELDS, WallDecodeError } from './wall-wire.ts';
import { encodeColumnar } from './wire.ts';
import type { Feature } from './feature.ts';
import type { IncidentProps } from './incident.ts';
import type { SensorProps } from './sensor.ts';

const NOW = Date.parse('2026-12-01T08:30:00.000Z');
const STATUSES = ['new', 'verified', 'assigned', 'in_progress', 'returned', 'extended'] as const;
const CATEGORIES = ['moi_truong', 'giao_thong', 'thoat_nuoc', 'chieu_sang', 'trat_tu_do_thi'];

/** Incidents as the incidents layer publishes them (incidentFeature): ids IOC-<yymm>-<6 digits>. */
function incident(i: number): Feature<IncidentProps> {
  return {
    id: `IOC-${i % 7 === 0 ? '2611' : '2612'}-${String(i).padStart(6, '0')}`,
    position: i % 50 === 0 ? null : [(1_075_000 + (i % 997)) / 10_000, (164_000 + (i % 991)) / 10_000],
    props: {
      version: 1 + (i % 5),
      status: STATUSES[i % STATUSES.length]!,
      category: CATEGORIES[i % CATEGORIES.length]!,
      priority: 1 + (i % 4),
      title: `Ngập nước đường Lê Lợi, đoạn số ${i}`,
      wardCode: i % 3 === 0 ? null : `1977${i % 30}`,
      agencyId: i % 9 === 0 ? null : `ubnd-phuong-${i % 40}`,
      dueAt: i % 11 === 0 ? null : new Date(NOW + i * 61_013).toISOString(),
      // Open incidents of the last two months, times to the millisecond as PostgreSQL gives them.
      createdAt: new Date(NOW - i * 51_839).toISOString(),
      updatedAt: new Date(NOW - i * 17_003).toISOString(),
      channels: i % 4 === 0 ? ['hue_s', 'hotline'] : ['hue_s'],
    },
  };
}

function sensor(i: number): Feature<SensorProps> {
  return {
    id: `hue-rain-${i}`,
    position: [(107_300 + i) / 1000, (162_000 + i * 5) / 10_000],
    props: {
      kind: i % 2 ? 'rain' : 'water_level',
      name: `Trạm Kim Long ${i}`,
      wardCode: '19774',
      metric: i % 2 ? 'rain_rate' : 'water_level',
      value: i % 10 === 0 ? null : i / 10,
      unit: i % 2 ? 'mm/h' : 'm',
      observedAt: i % 10 === 0 ? null : new Date(NOW - i * 1000).toISOString(),
      alarmLevel: i % 4,
      state: 'normal',
      thresholds: [1, 2.5, 3.5],
      expectedIntervalS: 300,
    },
  };
}

const withoutTitle = (f: Feature<IncidentProps>) => ({ ...f, props: { ...f.props, title: '' } });
const omit = WALL_TEXT_FIELDS.incidents!;

describe('wall wire encoding', () => {
  it('round-trips incidents without their titles, which are replaced by the placeholder', () => {
    const features = Array.from({ length: 500 }, (_, i) => incident(i));
    const decoded = decodeWallFeatures<IncidentProps>(encodeWallFeatures(features, { omit }));
    expect(decoded.omitted).toEqual(['title']);
    expect(decoded.features).toEqual(features.map(withoutTitle));
  });

  it('round-trips sensors exactly (names travel, values with their decimals, null readings)', () => {
    const features = Array.from({ length: 300 }, (_, i) => sensor(i));
    const decoded = decodeWallFeatures(encodeWallFeatures(features));
    expect(decoded.omitted).toEqual([]);
    expect(decoded.features).toEqual(features);
  });

  it('encodes an empty layer', () => {
    const bytes = encodeWallFeatures([]);
    expect(bytes.length).toBeLessThan(32);
    expect(decodeWallFeatures(bytes)).toEqual({ features: [], omitted: [] });
  });

  it('quantises positions to 1e-6° (six decimals come back as the same double)', () => {
    const features: Feature[] = [
      { id: 'a', position: [107.123456789, 16.987654321], props: {} },
      { id: 'b', position: [107.585, 16.4637], props: {} },
      { id: 'c', position: [-179.999999, -89.5], props: {} },
    ];
    const [a, b, c] = decodeWallFeatures(encodeWallFeatures(features)).features;
    expect(a!.position![0]).toBeCloseTo(107.123457, 9);
    expect(Math.abs(a!.position![1] - 16.987654321)).toBeLessThanOrEqual(5e-7);
    expect(b!.position).toEqual([107.585, 16.4637]);
    expect(c!.position).toEqual([-179.999999, -89.5]);
  });

  it('holds 100,000 incidents in under 30 bytes each, a fifth of the columnar JSON', () => {
    const features = Array.from({ length: 100_000 }, (_, i) => incident(i));
    const bytes = encodeWallFeatures(features, { omit });
    expect(bytes.length / features.length).toBeLessThan(30);
    const columnar = Buffer.byteLength(JSON.stringify(encodeColumnar(features)));
    expect(bytes.length).toBeLessThan(columnar / 5);
    const decoded = decodeWallFeatures<IncidentProps>(bytes).features;
    expect(decoded).toHaveLength(100_000);
    expect(decoded[99_999]).toEqual(withoutTitle(features[99_999]!));
    expect(decoded[12_345]).toEqual(withoutTitle(features[12_345]!));
  }, 60_000);

  it('keeps prototype-shaped keys and values as plain data', () => {
    const features: Feature[] = [
      {
        id: '__proto__',
        position: null,
        props: JSON.parse('{"__proto__": {"polluted": 1}, "constructor": "x"}'),
      },
      { id: 'constructor', position: null, props: { toString: 'valueOf', hasOwnProperty: [1] } },
      { id: 'odd', position: null, props: ['not', 'an', 'object'] },
      { id: 'nul', position: null, props: null },
    ];
    const decoded = decodeWallFeatures<Record<string, unknown>>(encodeWallFeatures(features)).features;
    expect(decoded).toEqual(JSON.parse(JSON.stringify(features)));
    expect(Object.getPrototypeOf(decoded[0]!.props)).toBe(Object.prototype);
    expect(Object.hasOwn(decoded[0]!.props, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('sends only own keys even when something added an enumerable key to Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.injected = 'from a polluted prototype';
    try {
      const decoded = decodeWallFeatures(encodeWallFeatures([incident(1), incident(2)], { omit })).features;
      expect(decoded.map((f) => Object.keys(f.props as object))).toEqual([
        Object.keys(incident(1).props),
        Object.keys(incident(2).props),
      ]);
    } finally {
      delete proto.injected;
    }
  });

  it('shares dictionary values between features only frozen', () => {
    const decoded = decodeWallFeatures<IncidentProps>(
      encodeWallFeatures([incident(1), incident(2)], { omit }),
    ).features;
    expect(Object.isFrozen(decoded[0]!.props.channels)).toBe(true);
    expect(() => (decoded[0]!.props.channels as string[]).push('camera')).toThrow();
  });

  it('keeps strings shaped like a time with a letter in a digit place as text, never null', () => {
    // Imported rows carry what a clerk typed (`2O26` with a letter O): the time column becomes text.
    const times = ['2026-12-01T08:30:00.000Z', '2O26-12-01T08:30:00.000Z', '2026-12-01T08:3O:00.000Z'];
    const features: Feature[] = times.map((at, i) => ({
      id: `IOC-2612-00000${i}`,
      position: null,
      props: { at },
    }));
    const decoded = decodeWallFeatures(encodeWallFeatures(features)).features;
    expect(decoded.map((f) => (f.props as { at: unknown }).at)).toEqual(times);
  });

  it('dictionary-codes lists of strings of any length, each distinct list once', () => {
    const lists = [['hue_s'], ['hue_s', 'hotline'], [], ['hotline', 'hue_s'], ['hue_s', 'hotline', 'zalo']];
    const features: Feature[] = Array.from({ length: 2000 }, (_, i) => ({
      id: `IOC-2612-${String(i).padStart(6, '0')}`,
      position: null,
      props: { channels: lists[i % lists.length]!.slice() },
    }));
    const bytes = encodeWallFeatures(features);
    // Past the first five (every list once), a feature costs its id's byte and its list's index byte
    // (and the count one more byte): no list is a new entry again.
    const firstFive = encodeWallFeatures(features.slice(0, 5));
    expect(bytes.length).toBeLessThanOrEqual(firstFive.length + 2 * 1995 + 1);
    const decoded = decodeWallFeatures(bytes).features;
    expect(decoded).toEqual(features);
    expect((decoded[5]!.props as { channels: unknown }).channels).toBe(
      (decoded[0]!.props as { channels: unknown }).channels,
    );
  });

  it('round-trips times wider than four bytes, in ms and whole seconds, with nulls and absent keys', () => {
    // Ranges past 2^32 ms (50 days) and 2^40 ms (35 years) take five and six bytes a time.
    const spans = [3_600_000_000, 1_100_000_000_000, 250_000_000_000_000];
    for (const span of spans) {
      for (const unit of [1, 1000]) {
        const features: Feature[] = Array.from({ length: 3000 }, (_, i) => ({
          id: `IOC-2612-${i}`,
          position: null,
          props:
            i % 17 === 0
              ? {}
              : {
                  at:
                    i % 13 === 0
                      ? null
                      : new Date(
                          -62_000_000_000_000 +
                            Math.floor(((((i * 7919) % 3000) / 3000) * span) / unit) * unit +
                            unit,
                        ).toISOString(),
                },
        }));
        expect(decodeWallFeatures(encodeWallFeatures(features)).features).toEqual(features);
      }
    }
  });

  it('refuses every truncation of a snapshot with a WallDecodeError', () => {
    const bytes = encodeWallFeatures<unknown>(
      [
        ...Array.from({ length: 20 }, (_, i) => incident(i)),
        ...Array.from({ length: 5 }, (_, i) => sensor(i)),
      ],
      { omit },
    );
    for (let len = 0; len < bytes.length; len++) {
      expect(() => decodeWallFeatures(bytes.subarray(0, len)), `length ${len}`).toThrow(WallDecodeError);
    }
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(() => decodeWallFeatures(longer)).toThrow(/unexpected bytes/);
  });

  it('refuses what is not binary, or not a wall snapshot', () => {
    expect(() => decodeWallFeatures('IOCW')).toThrow(WallDecodeError);
    expect(() => decodeWallFeatures({ length: 3 })).toThrow(WallDecodeError);
    expect(() => decodeWallFeatures(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(/bad magic/);
    expect(() => decodeWallFeatures(new Uint8Array([0x49, 0x4f, 0x43, 0x57, 9]))).toThrow(/version 9/);
    // A count of 2^50 features in a 12-byte buffer: refused before anything is allocated.
    const lie = new Uint8Array([0x49, 0x4f, 0x43, 0x57, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
    expect(() => decodeWallFeatures(lie)).toThrow(/exceeds/);
  });

  it('property: any corrupted byte decodes or throws a WallDecodeError, nothing else', () => {
    const bytes = encodeWallFeatures<unknown>(
      [
        ...Array.from({ length: 30 }, (_, i) => incident(i)),
        ...Array.from({ length: 10 }, (_, i) => sensor(i)),
      ],
      { omit },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const copy = bytes.slice();
          for (const [at, v] of edits) copy[at] = v;
          try {
            decodeWallFeatures(copy);
          } catch (e) {
            expect(e).toBeInstanceOf(WallDecodeError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: random bytes after a valid header throw a WallDecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        const buf = new Uint8Array([0x49, 0x4f, 0x43, 0x57, 1, ...tail]);
        try {
          decodeWallFeatures(buf);
        } catch (e) {
          expect(e).toBeInstanceOf(WallDecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: decode(encode(x)) is x as JSON carries it, positions on the 1e-6° grid', () => {
    const json = fc.jsonValue();
    const feature = fc.record({
      id: fc.oneof(
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.nat().map((n) => `IOC-2612-${n}`),
      ),
      position: fc.option(
        fc.tuple(
          fc.integer({ min: -180_000_000, max: 180_000_000 }).map((x) => x / 1e6),
          fc.integer({ min: -90_000_000, max: 90_000_000 }).map((y) => y / 1e6),
        ),
        { nil: null },
      ),
      props: fc.oneof(
        fc.dictionary(fc.constantFrom('value', 'state', '__proto__', 'at', 'n'), json),
        fc.record({
          at: fc.option(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            { nil: null },
          ),
          n: fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.constant(null)),
        }),
        json,
      ),
    });
    fc.assert(
      fc.property(fc.array(feature, { maxLength: 40 }), (features) => {
        const decoded = decodeWallFeatures(encodeWallFeatures(features)).features;
        expect(decoded).toEqual(JSON.parse(JSON.stringify(features)));
      }),
      { numRuns: 400 },
    );
  });
});
