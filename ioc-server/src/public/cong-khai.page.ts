import {
  CATEGORY_CODES,
  CATEGORY_LABELS,
  INCIDENT_STATUS_LABELS,
  RATING_LABELS,
  type CategoryCode,
} from '@hue-ioc/layers';
import type { Ward } from '@hue-ioc/streams';
import { markup as h, raw, type Html } from './html.ts';
import type { WardMap } from './ward-map.ts';
import {
  PUBLIC_PERIODS,
  PUBLIC_STATUSES,
  type AgencyName,
  type PublicFilters,
  type PublicPeriod,
  type PublicReport,
  type PublicStatus,
  type PublicTimelineEntry,
  type UnitFigures,
} from './transparency.service.ts';

/**
 * The HTML of /cong-khai and /cong-khai/{id}: no framework and no script, one small same-origin
 * stylesheet, Vietnamese first (`?lang=en` for English), times in Asia/Ho_Chi_Minh. Every value from the
 * database goes through the `markup` tag (escaped).
 */
export type Lang = 'vi' | 'en';
const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const LOCALE: Record<Lang, string> = { vi: 'vi-VN', en: 'en-GB' };

/** The query parameters of the page (Vietnamese names, no diacritics, as a citizen may type them). */
export const PARAM = {
  q: 'q',
  category: 'loai',
  ward: 'phuong',
  unit: 'donvi',
  status: 'trangthai',
  period: 'ky',
  after: 'sau',
  lang: 'lang',
} as const;

