import { estimateCostUsd, generateStructured, toStrictJsonSchema } from '@echolens/core';
import {
  conformanceAnswer,
  conformanceSchema,
  ollamaChatWireFormat,
  resolveWireHandler,
  startWireServer,
  type WireResponse,
  type WireServer,
} from '@echolens/core/testing';
import { createOllama } from '@echolens/llm-ollama';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

const valid = JSON.stringify(conformanceAnswer);
let server: WireServer;

describe('@echolens/llm-ollama against a local /api/chat server', () => {
  beforeAll(async () => {
    server = await startWireServer();
  });
  afterEach(() => {
    server.reset();
    vi.restoreAllMocks();
  });
  afterAll(() => server.close());

  it('sends the schema as `format`, unstreamed, with the model options', async () => {
    server.reply(
      ollamaChatWireFormat.answer({ text: valid, usage: { inputTokens: 1800, outputTokens: 240 } }),
    );
    const model = createOllama({ baseURL: server.origin })('qwen2.5:7b', {
      contextLength: 16_384,
      keepAlive: '10m',
      think: false,
    });
    const result = await generateStructured({
      model,
      system: 'Analyse the call.',
      prompt: '[t1] customer: I was charged twice.',
      schema: conformanceSchema,
      schemaName: 'call_insights',
      temperature: 0,
      maxOutputTokens: 1200,
    });
    expect(result.object).toEqual(conformanceAnswer);
    expect(result.usage).toEqual({ inputTokens: 1800, outputTokens: 240 });
    expect(server.requests[0]!.path).toBe('/api/chat');
    expect(server.requests[0]!.json).toMatchObject({
      model: 'qwen2.5:7b',
      stream: false,
      think: false,
      keep_alive: '10m',
      format: toStrictJsonSchema(conformanceSchema),
      options: { temperature: 0, num_predict: 1200, num_ctx: 16_384 },
      messages: [
        { role: 'system', content: 'Analyse the call.' },
        { role: 'user', content: '[t1] customer: I was charged twice.' },
      ],
    });
  });

  it('counts a fully cached prompt as zero input tokens instead of failing', async () => {
    server.reply(async (request) => {
      const response = (await resolveWireHandler(
        ollamaChatWireFormat.answer({ text: valid }),
        request,
      )) as WireResponse;
      delete (response.body as Record<string, unknown>).prompt_eval_count;
      return response;
    });
    const result = await createOllama({ baseURL: server.origin })('llama3.2').generateObject({
      system: 's',
      messages: [{ role: 'user', content: 'p' }],
      jsonSchema: toStrictJsonSchema(conformanceSchema),
      schemaName: 'call_insights',
    });
    expect(result.usage.inputTokens).toBe(0);
  });

  it('says how to fix a model that is not pulled', async () => {
    server.reply(
      ollamaChatWireFormat.error({ status: 404, message: 'model "llama9" not found, try pulling it first' }),
    );
    const error = await createOllama({ baseURL: server.origin })('llama9')
      .generateObject({ system: 's', messages: [], jsonSchema: {}, schemaName: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'api_call_failed', statusCode: 404, isRetryable: false });
    expect((error as Error).message).toContain('ollama pull llama9');
  });

  it('keeps the console quiet on a plain-text error page from a proxy', async () => {
    const log = vi.spyOn(console, 'log');
    server.reply({ status: 502, body: '<html><body>502 Bad Gateway</body></html>' });
    const error = await createOllama({ baseURL: server.origin })('llama3.2')
      .generateObject({ system: 's', messages: [], jsonSchema: {}, schemaName: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 502, isRetryable: true });
    expect(log).not.toHaveBeenCalled();
  });

  it('costs nothing, never counts as in-process, and keeps servers apart in the cache', () => {
    const local = createOllama()('llama3.2');
    expect(local.runsInProcess).toBeUndefined();
    expect(estimateCostUsd(local.pricing, { inputTokens: 10_000, outputTokens: 900 })).toBe(0);
    const remote = createOllama({ baseURL: 'http://gpu-box.internal:11434' })('llama3.2');
    expect(remote.cacheKey).not.toBe(local.cacheKey);
  });
});
