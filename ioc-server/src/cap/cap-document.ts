import { XMLBuilder } from 'fast-xml-parser';

/** CAP 1.2's namespace (CAP-v1.2-os §3.3.1); 1.1's is accepted inbound. */
export const CAP_NS_12 = 'urn:oasis:names:tc:emergency:cap:1.2';
export const CAP_NS_11 = 'urn:oasis:names:tc:emergency:cap:1.1';
export const ATOM_NS = 'http://www.w3.org/2005/Atom';

export type CapMsgType = 'Alert' | 'Update' | 'Cancel';
export type CapSeverity = 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown';

export interface CapValue {
  valueName: string;
  value: string;
}

export interface CapArea {
  areaDesc: string;
  /** "lat,lon lat,lon …", a closed ring of at least four points (§3.2.4). */
  polygon: string[];
  /** "lat,lon radius-km". */
  circle: string[];
  geocode: CapValue[];
}

export interface CapInfo {
  language: 'vi-VN' | 'en-US';
  category: string[];
  event: string;
  responseType: string[];
  urgency: 'Immediate' | 'Expected' | 'Future' | 'Past' | 'Unknown';
  severity: CapSeverity;
  certainty: 'Observed' | 'Likely' | 'Possible' | 'Unlikely' | 'Unknown';
  eventCode: CapValue[];
  effective: string;
  expires: string | null;
  senderName: string;
  headline: string;
  description: string;
  instruction: string | null;
  web: string;
  contact: string | null;
  parameter: CapValue[];
  area: CapArea[];
}

export interface CapMessage {
  identifier: string;
  sender: string;
  sent: string;
  status: 'Actual' | 'Exercise' | 'System' | 'Test' | 'Draft';
  msgType: CapMsgType;
  scope: 'Public';
  source: string | null;
  note: string | null;
  references: string | null;
  info: CapInfo[];
}

const builder = new XMLBuilder({
  format: true,
  indentBy: '  ',
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Escapes &, <, >, ' and " in text and attributes: our texts come from incidents and device names.
  processEntities: true,
  suppressEmptyNode: true,
});

/** Drops null, undefined and empty arrays: element order is the object's key order, the XSD's sequence. */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}

/** XML 1.0 refuses most control characters, even escaped; a device name or an incident title may hold one. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g, '');
}

/** valueName before value, whatever order the object has (jsonb keeps keys by length, not as written). */
const pairs = (vs: readonly CapValue[]) => vs.map((v) => ({ valueName: v.valueName, value: v.value }));

function infoNode(i: CapInfo): Record<string, unknown> {
  return compact({
    language: i.language,
    category: i.category,
    event: clean(i.event),
    responseType: i.responseType,
    urgency: i.urgency,
    severity: i.severity,
    certainty: i.certainty,
    eventCode: pairs(i.eventCode),
    effective: i.effective,
    expires: i.expires,
    senderName: clean(i.senderName),
    headline: clean(i.headline),
    description: clean(i.description),
    instruction: i.instruction === null ? null : clean(i.instruction),
    web: i.web,
    contact: i.contact,
    parameter: pairs(i.parameter),
    area: i.area.map((a) =>
      compact({
        areaDesc: clean(a.areaDesc),
        polygon: a.polygon,
        circle: a.circle,
        geocode: pairs(a.geocode),
      }),
    ),
  });
}

/** The CAP 1.2 document of a message, in the XSD's element order. */
export function capDocument(m: CapMessage): string {
  const alert = compact({
    '@_xmlns': CAP_NS_12,
    identifier: m.identifier,
    sender: m.sender,
    sent: m.sent,
    status: m.status,
    msgType: m.msgType,
    source: m.source,
    scope: m.scope,
    note: m.note === null ? null : clean(m.note),
    references: m.references,
    info: m.info.map(infoNode),
  });
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, alert }) as string;
}

export interface AtomEntry {
  id: string;
  title: string;
  updated: string;
  summary: string;
  href: string;
  /** CAP feeds (OASIS cap-feeds-v1.0 practice): the entry's severity and expiry for a consumer's filter. */
  severity: string;
  expires: string | null;
}

/** The Atom feed (RFC 4287) of the active alerts, each entry linking its CAP document. */
export function atomFeed(f: {
  id: string;
  title: string;
  updated: string;
  self: string;
  author: string;
  entries: readonly AtomEntry[];
}): string {
  const feed = compact({
    '@_xmlns': ATOM_NS,
    '@_xmlns:cap': CAP_NS_12,
    '@_xml:lang': 'vi-VN',
    id: f.id,
    title: f.title,
    updated: f.updated,
    author: { name: f.author },
    link: { '@_rel': 'self', '@_type': 'application/atom+xml', '@_href': f.self },
    entry: f.entries.map((e) =>
      compact({
        id: e.id,
        title: clean(e.title),
        updated: e.updated,
        summary: clean(e.summary),
        link: { '@_rel': 'alternate', '@_type': 'application/cap+xml', '@_href': e.href },
        'cap:severity': e.severity,
        'cap:expires': e.expires,
      }),
    ),
  });
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, feed }) as string;
}