const T = {
  vi: {
    site: 'Cổng công khai phản ánh hiện trường',
    city: 'Thành phố Huế',
    intro:
      'Mọi phản ánh của người dân gửi Trung tâm IOC và kết quả xử lý của từng đơn vị. Thông tin cá nhân của người phản ánh đã được ẩn.',
    search: 'Tìm kiếm',
    searchHint: 'Ví dụ: ngập, ổ gà, Lê Lợi',
    category: 'Lĩnh vực',
    ward: 'Phường/xã',
    unit: 'Đơn vị xử lý',
    status: 'Trạng thái',
    period: 'Thời gian',
    all: 'Tất cả',
    apply: 'Tìm',
    clear: 'Xóa bộ lọc',
    filters: 'Lọc theo lĩnh vực, phường/xã, đơn vị, trạng thái, thời gian',
    received: 'Tiếp nhận',
    due: 'Hạn xử lý',
    handled: 'Ngày xử lý',
    reply: 'Trả lời của đơn vị',
    rating: 'Đánh giá của người dân',
    noUnit: 'Chưa chuyển đơn vị',
    overdue: 'Quá hạn',
    late: 'Xử lý trễ hạn',
    next: 'Trang sau',
    first: 'Về trang đầu',
    none: 'Không có phản ánh nào khớp với bộ lọc.',
    map: 'Bản đồ các phản ánh trên trang này',
    mapNote: 'Vị trí đã được làm tròn để bảo vệ người phản ánh.',
    figures: 'Tỷ lệ xử lý đúng hạn theo đơn vị',
    figuresNote:
      'Tỷ lệ đúng hạn = số phản ánh xử lý trong hạn ÷ số phản ánh tiếp nhận trong kỳ (QĐ 766/QĐ-TTg).',
    figuresNone: 'Chưa có phản ánh nào được chuyển đơn vị trong kỳ này.',
    unitCol: 'Đơn vị',
    receivedCol: 'Tiếp nhận',
    handledCol: 'Đã xử lý',
    onTimeCol: 'Đúng hạn',
    timeline: 'Quá trình xử lý',
    back: '← Danh sách phản ánh',
    assignedTo: 'Chuyển đến',
    dueUntil: 'hạn',
    extendedTo: 'Gia hạn đến',
    verified: 'IOC đã xác minh phản ánh',
    receivedEvent: 'Trung tâm IOC tiếp nhận phản ánh',
    ratedEvent: 'Người dân đánh giá',
    address: 'Địa điểm',
    channel: 'Kênh',
    pageOf: 'Đang xem',
    reports: 'phản ánh',
    other: 'English',
    footer:
      'Dữ liệu công khai theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân: không công bố tên, số điện thoại, thư điện tử của người phản ánh.',
    periods: {
      today: 'Hôm nay',
      '7d': '7 ngày qua',
      '30d': '30 ngày qua',
      month: 'Tháng này',
      all: 'Toàn bộ',
    } as Record<PublicPeriod, string>,
    channels: {
      hue_s: 'Hue-S',
      hotline: 'Tổng đài 19001075',
      camera: 'Camera',
      sensor: 'Cảm biến',
      open311: 'Open311',
    } as Record<string, string>,
  },
  en: {
    site: 'Public record of citizen reports',
    city: 'Huế City',
    intro:
      'Every report citizens sent to the IOC and what the responsible unit did about it. Reporters’ personal data is removed.',
    search: 'Search',
    searchHint: 'e.g. flooding, pothole, Lê Lợi',
    category: 'Category',
    ward: 'Ward/commune',
    unit: 'Responsible unit',
    status: 'Status',
    period: 'Period',
    all: 'All',
    apply: 'Search',
    clear: 'Clear filters',
    filters: 'Filter by category, ward, unit, status, period',
    received: 'Received',
    due: 'Deadline',
    handled: 'Handled',
    reply: 'The unit’s reply',
    rating: 'Citizen’s rating',
    noUnit: 'Not yet assigned',
    overdue: 'Overdue',
    late: 'Handled late',
    next: 'Next page',
    first: 'First page',
    none: 'No report matches these filters.',
    map: 'Map of the reports on this page',
    mapNote: 'Positions are rounded to protect the reporter.',
    figures: 'On-time rate by unit',
    figuresNote:
      'On-time rate = reports handled by the deadline ÷ reports received in the period (QĐ 766/QĐ-TTg).',
    figuresNone: 'No report was assigned to a unit in this period.',
    unitCol: 'Unit',
    receivedCol: 'Received',
    handledCol: 'Handled',
    onTimeCol: 'On time',
    timeline: 'How it was handled',
    back: '← All reports',
    assignedTo: 'Assigned to',
    dueUntil: 'deadline',
    extendedTo: 'Deadline extended to',
    verified: 'The IOC verified the report',
    receivedEvent: 'The IOC received the report',
    ratedEvent: 'The citizen rated the reply',
    address: 'Place',
    channel: 'Channel',
    pageOf: 'Showing',
    reports: 'reports',
    other: 'Tiếng Việt',
    footer:
      'Published under Decree 13/2023/NĐ-CP on personal data protection: reporters’ names, phone numbers and e-mail addresses are never shown.',
    periods: {
      today: 'Today',
      '7d': 'Last 7 days',
      '30d': 'Last 30 days',
      month: 'This month',
      all: 'All time',
    } as Record<PublicPeriod, string>,
    channels: {
      hue_s: 'Hue-S',
      hotline: 'Hotline 19001075',
      camera: 'Camera',
      sensor: 'Sensor',
      open311: 'Open311',
    } as Record<string, string>,
  },
} as const;

// ---- formats (Vietnamese: "thứ Hai, 30/11/2026", "30/11/2026 14:05", "3.412", "94,1%")

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function dtf(lang: Lang, kind: 'day' | 'dt'): Intl.DateTimeFormat {
  const key = `${lang}|${kind}`;
  let f = fmtCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(
      LOCALE[lang],
      kind === 'day'
        ? { timeZone: TIME_ZONE, weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' }
        : {
            timeZone: TIME_ZONE,
            day: '2-digit',
            month: '2-digit',
            year: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
            hourCycle: 'h23',
          },
    );
    fmtCache.set(key, f);
  }
  return f;
}

