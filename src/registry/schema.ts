/**
 * Input-schema normalisation so one form is accepted by OpenAI, Anthropic, Gemini and Moonshot
 * (a port of hermes-agent's `_normalize_mcp_input_schema`). The walk knows which keywords hold
 * schemas, so a parameter literally named `definitions`, `type` or `required` is never mistaken
 * for a keyword, and literal values (`enum`, `const`, `default`, `examples`) are never rewritten.
 */
import type { JsonObject } from '../shared/types.js';

/** What an empty or missing input schema becomes. */
export const EMPTY_OBJECT_SCHEMA: Readonly<JsonObject> = Object.freeze({ type: 'object', properties: {} });

/** Keywords whose value is a map of name → schema. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords whose value is one schema. */
const SCHEMA_SINGLE = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
]);
/** Keywords whose value is an array of schemas (`items` is here too in its draft-07 tuple form). */
const SCHEMA_ARRAYS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems', 'items']);
/**
 * Keywords whose subschemas apply to the same instance as their parent (in-place applicators):
 * their `required` names the parent's properties and an `if` without `type` matches any
 * instance, so they are never given a `type` nor have `required` pruned — that would change
 * what the schema accepts.
 */
const IN_PLACE = new Set(['allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas']);
/** The union keywords themselves: every other keyword of a collapsed union moves onto its surviving branch. */
const NULLABLE_SKIP = new Set(['anyOf', 'oneOf']);

/**
 * Returns a normalised copy of an MCP tool's `inputSchema`; the input is never mutated.
 * - empty or missing → `{"type":"object","properties":{}}`;
 * - `definitions` → `$defs`, and `#/definitions/…` refs → `#/$defs/…`, at every depth;
 * - a nullable union (`anyOf`/`oneOf` of one schema plus `{"type":"null"}`) → that schema, keeping
 *   the union's own keywords (`description`, `default`, …; `default` is dropped beside `$ref`);
 * - a missing or null `type` on a node with `properties` or `required` → `"object"`;
 * - every object node gets `properties`; `required` is pruned to names in `properties` (and
 *   removed when none remain); an array node without `items` gets `items: {}`;
 * - but subschemas of in-place applicators (`allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`,
 *   `dependentSchemas`) keep their `required` and get no `type`: JSON Schema 2020-12 conditionals
 *   and compositions mean what they meant.
 * `$ref`s are never resolved — one naming a URL is kept as written and never fetched (SEP-2106).
 * Every other keyword (`$schema`, `$id`, `$anchor`, `$dynamicRef`, `unevaluated*`, …) is kept.
 */
export function normalizeInputSchema(schema: unknown): JsonObject {
  if (!isObject(schema) || Object.keys(schema).length === 0) return { type: 'object', properties: {} };
  const normalized = normalizeNode(schema);
  if (!isObject(normalized)) return { type: 'object', properties: {} };
  return normalized;
}

/** Rewrites a `#/definitions/…` JSON pointer (at any depth) to `#/$defs/…`; other refs are returned as is. */
export function rewriteDefinitionsRef(ref: string): string {
  if (!ref.startsWith('#/')) return ref;
  const segments = ref.slice(2).split('/');
  // Walk the pointer as the schema walk does: only a segment in keyword position is renamed;
  // the segment after a map keyword is a name and the one after an array keyword an index.
  let keywordPosition = true;
  const out = segments.map((segment, i) => {
    if (!keywordPosition) {
      keywordPosition = true;
      return segment;
    }
    const next = segments[i + 1] ?? '';
    const indexFollows = SCHEMA_ARRAYS.has(segment) && /^\d+$/.test(next);
    keywordPosition = !(SCHEMA_MAPS.has(segment) || indexFollows);
    return segment === 'definitions' ? '$defs' : segment;
  });
  return `#/${out.join('/')}`;
}

/**
 * Normalises one schema node (bottom-up: children first, then this node's shape); `inPlace` when
 * it sits under an in-place applicator (see {@link IN_PLACE}).
 */
