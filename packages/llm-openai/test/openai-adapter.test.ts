import {
  AbortError,
  createRateLimiter,
  estimateCostUsd,
  type GenerateStructuredOptions,
  generateStructured,
  type LanguageModel,
  MissingCredentialsError,
  StructuredOutputError,
  toStrictJsonSchema,
} from '@echolens/core';
import {
  conformanceAnswer,
  conformanceSchema,
  openAIChatWireFormat,
  type RecordedRequest,
  resolveWireHandler,
  startWireServer,
  type WireResponse,
  type WireServer,
} from '@echolens/core/testing';
import { createOpenAI } from '@echolens/llm-openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const API_KEY = 'sk-test-openai-adapter-0123456789';
const valid = JSON.stringify(conformanceAnswer);
const structured = (model: LanguageModel, extra: Partial<GenerateStructuredOptions<unknown>> = {}) =>
  generateStructured({
    model,
    system: 'Analyse the call.',
    prompt: '[t1] customer: I was charged twice.',
    schema: conformanceSchema,
    schemaName: 'call_insights',
    ...extra,
  });

describe('@echolens/llm-openai against a local Chat Completions server', () => {
  let server: WireServer;
  let provider: ReturnType<typeof createOpenAI>;
  beforeAll(async () => {
    server = await startWireServer();
    provider = createOpenAI({ baseURL: openAIChatWireFormat.baseURL(server.origin), apiKey: API_KEY });
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  it('sends strict json_schema structured output with a bearer key and no client-side retries', async () => {
    server.reply(openAIChatWireFormat.error({ status: 503, message: 'Service Unavailable' }));
    await expect(
      provider('gpt-4o-mini').generateObject({
        system: 's',
        messages: [{ role: 'user', content: 'p' }],
        jsonSchema: toStrictJsonSchema(conformanceSchema),
        schemaName: 'call_insights',
      }),
    ).rejects.toMatchObject({ statusCode: 503 });
    // The client library would have retried twice on its own; core owns retries, so exactly one request.
    expect(server.requests).toHaveLength(1);
    const body = server.requests[0]!.json as { response_format: unknown; model: string };
    expect(body.model).toBe('gpt-4o-mini');
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'call_insights', schema: toStrictJsonSchema(conformanceSchema), strict: true },
    });
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('repairs malformed JSON, telling the model what was wrong', async () => {
    server.reply(
      openAIChatWireFormat.answer({ text: '{"summary": "Double charge", "sentiment": ' }),
      openAIChatWireFormat.answer({ text: `\`\`\`json\n${valid}\n\`\`\`` }),
    );
    const result = await structured(provider('gpt-4o-mini'));
    expect(result.object).toEqual(conformanceAnswer);
    expect(result).toMatchObject({ requests: 2, repairs: 1 });
    const repair = openAIChatWireFormat.readRequest(server.requests[1]!);
    expect(repair.messages[1]).toEqual({
      role: 'assistant',
      content: '{"summary": "Double charge", "sentiment": ',
    });
    expect(repair.messages[2]?.content).toContain('not valid JSON');
  });

  it('gives up after the repair bound with a StructuredOutputError that accounts for every request', async () => {
    const invalid = JSON.stringify({ ...conformanceAnswer, escalationRisk: -4 });
    const answer = openAIChatWireFormat.answer({
      text: invalid,
      usage: { inputTokens: 100, outputTokens: 10 },
    });
    server.reply(answer, answer, answer);
    const error = await structured(provider('gpt-4o-mini')).catch((caught: unknown) => caught);
    expect(StructuredOutputError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'schema_validation_failed',
      requests: 3,
      repairs: 2,
      text: invalid,
      usage: { inputTokens: 300, outputTokens: 30 },
    });
    expect((error as StructuredOutputError).issues[0]?.path).toBe('escalationRisk');
    expect(server.requests).toHaveLength(3);
  });

  it('retries a 500 with backoff and then succeeds', async () => {
    server.reply(
      openAIChatWireFormat.error({ status: 500, message: 'boom' }),
      openAIChatWireFormat.answer({ text: valid }),
    );
    const result = await structured(provider('gpt-4o-mini'));
    expect(result).toMatchObject({ requests: 2, retries: 1, repairs: 0 });
  });

  it('reports every request, failed or answered, to onRequestSettled', async () => {
    server.reply(
      openAIChatWireFormat.error({
        status: 502,
        message: 'Bad gateway',
        headers: { 'retry-after-ms': '10' },
      }),
      openAIChatWireFormat.answer({ text: '{}', usage: { inputTokens: 50, outputTokens: 2 } }),
      openAIChatWireFormat.answer({ text: valid, usage: { inputTokens: 80, outputTokens: 40 } }),
    );
    const outcomes: { usage?: unknown; error?: unknown }[] = [];
    const result = await structured(provider('gpt-4o-mini'), {
      onRequestSettled: (outcome) => outcomes.push(outcome),
    });
    expect(outcomes.map((outcome) => (outcome.error ? 'error' : outcome.usage))).toEqual([
      'error',
      { inputTokens: 50, outputTokens: 2 },
      { inputTokens: 80, outputTokens: 40 },
    ]);
    expect(result).toMatchObject({
      requests: 3,
      retries: 1,
      repairs: 1,
      usage: { inputTokens: 130, outputTokens: 42 },
    });
  });

  it('stops waiting out a retry-after the moment the caller aborts, sending nothing more', async () => {
    server.reply(
      openAIChatWireFormat.error({ status: 429, message: 'slow down', headers: { 'retry-after': '30' } }),
    );
    const controller = new AbortController();
    // Abort when core logs the retry: the 429 has arrived and the backoff has begun.
    const logger = { debug() {}, info() {}, error() {}, warn: () => controller.abort() };
    const pending = structured(provider('gpt-4o-mini'), { signal: controller.signal, logger }).catch(
      (caught: unknown) => caught,
    );
    expect(AbortError.isInstance(await pending)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('falls back to JSON mode with the schema in the system prompt for servers without structured outputs', async () => {
    server.reply(openAIChatWireFormat.answer({ text: valid }));
    const result = await structured(provider('local-model', { structuredOutputs: 'json_object' }));
    expect(result.object).toEqual(conformanceAnswer);
    const body = server.requests[0]!.json as { response_format: unknown };
    expect(body.response_format).toEqual({ type: 'json_object' });
    const sent = openAIChatWireFormat.readRequest(server.requests[0]!);
    expect(sent.system).toContain('"escalationRisk"');
    expect(sent.system).toContain('call_insights');
  });

  it('reports a refusal as a content-filter finish', async () => {
    server.reply(async (request) => {
      const response = (await resolveWireHandler(
        openAIChatWireFormat.answer({ text: '' }),
        request,
      )) as WireResponse;
      const { message } = (response.body as { choices: { message: Record<string, unknown> }[] }).choices[0]!;
      message.content = null;
      message.refusal = "I'm sorry, I can't help with that.";
      return response;
    });
    const result = await provider('gpt-4o-mini').generateObject({
      system: 's',
      messages: [{ role: 'user', content: 'p' }],
      jsonSchema: toStrictJsonSchema(conformanceSchema),
      schemaName: 'call_insights',
    });
    expect(result).toMatchObject({ text: '', finishReason: 'content-filter' });
  });

  it('never has more requests in flight than a shared rate limiter allows', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const slowAnswer = async (request: RecordedRequest) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 40));
      inFlight--;
      return resolveWireHandler(openAIChatWireFormat.answer({ text: valid }), request);
    };
    server.reply(slowAnswer, slowAnswer, slowAnswer, slowAnswer);
    const rateLimiter = createRateLimiter({ concurrency: 2 });
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => structured(provider('gpt-4o-mini'), { rateLimiter })),
    );
    expect(results.every((result) => (result.object as { sentiment: string }).sentiment === 'negative')).toBe(
      true,
    );
    expect(server.requests).toHaveLength(4);
    expect(mostInFlight).toBe(2);
  });
});

