import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { signBody, verifySignature } from './signature.ts';

const secret = 'hue-demo-secret';
const body = JSON.stringify({
  id: 'HUES-2026-118734',
  category: 'Thoát nước, ngập úng',
  description: 'Ngập sâu trước chợ Đông Ba',
});
const now = new Date('2026-10-28T01:15:00Z');
const ts = Math.floor(now.getTime() / 1000);

describe('verifySignature', () => {
  it('matches the contract of ARCHITECTURE.md: sha256=hex(HMAC(secret, ts + "." + body))', () => {
    const expected = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
    expect(signBody(secret, body, now)).toEqual({
      'X-Timestamp': String(ts),
      'X-Signature': `sha256=${expected}`,
    });
  });

  it('accepts a signed body, as a string or as the raw bytes, and upper-case hex', () => {
    const h = signBody(secret, body, ts);
    expect(
      verifySignature({
        secret,
        timestamp: h['X-Timestamp'],
        signature: h['X-Signature'],
        rawBody: body,
        now,
      }),
    ).toEqual({
      ok: true,
      value: { signedAt: new Date(ts * 1000) },
    });
    const upper = h['X-Signature'].replace(/[0-9a-f]{64}$/, (x) => x.toUpperCase());
    expect(
      verifySignature({
        secret,
        timestamp: [h['X-Timestamp']],
        signature: upper,
        rawBody: Buffer.from(body),
        now,
      }).ok,
    ).toBe(true);
  });

  it('accepts either secret during a rotation', () => {
    const h = signBody('new-secret', body, ts);
    expect(
      verifySignature({
        secret: [secret, 'new-secret'],
        timestamp: h['X-Timestamp'],
        signature: h['X-Signature'],
        rawBody: body,
        now,
      }).ok,
    ).toBe(true);
  });

  const verify = (over: Partial<Parameters<typeof verifySignature>[0]>) => {
    const h = signBody(secret, body, ts);
    const r = verifySignature({
      secret,
      timestamp: h['X-Timestamp'],
      signature: h['X-Signature'],
      rawBody: body,
      now,
      ...over,
    });
    return r.ok ? 'ok' : r.reject.code;
  };

  it.each([
    [{ timestamp: undefined }, 'IOC_INGEST_SIGNATURE_MISSING'],
    [{ signature: '' }, 'IOC_INGEST_SIGNATURE_MISSING'],
    [{ signature: [] as string[] }, 'IOC_INGEST_SIGNATURE_MISSING'],
    [{ timestamp: [String(ts), String(ts)] }, 'IOC_INGEST_SIGNATURE_INVALID'],
    [{ timestamp: '2026-10-28T01:15:00Z' }, 'IOC_INGEST_SIGNATURE_INVALID'],
    [{ signature: 'sha1=abcdef' }, 'IOC_INGEST_SIGNATURE_INVALID'],
    [{ signature: `sha256=${'0'.repeat(64)}` }, 'IOC_INGEST_SIGNATURE_INVALID'],
    [{ secret: 'another-source-secret' }, 'IOC_INGEST_SIGNATURE_INVALID'],
    [{ rawBody: body.replace('Đông Ba', 'Đông Bà') }, 'IOC_INGEST_SIGNATURE_INVALID'],
    [{ rawBody: `${body} ` }, 'IOC_INGEST_SIGNATURE_INVALID'],
    [{ now: new Date(now.getTime() + 301_000) }, 'IOC_INGEST_SIGNATURE_EXPIRED'],
    [{ now: new Date(now.getTime() - 301_000) }, 'IOC_INGEST_SIGNATURE_EXPIRED'],
    [{ now: new Date(now.getTime() + 300_000) }, 'ok'],
    [{ now: new Date(now.getTime() - 299_000) }, 'ok'],
  ])('%j → %s', (over, expected) => {
    expect(verify(over)).toBe(expected);
  });

  it('refuses a replay with a fresh timestamp but the old signature', () => {
    const h = signBody(secret, body, ts - 3600);
    expect(verify({ timestamp: String(ts), signature: h['X-Signature'] })).toBe(
      'IOC_INGEST_SIGNATURE_INVALID',
    );
    expect(verify({ timestamp: h['X-Timestamp'], signature: h['X-Signature'] })).toBe(
      'IOC_INGEST_SIGNATURE_EXPIRED',
    );
  });

  it('property: signBody then verifySignature accepts, and any change to one byte of the body refuses', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 40 }),
        (bytes, pos, key) => {
          const h = signBody(key, bytes, ts);
          const args = { secret: key, timestamp: h['X-Timestamp'], signature: h['X-Signature'], now };
          expect(verifySignature({ ...args, rawBody: bytes }).ok).toBe(true);
          const tampered = Uint8Array.from(bytes);
          const i = pos % tampered.length;
          tampered[i] = (tampered[i] ?? 0) ^ 0x01;
          const r = verifySignature({ ...args, rawBody: tampered });
          expect(!r.ok && r.reject.code).toBe('IOC_INGEST_SIGNATURE_INVALID');
        },
      ),
      { numRuns: 200 },
    );
  });
});
