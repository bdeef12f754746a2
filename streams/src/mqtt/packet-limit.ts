import { Duplex } from 'node:stream';

/**
 * Follows the MQTT framing of a byte stream (MQTT 3.1.1 §2.2: one fixed-header byte, then the "remaining
 * length" in 1–4 bytes of 7 bits each, then that many bytes) without keeping any of it, and reports the
 * first packet longer than `maxPacketBytes` as soon as its length field is read.
 */
export class MqttFrameScanner {
  private state: 'header' | 'length' | 'body' = 'header';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private left = 0;

  constructor(private readonly maxPacketBytes: number) {}

  /**
   * Feeds the next bytes. Returns null while every packet is within the limit, else the announced
   * length of the one that is not (a malformed length field counts as too long: `Infinity`).
   */
  push(chunk: Uint8Array): number | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const n = Math.min(this.left, chunk.length - i);
        this.left -= n;
        i += n;
        if (this.left === 0) this.state = 'header';
        continue;
      }
      const byte = chunk[i++]!;
      if (this.state === 'header') {
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      if (byte & 0x80) {
        if (this.lengthBytes === 4) return Infinity; // §2.2.3: at most four bytes
        continue;
      }
      if (this.length > this.maxPacketBytes) return this.length;
      this.left = this.length;
      this.state = this.length === 0 ? 'header' : 'body';
    }
    return null;
  }
}

/**
 * The connection as the broker sees it: the socket's bytes, except that a packet longer than
 * `maxPacketBytes` closes the socket when its length field arrives, so a 10 MB publish costs one read
 * buffer, not 10 MB (aedes' parser would otherwise collect the whole packet before any hook sees it).
 * Writes go straight to the socket.
 */
export function limitPacketSize(
  socket: Duplex,
  maxPacketBytes: number,
  onOversize: (announcedBytes: number) => void,
): Duplex {
  const scanner = new MqttFrameScanner(maxPacketBytes);
  const guarded = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (socket.write(chunk)) callback();
      else socket.once('drain', () => callback());
    },
    final(callback) {
      socket.end(() => callback());
    },
    destroy(err, callback) {
      socket.destroy(err ?? undefined);
      callback(err);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    const over = scanner.push(chunk);
    if (over !== null) {
      socket.removeAllListeners('data');
      onOversize(over);
      socket.destroy();
      guarded.destroy();
      return;
    }
    if (!guarded.push(chunk)) socket.pause();
  });
  socket.on('end', () => guarded.push(null));
  socket.on('error', (err) => guarded.destroy(err));
  socket.on('close', () => guarded.destroy());
  return guarded;
}
