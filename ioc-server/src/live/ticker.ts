import {
  alarmSentence,
  type AlertProps,
  type Feature,
  type IncidentProps,
  type LayerDelta,
  type TickerItem,
} from '@hue-ioc/layers';
import { CATEGORIES } from '@hue-ioc/streams';

const CATEGORY = new Map(CATEGORIES.map((c) => [c.code, c]));
const CHANNEL: Readonly<Record<string, { vi: string; en: string }>> = {
  hue_s: { vi: 'Hue-S', en: 'Hue-S' },
  hotline: { vi: 'Tổng đài 19001075', en: 'Hotline 19001075' },
  camera: { vi: 'Camera', en: 'Camera' },
  sensor: { vi: 'Cảm biến', en: 'Sensor' },
};

/**
 * New incidents announced one by one per delta at most; beyond that (a CSV import, a storm of reports in
 * one tick) the most urgent are announced and one line counts the rest. Sockets take only a few
 * notifications per tick (live.gateway.ts), and a burst must not push the urgent lines out.
 */
export const MAX_INCIDENT_LINES_PER_DELTA = 5;

/**
 * The wall's ticker: new incidents and rising alarms, derived from the layer deltas that every node
 * applies from the event log, so every node tells the same story without a broadcast of its own.
 */
export class Ticker {
  private readonly known = new Map<string, number>();
  private readonly recent: TickerItem[] = [];

  constructor(private readonly keep = 30) {}

  /** Marks what already exists (at start) so it is not announced as new. */
  prime(incidents: readonly Feature[], alerts: readonly Feature[]): void {
    for (const f of incidents) this.known.set(`i:${f.id}`, 1);
    for (const f of alerts) this.known.set(`a:${f.id}`, (f.props as AlertProps).level);
  }

  /** Items this delta announces (also kept for clients that connect later). */
  onDelta(delta: LayerDelta): TickerItem[] {
    let items: TickerItem[] = [];
    const ts = new Date(delta.serverTime).toISOString();
    if (delta.layer === 'incidents') {
      for (const f of delta.upserts as Feature<IncidentProps>[]) {
        if (this.known.has(`i:${f.id}`)) continue;
        this.known.set(`i:${f.id}`, 1);
        const cat = CATEGORY.get(f.props.category as never);
        const channel = CHANNEL[f.props.channels?.[0] ?? ''] ?? { vi: '', en: '' };
        items.push({
          id: `incident:${f.id}`,
          kind: 'incident',
          text: `${channel.vi}: ${cat?.vi ?? f.props.category} — ${f.props.title}`,
          textEn: `${channel.en}: ${cat?.en ?? f.props.category} — ${f.props.title}`,
          level: f.props.priority === 1 ? 3 : f.props.priority === 2 ? 2 : 0,
          ts,
        });
      }
      for (const id of delta.removes) this.known.delete(`i:${id}`);
      if (items.length > MAX_INCIDENT_LINES_PER_DELTA) {
        const keep = MAX_INCIDENT_LINES_PER_DELTA - 1;
        // Most urgent first; a stable sort keeps arrival order within a level.
        const ranked = [...items].sort((a, b) => b.level - a.level);
        const rest = ranked.length - keep;
        items = [
          ...ranked.slice(0, keep),
          {
            id: `incidents:${delta.seq}`,
            kind: 'incident',
            text: `Và ${rest.toLocaleString('vi-VN')} phản ánh mới khác`,
            textEn: `And ${rest.toLocaleString('en')} more new reports`,
            level: 0,
            ts,
          },
        ];
      }
    } else if (delta.layer === 'alerts') {
      for (const f of delta.upserts as Feature<AlertProps>[]) {
        const before = this.known.get(`a:${f.id}`) ?? 0;
        this.known.set(`a:${f.id}`, f.props.level);
        if (f.props.level <= before) continue;
        if (f.props.kind === 'cap_warning') {
          // An inbound CAP warning (issue 14) says on the ticker why the wall may have turned to flood mode
          // while our own gauges still read normal: who warned, and what.
          items.push({
            id: `cap:${f.id}:${f.props.level}`,
            kind: 'alarm',
            text: `Cảnh báo của ${f.props.deviceId}: ${f.props.name}`,
            textEn: `Warning from ${f.props.deviceId}: ${f.props.nameEn ?? f.props.name}`,
            level: f.props.level as 1 | 2 | 3,
            ts,
          });
          continue;
        }
        if (f.props.kind !== 'sensor_alarm') continue;
        const sentence = alarmSentence(
          f.props.deviceKind,
          f.props.name,
          f.props.level,
          typeof f.props.value === 'number' ? f.props.value : null,
          f.props.unit,
        );
        items.push({
          id: `alarm:${f.props.deviceId}:${f.props.level}:${f.props.since}`,
          kind: 'alarm',
          text: sentence.vi,
          textEn: sentence.en,
          level: f.props.level as 1 | 2 | 3,
          ts,
        });
      }
      for (const id of delta.removes) this.known.delete(`a:${id}`);
    }
    for (const item of items) this.recent.push(item);
    if (this.recent.length > this.keep) this.recent.splice(0, this.recent.length - this.keep);
    return items;
  }

  /** The newest items, oldest first, for a wall that just connected. */
  latest(): TickerItem[] {
    return [...this.recent];
  }
}
