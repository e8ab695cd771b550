import { createGroq } from '@ai-sdk/groq';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAI as createOpenAIV2 } from '@ai-sdk/openai-v2';
import { fromAISDK, mapAISDKError } from '@echolens/ai-sdk';
import {
  APICallError,
  type GenerateObjectOptions,
  MissingCredentialsError,
  silentLogger,
  toStrictJsonSchema,
} from '@echolens/core';
import {
  captureError,
  conformanceAnswer,
  conformanceSchema,
  errorExposure,
  groqChatWireFormat,
  openAIChatWireFormat,
  type RecordedRequest,
  resolveWireHandler,
  startWireServer,
  type WireResponse,
  type WireServer,
} from '@echolens/core/testing';
import { defaultSettingsMiddleware, RetryError, wrapLanguageModel } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openAIReleases } from './releases.js';

const API_KEY = 'sk-aisdk-adapter-test-0123456789abcdef';
const jsonSchema = toStrictJsonSchema(conformanceSchema);
const request = (overrides: Partial<GenerateObjectOptions> = {}): GenerateObjectOptions => ({
  system: 'Analyse the call.',
  messages: [{ role: 'user', content: '[t1] customer: I was charged twice.' }],
  jsonSchema,
  schemaName: 'call_insights',
  ...overrides,
});
const valid = JSON.stringify(conformanceAnswer);

