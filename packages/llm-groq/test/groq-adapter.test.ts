import { generateStructured, toStrictJsonSchema } from '@echolens/core';
import {
  conformanceAnswer,
  conformanceSchema,
  groqChatWireFormat,
  groqJsonValidateFailed,
  startWireServer,
  type WireServer,
} from '@echolens/core/testing';
import { createGroq } from '@echolens/llm-groq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const valid = JSON.stringify(conformanceAnswer);
const strictSchema = toStrictJsonSchema(conformanceSchema);
const responseFormat = (index: number) =>
  (server.requests[index]!.json as { response_format: unknown }).response_format;
let server: WireServer;

const analyse = (modelId: string) =>
  generateStructured({
    model: createGroq({ baseURL: groqChatWireFormat.baseURL(server.origin), apiKey: 'gsk_test_key_abcdef' })(
      modelId,
    ),
    system: 'Analyse the call.',
    prompt: '[t1] customer: I was charged twice.',
    schema: conformanceSchema,
    schemaName: 'call_insights',
  });

describe('@echolens/llm-groq structured-output modes against a local Groq server', () => {
  beforeAll(async () => {
    server = await startWireServer();
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  it('uses strict json_schema on gpt-oss models and counts the usage Groq reports', async () => {
    server.reply(groqChatWireFormat.answer({ text: valid, usage: { inputTokens: 321, outputTokens: 54 } }));
    const result = await analyse('openai/gpt-oss-20b');
    expect(result.object).toEqual(conformanceAnswer);
    expect(result.usage).toEqual({ inputTokens: 321, outputTokens: 54 });
    expect(responseFormat(0)).toEqual({
      type: 'json_schema',
      json_schema: { name: 'call_insights', schema: strictSchema, strict: true },
    });
    expect(server.requests[0]!.headers.authorization).toBe('Bearer gsk_test_key_abcdef');
  });

  it('uses best-effort json_schema on Llama 4', async () => {
    server.reply(groqChatWireFormat.answer({ text: valid }));
    await analyse('meta-llama/llama-4-scout-17b-16e-instruct');
    expect(responseFormat(0)).toMatchObject({ type: 'json_schema', json_schema: { strict: false } });
  });

  it('uses JSON mode with the schema in the system prompt on models without json_schema', async () => {
    server.reply(groqChatWireFormat.answer({ text: valid }));
    const result = await analyse('llama-3.3-70b-versatile');
    expect(result.object).toEqual(conformanceAnswer);
    expect(responseFormat(0)).toEqual({ type: 'json_object' });
    const system = groqChatWireFormat.readRequest(server.requests[0]!).system ?? '';
    expect(system).toContain('Analyse the call.');
    expect(system).toContain(JSON.stringify(strictSchema));
  });

  it('switches a model to JSON mode for good when Groq says it lacks json_schema', async () => {
    const model = createGroq({
      baseURL: groqChatWireFormat.baseURL(server.origin),
      apiKey: 'gsk_test_key_abcdef',
    })('meta-llama/llama-4-maverick-17b-128e-instruct');
    server.reply(
      groqChatWireFormat.error({
        status: 400,
        message:
          'This model does not support response format `json_schema`. See supported models at https://console.groq.com/docs/structured-outputs#supported-models',
      }),
      groqChatWireFormat.answer({ text: valid }),
      groqChatWireFormat.answer({ text: valid }),
    );
    const request = {
      model,
      system: 's',
      prompt: 'p',
      schema: conformanceSchema,
      schemaName: 'call_insights',
    };
    await generateStructured(request);
    await generateStructured(request);
    expect(server.requests.map((_, index) => (responseFormat(index) as { type: string }).type)).toEqual([
      'json_schema',
      'json_object',
      'json_object',
    ]);
  });

  it("repairs Groq's json_validate_failed by showing the model its failed generation", async () => {
    const broken = '{"summary": "Double charge", "sentiment": negative}';
    server.reply(groqJsonValidateFailed(broken), groqChatWireFormat.answer({ text: valid }));
    const result = await analyse('llama-3.1-8b-instant');
    expect(result).toMatchObject({ object: conformanceAnswer, requests: 2, repairs: 1 });
    const repair = groqChatWireFormat.readRequest(server.requests[1]!);
    expect(repair.messages[1]).toEqual({ role: 'assistant', content: broken });
    expect(repair.messages[2]?.content).toContain('not valid JSON');
  });

  it('prices known Groq models, including dated variants', () => {
    const provider = createGroq({ apiKey: 'gsk_test_key_abcdef' });
    expect(provider('llama-3.3-70b-versatile').pricing).toEqual({
      inputPerMillion: 0.59,
      outputPerMillion: 0.79,
    });
    expect(provider('moonshotai/kimi-k2-instruct-0905').pricing).toEqual({
      inputPerMillion: 1,
      outputPerMillion: 3,
    });
    expect(provider('some-new-model').pricing).toBeUndefined();
  });
});
