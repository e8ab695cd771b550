import type { JsonSchema } from '@echolens/provider';
import { ConfigurationError } from '@echolens/provider';
import { z } from 'zod';

/**
 * OpenAI's strict structured output (and Groq's, and the llama.cpp grammars behind Ollama) accept only a
 * subset of JSON Schema: every property listed in `required`, `additionalProperties: false` on every
 * object, and a short list of keywords. This module turns a zod schema into that subset without changing
 * what it accepts in any way that matters: optional properties become required-but-nullable (the nulls are
 * removed again before zod validates, see `dropNullsForOptionalProperties`), and value constraints the
 * vendors do not all enforce (bounds, lengths, formats) move into the description, where the model still
 * reads them and zod still enforces them.
 */

const KEPT_KEYWORDS = ['type', 'enum', 'description'] as const;

/** Keywords that change which values are valid and have no strict-mode equivalent. */
const INEXPRESSIBLE_KEYWORDS: Record<string, string> = {
  prefixItems: 'tuples are not supported; use an object with named properties',
  allOf: 'intersections are not supported; merge the objects with .extend()',
  not: '"not" is not supported',
  if: 'conditional schemas are not supported',
  patternProperties: 'records are not supported; use an array of { key, value } objects',
  propertyNames: 'records are not supported; use an array of { key, value } objects',
  dependentSchemas: 'dependent schemas are not supported',
  contains: '"contains" is not supported',
  unevaluatedProperties: '"unevaluatedProperties" is not supported',
};

const DESCRIBED_CONSTRAINTS: Record<string, (value: unknown) => string> = {
  minimum: (value) => `minimum ${value}`,
  maximum: (value) => `maximum ${value}`,
  exclusiveMinimum: (value) => `greater than ${value}`,
  exclusiveMaximum: (value) => `less than ${value}`,
  multipleOf: (value) => `a multiple of ${value}`,
  minLength: (value) => `at least ${value} characters`,
  maxLength: (value) => `at most ${value} characters`,
  minItems: (value) => `at least ${value} items`,
  maxItems: (value) => `at most ${value} items`,
  format: (value) => `format: ${value}`,
};

/** Patterns longer than this are implementation detail (zod's date-time regex), not guidance for a model. */
const LONGEST_DESCRIBED_PATTERN = 80;

export interface PreparedSchema {
  /** What is sent to the model. */
  strict: JsonSchema;
  /** zod's own input schema, which knows which properties were optional. */
  original: JsonSchema;
}

const preparedSchemas = new WeakMap<z.ZodType, PreparedSchema>();

/**
 * The zod schema as JSON Schema acceptable to OpenAI strict mode: every property required (optional ones
 * nullable), `additionalProperties: false`, only supported keywords. Throws ConfigurationError, naming the
 * property, for constructs strict mode cannot express (records, tuples, intersections, `z.unknown()`).
 */
export function toStrictJsonSchema(schema: z.ZodType, schemaName = 'schema'): JsonSchema {
  return prepareStructuredSchema(schema, schemaName).strict;
}

