import type { AlarmStore, DeviceAlarm } from '../ingest/ports.ts';

/**
 * The sensors' alarm states kept in memory in front of the database's (`device_alarms`), for a node that
 * is the only writer of them: a single-node deployment (no Redis, so no other node takes readings). Each
 * device's state is read from the store once (its absence too), then answered from memory; every write
 * goes to the store first and reaches memory only once stored, so memory never holds a state the
 * database lacks. During a flood most gauges sit above a threshold and every batch asks for their
 * states: in-thread that was one SELECT per batch (~1 in 5 ms of the batch's database time, measured
 * with `bench/profile-ingest.ts --queries`).
 *
 * With several nodes another node may change a device's state: they use the store itself.
 */
export class CachedAlarmStore implements AlarmStore {
  /** A device's state, or `null` where the store has none (no alarm ever). */
  private readonly known = new Map<string, DeviceAlarm | null>();

  constructor(
    private readonly store: AlarmStore,
    /** Devices kept at most; past it the memory is emptied and filled again from the store. */
    private readonly maxDevices = 100_000,
  ) {}

  async get(deviceIds: readonly string[]): Promise<Map<string, DeviceAlarm>> {
    const out = new Map<string, DeviceAlarm>();
    const missing: string[] = [];
    for (const id of deviceIds) {
      const s = this.known.get(id);
      if (s === undefined) missing.push(id);
      else if (s !== null) out.set(id, s);
    }
    if (missing.length === 0) return out;
    const loaded = await this.store.get(missing);
    if (this.known.size + missing.length > this.maxDevices) this.known.clear();
    for (const id of missing) {
      const s = loaded.get(id) ?? null;
      this.known.set(id, s);
      if (s) out.set(id, s);
    }
    return out;
  }

  async putMany(alarms: readonly DeviceAlarm[]): Promise<void> {
    if (alarms.length === 0) return;
    try {
      await this.store.putMany(alarms);
    } catch (e) {
      // Whether the write took is unknown: these devices are asked of the store again.
      for (const a of alarms) this.known.delete(a.deviceId);
      throw e;
    }
    if (this.known.size + alarms.length > this.maxDevices) this.known.clear();
    for (const a of alarms) this.known.set(a.deviceId, { ...a });
  }
}
