/**
 * An application/x-www-form-urlencoded body (GeoReport v2 POST) as a null-prototype record of strings:
 * `attribute[code]` and `attribute[code][]` gathered under `attributes`, so no key, however it is spelt
 * (`__proto__`, `constructor`), reaches an object's prototype. A field sent twice is refused (which one
 * would count is a guess), except list attributes.
 */
export type ParsedForm =
  { ok: true; form: Record<string, unknown>; params: URLSearchParams } | { ok: false; reason: string };

const ATTRIBUTE = /^attribute\[([^\]]{1,40})\](\[\])?$/;

export function parseForm(body: string): ParsedForm {
  const params = new URLSearchParams(body);
  const form: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const attributes: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  form.attributes = attributes;
  let n = 0;
  for (const [key, value] of params) {
    if (++n > 200) return { ok: false, reason: 'more than 200 form fields' };
    const a = ATTRIBUTE.exec(key);
    if (a) {
      const code = a[1]!;
      const list = (attributes[code] ??= []);
      if (!a[2] && list.length > 0) return { ok: false, reason: `${key} is sent twice` };
      list.push(value);
      continue;
    }
    if (key === 'attributes' || Object.prototype.hasOwnProperty.call(form, key))
      return { ok: false, reason: `${key.slice(0, 60)} is sent twice` };
    form[key] = value;
  }
  return { ok: true, form, params };
}
