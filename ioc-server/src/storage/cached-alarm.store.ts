import type { AlarmStore, DeviceAlarm } from '../ingest/ports.ts';

/** A rising gauge's new peak, alone, is written at most this often (with the next state change, or a timer). */
export const PEAK_WRITE_INTERVAL_MS = 1000;

/**
 * The sensors' alarm states kept in memory in front of the database's (`device_alarms`), for a node that
 * is the only writer of them: a single-node deployment (no Redis, so no other node takes readings). Each
 * device's state is read from the store once (its absence too), then answered from memory. During a flood
 * most gauges sit above a threshold and every batch asks for their states: in-thread that was one SELECT
 * per batch (~1 in 5 ms of the batch's database time, measured with `bench/profile-ingest.ts --queries`).
 *
 * What decides (level, since, the incident) is written before memory takes it, so memory never holds a
 * decision the database lacks. A change of the peak alone — a gauge still rising within its band, every
 * reading of it in a flood — is kept in memory and written with the next batch that changes a level, or
 * after PEAK_WRITE_INTERVAL_MS, or at `flush` (shutdown): after a crash the stored peak may be up to that
 * much older (the readings themselves are in `observations`).
 *
 * With several nodes another node may change a device's state: they use the store itself.
 */
export class CachedAlarmStore implements AlarmStore {
  /** A device's state, or `null` where the store has none (no alarm ever). */
  private readonly known = new Map<string, DeviceAlarm | null>();
  /** Peaks in memory and not yet stored, by device. */
  private pendingPeaks = new Map<string, DeviceAlarm>();
  private lastWriteAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: AlarmStore,
    private readonly opts: {
      /** Devices kept at most; past it the memory is emptied and filled again from the store. */
      maxDevices?: number;
      now?: () => number;
      onPeakWriteError?: (err: Error) => void;
    } = {},
  ) {}

  private get maxDevices(): number {
    return this.opts.maxDevices ?? 100_000;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

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
    this.makeRoom(missing.length);
    for (const id of missing) {
      const s = loaded.get(id) ?? null;
      this.known.set(id, s);
      if (s) out.set(id, s);
    }
    return out;
  }

  async putMany(alarms: readonly DeviceAlarm[]): Promise<void> {
    if (alarms.length === 0) return;
    const decisions: DeviceAlarm[] = [];
    for (const a of alarms) {
      const before = this.known.get(a.deviceId);
      if (before && peakOnly(before, a)) {
        this.pendingPeaks.set(a.deviceId, { ...a });
        this.known.set(a.deviceId, { ...a });
      } else decisions.push(a);
    }
    if (decisions.length === 0) {
      if (this.now() - this.lastWriteAt >= PEAK_WRITE_INTERVAL_MS) await this.writePeaks();
      else this.arm();
      return;
    }
    const peaks = this.takePeaks(new Set(decisions.map((a) => a.deviceId)));
    try {
      await this.write([...decisions, ...peaks]);
    } catch (e) {
      // Whether the write took is unknown: these devices are asked of the store again; peaks wait.
      for (const a of decisions) this.known.delete(a.deviceId);
      this.restorePeaks(peaks);
      throw e;
    }
    this.makeRoom(decisions.length);
    for (const a of decisions) this.known.set(a.deviceId, { ...a });
  }

  /** Writes the peaks kept in memory now (at shutdown, after ingest stopped). */
  async flush(): Promise<void> {
    this.disarm();
    await this.writing;
    await this.writePeaks();
  }

  private async writePeaks(): Promise<void> {
    this.disarm();
    const peaks = this.takePeaks(new Set());
    if (peaks.length === 0) return;
    try {
      await this.write(peaks);
    } catch (e) {
      this.restorePeaks(peaks);
      this.arm();
      throw e;
    }
  }

  private write(alarms: readonly DeviceAlarm[]): Promise<void> {
    this.lastWriteAt = this.now();
    const w = this.store.putMany(alarms);
    this.writing = w.catch(() => undefined);
    return w;
  }

  /** The pending peaks, less those of `except` (their decision carries a newer state). */
  private takePeaks(except: ReadonlySet<string>): DeviceAlarm[] {
    const peaks = [...this.pendingPeaks.values()].filter((a) => !except.has(a.deviceId));
    this.pendingPeaks = new Map();
    return peaks;
  }

  /** Peaks whose write failed wait again, unless a newer one came meanwhile. */
  private restorePeaks(peaks: readonly DeviceAlarm[]): void {
    for (const a of peaks) if (!this.pendingPeaks.has(a.deviceId)) this.pendingPeaks.set(a.deviceId, a);
  }

  private arm(): void {
    if (this.timer || this.pendingPeaks.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.writePeaks().catch((e: unknown) => this.opts.onPeakWriteError?.(e as Error));
    }, PEAK_WRITE_INTERVAL_MS);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Empties memory past its bound; pending peaks stay pending (they are written, then read again). */
  private makeRoom(adding: number): void {
    if (this.known.size + adding <= this.maxDevices) return;
    this.known.clear();
    for (const [id, a] of this.pendingPeaks) this.known.set(id, a);
  }
}

/** Only the peak differs: the same level since the same time, with the same incident. */
function peakOnly(before: DeviceAlarm, next: DeviceAlarm): boolean {
  return (
    before.level === next.level &&
    before.since.getTime() === next.since.getTime() &&
    before.incidentId === next.incidentId &&
    before.peak !== next.peak
  );
}
