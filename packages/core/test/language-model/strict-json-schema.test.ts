import { ConfigurationError, toStrictJsonSchema } from '@echolens/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dropNullsForOptionalProperties } from '../../src/language-model/strict-json-schema.js';

type Schema = Record<string, unknown>;

/** Every object node in a JSON schema, wherever it is nested. */
function objectNodes(schema: unknown, found: Schema[] = []): Schema[] {
  if (Array.isArray(schema)) for (const item of schema) objectNodes(item, found);
  else if (typeof schema === 'object' && schema !== null) {
    const node = schema as Schema;
    if (node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object')))
      found.push(node);
    for (const value of Object.values(node)) objectNodes(value, found);
  }
  return found;
}

const evidence = z.object({ turnIds: z.array(z.string()).min(1), quote: z.string().max(200) });
const insights = z.object({
  summary: z.string(),
  sentiment: z.object({
    label: z.enum(['negative', 'neutral', 'positive']),
    score: z.number().min(-1).max(1),
  }),
  escalationRisk: z.int().min(0).max(100).describe('0 = calm, 100 = about to escalate'),
  callbackPromise: z.object({ byWhen: z.string().optional(), what: z.string(), evidence }).optional(),
  resolution: z.discriminatedUnion('status', [
    z.object({ status: z.literal('resolved'), category: z.string() }),
    z.object({ status: z.literal('unresolved'), reason: z.string().nullable().optional() }),
  ]),
  tags: z.array(z.string()).default([]),
  recordedAt: z.iso.datetime().optional(),
});

describe('toStrictJsonSchema', () => {
  const strict = toStrictJsonSchema(insights, 'insights');

  it('requires every property and closes every object, however deeply nested', () => {
    const objects = objectNodes(strict);
    expect(objects.length).toBeGreaterThanOrEqual(6);
    for (const node of objects) {
      expect(node.additionalProperties).toBe(false);
      expect(new Set(node.required as string[])).toEqual(new Set(Object.keys(node.properties as Schema)));
    }
    expect(strict.$schema).toBeUndefined();
  });

  it('turns optional properties into nullable ones and leaves required ones alone', () => {
    const properties = strict.properties as Record<string, Schema>;
    expect(properties.summary).toEqual({ type: 'string' });
    expect(properties.recordedAt?.type).toEqual(['string', 'null']);
    expect(properties.tags?.anyOf).toEqual([{ type: 'array', items: { type: 'string' } }, { type: 'null' }]);
    expect((properties.callbackPromise!.anyOf as Schema[])[1]).toEqual({ type: 'null' });
  });

  it('keeps bounds and formats as guidance in the description, and unions as anyOf with one-value enums', () => {
    const properties = strict.properties as Record<string, Schema>;
    expect(properties.escalationRisk).toEqual({
      type: 'integer',
      description: '0 = calm, 100 = about to escalate (minimum 0, maximum 100)',
    });
    expect(properties.recordedAt?.description).toBe('(format: date-time)');
    const branches = (properties.resolution!.anyOf as Schema[]).map(
      (branch) => (branch.properties as Record<string, Schema>).status,
    );
    expect(branches).toEqual([
      { type: 'string', enum: ['resolved'] },
      { type: 'string', enum: ['unresolved'] },
    ]);
    const serialized = JSON.stringify(strict);
    for (const keyword of [
      '"minimum"',
      '"maxLength"',
      '"minItems"',
      '"pattern"',
      '"oneOf"',
      '"const"',
      '"default"',
    ]) {
      expect(serialized).not.toContain(keyword);
    }
  });

  it('names the property when strict mode cannot express a construct', () => {
    const cases: [z.ZodObject, RegExp][] = [
      [z.object({ scores: z.record(z.string(), z.number()) }), /"scores".*record/],
      [z.object({ pair: z.tuple([z.string(), z.number()]) }), /"pair".*tuple/],
      [z.object({ nested: z.object({ anything: z.unknown() }) }), /"nested.anything".*any value/],
    ];
    for (const [schema, message] of cases) {
      expect(() => toStrictJsonSchema(schema, 'custom')).toThrow(message);
      expect(() => toStrictJsonSchema(schema, 'custom')).toThrow(ConfigurationError);
    }
    expect(() => toStrictJsonSchema(z.array(z.string()) as never, 'list')).toThrow(
      /must be a z.object\(\) at its root/,
    );
  });
});

describe('dropNullsForOptionalProperties', () => {
  it('turns a strict-mode answer back into what the zod schema accepts, applying its defaults', () => {
    const strictAnswer = {
      summary: 'Refund issued.',
      sentiment: { label: 'positive', score: 0.6 },
      escalationRisk: 5,
      callbackPromise: {
        byWhen: null,
        what: 'email confirmation',
        evidence: { turnIds: ['t3'], quote: 'I will email you' },
      },
      resolution: { status: 'unresolved', reason: null },
      tags: null,
      recordedAt: null,
    };
    expect(insights.safeParse(strictAnswer).success).toBe(false);
    const restored = insights.parse(
      dropNullsForOptionalProperties(
        structuredClone(strictAnswer),
        z.toJSONSchema(insights, { io: 'input' }) as Schema,
      ),
    );
    expect(restored.tags).toEqual([]);
    expect(restored.recordedAt).toBeUndefined();
    expect(restored.callbackPromise).toEqual({
      what: 'email confirmation',
      evidence: { turnIds: ['t3'], quote: 'I will email you' },
    });
    // `reason` is nullable as well as optional: a null there is a real answer and stays.
    expect(restored.resolution).toEqual({ status: 'unresolved', reason: null });
  });
});
