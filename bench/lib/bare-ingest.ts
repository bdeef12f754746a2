/**
 * The bare baseline of durable ingest: a plain `mqtt` subscriber that batches QoS 1 messages, writes them with
 * one `INSERT … SELECT unnest(…)` per batch into the same `observations` table (the same migrations, the same
 * database kind as the server) and acknowledges each message only after its batch committed — what the
 * pipeline does, minus validation, normalisation, devices, the live layer and alarms.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { openPgliteDb } from '../../ioc-server/src/storage/pglite.db.ts';
import { migrate } from '../../ioc-server/src/storage/migrate.ts';
import type { Db } from '../../ioc-server/src/storage/db.ts';

export class BareIngest {
  private constructor(
    readonly db: Db,
    private readonly dir: string,
  ) {}

  static async open(): Promise<BareIngest> {
    const dir = await mkdtemp(join(tmpdir(), 'hue-bench-bare-'));
    const db = await openPgliteDb(dir);
    await migrate(db);
    return new BareIngest(db, dir);
  }

  /** Subscribes to `url`; returns a stop function. */
  async subscribe(
    url: string,
    creds?: { username: string; password: string },
    maxBatch = 500,
  ): Promise<() => Promise<void>> {
    // mqtt.js reads on once handleMessage calls back; an error there means "no PUBACK now" (the trick the
    // pipeline's MqttSource uses too): the PUBACK is sent by hand after the batch committed.
    const DEFER = new Error('ack after commit');
    let pending: { topic: string; payload: Buffer; messageId: number | undefined }[] = [];
    let flushing = false;
    let timer: NodeJS.Timeout | undefined;
    const client: MqttClient = await mqtt.connectAsync(url, {
      protocolVersion: 4,
      clientId: `bench-bare-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      clean: true,
      reconnectPeriod: 0,
      ...(creds ?? {}),
    });
    const flush = async (): Promise<void> => {
      timer = undefined;
      if (flushing || pending.length === 0) return;
      flushing = true;
      const batch = pending.splice(0, maxBatch);
      const ts: string[] = [];
      const device: string[] = [];
      const value: number[] = [];
      for (const m of batch) {
        const body = JSON.parse(m.payload.toString('utf8')) as { ts: string; value: number };
        ts.push(body.ts);
        device.push(m.topic.slice(m.topic.lastIndexOf('/') + 1));
        value.push(body.value);
      }
      await this.db.query(
        `INSERT INTO observations (ts, device_id, metric, value, unit)
         SELECT t, d, 'rain_rate', v, 'mm/h' FROM unnest($1::timestamptz[], $2::text[], $3::float8[]) AS u(t, d, v)
         ON CONFLICT DO NOTHING`,
        [ts, device, value],
      );
      const send = (client as unknown as { _sendPacket(p: object): void })._sendPacket.bind(client);
      for (const m of batch) if (m.messageId !== undefined) send({ cmd: 'puback', messageId: m.messageId });
      flushing = false;
      if (pending.length > 0) setImmediate(() => void flush());
    };
    client.handleMessage = (packet, callback) => {
      pending.push({ topic: packet.topic, payload: packet.payload as Buffer, messageId: packet.messageId });
      callback(packet.qos > 0 ? DEFER : undefined);
      if (pending.length >= maxBatch) void flush();
      else timer ??= setTimeout(() => void flush(), 5);
    };
    await client.subscribeAsync('hue/sensors/+/+', { qos: 1 });
    return async () => {
      await client.endAsync();
      pending = [];
    };
  }

  async stored(prefix: string): Promise<{ n: number; lastAt: number | null }> {
    const [row] = await this.db.query<{ n: number; last: Date | null }>(
      `SELECT count(*)::int AS n, max(received_at) AS last FROM observations WHERE device_id LIKE $1`,
      [`${prefix}-%`],
    );
    return { n: row?.n ?? 0, lastAt: row?.last ? new Date(row.last).getTime() : null };
  }

  async close(): Promise<void> {
    await this.db.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}
