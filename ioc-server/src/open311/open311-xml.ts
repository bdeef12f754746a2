import { XMLBuilder } from 'fast-xml-parser';

/**
 * The XML twin of every Open311 JSON document (GeoReport v2 "Format Support": XML is the required format;
 * the JSON is its Spark-convention mapping). The element names are the specification's; a list's items are
 * named by the singular of the list (`service_requests` → `request`); null is an empty element.
 */
const ITEM_OF: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  service_requests_updates: 'request_update',
  service_request_updates: 'request_update',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
  attributes: 'attribute',
  values: 'value',
};

const builder = new XMLBuilder({
  format: true,
  indentBy: '  ',
  suppressEmptyNode: false,
  processEntities: true,
});

/** Only what the XML can hold: text with no control characters but tab, line feed and carriage return. */
// eslint-disable-next-line no-control-regex
const xmlText = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');

function shape(name: string, value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    const item = ITEM_OF[name];
    if (!item) throw new Error(`open311 xml: no item name for list ${name}`);
    return { [item]: value.map((v) => shape(item, v)) };
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = shape(k, v);
    return out;
  }
  if (typeof value === 'string') return xmlText(value);
  return String(value);
}

/** The document `value` (a list or an object) under its root element, with the XML declaration. */
export function open311Xml(root: string, value: unknown): string {
  const body = builder.build({ [root]: shape(root, value) }) as string;
  return `<?xml version="1.0" encoding="utf-8"?>\n${body}`;
}
