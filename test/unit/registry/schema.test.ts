import { describe, it, expect } from 'vitest';
import { EMPTY_OBJECT_SCHEMA, normalizeInputSchema, rewriteDefinitionsRef } from '../../../src/registry/schema.js';

/** Freezes `value` at every depth, so a normaliser that mutates its input throws in strict mode. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const sub of Object.values(value)) deepFreeze(sub);
    Object.freeze(value);
  }
  return value;
}

/** The value at `path` inside `value` (undefined when any step is missing). */
function get(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined),
    value,
  );
}

function normalize(schema: unknown): Record<string, unknown> {
  return normalizeInputSchema(deepFreeze(structuredClone(schema)));
}

describe('input schema normalisation', () => {
  it('turns a missing, null or empty schema into an empty object schema (hermes: test_empty_input_schema_gets_default)', () => {
    for (const schema of [undefined, null, {}, 'object', 42, []]) {
      expect(normalizeInputSchema(schema)).toEqual({ type: 'object', properties: {} });
    }
    expect(EMPTY_OBJECT_SCHEMA).toEqual({ type: 'object', properties: {} });
  });

  it('returns a fresh object each time, never the shared constant', () => {
    const a = normalizeInputSchema(undefined);
    a['extra'] = true;
    expect(normalizeInputSchema(undefined)).toEqual({ type: 'object', properties: {} });
  });

  it('adds properties to an object schema without them (hermes: test_object_schema_without_properties_gets_normalized)', () => {
    expect(normalize({ type: 'object' })).toEqual({ type: 'object', properties: {} });
  });

  it('keeps a well-formed schema as it is', () => {
    const schema = {
      type: 'object',
      properties: { path: { type: 'string', description: 'File path' } },
      required: ['path'],
      additionalProperties: false,
    };
    expect(normalize(schema)).toEqual(schema);
  });

  it('keeps a JSON Schema 2020-12 schema keyword for keyword (SEP-1613, SEP-2106)', () => {
    // The shape of the conformance suite's json_schema_2020_12_tool, plus the other 2020-12 keywords.
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:example:order',
      type: 'object',
      $defs: {
        address: { $anchor: 'address', type: 'object', properties: { street: { type: 'string' } }, required: ['street'] },
        node: { $dynamicAnchor: 'node', type: 'object', properties: { next: { $dynamicRef: '#node' } } },
      },
      properties: {
        shipping: { $ref: '#/$defs/address' },
        billing: { $ref: '#address', description: 'a $ref with siblings is legal in 2020-12' },
        kind: { allOf: [{ anyOf: [{ type: 'string' }, { type: 'number' }] }] },
        tags: { type: 'array', prefixItems: [{ type: 'string' }], items: false, minContains: 1, contains: { const: 'x' } },
        extra: { type: 'object', properties: {}, unevaluatedProperties: false, dependentSchemas: { a: { required: ['b'] } } },
      },
      if: { properties: { kind: { const: 'gift' } } },
      then: { required: ['billing'] },
      else: { required: ['shipping'] },
      dependentRequired: { billing: ['shipping'] },
      additionalProperties: false,
      required: ['kind'],
    };
    expect(normalize(schema)).toEqual(schema);
  });

  it('never resolves a $ref: one naming a network URL is kept as written, and nothing is fetched (SEP-2106)', () => {
    const schema = {
      type: 'object',
      properties: {
        user: { $ref: '#/$defs/userId' },
        profile: { $ref: 'http://127.0.0.1:9/canary/profile-schema.json' },
        relative: { $ref: 'other.json#/definitions/x' },
      },
      $defs: { userId: { type: 'string' } },
    };
    const fetched: unknown[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (...args: unknown[]) => void fetched.push(args)) as unknown as typeof fetch;
    try {
      expect(normalize(schema)).toEqual(schema);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(fetched).toEqual([]);
  });

  it('rewrites definitions to $defs and #/definitions refs (hermes: test_definitions_refs_are_rewritten_to_defs)', () => {
    const schema = normalize({
      type: 'object',
      properties: { input: { $ref: '#/definitions/Payload' } },
      required: ['input'],
      definitions: {
        Payload: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
      },
    });
    expect(get(schema, 'properties', 'input', '$ref')).toBe('#/$defs/Payload');
    expect(schema['$defs']).toEqual({
      Payload: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    });
    expect(schema).not.toHaveProperty('definitions');
    expect(schema['required']).toEqual(['input']);
  });

  it('rewrites nested definition refs recursively (hermes: test_nested_definition_refs_are_rewritten_recursively)', () => {
    const schema = normalize({
      type: 'object',
      properties: { items: { type: 'array', items: { $ref: '#/definitions/Entry' } } },
      definitions: {
        Entry: { type: 'object', properties: { child: { $ref: '#/definitions/Child' } } },
        Child: { type: 'object', properties: { value: { type: 'string' } } },
      },
    });
    expect(get(schema, 'properties', 'items', 'items', '$ref')).toBe('#/$defs/Entry');
    expect(get(schema, '$defs', 'Entry', 'properties', 'child', '$ref')).toBe('#/$defs/Child');
  });

  it('keeps a parameter literally named definitions (hermes: test_definitions_as_property_name_is_preserved)', () => {
    const schema = normalize({
      type: 'object',
      properties: {
        action: { type: 'string' },
        definitions: { description: 'Array of build definition IDs to filter builds.' },
        top: { type: 'integer' },
      },
    });
    expect(Object.keys(get(schema, 'properties') as object)).toEqual(['action', 'definitions', 'top']);
    expect(schema).not.toHaveProperty('$defs');
    expect(schema).not.toHaveProperty('definitions');
  });

  it('does not rewrite definitions inside literal values (enum, default, examples, const)', () => {
    const literal = { definitions: { a: 1 }, $ref: '#/definitions/x' };
    const schema = normalize({
      type: 'object',
      properties: { mode: { type: 'object', default: literal, examples: [literal], const: literal, enum: [literal] } },
    });
    expect(get(schema, 'properties', 'mode', 'default')).toEqual(literal);
    expect(get(schema, 'properties', 'mode', 'examples')).toEqual([literal]);
    expect(get(schema, 'properties', 'mode', 'const')).toEqual(literal);
    expect(get(schema, 'properties', 'mode', 'enum')).toEqual([literal]);
  });

  it('rewrites refs only at keyword positions of the pointer', () => {
    expect(rewriteDefinitionsRef('#/definitions/A')).toBe('#/$defs/A');
    expect(rewriteDefinitionsRef('#/$defs/A/definitions/B')).toBe('#/$defs/A/$defs/B');
    expect(rewriteDefinitionsRef('#/properties/definitions/items')).toBe('#/properties/definitions/items');
    expect(rewriteDefinitionsRef('#/definitions/definitions')).toBe('#/$defs/definitions');
    expect(rewriteDefinitionsRef('#/anyOf/0/definitions/X')).toBe('#/anyOf/0/$defs/X');
    expect(rewriteDefinitionsRef('#')).toBe('#');
    expect(rewriteDefinitionsRef('https://example.com/schema#/definitions/A')).toBe('https://example.com/schema#/definitions/A');
  });

  it('merges definitions into existing $defs, $defs winning a clash', () => {
    const schema = normalize({
      type: 'object',
      properties: {},
      $defs: { A: { type: 'string' } },
      definitions: { A: { type: 'number' }, B: { type: 'boolean' } },
    });
    expect(schema['$defs']).toEqual({ A: { type: 'string' }, B: { type: 'boolean' } });
  });

  it('sets type object on an object-shaped node without type (hermes: test_missing_type_on_object_is_coerced)', () => {
    const schema = normalize({ properties: { q: { type: 'string' } }, required: ['q'] });
    expect(schema).toEqual({ properties: { q: { type: 'string' } }, required: ['q'], type: 'object' });
  });

  it('treats a null type like a missing one (hermes: test_null_type_on_object_is_coerced)', () => {
    expect(normalize({ type: null, properties: { x: { type: 'integer' } } })['type']).toBe('object');
  });

  it('sets type object on a node that has only required, then drops the dangling names', () => {
    expect(normalize({ required: ['a'] })).toEqual({ type: 'object', properties: {} });
  });

  it('prunes required to names that exist (hermes: test_required_pruned_when_property_missing)', () => {
    const schema = normalize({ type: 'object', properties: { a: { type: 'string' } }, required: ['a', 'ghost', 'phantom'] });
    expect(schema['required']).toEqual(['a']);
  });

  it('removes required when every name dangles (hermes: test_required_removed_when_all_names_dangle)', () => {
    expect(normalize({ type: 'object', properties: {}, required: ['ghost'] })).not.toHaveProperty('required');
  });

  it('drops non-string required entries and inherited names like toString', () => {
    const schema = normalize({ type: 'object', properties: { a: {} }, required: ['a', 1, null, 'toString', '__proto__'] });
    expect(schema['required']).toEqual(['a']);
  });

  it('prunes required inside nested objects (hermes: test_required_pruning_applies_recursively_inside_nested_objects)', () => {
    const schema = normalize({
      type: 'object',
      properties: {
        filter: { type: 'object', properties: { field: { type: 'string' } }, required: ['field', 'missing'] },
      },
    });
    expect(get(schema, 'properties', 'filter', 'required')).toEqual(['field']);
  });

  it('gives object array items properties (hermes: test_object_in_array_items_gets_properties_filled)', () => {
    const schema = normalize({
      type: 'object',
      properties: { items: { type: 'array', items: { type: 'object' } } },
    });
    expect(get(schema, 'properties', 'items', 'items', 'properties')).toEqual({});
  });

  it('prunes required inside array items and $defs', () => {
    const schema = normalize({
      type: 'object',
      properties: { rows: { type: 'array', items: { type: 'object', properties: { id: {} }, required: ['id', 'gone'] } } },
      $defs: { D: { type: 'object', required: ['nope'] } },
    });
    expect(get(schema, 'properties', 'rows', 'items', 'required')).toEqual(['id']);
    expect(get(schema, '$defs', 'D')).toEqual({ type: 'object', properties: {} });
  });

  it('gives an array without items an empty items schema', () => {
    const schema = normalize({ type: 'object', properties: { tags: { type: 'array' } } });
    expect(get(schema, 'properties', 'tags')).toEqual({ type: 'array', items: {} });
    const tuple = normalize({ type: 'object', properties: { pair: { type: 'array', prefixItems: [{}, {}] } } });
    expect(get(tuple, 'properties', 'pair')).not.toHaveProperty('items');
  });

  it('collapses a nullable anyOf to its non-null branch (hermes: test_optional_nullable_field_is_collapsed_to_non_null_schema)', () => {
    const schema = normalize({
      type: 'object',
      properties: {
        command: { type: 'string' },
        workdir: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null, description: 'Optional working directory' },
      },
      required: ['command'],
    });
    // Unlike hermes, no `nullable: true` hint: it is not JSON Schema, and nothing here reads it.
    expect(get(schema, 'properties', 'workdir')).toEqual({ type: 'string', default: null, description: 'Optional working directory' });
    expect(get(schema, 'required')).toEqual(['command']);
  });

  it('collapses a nullable oneOf inside array items (hermes: test_nested_nullable_array_items_are_collapsed)', () => {
    const schema = normalize({
      type: 'object',
      properties: {
        filters: {
          type: 'array',
          items: { oneOf: [{ type: 'object', properties: { field: { type: 'string' } } }, { type: 'null' }] },
        },
      },
    });
    expect(get(schema, 'properties', 'filters', 'items')).toEqual({ type: 'object', properties: { field: { type: 'string' } } });
  });

  it('keeps the union node keywords on the surviving branch, the branch own keywords winning', () => {
    const schema = normalize({
      type: 'object',
      properties: {
        when: { anyOf: [{ type: 'string', title: 'Inner' }, { type: 'null' }], format: 'date', title: 'Outer' },
      },
    });
    expect(get(schema, 'properties', 'when')).toEqual({ type: 'string', title: 'Inner', format: 'date' });
  });

  it('drops default next to $ref when collapsing (strict validators reject it)', () => {
    const schema = normalize({
      type: 'object',
      properties: { p: { anyOf: [{ $ref: '#/definitions/P' }, { type: 'null' }], default: null, description: 'd' } },
      definitions: { P: { type: 'string' } },
    });
    expect(get(schema, 'properties', 'p')).toEqual({ $ref: '#/$defs/P', description: 'd' });
  });

  it('keeps real unions and unions that are only null', () => {
    const union = { anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }] };
    const onlyNull = { anyOf: [{ type: 'null' }] };
    const schema = normalize({ type: 'object', properties: { union, onlyNull } });
    expect(get(schema, 'properties', 'union')).toEqual(union);
    expect(get(schema, 'properties', 'onlyNull')).toEqual(onlyNull);
  });

  it('collapses a nullable union whose branch is an object and repairs that object', () => {
    const schema = normalize({
      type: 'object',
      properties: { opts: { anyOf: [{ properties: { a: {} }, required: ['a', 'b'] }, { type: 'null' }] } },
    });
    expect(get(schema, 'properties', 'opts')).toEqual({ properties: { a: {} }, required: ['a'], type: 'object' });
  });

  it('treats parameters named type, required or properties as names, not keywords', () => {
    const schema = normalize({
      type: 'object',
      properties: { type: { type: 'string' }, required: { type: 'boolean' }, properties: { type: 'object' } },
      required: ['type', 'required'],
    });
    expect(get(schema, 'properties')).toEqual({
      type: { type: 'string' },
      required: { type: 'boolean' },
      properties: { type: 'object', properties: {} },
    });
    expect(get(schema, 'required')).toEqual(['type', 'required']);
  });

  it('repairs schemas under allOf, not, additionalProperties and patternProperties', () => {
    const schema = normalize({
      type: 'object',
      properties: { x: { type: 'string' } },
      allOf: [{ required: ['x'] }, { properties: { y: { type: 'object' } } }],
      not: { type: 'object' },
      additionalProperties: { type: 'object' },
      patternProperties: { '^x': { type: 'array' } },
    });
    // An allOf branch applies to the same object: its required names the parent's properties.
    expect(get(schema, 'allOf')).toEqual([{ required: ['x'] }, { properties: { y: { type: 'object', properties: {} } } }]);
    expect(get(schema, 'not')).toEqual({ type: 'object', properties: {} });
    expect(get(schema, 'additionalProperties')).toEqual({ type: 'object', properties: {} });
    expect(get(schema, 'patternProperties')).toEqual({ '^x': { type: 'array', items: {} } });
  });

  it('keeps boolean subschemas', () => {
    const schema = normalize({ type: 'object', properties: { any: true }, additionalProperties: false });
    expect(schema).toEqual({ type: 'object', properties: { any: true }, additionalProperties: false });
  });

  it('never mutates its input and shares no objects with it', () => {
    const input = {
      type: 'object',
      properties: { a: { anyOf: [{ type: 'object' }, { type: 'null' }] }, b: { type: 'array' } },
      required: ['a', 'ghost'],
      definitions: { X: { required: ['y'] } },
      default: { nested: { k: 1 } },
    };
    const snapshot = structuredClone(input);
    const output = normalizeInputSchema(deepFreeze(input));
    expect(input).toEqual(snapshot);
    (get(output, 'default', 'nested') as Record<string, unknown>)['k'] = 2;
    (get(output, 'properties', 'b', 'items') as Record<string, unknown>)['x'] = 1;
    expect(input).toEqual(snapshot);
  });
});

describe('input schema normalisation of hostile keys', () => {
  it('keeps a parameter named __proto__ as a property and never touches Object.prototype', () => {
    const input = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}},"required":["__proto__"]}');
    const schema = normalizeInputSchema(input);
    const properties = schema['properties'] as Record<string, unknown>;
    expect(Object.keys(properties)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
    expect(schema['required']).toEqual(['__proto__']);
    expect(JSON.stringify(schema)).toBe(JSON.stringify(input));
    expect(({} as Record<string, unknown>)['type']).toBeUndefined();
  });
});
