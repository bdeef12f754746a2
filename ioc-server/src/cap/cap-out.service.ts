import { randomBytes } from 'node:crypto';
import { CATEGORY_LABELS, isCategoryCode } from '@hue-ioc/layers';
import type { WardIndex } from '@hue-ioc/streams';
import { AppError } from '../errors.ts';
import type { Clock } from '../ingest/ports.ts';
import type { AlarmLevelChange } from '../incidents/alarm.service.ts';
import type { Db } from '../storage/db.ts';
import type { DeviceRow } from '../storage/device.repository.ts';
import type { IncidentRow } from '../storage/incident.repository.ts';
import { scrubText } from '../public/anonymise.ts';
import {
  capDocument,
  type CapArea,
  type CapInfo,
  type CapMessage,
  type CapMsgType,
  type CapSeverity,
} from './cap-document.ts';
import { circleArea, wardArea } from './cap-area.ts';
import { capTime } from './cap-time.ts';
import type { CapMessageRow, CapRepository } from './cap.repository.ts';

/** Our CAP sender id (§3.2.1 "sender": unique to the originator; the IOC's domain). */
export const CAP_SENDER = 'ioc@hue.gov.vn';
const SENDER_NAME_VI = 'Trung tâm Giám sát, điều hành đô thị thông minh Huế (IOC)';
const SENDER_NAME_EN = 'Huế Smart City Monitoring and Operations Centre (IOC)';
/** A warning nobody updates lapses: a day, a flood's usual rise and fall at Kim Long. */
const EXPIRES_MS = 24 * 3600_000;
const ROMAN = ['', 'I', 'II', 'III'] as const;

/** DOMAIN.md "Floods": BĐ I → Moderate, II → Severe, III → Extreme. */
export function severityOfLevel(level: number): CapSeverity {
  return level >= 3 ? 'Extreme' : level === 2 ? 'Severe' : level === 1 ? 'Moderate' : 'Minor';
}

const vnNumber = (v: number, d = 2) => v.toFixed(d).replace('.', ',');
const vnTime = (d: Date) => {
  const s = capTime(d); // 2025-10-27T10:15:00+07:00
  return `${s.slice(11, 16)} ngày ${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}`;
};
const enTime = (d: Date) => `${capTime(d).slice(0, 16).replace('T', ' ')} (UTC+7)`;

/** CAP category and event of each sensor kind. */
const SENSOR_EVENT: Record<string, { category: string; vi: string; en: string }> = {
  water_level: { category: 'Met', vi: 'Lũ sông', en: 'River flood' },
  rain: { category: 'Met', vi: 'Mưa lớn', en: 'Heavy rain' },
  air_quality: { category: 'Env', vi: 'Ô nhiễm không khí', en: 'Air pollution' },
  traffic: { category: 'Transport', vi: 'Ùn tắc giao thông', en: 'Traffic congestion' },
};
/** CAP category of each report category (DOMAIN.md's list). */
const INCIDENT_CATEGORY: Record<string, string> = {
  drainage: 'Met',
  environment: 'Env',
  roads: 'Infra',
  lighting: 'Infra',
  traffic: 'Transport',
  security: 'Security',
  food_safety: 'Health',
  urban_order: 'Safety',
};

const INSTRUCTION: Record<1 | 2 | 3, { vi: string; en: string }> = {
  1: {
    vi: 'Theo dõi bản tin lũ; người dân vùng trũng ven sông chuẩn bị phương án di dời người và tài sản.',
    en: 'Follow the flood bulletins; people in low-lying riverside areas prepare to move people and belongings.',
  },
  2: {
    vi: 'Hạn chế đi lại ở vùng ngập; kê cao hoặc di chuyển tài sản; sẵn sàng sơ tán khi chính quyền yêu cầu.',
    en: 'Avoid travel through flooded areas; raise or move belongings; be ready to evacuate when the authorities say so.',
  },
  3: {
    vi: 'Sơ tán ngay khỏi vùng trũng ven sông theo hướng dẫn của chính quyền địa phương; không đi qua vùng nước chảy xiết.',
    en: 'Evacuate low-lying riverside areas now as the local authorities direct; do not cross fast-flowing water.',
  },
};

