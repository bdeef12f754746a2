import { XMLParser } from 'fast-xml-parser';
import type { ErrorCode } from '@hue-ioc/layers';
import type { Reject, Result } from '@hue-ioc/streams';
import { CAP_NS_11, CAP_NS_12, ATOM_NS, type CapArea, type CapValue } from './cap-document.ts';
import { parseCapTime } from './cap-time.ts';

/**
 * Inbound CAP (1.1 and 1.2) read without trusting it: the bytes are checked before any parser sees them
 * (size, UTF-8, no NUL, no DOCTYPE or ENTITY declaration at all: that closes external entities (XXE) and
 * entity expansion (billion laughs) whatever the parser would do), then parsed by a non-validating parser
 * with entities off and a nesting limit, then checked field by field against CAP-v1.2-os §3.2 (the XSD's
 * enumerations and required elements). Every refusal is a coded Reject the caller dead-letters.
 */

/** A CAP document is a few KB; a national warning with many polygons, a few hundred. */
export const MAX_CAP_BYTES = 512 * 1024;
/** An Atom/RSS listing of documents. */
export const MAX_FEED_BYTES = 2 * 1024 * 1024;
/** alert/info/area/geocode/value is 5 deep; an Atom entry with a CAP extension a little more. */
export const MAX_DEPTH = 16;
const MAX_TEXT = 16_000;
const MAX_INFOS = 32;
const MAX_AREAS = 100;
const MAX_SHAPES = 200;

export type CapVersion = '1.1' | '1.2';

export interface InboundInfo {
  language: string;
  category: string[];
  event: string;
  urgency: string;
  severity: string;
  certainty: string;
  eventCode: CapValue[];
  effective: Date | null;
  expires: Date | null;
  senderName: string | null;
  headline: string | null;
  description: string | null;
  instruction: string | null;
  area: CapArea[];
}

export interface InboundCap {
  version: CapVersion;
  identifier: string;
  sender: string;
  sent: Date;
  sentText: string;
  status: string;
  msgType: 'Alert' | 'Update' | 'Cancel' | 'Ack' | 'Error';
  scope: string;
  references: { sender: string; identifier: string; sent: string }[];
  referencesText: string | null;
  info: InboundInfo[];
}

const fail = (code: ErrorCode, reason: string, details?: unknown): { ok: false; reject: Reject } => ({
  ok: false,
  reject: { code, reason, ...(details === undefined ? {} : { details }) },
});

const STATUS = ['Actual', 'Exercise', 'System', 'Test', 'Draft'];
const MSG_TYPE = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'];
const SCOPE = ['Public', 'Restricted', 'Private'];
const CATEGORY = [
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
];
const URGENCY = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'];
const SEVERITY = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'];
const CERTAINTY = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown', 'Very Likely'];
/** §3.2.1: identifier and sender contain no spaces, commas or restricted characters (< and &). */
const TOKEN = /^[^\s,<&]{1,256}$/;

/** The text of a document, or a Reject: size, UTF-8, NUL, DOCTYPE/ENTITY. */
export function screenXml(raw: Uint8Array, maxBytes: number): Result<string> {
  if (raw.byteLength > maxBytes)
    return fail(
      'IOC_CAP_TOO_LARGE',
      `the document is ${raw.byteLength} bytes; at most ${maxBytes} are accepted`,
      {
        bytes: raw.byteLength,
        limit: maxBytes,
      },
    );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return fail('IOC_CAP_XML', 'the body is not valid UTF-8');
  }
  if (text.includes('\u0000')) return fail('IOC_CAP_XML', 'the body holds a NUL character');
  // Anywhere, in any case, with any spacing: no legitimate CAP document declares a DTD or an entity.
  if (/<!\s*(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST)/i.test(text))
    return fail(
      'IOC_CAP_DOCTYPE',
      'DOCTYPE/ENTITY declarations are refused (external entities, entity expansion)',
    );
  return { ok: true, value: text.replace(/^\uFEFF/, '') };
}

