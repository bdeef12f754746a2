import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { storableDetails, storableText } from './dead-letter.repository.ts';

/** What PostgreSQL text and jsonb refuse: U+0000 and surrogates without their pair. */
const hasUnstorable = (s: string) =>
  s.includes('\u0000') || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('dead letters take any text (issue 11: one NUL in a JSON key stalled sensor ingest)', () => {
  it('writes NUL and lone surrogates as visible \\uXXXX text and keeps everything else', () => {
    expect(storableText('/\u0000 Unexpected property')).toBe('/\\u0000 Unexpected property');
    expect(storableText('a\ud800b\udc00c')).toBe('a\\ud800b\\udc00c');
    expect(storableText('Phường Thuận Hóa 🌧 \u0001\t')).toBe('Phường Thuận Hóa 🌧 \u0001\t');
    // Cut through a surrogate pair: the half left is escaped, not stored broken.
    expect(storableText('a🌧b', 3)).toBe('a\\ud83c…');
  });

  it('details: keys and values escaped, flagged; clean details unchanged; non-JSON replaced by a note', () => {
    expect(storableDetails(undefined)).toBeNull();
    expect(storableDetails([{ path: '/value', message: 'Expected number' }])).toBe(
      '[{"path":"/value","message":"Expected number"}]',
    );
    const escaped = JSON.parse(storableDetails([{ path: '/\u0000', message: 'Unexpected property' }])!);
    expect(escaped).toEqual({
      escaped: true,
      details: [{ path: '/\\u0000', message: 'Unexpected property' }],
    });
    expect(JSON.parse(storableDetails({ '\ud800': 'x\u0000' })!)).toEqual({
      escaped: true,
      details: { '\\ud800': 'x\\u0000' },
    });
    // An escaped backslash before "u0000" is text, not an escape: left as it is.
    expect(storableDetails({ path: '\\u0000' })).toBe('{"path":"\\\\u0000"}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(JSON.parse(storableDetails(cyclic)!)).toMatchObject({ unserialisable: expect.any(String) });
    expect(JSON.parse(storableDetails({ n: 10n })!)).toMatchObject({ unserialisable: expect.any(String) });
  });

  it('any string and any JSON value come out storable (fast-check, fixed seed)', () => {
    const anyText = fc.string({ unit: 'binary', maxLength: 64 });
    fc.assert(
      fc.property(anyText, (s) => !hasUnstorable(storableText(s))),
      { seed: 11, numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(anyText, anyText), (json, dict) => {
        for (const v of [json, dict, [dict, json]]) {
          const text = storableDetails(v);
          if (text === null) continue;
          // Valid JSON, and none of the escapes jsonb refuses left in it.
          const parsed: unknown = JSON.parse(text);
          if (/(?<!\\)(?:\\\\)*\\u(0000|d[89a-f][0-9a-f]{2})/i.test(text)) return false;
          if (hasUnstorable(JSON.stringify(parsed))) return false;
        }
        return true;
      }),
      { seed: 11, numRuns: 1000 },
    );
  });
});