export function prepareStructuredSchema(schema: z.ZodType, schemaName: string): PreparedSchema {
  const cached = preparedSchemas.get(schema);
  if (cached) return cached;
  let original: JsonSchema;
  try {
    // `input`: the model writes what zod parses, so defaulted fields are optional for it.
    original = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  } catch (error) {
    throw new ConfigurationError(
      `Schema "${schemaName}" cannot be expressed as JSON Schema: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (original.type !== 'object') {
    throw new ConfigurationError(
      `Schema "${schemaName}" must be a z.object() at its root for structured output (got ${describeType(original)})`,
    );
  }
  const converter = new StrictSchemaConverter(schemaName);
  const strict = converter.convert(original, '');
  delete strict.$schema;
  const prepared = { strict, original };
  preparedSchemas.set(schema, prepared);
  return prepared;
}

class StrictSchemaConverter {
  constructor(private readonly schemaName: string) {}

  convert(node: unknown, path: string): JsonSchema {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      this.fail(path, 'a schema that accepts any value (z.unknown() / z.any()) is not supported');
    }
    const source = node as JsonSchema;
    for (const [keyword, reason] of Object.entries(INEXPRESSIBLE_KEYWORDS)) {
      if (keyword in source) this.fail(path, reason);
    }
    const additional = source.additionalProperties;
    // `{}` (z.looseObject) only tolerates extra keys, which a model need not write; a real schema is a record.
    if (typeof additional === 'object' && additional !== null && Object.keys(additional).length > 0) {
      this.fail(path, INEXPRESSIBLE_KEYWORDS.propertyNames as string);
    }
    const result: JsonSchema = {};
    for (const keyword of KEPT_KEYWORDS) {
      if (source[keyword] !== undefined) result[keyword] = source[keyword];
    }
    if (source.const !== undefined) result.enum = [source.const];
    const alternatives = (source.anyOf ?? source.oneOf) as unknown[] | undefined;
    if (alternatives) {
      result.anyOf = alternatives.map((branch, index) => this.convert(branch, `${path}|${index}`));
    }
    if (typeof source.$ref === 'string') result.$ref = source.$ref;
    if (source.$defs) {
      result.$defs = Object.fromEntries(
        Object.entries(source.$defs as Record<string, unknown>).map(([name, definition]) => [
          name,
          this.convert(definition, `$defs.${name}`),
        ]),
      );
    }
    if (source.items !== undefined) result.items = this.convert(source.items, `${path}[]`);
    if (source.type === 'object' || source.properties) this.convertObject(source, result, path);
    if (result.type === undefined && !result.anyOf && !result.$ref && !result.enum) {
      this.fail(path, 'a schema that accepts any value (z.unknown() / z.any()) is not supported');
    }
    const constraints = describeConstraints(source);
    if (constraints) {
      result.description = result.description ? `${result.description} (${constraints})` : `(${constraints})`;
    }
    return result;
  }

  private convertObject(source: JsonSchema, result: JsonSchema, path: string): void {
    const properties = (source.properties ?? {}) as Record<string, unknown>;
    const required = new Set((source.required ?? []) as string[]);
    const converted: Record<string, JsonSchema> = {};
    for (const [name, property] of Object.entries(properties)) {
      const childPath = path ? `${path}.${name}` : name;
      const strictProperty = this.convert(property, childPath);
      converted[name] = required.has(name) ? strictProperty : makeNullable(strictProperty);
    }
    result.type = 'object';
    result.properties = converted;
    result.required = Object.keys(converted);
    result.additionalProperties = false;
  }

  private fail(path: string, reason: string): never {
    const where = path ? `property "${path}"` : 'the root';
    throw new ConfigurationError(
      `Schema "${this.schemaName}", ${where}: ${reason} (strict structured output accepts a subset of JSON Schema)`,
    );
  }
}

function describeConstraints(source: JsonSchema): string {
  const parts: string[] = [];
  for (const [keyword, describe] of Object.entries(DESCRIBED_CONSTRAINTS)) {
    const value = source[keyword];
    // zod marks every z.int() with the safe-integer range, which tells a model nothing.
    if (value === undefined || (typeof value === 'number' && Math.abs(value) >= Number.MAX_SAFE_INTEGER))
      continue;
    parts.push(describe(value));
  }
  if (
    typeof source.pattern === 'string' &&
    source.pattern.length <= LONGEST_DESCRIBED_PATTERN &&
    !source.format
  ) {
    parts.push(`matching /${source.pattern}/`);
  }
  return parts.join(', ');
}

function describeType(schema: JsonSchema): string {
  if (schema.type) return JSON.stringify(schema.type);
  if (schema.anyOf || schema.oneOf) return 'a union';
  return 'an untyped schema';
}

/** True when the schema accepts `null`. */
export function acceptsNull(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  const node = schema as JsonSchema;
  if (node.type === 'null' || (Array.isArray(node.type) && node.type.includes('null'))) return true;
  const alternatives = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  return alternatives?.some(acceptsNull) ?? false;
}

function makeNullable(schema: JsonSchema): JsonSchema {
  if (acceptsNull(schema)) return schema;
  const { type } = schema;
  const primitive = typeof type === 'string' && type !== 'object' && type !== 'array';
  if (primitive || Array.isArray(type)) {
    const nullable: JsonSchema = { ...schema, type: [...(Array.isArray(type) ? type : [type]), 'null'] };
    if (Array.isArray(schema.enum)) nullable.enum = [...schema.enum, null];
    return nullable;
  }
  if (Array.isArray(schema.anyOf)) return { ...schema, anyOf: [...schema.anyOf, { type: 'null' }] };
  return { anyOf: [schema, { type: 'null' }] };
}

/**
 * Undoes `makeNullable` on a model's answer: a `null` for a property the original schema left optional
 * (and that does not itself accept null) becomes an absent property, so zod sees what it expects and
 * applies its defaults. Mutates and returns `value`.
 */
export function dropNullsForOptionalProperties(value: unknown, original: JsonSchema): unknown {
  return dropNulls(value, original, original);
}

function dropNulls(value: unknown, schema: JsonSchema | undefined, root: JsonSchema): unknown {
  const node = resolveReference(schema, root);
  if (!node || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = node.items as JsonSchema | undefined;
    for (const item of value) dropNulls(item, items, root);
    return value;
  }
  const record = value as Record<string, unknown>;
  const properties = node.properties as Record<string, JsonSchema> | undefined;
  if (properties) {
    const required = new Set((node.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      if (record[name] === null && !required.has(name) && !acceptsNull(resolveReference(property, root))) {
        delete record[name];
      } else if (name in record) {
        dropNulls(record[name], property, root);
      }
    }
  }
  const alternatives = (node.anyOf ?? node.oneOf) as JsonSchema[] | undefined;
  const branch = alternatives?.find((candidate) =>
    matchesDiscriminators(record, resolveReference(candidate, root)),
  );
  if (branch) dropNulls(record, branch, root);
  return value;
}

/** A union branch matches when every property it pins to one value (`const` or a one-value enum) agrees. */
function matchesDiscriminators(record: Record<string, unknown>, branch: JsonSchema | undefined): boolean {
  const properties = branch?.properties as Record<string, JsonSchema> | undefined;
  if (!properties) return false;
  return Object.entries(properties).every(([name, property]) => {
    const pinned =
      property.const ??
      (Array.isArray(property.enum) && property.enum.length === 1 ? property.enum[0] : undefined);
    return pinned === undefined || record[name] === pinned;
  });
}

function resolveReference(schema: JsonSchema | undefined, root: JsonSchema): JsonSchema | undefined {
  const reference = schema?.$ref;
  if (typeof reference !== 'string') return schema;
  if (reference === '#') return root;
  const name = reference.replace(/^#\/(\$defs|definitions)\//, '');
  const definitions = (root.$defs ?? root.definitions) as Record<string, JsonSchema> | undefined;
  return definitions?.[name];
}
