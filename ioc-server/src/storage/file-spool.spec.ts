import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type InboundMessage } from '@hue-ioc/streams';
import { FileSpool } from './file-spool.ts';

const message = (device: string, payload: Buffer, at: string): InboundMessage => ({
  topic: `hue/sensors/water_level/${device}`,
  payload,
  receivedAt: new Date(at),
  duplicate: false,
});

describe('FileSpool: MQTT batches on disk while the database is down', () => {
  const dirs: string[] = [];
  const newDir = async () => {
    const d = await mkdtemp(join(tmpdir(), 'hue-ioc-spool-'));
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('keeps any bytes, gives batches back oldest first, and still has them after a restart', async () => {
    const dir = await newDir();
    const spool = await FileSpool.open(dir, 1024 * 1024, silentLogger);
    const anyBytes = Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x7d]);
    expect(
      await spool.append([
        message(
          'kim-long',
          Buffer.from('{"ts":"2026-11-27T01:00:00Z","value":2.34}'),
          '2026-11-27T01:00:01Z',
        ),
        message('phu-oc', anyBytes, '2026-11-27T01:00:00.500Z'),
      ]),
    ).toBe(true);
    expect(await spool.append([message('vy-da', Buffer.from('{}'), '2026-11-27T01:00:02Z')])).toBe(true);
    expect(spool.messages).toBe(3);
    expect(spool.oldestAt).toEqual(new Date('2026-11-27T01:00:00.500Z'));

    // A restart: a second spool over the same folder, plus a write that never finished.
    await writeFile(join(dir, '0000000000000009-1-0.json.tmp'), '{"v":1,"mess');
    const again = await FileSpool.open(dir, 1024 * 1024, silentLogger);
    expect(again.messages).toBe(3);
    expect(await readdir(dir)).toHaveLength(2);
    // As many batches as fit in the count asked for, oldest first; at least one.
    expect((await again.head(3)).map((b) => b.messages.length)).toEqual([2, 1]);
    expect((await again.head(1)).map((b) => b.messages.length)).toEqual([2]);
    const [first] = await again.head(2);
    expect(first!.messages.map((m) => m.topic.split('/').at(-1))).toEqual(['kim-long', 'phu-oc']);
    expect(first!.messages[1]!.payload.equals(anyBytes)).toBe(true);
    expect(first!.messages[0]!.receivedAt).toEqual(new Date('2026-11-27T01:00:01Z'));
    await again.remove(first!.id);
    expect(again.messages).toBe(1);
    // New batches follow the ones already there.
    await again.append([message('thuan-an', Buffer.from('{}'), '2026-11-27T01:00:03Z')]);
    const [next] = await again.head(1);
    expect(next!.messages[0]!.topic).toBe('hue/sensors/water_level/vy-da');
    await again.remove(next!.id);
    expect((await again.head(1))[0]!.messages[0]!.topic).toBe('hue/sensors/water_level/thuan-an');
  });

  it('is bounded: a batch that would pass the bound is refused and nothing of it is kept', async () => {
    const dir = await newDir();
    const spool = await FileSpool.open(dir, 400, silentLogger);
    const m = message('kim-long', Buffer.alloc(100, 0x31), '2026-11-27T01:00:00Z');
    expect(await spool.append([m])).toBe(true);
    expect(await spool.append([m, m])).toBe(false);
    expect(spool.messages).toBe(1);
    expect(await readdir(dir)).toHaveLength(1);
  });

  it('a file that cannot be read back is set aside as .corrupt, not deleted, and the next batch comes', async () => {
    const dir = await newDir();
    await writeFile(join(dir, '0000000000000000-1-1798333200000.json'), '{"v":1,"messages":[{"top');
    const spool = await FileSpool.open(dir, 1024 * 1024, silentLogger);
    await spool.append([message('kim-long', Buffer.from('{}'), '2026-11-27T01:00:00Z')]);
    const [next] = await spool.head(10);
    expect(next!.messages[0]!.topic).toBe('hue/sensors/water_level/kim-long');
    expect((await readdir(dir)).sort()).toEqual([
      '0000000000000000-1-1798333200000.json.corrupt',
      expect.stringMatching(/^0000000000000001-1-\d+\.json$/),
    ]);
  });
});
