import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { InboundMessage, Logger } from '@hue-ioc/streams';
import type { IngestSpool, SpooledBatch } from '../ingest/ports.ts';

/** `<seq>-<messages>-<oldest receivedAt ms>.json`: what the spool needs to know at start without reading. */
const BATCH_FILE = /^(\d{16})-(\d+)-(\d+)\.json$/;

interface Entry {
  name: string;
  messages: number;
  oldestAt: number;
  bytes: number;
}

interface StoredMessage {
  topic: string;
  /** base64: a payload may be any bytes. */
  payload: string;
  receivedAt: string;
  duplicate: boolean;
}

/**
 * The IngestSpool on disk: one file per batch in `dir`, written to a temporary name, synced, renamed and
 * the folder synced, so a batch is either wholly there or not at all after a crash or power loss (the
 * ack to the broker follows `append`). Bounded by `maxBytes`; read back oldest first. A file that cannot
 * be read back is renamed `*.corrupt` and left for a person, never deleted.
 */
export class FileSpool implements IngestSpool {
  private entries: Entry[] = [];
  private seq = 0;
  private bytes = 0;
  private count = 0;

  private constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly logger: Logger,
  ) {}

  static async open(dir: string, maxBytes: number, logger: Logger): Promise<FileSpool> {
    await mkdir(dir, { recursive: true });
    const spool = new FileSpool(dir, maxBytes, logger);
    for (const name of (await readdir(dir)).sort()) {
      if (name.endsWith('.tmp')) {
        // A write that did not finish: its batch was never acknowledged, the broker still has it.
        await rm(join(dir, name), { force: true });
        continue;
      }
      const m = BATCH_FILE.exec(name);
      if (!m) continue;
      const { size } = await stat(join(dir, name));
      spool.add({ name, messages: Number(m[2]), oldestAt: Number(m[3]), bytes: size });
      spool.seq = Math.max(spool.seq, Number(m[1]) + 1);
    }
    return spool;
  }

  get messages(): number {
    return this.count;
  }

  get oldestAt(): Date | null {
    const first = this.entries[0];
    return first ? new Date(first.oldestAt) : null;
  }

  /** Bytes held now. */
  get size(): number {
    return this.bytes;
  }

  async append(messages: readonly InboundMessage[]): Promise<boolean> {
    if (messages.length === 0) return true;
    const body = JSON.stringify({
      v: 1,
      messages: messages.map((m): StoredMessage => ({
        topic: m.topic,
        payload: Buffer.from(m.payload).toString('base64'),
        receivedAt: m.receivedAt.toISOString(),
        duplicate: m.duplicate,
      })),
    });
    const bytes = Buffer.byteLength(body);
    if (this.bytes + bytes > this.maxBytes) return false;
    const oldestAt = Math.min(...messages.map((m) => m.receivedAt.getTime()));
    const name = `${String(this.seq++).padStart(16, '0')}-${messages.length}-${oldestAt}.json`;
    const tmp = join(this.dir, `${name}.tmp`);
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(body);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, join(this.dir, name));
    await this.syncDir();
    this.add({ name, messages: messages.length, oldestAt, bytes });
    return true;
  }

  async head(maxMessages: number): Promise<SpooledBatch[]> {
    const out: SpooledBatch[] = [];
    let taken = 0;
    for (let i = 0; i < this.entries.length;) {
      const entry = this.entries[i]!;
      if (out.length > 0 && taken + entry.messages > maxMessages) break;
      const batch = await this.read(entry);
      if (!batch) continue; // set aside; the next entry is now at i
      out.push(batch);
      taken += entry.messages;
      i++;
    }
    return out;
  }

  /** Reads a batch back; one that cannot be read is renamed `.corrupt` and dropped (null). */
  private async read(entry: Entry): Promise<SpooledBatch | null> {
    try {
      const parsed = JSON.parse(await readFile(join(this.dir, entry.name), 'utf8')) as {
        messages: StoredMessage[];
      };
      return {
        id: entry.name,
        messages: parsed.messages.map((m) => ({
          topic: m.topic,
          payload: Buffer.from(m.payload, 'base64'),
          receivedAt: new Date(m.receivedAt),
          duplicate: m.duplicate,
        })),
      };
    } catch (e) {
      this.logger.error(
        { file: entry.name, err: (e as Error).message },
        'spooled batch cannot be read; kept as .corrupt',
      );
      await rename(join(this.dir, entry.name), join(this.dir, `${entry.name}.corrupt`)).catch(
        () => undefined,
      );
      this.drop(entry.name);
      return null;
    }
  }

  async remove(id: string): Promise<void> {
    await rm(join(this.dir, id), { force: true });
    this.drop(id);
  }

  private add(e: Entry): void {
    this.entries.push(e);
    this.bytes += e.bytes;
    this.count += e.messages;
  }

  private drop(name: string): void {
    const i = this.entries.findIndex((e) => e.name === name);
    if (i < 0) return;
    const [e] = this.entries.splice(i, 1);
    this.bytes -= e!.bytes;
    this.count -= e!.messages;
  }

  private async syncDir(): Promise<void> {
    const d = await open(this.dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }
}