export interface CapOutDeps {
  db: Db;
  repo: CapRepository;
  wards: WardIndex;
  clock: Clock;
  /** PUBLIC_BASE_URL: the origin documents' `web` links name (fixed in the document when it is published). */
  baseUrl: string;
}

interface Draft {
  kind: CapMessageRow['source_kind'];
  ref: string;
  level: number;
  /** Both info blocks without area, times and web link. */
  texts: {
    category: string;
    vi: { event: string; headline: string; description: string; instruction: string | null };
    en: { event: string; headline: string; description: string; instruction: string | null };
    urgency: CapInfo['urgency'];
    certainty: CapInfo['certainty'];
    responseType: string[];
    eventCode: string;
    parameter: { valueName: string; value: string }[];
  };
  area: CapArea[];
  by: string | null;
}

/**
 * CAP out (issue 14): river gauges publish by themselves (a level reached: Alert; a level change: Update;
 * below BĐ I: Cancel), sensor alarms and incidents when a supervisor promotes them. Each source has at most
 * one open chain (migration 0019's unique index); every Update and Cancel references every earlier message
 * of its chain (§3.2.1 "references": "sender,identifier,sent" each).
 */
export class CapOutService {
  constructor(private readonly deps: CapOutDeps) {}

  documentUrl(identifier: string): string {
    return `${this.deps.baseUrl}/cap/alerts/${identifier}.xml`;
  }

  /** The alarm service's level changes of river gauges. */
  async onLevelChange(c: AlarmLevelChange): Promise<CapMessageRow | null> {
    if (c.device.kind !== 'water_level') return null;
    return this.publishSensor(c.device, c.to, c.value, c.unit, c.ts, 'gauge', null);
  }

  /** A supervisor promotes a sensor in alarm (its current level and reading). */
  async promoteAlarm(
    device: DeviceRow,
    level: number,
    value: number | null,
    by: string,
  ): Promise<CapMessageRow> {
    if (level < 1) throw new AppError('IOC_CAP_NOTHING_TO_PUBLISH', `${device.id} is not in alarm`);
    const kind = device.kind === 'water_level' ? 'gauge' : 'alarm';
    const row = await this.publishSensor(device, level, value, device.unit, this.deps.clock.now(), kind, by);
    return row!;
  }

  /** A supervisor promotes an incident (a camera-detected event, a report): its texts are anonymised. */
  async promoteIncident(i: IncidentRow, levelOverride: number | null, by: string): Promise<CapMessageRow> {
    if (['closed', 'rejected', 'resolved'].includes(i.status) || i.merged_into)
      throw new AppError('IOC_CAP_NOTHING_TO_PUBLISH', `incident ${i.id} is ${i.status}`);
    const level = levelOverride ?? (i.priority <= 1 ? 3 : i.priority === 2 ? 2 : 1);
    const label = isCategoryCode(i.category) ? CATEGORY_LABELS[i.category] : { vi: 'Sự cố', en: 'Incident' };
    const title = scrubText(i.title, i.reporter?.name) ?? label.vi;
    const description = scrubText(i.description, i.reporter?.name) ?? title;
    const place = i.ward_code ? this.deps.wards.byCode(i.ward_code)?.name : null;
    const area: CapArea[] = [];
    const ward = i.ward_code ? wardArea(this.deps.wards, i.ward_code) : null;
    if (ward) area.push(ward);
    else if (i.lon !== null && i.lat !== null) area.push(circleArea('Thành phố Huế', i.lon, i.lat, 1));
    else
      area.push({
        areaDesc: 'Thành phố Huế',
        polygon: [],
        circle: [],
        geocode: [{ valueName: 'GSO', value: '46' }],
      });
    return this.publish({
      kind: 'incident',
      ref: i.id,
      level,
      by,
      area,
      texts: {
        category: INCIDENT_CATEGORY[i.category] ?? 'Safety',
        vi: {
          event: label.vi,
          headline: `${label.vi}${place ? ` tại ${place}` : ''}: ${title}`.slice(0, 160),
          description: `${description} (mã phản ánh ${i.id}, tiếp nhận lúc ${vnTime(i.created_at)}).`,
          instruction: 'Tránh khu vực này và làm theo hướng dẫn của lực lượng chức năng.',
        },
        en: {
          event: label.en,
          headline: `${label.en}${place ? ` in ${place}` : ''}`,
          description: `${description} (case ${i.id}, received ${enTime(i.created_at)}).`,
          instruction: 'Keep away from the area and follow the instructions of the responders.',
        },
        urgency: level >= 2 ? 'Immediate' : 'Expected',
        certainty: 'Observed',
        responseType: level >= 2 ? ['Avoid'] : ['Monitor'],
        eventCode: `incident.${i.category}`,
        parameter: [{ valueName: 'IncidentId', value: i.id }],
      },
    });
  }