/** The tag nesting depth, counted before parsing so a deep document costs a linear scan and nothing else. */
function depthOf(text: string): number {
  let depth = 0;
  let max = 0;
  // Comments and CDATA sections do not nest; their contents are skipped.
  const re = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)[^\s/>!?][^>]*?(\/?)>/g;
  for (const m of text.matchAll(re)) {
    if (m[0].startsWith('<!') || m[0].startsWith('<?')) continue;
    if (m[1] === '/') depth--;
    else if (m[2] !== '/') max = Math.max(max, ++depth);
  }
  return max;
}

const ARRAYS = new Set([
  'info',
  'category',
  'responseType',
  'eventCode',
  'parameter',
  'resource',
  'area',
  'polygon',
  'circle',
  'geocode',
  'code',
  'entry',
  'link',
  'item',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  maxNestedTags: MAX_DEPTH,
  isArray: (name) => ARRAYS.has(name),
});

type Node = Record<string, unknown>;

/** Parses screened text: a Reject for a depth over the limit or XML that is not well-formed. */
export function parseXml(text: string): Result<Node> {
  if (depthOf(text) > MAX_DEPTH)
    return fail('IOC_CAP_TOO_DEEP', `the XML is nested more than ${MAX_DEPTH} levels deep`, {
      limit: MAX_DEPTH,
    });
  try {
    const doc = parser.parse(text, true) as unknown;
    if (typeof doc !== 'object' || doc === null) return fail('IOC_CAP_XML', 'no XML element');
    return { ok: true, value: doc as Node };
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/nested/i.test(msg)) return fail('IOC_CAP_TOO_DEEP', msg.slice(0, 300));
    return fail('IOC_CAP_XML', `not well-formed XML: ${msg.slice(0, 300)}`);
  }
}

/**
 * The root element's namespace, read from its start tag (the parser strips namespace prefixes and xmlns
 * attributes, so `<cap:alert xmlns:cap="…">` and `<alert xmlns="…">` read alike after it).
 */
