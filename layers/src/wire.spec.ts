import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeColumnar, encodeColumnar } from './wire.ts';
import type { Feature } from './feature.ts';

describe('columnar wire encoding', () => {
  it('round-trips realistic sensor features, including missing keys and null positions', () => {
    const features: Feature[] = [
      {
        id: 'kim-long',
        position: [107.553, 16.462],
        props: { kind: 'water_level', value: 2.34, thresholds: [1, 2, 3.5], state: 'alarm2' },
      },
      { id: 'rain-new', position: null, props: { kind: 'rain', value: null, state: 'unknown' } },
      { id: 'odd', position: [107.6, 16.4], props: 'not an object' },
    ];
    expect(decodeColumnar(encodeColumnar(features))).toEqual(features);
  });

  it('property: decode(encode(x)) equals x for any JSON-like features', () => {
    const json = fc.jsonValue().filter((v) => v !== undefined);
    const feature = fc.record({
      id: fc.string({ minLength: 1, maxLength: 8 }),
      position: fc.option(
        fc.tuple(
          fc.double({ min: -180, max: 180, noNaN: true }),
          fc.double({ min: -90, max: 90, noNaN: true }),
        ),
        { nil: null },
      ),
      props: fc.oneof(fc.dictionary(fc.constantFrom('a', 'b', 'value', 'state', '~x'), json), json),
    });
    fc.assert(
      fc.property(fc.array(feature, { maxLength: 30 }), (features) => {
        // JSON is the contract both encodings travel through.
        const viaWire = JSON.parse(JSON.stringify(encodeColumnar(features)));
        expect(decodeColumnar(viaWire)).toEqual(JSON.parse(JSON.stringify(features)));
      }),
      { numRuns: 300 },
    );
  });
});
