/**
 * One pass over the document zod-to-openapi generates, for what it cannot be told (kept here rather than
 * patched per field, so every schema gets the same rules):
 * - an inline enum must be one of the named enum components: it becomes a `$ref` to it, keeping its
 *   `default` and `description` beside the `$ref` (OpenAPI 3.1 allows siblings), since zod-to-openapi drops
 *   a field's default and description when it references a component; an inline enum that names no
 *   component is an error, so no two unnamed enums (which SDK generators turn into colliding types) get in;
 * - an inline one-value enum (a zod literal) becomes `const`;
 * - `allOf: [{$ref}, {annotations}]`, zod-to-openapi's form for a described reference, becomes the `$ref`
 *   with the annotations beside it.
 */
export function normalizeOpenApiSchemas(document: Record<string, unknown>): Record<string, unknown> {
  const schemas = ((document['components'] as Record<string, unknown> | undefined)?.['schemas'] ?? {}) as Record<string, Record<string, unknown>>;
  const namedEnums = new Map<string, string>();
  for (const [name, schema] of Object.entries(schemas)) {
    if (Array.isArray(schema['enum'])) namedEnums.set(enumKey(schema['enum']), name);
  }
  const normalized = walk(document, [], namedEnums) as Record<string, unknown>;
  return normalized;
}

/** Keys whose values are data (examples, defaults), never schemas: left as they are. */
const DATA_KEYS = new Set(['example', 'examples', 'default', 'const', 'enum', 'value']);
/** Keys a `$ref` may keep beside it. */
const ANNOTATION_KEYS = new Set(['description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'title']);

function walk(node: unknown, path: readonly string[], namedEnums: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, String(index)], namedEnums));
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>).map(([key, value]) => [key, DATA_KEYS.has(key) ? value : walk(value, [...path, key], namedEnums)] as const);
  let object: Record<string, unknown> = Object.fromEntries(entries);
  const isNamedComponent = path.length === 3 && path[0] === 'components' && path[1] === 'schemas';
  if (Array.isArray(object['enum']) && !isNamedComponent) object = inlineEnum(object, path, namedEnums);
  if (Array.isArray(object['allOf'])) object = collapseDescribedRef(object);
  return object;
}

function inlineEnum(schema: Record<string, unknown>, path: readonly string[], namedEnums: ReadonlyMap<string, string>): Record<string, unknown> {
  const values = schema['enum'] as unknown[];
  const { enum: _enum, type: _type, ...rest } = schema;
  const named = namedEnums.get(enumKey(values));
  if (named) return { $ref: `#/components/schemas/${named}`, ...rest };
  if (values.length === 1) return { ...(_type === undefined ? {} : { type: _type }), const: values[0], ...rest };
  throw new Error(`inline enum ${JSON.stringify(values)} at ${path.join('/')}: give it a component name (.openapi('Name'))`);
}

function collapseDescribedRef(schema: Record<string, unknown>): Record<string, unknown> {
  const { allOf, ...rest } = schema;
  const parts = allOf as Record<string, unknown>[];
  const refs = parts.filter((part) => typeof part['$ref'] === 'string' && Object.keys(part).length === 1);
  const annotations = parts.filter((part) => !refs.includes(part));
  if (refs.length !== 1 || !annotations.every((part) => Object.keys(part).every((key) => ANNOTATION_KEYS.has(key)))) return schema;
  return { ...refs[0], ...Object.assign({}, ...annotations), ...rest };
}

function enumKey(values: readonly unknown[]): string {
  return JSON.stringify([...values].map((value) => JSON.stringify(value)).sort());
}