describe('createOpenAI configuration', () => {
  it('prices OpenAI models, including dated snapshots, and estimates cost', () => {
    const model = createOpenAI({ apiKey: API_KEY })('gpt-4o-mini-2024-07-18');
    expect(model.pricing).toEqual({ inputPerMillion: 0.15, outputPerMillion: 0.6 });
    expect(model.runsInProcess).toBeUndefined();
    expect(model.provider).toBe('openai');
    expect(estimateCostUsd(model.pricing, { inputTokens: 1_000_000, outputTokens: 500_000 })).toBeCloseTo(
      0.45,
      10,
    );
  });

  it('treats a custom endpoint as OpenAI-compatible: no OpenAI prices, its own cache entries, never in-process', () => {
    const remote = createOpenAI({ baseURL: 'https://openrouter.ai/api/v1', apiKey: API_KEY })(
      'openai/gpt-4o-mini',
    );
    expect(remote).toMatchObject({ provider: 'openai-compatible', cacheKey: 'https://openrouter.ai/api/v1' });
    expect(remote.pricing).toBeUndefined();
    // A server on 127.0.0.1 may be a proxy to a hosted model: it is not "in process".
    const local = createOpenAI({ baseURL: 'http://127.0.0.1:8000/v1' })('Qwen/Qwen2.5-7B-Instruct', {
      pricing: { inputPerMillion: 0, outputPerMillion: 0 },
    });
    expect(local.runsInProcess).toBeUndefined();
    expect(estimateCostUsd(local.pricing, { inputTokens: 5000, outputTokens: 500 })).toBe(0);
  });

  it('names the missing key and its environment variable instead of calling OpenAI without one', async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const model = createOpenAI({ baseURL: 'https://api.openai.com/v1' })('gpt-4o-mini');
      const error = await model
        .generateObject({ system: 's', messages: [], jsonSchema: {}, schemaName: 'x' })
        .catch((caught: unknown) => caught);
      expect(MissingCredentialsError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ environmentVariableName: 'OPENAI_API_KEY', service: 'OpenAI' });
      expect((error as Error).message).toContain('OPENAI_API_KEY');
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });
});