/** "30/11/2026 14:05" in both languages (Huế's time). */
export function formatDateTime(d: Date, lang: Lang): string {
  const parts = Object.fromEntries(
    dtf(lang, 'dt')
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

/** "thứ Hai, 30/11/2026" / "Monday, 30/11/2026". */
export function formatDay(d: Date, lang: Lang): string {
  const s = dtf(lang, 'day').format(d);
  return lang === 'vi' ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

export function formatCount(n: number, lang: Lang): string {
  return new Intl.NumberFormat(LOCALE[lang]).format(n);
}

export function formatPercent(n: number, lang: Lang): string {
  return `${new Intl.NumberFormat(LOCALE[lang], { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n)}%`;
}

const datetimeAttr = (d: Date) => {
  // ISO 8601 with Huế's offset (+07:00, no daylight saving), never Z.
  const local = new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 19);
  return `${local}+07:00`;
};
const time = (d: Date | null, lang: Lang) =>
  d ? h`<time datetime="${datetimeAttr(d)}">${formatDateTime(d, lang)}</time>` : h`—`;

// ---- links

export function queryOf(f: Partial<PublicFilters>, lang: Lang, over: Partial<PublicFilters> = {}): string {
  const v = { ...f, ...over };
  const q = new URLSearchParams();
  if (v.q) q.set(PARAM.q, v.q);
  if (v.category) q.set(PARAM.category, v.category);
  if (v.ward) q.set(PARAM.ward, v.ward);
  if (v.unit) q.set(PARAM.unit, v.unit);
  if (v.status) q.set(PARAM.status, v.status);
  if (v.period && v.period !== '30d') q.set(PARAM.period, v.period);
  if (v.after) q.set(PARAM.after, v.after);
  if (lang === 'en') q.set(PARAM.lang, 'en');
  const s = q.toString();
  return s ? `?${s}` : '';
}

// ---- pieces

export interface PageContext {
  lang: Lang;
  wards: readonly Ward[];
  agencies: readonly AgencyName[];
  map: WardMap;
  now: Date;
}

const wardName = (c: PageContext, code: string | null) =>
  (code && c.wards.find((w) => w.code === code)?.name) || '—';
const unitName = (c: PageContext, id: string | null) => {
  if (!id) return T[c.lang].noUnit;
  const a = c.agencies.find((x) => x.id === id);
  return a ? a[c.lang] : id;
};
const home = (c: PageContext) => `/cong-khai${c.lang === 'en' ? '?lang=en' : ''}`;

/** Open = the deadline still runs; a handled case cannot be overdue, only late. */
const OPEN: readonly PublicStatus[] = [
  'new',
  'verified',
  'assigned',
  'in_progress',
  'returned',
  'extended',
  'reopened',
];
const statusClass = (s: PublicStatus) =>
  s === 'resolved' || s === 'closed' ? 'done' : OPEN.includes(s) ? 'open' : '';

function lateness(r: PublicReport, c: PageContext): 'overdue' | 'late' | null {
  if (!r.dueAt) return null;
  if (r.handledAt) return r.handledAt.getTime() > r.dueAt.getTime() ? 'late' : null;
  return OPEN.includes(r.status) && c.now.getTime() > r.dueAt.getTime() ? 'overdue' : null;
}

function layout(c: PageContext, title: string, body: Html, langHref: string): string {
  const t = T[c.lang];
  const doc = h`<html lang="${c.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><meta name="description" content="${t.intro}"><link rel="stylesheet" href="/cong-khai/kieu.css"></head><body><header class="top"><div class="wrap"><a class="brand" href="${home(c)}"><strong>${t.site}</strong><span>${t.city}</span></a><a class="lang" href="${langHref}" lang="${c.lang === 'vi' ? 'en' : 'vi'}">${t.other}</a></div></header><main class="wrap">${body}</main><footer class="wrap foot">${t.footer}</footer></body></html>`;
  return `<!doctype html>${doc.value}`;
}

interface Option {
  value: string;
  text: string;
}

function options(list: readonly Option[], selected: string | undefined): Html[] {
  return list.map(
    (o) => h`<option value="${o.value}"${o.value === selected ? raw(' selected') : ''}>${o.text}</option>`,
  );
}

function select(name: string, label: string, all: string | null, list: readonly Option[], selected?: string) {
  const none = all === null ? '' : h`<option value="">${all}</option>`;
  return h`<label class="f"><span>${label}</span><select name="${name}">${none}${options(list, selected)}</select></label>`;
}

function filtersForm(c: PageContext, f: PublicFilters): Html {
  const t = T[c.lang];
  const cats = CATEGORY_CODES.map((code) => ({ value: code, text: CATEGORY_LABELS[code][c.lang] }));
  const wards = [...c.wards]
    .sort((a, b) => a.name.localeCompare(b.name, 'vi'))
    .map((w) => ({ value: w.code, text: w.name }));
  const units = c.agencies.map((a) => ({ value: a.id, text: a[c.lang] }));
  const statuses = PUBLIC_STATUSES.map((s) => ({ value: s, text: INCIDENT_STATUS_LABELS[s][c.lang] }));
  const periods = PUBLIC_PERIODS.map((p) => ({ value: p, text: t.periods[p] }));
  const lang = c.lang === 'en' ? raw('<input type="hidden" name="lang" value="en">') : '';
  const selects = [
    select(PARAM.category, t.category, t.all, cats, f.category),
    select(PARAM.ward, t.ward, t.all, wards, f.ward),
    select(PARAM.unit, t.unit, t.all, units, f.unit),
    select(PARAM.status, t.status, t.all, statuses, f.status),
    select(PARAM.period, t.period, null, periods, f.period),
  ];
  const active = Boolean(f.category || f.ward || f.unit || f.status || f.period !== '30d');
  // The selects fold away on a phone (a <details>, no script): the list starts on the first screen.
  return h`<form class="filters" method="get" action="/cong-khai" role="search">${lang}<div class="qrow"><label class="f q"><span>${t.search}</span><input type="search" name="q" value="${f.q ?? ''}" maxlength="100" placeholder="${t.searchHint}" autocomplete="off"></label><button type="submit">${t.apply}</button></div><details class="more"${active ? raw(' open') : ''}><summary>${t.filters}</summary><div class="sel">${selects}</div><a href="${home(c)}">${t.clear}</a></details></form>`;
}

function mapSvg(c: PageContext, reports: readonly PublicReport[], link: (r: PublicReport) => string): Html {
  const t = T[c.lang];
  const { width, height } = c.map;
  const dots = reports
    .filter((r) => r.position)
    .map((r) => {
      const [x, y] = c.map.project(r.position!.lon, r.position!.lat);
      const late = lateness(r, c);
      const cls = `${statusClass(r.status)}${late ? ` ${late}` : ''}`;
      return h`<a href="${link(r)}"><circle class="${cls}" cx="${x}" cy="${y}" r="5"><title>${r.id} · ${CATEGORY_LABELS[r.category][c.lang]}</title></circle></a>`;
    });
  return h`<figure class="map"><svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${t.map}"><image href="/cong-khai/phuong.svg" width="${width}" height="${height}"/>${dots}</svg><figcaption>${t.map}. ${t.mapNote}</figcaption></figure>`;
}

function statusBadge(c: PageContext, r: PublicReport): Html {
  const t = T[c.lang];
  const late = lateness(r, c);
  const lateBadge = late
    ? h` <span class="badge ${late}">${late === 'late' ? t.late : t.overdue}</span>`
    : '';
  return h`<span class="badge ${statusClass(r.status)}">${INCIDENT_STATUS_LABELS[r.status][c.lang]}</span>${lateBadge}`;
}

const clip = (s: string | null, n: number) => (s && s.length > n ? `${s.slice(0, n - 1).trimEnd()}…` : s);

function facts(c: PageContext, r: PublicReport): Html {
  const t = T[c.lang];
  const rating = r.rating
    ? h`<div><dt>${t.rating}</dt><dd>${RATING_LABELS[r.rating][c.lang]}</dd></div>`
    : '';
  return h`<dl class="facts"><div><dt>${t.received}</dt><dd>${time(r.receivedAt, c.lang)}</dd></div><div><dt>${t.unit}</dt><dd>${unitName(c, r.agencyId)}</dd></div><div><dt>${t.due}</dt><dd>${time(r.dueAt, c.lang)}</dd></div><div><dt>${t.handled}</dt><dd>${time(r.handledAt, c.lang)}</dd></div>${rating}</dl>`;
}

function meta(c: PageContext, r: PublicReport): Html {
  return h`<p class="meta">${statusBadge(c, r)} <span>${CATEGORY_LABELS[r.category][c.lang]}</span> · <span>${wardName(c, r.wardCode)}</span></p>`;
}

function reportCard(c: PageContext, r: PublicReport): Html {
  const t = T[c.lang];
  const href = `/cong-khai/${encodeURIComponent(r.id)}${c.lang === 'en' ? '?lang=en' : ''}`;
  // A Hue-S title is often the description's first words: do not print the same sentence twice.
  const repeats = r.title !== null && r.description?.startsWith(r.title.replace(/…$/, '').trim());
  const desc = r.description && !repeats ? h`<p class="desc">${clip(r.description, 240)}</p>` : '';
  const reply = r.reply ? h`<div class="reply"><strong>${t.reply}:</strong> ${clip(r.reply, 300)}</div>` : '';
  return h`<article class="card" id="r-${r.id}">${meta(c, r)}<h2><a href="${href}">${r.title ?? r.id}</a></h2>${desc}${facts(c, r)}${reply}<p class="id">${r.id}</p></article>`;
}

function figuresTable(c: PageContext, figures: readonly UnitFigures[], period: PublicPeriod): Html {
  const t = T[c.lang];
  const title = h`<h2>${t.figures} · ${t.periods[period]}</h2>`;
  if (figures.length === 0) return h`<section class="figures">${title}<p>${t.figuresNone}</p></section>`;
  const rows = figures.map(
    (u) =>
      h`<tr><th scope="row">${unitName(c, u.agencyId)}</th><td class="n">${formatCount(u.received, c.lang)}</td><td class="n">${formatCount(u.handled, c.lang)}</td><td class="n">${u.onTimeRate === null ? '—' : formatPercent(u.onTimeRate, c.lang)}</td></tr>`,
  );
  return h`<section class="figures">${title}<table><thead><tr><th scope="col">${t.unitCol}</th><th scope="col" class="n">${t.receivedCol}</th><th scope="col" class="n">${t.handledCol}</th><th scope="col" class="n">${t.onTimeCol}</th></tr></thead><tbody>${rows}</tbody></table><p class="note">${t.figuresNote}</p></section>`;
}

// ---- pages

export function listPage(
  c: PageContext,
  f: PublicFilters,
  page: { items: readonly PublicReport[]; next: string | null },
  figures: readonly UnitFigures[],
): string {
  const t = T[c.lang];
  const other: Lang = c.lang === 'vi' ? 'en' : 'vi';
  const first = f.after
    ? h`<a href="/cong-khai${queryOf(f, c.lang, { after: undefined })}">${t.first}</a>`
    : '';
  const next = page.next
    ? h`<a rel="next" class="next" href="/cong-khai${queryOf(f, c.lang, { after: page.next })}">${t.next} →</a>`
    : '';
  const nav = h`<nav class="pager">${first}${next}</nav>`;
  const cards = page.items.map((r) => reportCard(c, r));
  const list = page.items.length
    ? h`<p class="count">${t.pageOf} ${formatCount(page.items.length, c.lang)} ${t.reports}</p>${cards}${nav}`
    : h`<p class="empty">${t.none}</p>${nav}`;
  const map = mapSvg(c, page.items, (r) => `#r-${r.id}`);
  const body = h`<p class="intro">${t.intro}</p>${filtersForm(c, f)}<div class="grid"><div class="m">${map}</div><section class="list" aria-label="${t.reports}">${list}</section><div class="s">${figuresTable(c, figures, f.period)}</div></div>`;
  return layout(c, `${t.site} — ${t.city}`, body, `/cong-khai${queryOf(f, other)}`);
}

function timelineItem(c: PageContext, e: PublicTimelineEntry): Html {
  const t = T[c.lang];
  let what: Html;
  switch (e.kind) {
    case 'received':
      what = h`${t.receivedEvent}`;
      break;
    case 'verified':
      what = h`${t.verified}`;
      break;
    case 'assigned': {
      const due = e.dueAt ? h`, ${t.dueUntil} ${time(e.dueAt, c.lang)}` : '';
      what = h`${t.assignedTo} <strong>${unitName(c, e.agencyId ?? null)}</strong>${due}`;
      break;
    }
    case 'extended':
      what = h`${t.extendedTo} ${time(e.dueAt ?? null, c.lang)}`;
      break;
    case 'rated':
      what = h`${t.ratedEvent}: <strong>${e.rating ? RATING_LABELS[e.rating][c.lang] : '—'}</strong>`;
      break;
    case 'status': {
      const reply = e.reply ? h`<div class="reply"><strong>${t.reply}:</strong> ${e.reply}</div>` : '';
      const rating = e.rating
        ? h`<div>${t.rating}: <strong>${RATING_LABELS[e.rating][c.lang]}</strong></div>`
        : '';
      what = h`<strong>${INCIDENT_STATUS_LABELS[e.status!][c.lang]}</strong>${reply}${rating}`;
      break;
    }
  }
  return h`<li>${time(e.ts, c.lang)}<div>${what}</div></li>`;
}

export function detailPage(
  c: PageContext,
  r: PublicReport,
  timeline: readonly PublicTimelineEntry[],
): string {
  const t = T[c.lang];
  const self = `/cong-khai/${encodeURIComponent(r.id)}`;
  const channel = r.channel ? t.channels[r.channel] : undefined;
  const via = channel ? h` · ${t.channel}: ${channel}` : '';
  const head = h`${meta(c, r)}<h1>${r.title ?? r.id}</h1><p class="id">${r.id} · ${formatDay(r.receivedAt, c.lang)}${via}</p>`;
  const desc = r.description ? h`<p class="desc">${r.description}</p>` : '';
  const address = r.address ? h`<p><strong>${t.address}:</strong> ${r.address}</p>` : '';
  const reply = r.reply ? h`<div class="reply"><strong>${t.reply}:</strong> ${r.reply}</div>` : '';
  const steps = timeline.map((e) => timelineItem(c, e));
  const body = h`<p><a href="${home(c)}">${t.back}</a></p><article class="card detail">${head}${desc}${address}${facts(c, r)}${reply}</article><div class="grid"><div class="m">${mapSvg(c, [r], () => '#')}</div><section class="list"><h2>${t.timeline}</h2><ol class="timeline">${steps}</ol></section></div>`;
  return layout(c, `${r.title ?? r.id} — ${t.site}`, body, `${self}${c.lang === 'vi' ? '?lang=en' : ''}`);
}

const ERROR_TITLES: Record<Lang, Record<number, string>> = {
  vi: { 404: 'Không tìm thấy phản ánh', 429: 'Quá nhiều yêu cầu', 500: 'Lỗi hệ thống' },
  en: { 404: 'Report not found', 429: 'Too many requests', 500: 'Server error' },
};

export function errorPage(c: PageContext, status: number, code: string, message: string): string {
  const t = T[c.lang];
  const title =
    ERROR_TITLES[c.lang][status] ?? (c.lang === 'vi' ? 'Yêu cầu không hợp lệ' : 'Invalid request');
  const body = h`<section class="card error" data-code="${code}"><h1>${title}</h1><p>${message}</p><p class="id">${code}</p><p><a href="${home(c)}">${t.back}</a></p></section>`;
  return layout(c, `${status} — ${t.site}`, body, c.lang === 'vi' ? '/cong-khai?lang=en' : '/cong-khai');
}

export const isCategoryCode = (v: string | undefined): v is CategoryCode =>
  v !== undefined && (CATEGORY_CODES as readonly string[]).includes(v);