function normalizeNode(node: unknown, inPlace = false): unknown {
  if (typeof node === 'boolean') return node;
  if (!isObject(node)) return copyJson(node);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    const childInPlace = IN_PLACE.has(key);
    if (SCHEMA_MAPS.has(key) && isObject(value)) {
      const map: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) setOwn(map, name, normalizeNode(sub, childInPlace));
      // `definitions` and `$defs` on one node merge; `$defs` wins a clash (it is the modern keyword).
      const target = key === 'definitions' ? '$defs' : key;
      out[target] = target === '$defs' && isObject(out['$defs']) ? mergeDefs(key, map, out['$defs']) : map;
    } else if (SCHEMA_ARRAYS.has(key) && Array.isArray(value)) {
      out[key] = value.map((sub) => normalizeNode(sub, childInPlace));
    } else if (SCHEMA_SINGLE.has(key) && (isObject(value) || typeof value === 'boolean')) {
      out[key] = normalizeNode(value, childInPlace);
    } else if (key === '$ref' && typeof value === 'string') {
      out[key] = rewriteDefinitionsRef(value);
    } else {
      setOwn(out, key, copyJson(value));
    }
  }
  return repairShape(collapseNullable(out), inPlace);
}

function mergeDefs(key: string, map: JsonObject, existing: JsonObject): JsonObject {
  return key === 'definitions' ? { ...map, ...existing } : { ...existing, ...map };
}

/** `anyOf`/`oneOf` of exactly one non-null branch plus `{"type":"null"}` → that branch. */
function collapseNullable(node: JsonObject): JsonObject {
  for (const key of ['anyOf', 'oneOf'] as const) {
    const variants = node[key];
    if (!Array.isArray(variants)) continue;
    const nonNull = variants.filter((variant) => !(isObject(variant) && variant['type'] === 'null'));
    // Only a union whose sole purpose is to allow null collapses; a real union is kept as is.
    if (nonNull.length !== 1 || nonNull.length === variants.length) continue;
    const branch = nonNull[0];
    const replacement: JsonObject = isObject(branch) ? { ...branch } : {};
    for (const [sibling, value] of Object.entries(node)) {
      if (NULLABLE_SKIP.has(sibling) || sibling in replacement) continue;
      // Strict draft-07 validators reject `default` next to `$ref`.
      if (sibling === 'default' && '$ref' in replacement) continue;
      setOwn(replacement, sibling, value);
    }
    return collapseNullable(replacement);
  }
  return node;
}

/**
 * Fills a missing object `type`, ensures `properties`, prunes `required`, gives arrays `items` —
 * under an in-place applicator only the last two fills (they change nothing a validator accepts).
 */
function repairShape(node: JsonObject, inPlace: boolean): JsonObject {
  const type = node['type'];
  if (!inPlace && (type === undefined || type === null) && ('properties' in node || 'required' in node)) node['type'] = 'object';
  if (node['type'] === 'object') {
    if (!isObject(node['properties'])) node['properties'] = {};
    const properties = node['properties'] as JsonObject;
    const required = node['required'];
    if (!inPlace && Array.isArray(required)) {
      const valid = required.filter((name): name is string => typeof name === 'string' && Object.hasOwn(properties, name));
      if (valid.length === 0) delete node['required'];
      else if (valid.length !== required.length) node['required'] = valid;
    }
  }
  if (node['type'] === 'array' && !('items' in node) && !('prefixItems' in node)) node['items'] = {};
  return node;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy of a JSON value, so the result never shares objects with the caller's input. */
function copyJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyJson);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [key, sub] of Object.entries(value)) setOwn(out, key, copyJson(sub));
    return out;
  }
  return value;
}

/**
 * `target[key] = value` as an own property even for `__proto__` (a legal JSON key — a parameter
 * may be named so), which plain assignment would turn into a prototype change.
 */
function setOwn(target: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
