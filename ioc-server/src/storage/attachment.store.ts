import { createReadStream } from 'node:fs';
import { link, mkdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/**
 * Where attachment bytes live, behind one small port (STYLE.md, immich): the disk under DATA_DIR today, an
 * S3-style object store later. Keys are chosen by the server (the SHA-256 of the bytes), never from a
 * client's filename. Objects are immutable: `put` of an existing key keeps the first.
 */
export interface AttachmentStore {
  put(key: string, data: Uint8Array): Promise<void>;
  /** The object's bytes as a stream, or null when there is none. */
  get(key: string): Promise<{ stream: Readable; bytes: number } | null>;
  /** Removes the object; no error when it is already gone. */
  delete(key: string): Promise<void>;
}

/** A storage key: 64 hex digits. Anything else never reaches a path. */
const KEY = /^[0-9a-f]{64}$/;

export function checkKey(key: string): string {
  if (!KEY.test(key)) throw new Error('invalid attachment storage key');
  return key;
}

/**
 * Content-addressed files: `<root>/ab/cd/<sha256>`. A write goes to a temporary file in the same folder
 * and is linked into place, so a reader never sees half a file and two writers of the same key both end
 * with the whole one.
 */
export class DiskAttachmentStore implements AttachmentStore {
  constructor(readonly root: string) {}

  private pathOf(key: string): { dir: string; file: string } {
    checkKey(key);
    const dir = join(this.root, key.slice(0, 2), key.slice(2, 4));
    return { dir, file: join(dir, key) };
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const { dir, file } = this.pathOf(key);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${randomUUID()}.tmp`);
    await writeFile(tmp, data, { flag: 'wx', mode: 0o640 });
    try {
      await link(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async get(key: string): Promise<{ stream: Readable; bytes: number } | null> {
    const { file } = this.pathOf(key);
    try {
      const s = await stat(file);
      return { stream: createReadStream(file), bytes: s.size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    const { file } = this.pathOf(key);
    try {
      await unlink(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

/** In memory, for service specs and as the second implementation of the contract suite. */
export class MemoryAttachmentStore implements AttachmentStore {
  readonly objects = new Map<string, Buffer>();

  async put(key: string, data: Uint8Array): Promise<void> {
    checkKey(key);
    if (!this.objects.has(key)) this.objects.set(key, Buffer.from(data));
  }

  async get(key: string): Promise<{ stream: Readable; bytes: number } | null> {
    checkKey(key);
    const data = this.objects.get(key);
    if (!data) return null;
    return { stream: Readable.from([data]), bytes: data.length };
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    this.objects.delete(key);
  }
}