/** Runs `task` with an environment variable set (or removed), then restores it. */
async function withEnvironment<T>(name: string, value: string | undefined, task: () => Promise<T>) {
  const before = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return await task();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

let server: WireServer;
let baseURL: string;
beforeAll(async () => {
  server = await startWireServer();
  baseURL = openAIChatWireFormat.baseURL(server.origin);
});
afterEach(() => server.reset());
afterAll(() => server.close());

describe.each(openAIReleases)('fromAISDK with @ai-sdk/openai ($spec)', ({ createOpenAI: create }) => {
  const model = () => fromAISDK(create({ baseURL, apiKey: API_KEY }).chat('gpt-4o-mini'));

  it('makes exactly one request per failure, mapping status, retry-after and x-should-retry', async () => {
    server.reply(
      openAIChatWireFormat.error({
        status: 429,
        message: 'Rate limit reached',
        headers: { 'retry-after': '2' },
      }),
    );
    const rateLimited = await captureError(() => model().generateObject(request()));
    expect(APICallError.isInstance(rateLimited)).toBe(true);
    expect(rateLimited).toMatchObject({ statusCode: 429, isRetryable: true, retryAfterMs: 2000 });
    // The AI SDK retries only in `ai`'s generateText; at the specification level nothing is repeated.
    expect(server.requests).toHaveLength(1);

    server.reset();
    server.reply(
      openAIChatWireFormat.error({
        status: 503,
        message: 'Overloaded',
        headers: { 'x-should-retry': 'false' },
      }),
    );
    const overloaded = await captureError(() => model().generateObject(request()));
    expect(overloaded).toMatchObject({ statusCode: 503, isRetryable: false });
    expect((overloaded as Error).message).toContain('Overloaded');
    expect(server.requests).toHaveLength(1);
  });

  it('scrubs a key the server echoes from the message, the body and everything an error exposes', async () => {
    server.reply(
      openAIChatWireFormat.error({ status: 401, message: `Incorrect API key provided: ${API_KEY}.` }),
    );
    const error = await captureError(() => model().generateObject(request()));
    expect(error).toMatchObject({ code: 'api_call_failed', statusCode: 401, isRetryable: false });
    expect((error as APICallError).message).toContain('Incorrect API key provided: [REDACTED]');
    expect((error as APICallError).responseBody).toContain('[REDACTED]');
    expect(errorExposure(error)).not.toContain(API_KEY);
  });

  it('maps content_filter to "content-filter" and an answer without usage to zero tokens', async () => {
    server.reply(async (received: RecordedRequest) => {
      const reply = (await resolveWireHandler(
        openAIChatWireFormat.answer({ text: valid }),
        received,
      )) as WireResponse;
      const body = reply.body as { choices: { finish_reason: string }[]; usage?: unknown };
      body.choices[0]!.finish_reason = 'content_filter';
      delete body.usage;
      return reply;
    });
    const result = await model().generateObject(request());
    expect(result.finishReason).toBe('content-filter');
    expect(result.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(JSON.parse(result.text)).toEqual(conformanceAnswer);
  });

  it('fails on a missing API key with a MissingCredentialsError naming the variable, sending nothing', async () => {
    const error = await withEnvironment('OPENAI_API_KEY', undefined, () =>
      captureError(() => fromAISDK(create({ baseURL }).chat('gpt-4o-mini')).generateObject(request())),
    );
    expect(MissingCredentialsError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ service: 'OpenAI', environmentVariableName: 'OPENAI_API_KEY' });
    expect((error as Error).message).toContain('OPENAI_API_KEY');
    expect(server.requests).toHaveLength(0);
  });
});

describe('fromAISDK settings', () => {
  it('forwards providerOptions: strict structured outputs on AI SDK 5, where they are off by default', async () => {
    const provider = createOpenAIV2({ baseURL, apiKey: API_KEY });
    server.reply(openAIChatWireFormat.answer({ text: valid }), openAIChatWireFormat.answer({ text: valid }));
    await fromAISDK(provider.chat('gpt-4o-mini')).generateObject(request());
    await fromAISDK(provider.chat('gpt-4o-mini'), {
      providerOptions: { openai: { strictJsonSchema: true } },
    }).generateObject(request());
    const strictOf = (index: number) =>
      (server.requests[index]!.json as { response_format: { json_schema: { strict?: boolean } } })
        .response_format.json_schema.strict;
    expect(strictOf(0)).toBe(false);
    expect(strictOf(1)).toBe(true);
  });

  it('puts the schema into the system prompt once the model says it ignored it, and says so', async () => {
    const warn = vi.fn();
    // Groq without structured outputs falls back to JSON mode and warns that the schema was dropped.
    const groq = createGroq({ baseURL: `${server.origin}/openai/v1`, apiKey: API_KEY });
    const model = fromAISDK(groq('llama-3.1-8b-instant'), {
      providerOptions: { groq: { structuredOutputs: false } },
      logger: { ...silentLogger, warn },
    });
    server.reply(groqChatWireFormat.answer({ text: valid }), groqChatWireFormat.answer({ text: valid }));
    await model.generateObject(request());
    await model.generateObject(request());

    const [first, second] = server.requests.map((received) => ({
      body: received.json as { response_format: { type: string } },
      system: groqChatWireFormat.readRequest(received).system ?? '',
    }));
    expect(first!.body.response_format).toEqual({ type: 'json_object' });
    expect(first!.system).toBe('Analyse the call.');
    expect(second!.system).toContain('Analyse the call.');
    expect(second!.system).toContain('"call_insights" according to this JSON Schema');
    expect(second!.system).toContain(JSON.stringify(jsonSchema));
    const warnings = warn.mock.calls.map((call) => call.join(' '));
    expect(warnings.some((warning) => warning.includes('responseFormat'))).toBe(true);
    expect(warnings.some((warning) => warning.includes('goes into the system prompt'))).toBe(true);
  });

  it('rejects a model of an unsupported specification version with a ConfigurationError', () => {
    const aiSdk4Model = { specificationVersion: 'v1', provider: 'openai.chat', modelId: 'gpt-4o-mini' };
    expect(() => fromAISDK(aiSdk4Model as never)).toThrow(/specification v2, v3 or v4.*got specification v1/);
  });
});

describe('fromAISDK with a model wrapped by the ai package', () => {
  const wrapped = (apiKey?: string) =>
    wrapLanguageModel({
      model: createOpenAI({ baseURL, ...(apiKey ? { apiKey } : {}) }).chat('gpt-4o-mini'),
      middleware: defaultSettingsMiddleware({ settings: { maxOutputTokens: 321 } }),
    });

  it('runs the middleware and answers', async () => {
    server.reply(openAIChatWireFormat.answer({ text: valid }));
    const result = await fromAISDK(wrapped(API_KEY)).generateObject(request());
    expect(JSON.parse(result.text)).toEqual(conformanceAnswer);
    expect(openAIChatWireFormat.readRequest(server.requests[0]!).maxOutputTokens).toBe(321);
  });

  it('scrubs a key it cannot see in the model: from the environment, or given as `secrets`', async () => {
    const echo = (key: string) =>
      openAIChatWireFormat.error({ status: 401, message: `Incorrect API key provided: ${key}.` });
    const fromEnvironment = 'sk-aisdk-from-the-environment-0123456789';
    server.reply(echo(fromEnvironment));
    const first = await withEnvironment('OPENAI_API_KEY', fromEnvironment, () =>
      captureError(() => fromAISDK(wrapped()).generateObject(request())),
    );
    expect(first).toMatchObject({ statusCode: 401 });
    expect(errorExposure(first)).not.toContain(fromEnvironment);

    const inCode = 'sk-aisdk-given-in-code-0123456789';
    server.reply(echo(inCode));
    const second = await captureError(() =>
      fromAISDK(wrapped(inCode), { secrets: [inCode] }).generateObject(request()),
    );
    expect(second).toMatchObject({ statusCode: 401 });
    expect(errorExposure(second)).not.toContain(inCode);
  });
});

describe('mapAISDKError', () => {
  it("maps the ai package's RetryError to its last failure", async () => {
    server.reply(
      openAIChatWireFormat.error({ status: 500, message: 'boom' }),
      openAIChatWireFormat.error({ status: 429, message: 'slow down', headers: { 'retry-after': '4' } }),
    );
    const model = createOpenAI({ baseURL, apiKey: API_KEY }).chat('gpt-4o-mini');
    const call = () =>
      model.doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
    const errors = [await captureError(call), await captureError(call)];
    const retryError = new RetryError({
      message: 'Failed after 2 attempts',
      reason: 'maxRetriesExceeded',
      errors,
    });
    const mapped = mapAISDKError(retryError, {
      provider: 'openai.chat',
      modelId: 'gpt-4o-mini',
      secrets: [],
    });
    expect(APICallError.isInstance(mapped)).toBe(true);
    expect(mapped).toMatchObject({ statusCode: 429, isRetryable: true, retryAfterMs: 4000 });
  });
});
