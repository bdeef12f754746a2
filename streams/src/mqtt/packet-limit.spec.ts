import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MqttFrameScanner } from './packet-limit.ts';

/** MQTT 3.1.1 §2.2.3: the remaining length, 7 bits a byte, least significant first. */
function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

const frame = (firstByte: number, body: Buffer): Buffer =>
  Buffer.concat([Buffer.from([firstByte, ...remainingLength(body.length)]), body]);

/** A QoS 1 PUBLISH: topic length, topic, packet id, payload (§3.3). */
const publish = (topic: string, bytes: number, messageId = 1): Buffer => {
  const t = Buffer.from(topic);
  const head = Buffer.from([t.length >> 8, t.length & 0xff, ...t, messageId >> 8, messageId & 0xff]);
  return frame(0x32, Buffer.concat([head, Buffer.alloc(bytes, 0x41)]));
};

/** A CONNECT's bytes as far as framing goes (the scanner does not read the variable header). */
const connect = (): Buffer =>
  frame(0x10, Buffer.from('\x00\x04MQTT\x04\x02\x00\x3c\x00\x0dtram-kim-long', 'latin1'));

/** Splits a buffer at the given cut points. */
const chunks = (buf: Buffer, cuts: number[]): Buffer[] => {
  const at = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...at, buf.length]) {
    out.push(buf.subarray(from, c));
    from = c;
  }
  return out;
};

describe('MqttFrameScanner', () => {
  const LIMIT = 65 * 1024;

  it('passes a stream of packets within the limit, however it is cut', () => {
    const stream = Buffer.concat([
      connect(),
      publish('hue/sensors/water_level/kim-long', 60),
      publish('a/b', LIMIT - 20, 2),
    ]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        const scanner = new MqttFrameScanner(LIMIT);
        for (const c of chunks(stream, cuts)) expect(scanner.push(c)).toBeNull();
      }),
      { seed: 46, numRuns: 300 },
    );
  });

  it('reports a 10 MB publish from its length field, whatever came before and however it is cut', () => {
    const big = publish('hue/sensors/water_level/kim-long', 10 * 1024 * 1024);
    const head = Buffer.concat([connect(), publish('hue/sensors/water_level/kim-long', 80)]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: head.length + 6 }), { maxLength: 8 }), (cuts) => {
        // Only the packets before it and the first bytes of the big one are fed: the scanner decides on those.
        const prefix = Buffer.concat([head, big.subarray(0, 5)]);
        const scanner = new MqttFrameScanner(LIMIT);
        const results = chunks(prefix, cuts).map((c) => scanner.push(c));
        expect(results.find((r) => r !== null)).toBeGreaterThan(10 * 1024 * 1024);
      }),
      { seed: 46, numRuns: 300 },
    );
  });

  it('treats a length field longer than four bytes as malformed', () => {
    const scanner = new MqttFrameScanner(LIMIT);
    expect(scanner.push(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toBe(Infinity);
  });

  it('counts a packet of exactly the limit as allowed and one byte more as too long', () => {
    // Body of a QoS 1 publish on topic "t": 2 + 1 (topic) + 2 (packet id) + payload.
    expect(new MqttFrameScanner(100).push(publish('t', 95))).toBeNull();
    expect(new MqttFrameScanner(100).push(publish('t', 96))).toBe(101);
  });
});