  /** Cancels the chain `identifier` belongs to (any of its messages), answering the Cancel. */
  async cancel(identifier: string, by: string, reason: string | null = null): Promise<CapMessageRow> {
    const m = await this.deps.repo.get(identifier);
    if (!m) throw new AppError('IOC_CAP_NOT_FOUND', `no CAP message ${identifier}`);
    const chain = await this.deps.repo.chain(this.deps.db, m.chain);
    const head = chain.find((r) => r.superseded_by === null);
    if (!head || head.msg_type === 'Cancel')
      throw new AppError('IOC_CAP_CANCELLED', `${m.chain} is cancelled`);
    const row = await this.write(
      head.source_kind,
      head.source_ref,
      0,
      (open) =>
        this.cancelInfo(
          open ?? head,
          `IOC hủy cảnh báo${reason ? `: ${scrubText(reason)}` : ''}`,
          `Cancelled by the IOC${reason ? `: ${scrubText(reason)}` : ''}`,
        ),
      by,
    );
    if (!row) throw new AppError('IOC_CAP_CANCELLED', `${m.chain} is cancelled`);
    return row;
  }

  private cancelInfo(head: CapMessageRow, whyVi: string, whyEn: string) {
    const [vi, en] = head.info;
    return {
      category: vi?.category[0] ?? 'Other',
      vi: {
        event: vi?.event ?? 'Cảnh báo',
        headline: `Hủy cảnh báo: ${vi?.headline ?? head.identifier}`.slice(0, 200),
        description: `${whyVi}. Cảnh báo ${head.identifier} không còn hiệu lực.`,
        instruction: null,
      },
      en: {
        event: en?.event ?? 'Warning',
        headline: `Cancelled: ${en?.headline ?? head.identifier}`.slice(0, 200),
        description: `${whyEn}. Warning ${head.identifier} no longer applies.`,
        instruction: null,
      },
      area: vi?.area ?? [],
    };
  }