export function rootNamespace(text: string): string | null {
  const body = text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, '');
  const m = /<(?:([A-Za-z_][\w.-]*):)?[A-Za-z_][\w.-]*((?:\s[^>]*)?)\/?>/.exec(body);
  if (!m) return null;
  const prefix = m[1];
  const attr = new RegExp(`\\sxmlns${prefix ? `:${prefix}` : ''}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(
    m[2] ?? '',
  );
  return attr ? (attr[2] ?? attr[3] ?? null) : null;
}

/** The document's one root element name (the XML declaration and comments aside). */
export function rootOf(doc: Node): { name: string; node: Node } | null {
  const names = Object.keys(doc).filter((k) => !k.startsWith('?') && !k.startsWith('#'));
  if (names.length !== 1) return null;
  const node = doc[names[0]!];
  return { name: names[0]!, node: typeof node === 'object' && node !== null ? (node as Node) : {} };
}

class SchemaError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/** Own properties only: a parsed element named like Object.prototype's members is no member of ours. */
const own = (n: Node, k: string): unknown => (Object.hasOwn(n, k) ? n[k] : undefined);

function text(n: Node, k: string, path: string, required: true): string;
function text(n: Node, k: string, path: string, required?: false): string | null;
function text(n: Node, k: string, path: string, required = false): string | null {
  const v = own(n, k);
  if (v === undefined || v === '') {
    if (required) throw new SchemaError(`${path}/${k}`, 'is required');
    return null;
  }
  if (typeof v !== 'string') throw new SchemaError(`${path}/${k}`, 'must be text');
  if (v.length > MAX_TEXT) throw new SchemaError(`${path}/${k}`, `is longer than ${MAX_TEXT} characters`);
  return v;
}

function texts(n: Node, k: string, path: string, max: number): string[] {
  const v = own(n, k);
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  if (list.length > max) throw new SchemaError(`${path}/${k}`, `more than ${max}`);
  return list.map((x, i) => {
    if (typeof x !== 'string' || x.length > MAX_TEXT * 8)
      throw new SchemaError(`${path}/${k}[${i}]`, 'must be text');
    return x;
  });
}

function oneOf(v: string, allowed: readonly string[], path: string): string {
  if (!allowed.includes(v)) throw new SchemaError(path, `must be one of ${allowed.join(', ')}`);
  return v;
}

function nodes(n: Node, k: string, path: string, max: number): Node[] {
  const v = own(n, k);
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  if (list.length > max) throw new SchemaError(`${path}/${k}`, `more than ${max}`);
  return list.map((x, i) => {
    if (typeof x !== 'object' || x === null)
      throw new SchemaError(`${path}/${k}[${i}]`, 'must be an element');
    return x as Node;
  });
}

function time(n: Node, k: string, path: string, required: boolean): Date | null {
  const s = required ? text(n, k, path, true) : text(n, k, path);
  if (s === null) return null;
  const d = parseCapTime(s);
  if (!d)
    throw new SchemaError(
      `${path}/${k}`,
      'must be a date and time with an offset (2025-10-27T07:00:00+07:00)',
    );
  return d;
}

const values = (n: Node, k: string, path: string): CapValue[] =>
  nodes(n, k, path, 64).map((v, i) => ({
    valueName: text(v, 'valueName', `${path}/${k}[${i}]`, true),
    value: text(v, 'value', `${path}/${k}[${i}]`) ?? '',
  }));

/** A parsed <alert> (namespace already checked) as our typed message, or a schema Reject naming the path. */
function alertOf(a: Node, version: CapVersion): InboundCap {
  const p = '/alert';
  const identifier = text(a, 'identifier', p, true);
  const sender = text(a, 'sender', p, true);
  if (!TOKEN.test(identifier))
    throw new SchemaError(`${p}/identifier`, 'must have no spaces, commas, < or &');
  if (!TOKEN.test(sender)) throw new SchemaError(`${p}/sender`, 'must have no spaces, commas, < or &');
  const sentText = text(a, 'sent', p, true);
  const sent = time(a, 'sent', p, true)!;
  const referencesText = text(a, 'references', p);
  const references = (referencesText ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 500)
    .map((r, i) => {
      const parts = r.split(',');
      if (parts.length !== 3 || parts.some((x) => x === ''))
        throw new SchemaError(`${p}/references[${i}]`, 'must be "sender,identifier,sent"');
      return { sender: parts[0]!, identifier: parts[1]!, sent: parts[2]! };
    });
  const msgType = oneOf(text(a, 'msgType', p, true), MSG_TYPE, `${p}/msgType`) as InboundCap['msgType'];
  if ((msgType === 'Update' || msgType === 'Cancel') && references.length === 0)
    throw new SchemaError(`${p}/references`, `is required for ${msgType}`);
  const info = nodes(a, 'info', p, MAX_INFOS).map((n, i): InboundInfo => {
    const ip = `${p}/info[${i}]`;
    const category = texts(n, 'category', ip, 12).map((c, j) => oneOf(c, CATEGORY, `${ip}/category[${j}]`));
    if (category.length === 0) throw new SchemaError(`${ip}/category`, 'is required');
    let shapes = 0;
    const area = nodes(n, 'area', ip, MAX_AREAS).map((ar, j): CapArea => {
      const ap = `${ip}/area[${j}]`;
      const polygon = texts(ar, 'polygon', ap, MAX_SHAPES);
      const circle = texts(ar, 'circle', ap, MAX_SHAPES);
      shapes += polygon.length + circle.length;
      if (shapes > MAX_SHAPES) throw new SchemaError(ap, `more than ${MAX_SHAPES} polygons and circles`);
      return {
        areaDesc: text(ar, 'areaDesc', ap, true),
        polygon,
        circle,
        geocode: values(ar, 'geocode', ap),
      };
    });
    return {
      language: text(n, 'language', ip) ?? 'en-US',
      category,
      event: text(n, 'event', ip, true),
      urgency: oneOf(text(n, 'urgency', ip, true), URGENCY, `${ip}/urgency`),
      severity: oneOf(text(n, 'severity', ip, true), SEVERITY, `${ip}/severity`),
      certainty: oneOf(text(n, 'certainty', ip, true), CERTAINTY, `${ip}/certainty`),
      eventCode: values(n, 'eventCode', ip),
      effective: time(n, 'effective', ip, false),
      expires: time(n, 'expires', ip, false),
      senderName: text(n, 'senderName', ip),
      headline: text(n, 'headline', ip),
      description: text(n, 'description', ip),
      instruction: text(n, 'instruction', ip),
      area,
    };
  });
  return {
    version,
    identifier,
    sender,
    sent,
    sentText,
    status: oneOf(text(a, 'status', p, true), STATUS, `${p}/status`),
    msgType,
    scope: oneOf(text(a, 'scope', p, true), SCOPE, `${p}/scope`),
    references,
    referencesText,
    info,
  };
}

/** A CAP <alert> element as our message: namespace → version, then the schema. */
export function capOfNode(name: string, node: Node, ns: string | null): Result<InboundCap> {
  if (name !== 'alert')
    return fail('IOC_CAP_ROOT', `the root element is <${name.slice(0, 64)}>, not a CAP <alert>`);
  const version: CapVersion | null = ns === CAP_NS_12 ? '1.2' : ns === CAP_NS_11 ? '1.1' : null;
  if (!version)
    return fail(
      'IOC_CAP_ROOT',
      `the <alert> is in namespace "${String(ns ?? '').slice(0, 100)}", not CAP 1.1 or 1.2`,
    );
  try {
    return { ok: true, value: alertOf(node, version) };
  } catch (e) {
    if (e instanceof SchemaError) return fail('IOC_CAP_SCHEMA', e.message, { path: e.path });
    throw e;
  }
}

/** One inbound CAP document, from its raw bytes. */
export function parseCap(raw: Uint8Array): Result<InboundCap> {
  const screened = screenXml(raw, MAX_CAP_BYTES);
  if (!screened.ok) return screened;
  const parsed = parseXml(screened.value);
  if (!parsed.ok) return parsed;
  const root = rootOf(parsed.value);
  if (!root) return fail('IOC_CAP_ROOT', 'the document has no single root element');
  return capOfNode(root.name, root.node, rootNamespace(screened.value));
}

/** What a polled URL served: a CAP document, or a feed listing document URLs (Atom entries, RSS items). */
export type FeedContent = { kind: 'cap'; cap: InboundCap } | { kind: 'feed'; links: string[] };

/** A polled body: an Atom feed, an RSS channel or one CAP document. */
export function parseFeedOrCap(raw: Uint8Array, base: string): Result<FeedContent> {
  const screened = screenXml(raw, MAX_FEED_BYTES);
  if (!screened.ok) return screened;
  const parsed = parseXml(screened.value);
  if (!parsed.ok) return parsed;
  const root = rootOf(parsed.value);
  if (!root) return fail('IOC_CAP_ROOT', 'the document has no single root element');
  const links: string[] = [];
  const add = (href: unknown) => {
    if (typeof href !== 'string') return;
    try {
      const u = new URL(href, base);
      if (u.protocol === 'http:' || u.protocol === 'https:') links.push(u.href);
    } catch {
      // an unusable link is skipped; the others are read
    }
  };
  if (root.name === 'feed') {
    if (rootNamespace(screened.value) !== ATOM_NS) return fail('IOC_CAP_ROOT', 'a <feed> that is not Atom');
    for (const entry of nodes(root.node, 'entry', '/feed', 1000)) {
      const ls = nodes(entry, 'link', '/feed/entry', 20);
      const cap = ls.find((l) => /cap\+xml|application\/xml|text\/xml/.test(String(own(l, '@_type') ?? '')));
      const alt = ls.find((l) => (own(l, '@_rel') ?? 'alternate') === 'alternate');
      add(own(cap ?? alt ?? {}, '@_href'));
    }
    return { ok: true, value: { kind: 'feed', links } };
  }
  if (root.name === 'rss') {
    const channel = nodes(root.node, 'channel', '/rss', 1)[0] ?? {};
    for (const item of nodes(channel, 'item', '/rss/channel', 1000)) {
      const link = own(item, 'link');
      add(Array.isArray(link) ? link[0] : link);
    }
    return { ok: true, value: { kind: 'feed', links } };
  }
  const cap = capOfNode(root.name, root.node, rootNamespace(screened.value));
  return cap.ok ? { ok: true, value: { kind: 'cap', cap: cap.value } } : cap;
}
