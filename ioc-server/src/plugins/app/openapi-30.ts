/**
 * The JSON Schemas of our routes (TypeBox, draft-07 with Ajv keywords) as OpenAPI 3.0 Schema Objects, which
 * are a narrower dialect: no tuples (`items: [...]`), no `const`, no `$id`, no vendor keywords except `x-…`.
 * Validation keeps the full schemas; only the document is narrowed, so it validates against the OpenAPI 3.0
 * meta-schema and loads in every generator. (3.1 would take JSON Schema as is, but many tools still read
 * only 3.0.)
 */

type Json = Record<string, unknown>;

/** Keys an OpenAPI 3.0 Schema Object may have (OAS 3.0.3 §4.7.24), besides `x-…` extensions. */
const OAS30_KEYS = new Set([
  'title',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'enum',
  'type',
  'allOf',
  'oneOf',
  'anyOf',
  'not',
  'items',
  'properties',
  'additionalProperties',
  'description',
  'format',
  'default',
  'nullable',
  'discriminator',
  'readOnly',
  'writeOnly',
  'xml',
  'externalDocs',
  'example',
  'deprecated',
  '$ref',
]);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function toOpenApi30Schema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toOpenApi30Schema);
  if (!isObject(schema)) return schema;
  const s: Json = { ...schema };
  // A tuple: an array of exactly that many items, each of one of the tuple's types.
  if (Array.isArray(s.items)) {
    const items = s.items.map(toOpenApi30Schema);
    const distinct = [...new Map(items.map((i) => [JSON.stringify(i), i])).values()];
    s.items = distinct.length === 1 ? distinct[0] : { anyOf: distinct };
    s.minItems ??= items.length;
    if (s.additionalItems === false) s.maxItems ??= items.length;
  }
  if ('const' in s) {
    s.enum = [s.const];
    if (s.type === undefined && s.const !== null)
      s.type = typeof s.const === 'number' ? 'number' : typeof s.const;
  }
  // `{ anyOf: [X, { type: 'null' }] }` (TypeBox's nullable) is `X` with `nullable: true` in 3.0.
  if (Array.isArray(s.anyOf)) {
    const nonNull = s.anyOf.filter((x) => !(isObject(x) && x.type === 'null'));
    if (nonNull.length < s.anyOf.length) {
      if (nonNull.length === 1 && isObject(nonNull[0]) && '$ref' in nonNull[0]) {
        // A $ref takes no siblings in 3.0: wrap it.
        const { anyOf: _drop, ...rest } = s;
        return toOpenApi30Schema({ ...rest, allOf: nonNull, nullable: true });
      }
      if (nonNull.length === 1 && isObject(nonNull[0])) {
        const { anyOf: _drop, ...rest } = s;
        return toOpenApi30Schema({ ...rest, ...nonNull[0], nullable: true });
      }
      s.anyOf = nonNull;
      s.nullable = true;
    }
  }
  if (s.type === 'null') return { nullable: true, enum: [null] };
  const out: Json = {};
  for (const [key, value] of Object.entries(s)) {
    if (!OAS30_KEYS.has(key) && !key.startsWith('x-')) continue;
    if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toOpenApi30Schema(v)]));
    } else if (key === 'items' || key === 'not' || (key === 'additionalProperties' && isObject(value))) {
      out[key] = toOpenApi30Schema(value);
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = (value as unknown[]).map(toOpenApi30Schema);
    } else out[key] = value;
  }
  return out;
}

/** Narrows every schema in an OpenAPI document (operations' parameters, bodies, responses, components). */
export function toOpenApi30Document<T extends Json>(doc: T): T {
  const walk = (node: unknown, parentKey: string | null): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, parentKey));
    if (!isObject(node)) return node;
    if (parentKey === 'schema') return toOpenApi30Schema(node);
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      if (parentKey === 'components' && k === 'schemas' && isObject(v)) {
        out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, toOpenApi30Schema(s)]));
      } else out[k] = walk(v, k);
    }
    return out;
  };
  return walk(doc, null) as T;
}