  private async publishSensor(
    device: DeviceRow,
    level: number,
    value: number | null,
    unit: string | null,
    ts: Date,
    kind: 'gauge' | 'alarm',
    by: string | null,
  ): Promise<CapMessageRow | null> {
    const ev = SENSOR_EVENT[device.kind] ?? {
      category: 'Other',
      vi: 'Cảnh báo cảm biến',
      en: 'Sensor alarm',
    };
    const u = unit ?? device.unit ?? '';
    const reading =
      value === null ? null : { vi: `${vnNumber(value)} ${u}`.trim(), en: `${value.toFixed(2)} ${u}`.trim() };
    const thresholds = device.thresholds;
    const area: CapArea[] = [];
    const ward = device.ward_code ? wardArea(this.deps.wards, device.ward_code) : null;
    if (ward) area.push(ward);
    if (device.lon !== null && device.lat !== null)
      area.push(circleArea(`${device.name}, thành phố Huế`, device.lon, device.lat, level >= 3 ? 3 : 2));
    if (level === 0) {
      return this.write(
        kind,
        device.id,
        0,
        (head) =>
          head
            ? {
                ...this.cancelInfo(
                  head,
                  device.kind === 'water_level'
                    ? `Mực nước tại ${device.name} đã xuống dưới mức báo động I`
                    : `Giá trị đo tại ${device.name} đã xuống dưới ngưỡng cảnh báo 1`,
                  device.kind === 'water_level'
                    ? `The water level at ${device.name} fell below alarm level I`
                    : `The reading at ${device.name} fell below warning level 1`,
                ),
                area: area.length > 0 ? area : (head.info[0]?.area ?? []),
              }
            : null,
        by,
      );
    }
    const gauge = device.kind === 'water_level';
    const lvl = Math.min(3, level) as 1 | 2 | 3;
    const th = thresholds[lvl - 1];
    const levelVi = gauge ? `báo động ${ROMAN[lvl]}` : `ngưỡng cảnh báo ${lvl}`;
    const levelEn = gauge ? `alarm level ${ROMAN[lvl]}` : `warning band ${lvl}`;
    return this.publish({
      kind,
      ref: device.id,
      level: lvl,
      by,
      area,
      texts: {
        category: ev.category,
        vi: {
          event: ev.vi,
          headline: `${levelVi[0]!.toUpperCase()}${levelVi.slice(1)} tại ${device.name}${reading ? `: ${reading.vi}` : ''}`,
          description:
            `Lúc ${vnTime(ts)}, ${gauge ? 'mực nước' : 'giá trị đo'} tại ${device.name}` +
            `${reading ? ` đạt ${reading.vi}` : ''}, trên mức ${levelVi}${th !== undefined ? ` (${vnNumber(th, 1)} ${u})` : ''}.` +
            (gauge
              ? ` Các mức báo động I/II/III: ${thresholds.map((t) => vnNumber(t, 1)).join(' / ')} ${u} (QĐ 05/2020/QĐ-TTg).`
              : ''),
          instruction: gauge ? INSTRUCTION[lvl].vi : 'Hạn chế ra ngoài và theo dõi thông tin từ IOC.',
        },
        en: {
          event: ev.en,
          headline: `${levelEn[0]!.toUpperCase()}${levelEn.slice(1)} at ${device.name}${reading ? `: ${reading.en}` : ''}`,
          description:
            `At ${enTime(ts)}, the ${gauge ? 'water level' : 'reading'} at ${device.name}` +
            `${reading ? ` reached ${reading.en}` : ''}, above ${levelEn}${th !== undefined ? ` (${th.toFixed(1)} ${u})` : ''}.` +
            (gauge
              ? ` Alarm levels I/II/III: ${thresholds.map((t) => t.toFixed(1)).join(' / ')} ${u} (Decision 05/2020/QĐ-TTg).`
              : ''),
          instruction: gauge ? INSTRUCTION[lvl].en : 'Limit time outdoors and follow the IOC bulletins.',
        },
        urgency: lvl >= 2 ? 'Immediate' : 'Expected',
        certainty: 'Observed',
        responseType: gauge ? [lvl === 3 ? 'Evacuate' : lvl === 2 ? 'Prepare' : 'Monitor'] : ['Monitor'],
        eventCode: `${device.kind}.alarm`,
        parameter: [
          { valueName: gauge ? 'BaoDong' : 'AlarmLevel', value: String(lvl) },
          ...(value === null ? [] : [{ valueName: 'Reading', value: `${value} ${u}`.trim() }]),
          { valueName: 'DeviceId', value: device.id },
        ],
      },
    });
  }

  private publish(d: Draft): Promise<CapMessageRow> {
    return this.write(
      d.kind,
      d.ref,
      d.level,
      () => ({ ...d.texts, area: d.area }),
      d.by,
    ) as Promise<CapMessageRow>;
  }

  /**
   * Writes the next message of a source's chain in one transaction: an Alert when none is open, else an
   * Update (level > 0) or a Cancel (level 0). `content` gets the open head (null when there is none); a
   * null answer (a Cancel with nothing open) writes nothing.
   */
  private async write(
    kind: CapMessageRow['source_kind'],
    ref: string,
    level: number,
    content: (
      head: CapMessageRow | null,
    ) =>
      | (Draft['texts'] & { area: CapArea[] })
      | (ReturnType<CapOutService['cancelInfo']> & Partial<Draft['texts']>)
      | null,
    by: string | null,
  ): Promise<CapMessageRow | null> {
    return this.deps.db.transaction(async (tx) => {
      const head = await this.deps.repo.openHead(tx, kind, ref);
      if (level === 0 && !head) return null;
      const c = content(head);
      if (!c) return null;
      const msgType: CapMsgType = !head ? 'Alert' : level === 0 ? 'Cancel' : 'Update';
      const earlier = head ? await this.deps.repo.chain(tx, head.chain) : [];
      const now = this.deps.clock.now();
      // Strictly after the previous message, to the second: `sent` orders a chain (§3.2.1).
      const last = earlier.at(-1)?.sent.getTime() ?? 0;
      const sentAt = new Date(
        Math.max(Math.floor(now.getTime() / 1000) * 1000, Math.floor(last / 1000) * 1000 + 1000),
      );
      const sent = capTime(sentAt);
      const identifier = `vn.hue.ioc.${sent.slice(0, 19).replace(/\D/g, '')}.${randomBytes(4).toString('hex')}`;
      const expires = msgType === 'Cancel' ? null : new Date(sentAt.getTime() + EXPIRES_MS);
      const web = this.documentUrl(identifier);
      const cancel = msgType === 'Cancel';
      const t = c as Draft['texts'] & { area: CapArea[] };
      const info = (['vi-VN', 'en-US'] as const).map((language): CapInfo => {
        const tx2 = language === 'vi-VN' ? t.vi : t.en;
        return {
          language,
          category: [t.category],
          event: tx2.event,
          responseType: cancel ? ['AllClear'] : (t.responseType ?? []),
          urgency: cancel ? 'Past' : (t.urgency ?? 'Expected'),
          severity: cancel ? 'Minor' : severityOfLevel(level),
          certainty: t.certainty ?? 'Observed',
          eventCode: [{ valueName: 'HUE-IOC', value: t.eventCode ?? `${kind}.cancel` }],
          effective: sent,
          expires: expires ? capTime(expires) : null,
          senderName: language === 'vi-VN' ? SENDER_NAME_VI : SENDER_NAME_EN,
          headline: tx2.headline,
          description: tx2.description,
          instruction: tx2.instruction,
          web,
          contact: 'Tổng đài 19001075',
          parameter: t.parameter ?? [],
          area: t.area,
        };
      });
      const message: CapMessage = {
        identifier,
        sender: CAP_SENDER,
        sent,
        status: 'Actual',
        msgType,
        scope: 'Public',
        source: kind === 'gauge' ? `gauge ${ref}` : `${kind} ${ref}`,
        note: null,
        references:
          earlier.length > 0
            ? earlier.map((e) => `${e.sender},${e.identifier},${e.sent_text}`).join(' ')
            : null,
        info,
      };
      const row: CapMessageRow = {
        identifier,
        sender: CAP_SENDER,
        sent: sentAt,
        sent_text: sent,
        msg_type: msgType,
        status: 'Actual',
        references: message.references,
        chain: head?.chain ?? identifier,
        source_kind: kind,
        source_ref: ref,
        level,
        expires,
        info,
        document: capDocument(message),
        published_by: by,
        superseded_by: null,
      };
      await this.deps.repo.insert(tx, row, head?.identifier ?? null);
      return row;
    });
  }
}
