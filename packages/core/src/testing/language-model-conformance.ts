import type { GenerateObjectOptions, LanguageModel } from '@echolens/provider';
import { AbortError, APICallError, TimeoutError } from '@echolens/provider';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateStructured } from '../language-model/generate-structured.js';
import { toStrictJsonSchema } from '../language-model/strict-json-schema.js';
import { captureError, createTestApiKey, errorExposure, unreachableOrigin } from './conformance-helpers.js';
import type { LanguageModelWireFormat } from './language-model-wire-formats.js';
import { startWireServer, type WireServer } from './wire-server.js';

export interface LanguageModelConformanceOptions {
  /** Shown in the test names, e.g. `@echolens/llm-openai`. */
  name: string;
  /**
   * Builds the adapter under test, pointed at the suite's local server. Configure it with `apiKey` however
   * the vendor sends credentials; the suite checks the key is sent and never leaks into an error.
   */
  createModel(baseURL: string, apiKey: string): LanguageModel;
  /** How the local server speaks to this adapter. */
  wireFormat: LanguageModelWireFormat;
}

/** A small schema shaped like the insights EchoLens asks for: enums, bounds, nesting, optional fields. */
export const conformanceSchema = z.object({
  summary: z.string().describe('Two sentences about the call'),
  sentiment: z.enum(['negative', 'neutral', 'positive']),
  escalationRisk: z.int().min(0).max(100),
  actionItems: z.array(
    z.object({
      owner: z.enum(['agent', 'customer']),
      text: z.string(),
      due: z.string().optional(),
      evidenceTurnIds: z.array(z.string()),
    }),
  ),
});
export type ConformanceObject = z.infer<typeof conformanceSchema>;

export const conformanceAnswer: ConformanceObject = {
  summary: 'The customer reported a double charge. The agent refunded it and promised an email.',
  sentiment: 'negative',
  escalationRisk: 35,
  actionItems: [
    { owner: 'agent', text: 'Email the refund confirmation', due: 'today', evidenceTurnIds: ['t4'] },
  ],
};

const SYSTEM = 'You analyse customer-service calls. Answer with JSON only.';
const PROMPT = '[t1] customer: I was charged twice.\n[t4] agent: I refunded it and will email you today.';

/**
 * The checks every EchoLens language-model adapter passes, ours and plugins' alike: the structured answer
 * and usage come back, the system prompt, conversation and JSON schema are sent, vendor errors become
 * APICallErrors with the right status, retryability and retry-after, aborts are honoured mid-request, and
 * the API key never appears in an error. Call it at the top level of a Vitest test file.
 */
export function describeLanguageModelConformance(options: LanguageModelConformanceOptions): void {
  const { wireFormat } = options;
  const apiKey = createTestApiKey();
  const jsonSchema = toStrictJsonSchema(conformanceSchema, 'call_insights');
  let server: WireServer;
  let model: LanguageModel;

  const request = (overrides: Partial<GenerateObjectOptions> = {}): GenerateObjectOptions => ({
    system: SYSTEM,
    messages: [{ role: 'user', content: PROMPT }],
    jsonSchema,
    schemaName: 'call_insights',
    temperature: 0,
    maxOutputTokens: 800,
    ...overrides,
  });
  const failure = (task: () => Promise<unknown>) => captureError(task);
  const answer = (text: string, usage?: { inputTokens: number; outputTokens: number }) =>
    wireFormat.answer({ text, usage });
  const analyse = (overrides: { timeoutMs?: number } = {}) =>
    generateStructured({
      model,
      system: SYSTEM,
      prompt: PROMPT,
      schema: conformanceSchema,
      schemaName: 'call_insights',
      ...overrides,
    });

  describe(`${options.name} — language-model conformance (${wireFormat.name})`, () => {
    beforeAll(async () => {
      server = await startWireServer();
      model = options.createModel(wireFormat.baseURL(server.origin), apiKey);
    });
    afterEach(() => server.reset());
    afterAll(() => server.close());

    it('declares the v1 contract', () => {
      expect(model.specificationVersion).toBe('v1');
      expect(model.provider).toMatch(/\S/);
      expect(model.modelId).toMatch(/\S/);
    });

    it('returns the answer text, usage and finish reason', async () => {
      server.reply(answer(JSON.stringify(conformanceAnswer), { inputTokens: 1234, outputTokens: 56 }));
      const result = await model.generateObject(request());
      expect(JSON.parse(result.text)).toEqual(conformanceAnswer);
      expect(result.usage).toEqual({ inputTokens: 1234, outputTokens: 56 });
      expect(result.finishReason).toBe('stop');
    });

    it('sends the system prompt, the conversation, the JSON schema and the credentials', async () => {
      server.reply(answer(JSON.stringify(conformanceAnswer)));
      const conversation = [
        { role: 'user' as const, content: PROMPT },
        { role: 'assistant' as const, content: '{"summary": 1}' },
        { role: 'user' as const, content: 'Your previous answer is not valid. summary: expected string' },
      ];
      await model.generateObject(request({ messages: conversation }));
      expect(server.requests).toHaveLength(1);
      const received = server.requests[0]!;
      expect(received.path).toBe(wireFormat.path);
      const sent = wireFormat.readRequest(received);
      expect(sent.system).toBe(SYSTEM);
      expect(sent.messages).toEqual(conversation);
      expect(sent.jsonSchema).toEqual(jsonSchema);
      expect(sent.temperature).toBe(0);
      expect(sent.maxOutputTokens).toBe(800);
      expect(Object.values(received.headers).some((value) => value.includes(apiKey))).toBe(true);
    });

    it('reports an answer cut off at the output limit as finishReason "length"', async () => {
      server.reply(wireFormat.answer({ text: '{"summary": "The customer', finishReason: 'length' }));
      const result = await model.generateObject(request());
      expect(result.finishReason).toBe('length');
    });

    it('yields a validated object through generateStructured', async () => {
      server.reply(answer(JSON.stringify(conformanceAnswer), { inputTokens: 900, outputTokens: 70 }));
      const result = await analyse();
      expect(result.object).toEqual(conformanceAnswer);
      expect(result).toMatchObject({
        requests: 1,
        repairs: 0,
        retries: 0,
        usage: { inputTokens: 900, outputTokens: 70 },
      });
    });

    it('repairs a schema-invalid answer by showing the model its validation errors', async () => {
      const invalid = JSON.stringify({ ...conformanceAnswer, escalationRisk: 250, sentiment: 'furious' });
      server.reply(answer(invalid), answer(JSON.stringify(conformanceAnswer)));
      const result = await analyse();
      expect(result.object).toEqual(conformanceAnswer);
      expect(result.repairs).toBe(1);
      const repair = wireFormat.readRequest(server.requests[1]!);
      expect(repair.messages.slice(0, 2)).toEqual([
        { role: 'user', content: PROMPT },
        { role: 'assistant', content: invalid },
      ]);
      const instruction = repair.messages[2]?.content ?? '';
      expect(instruction).toContain('escalationRisk');
      expect(instruction).toContain('sentiment');
    });

    it('maps 429 with retry-after to a retryable APICallError carrying the delay', async () => {
      server.reply(
        wireFormat.error({ status: 429, message: 'Rate limit reached', headers: { 'retry-after': '7' } }),
      );
      const error = await failure(() => model.generateObject(request()));
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ statusCode: 429, isRetryable: true, retryAfterMs: 7000 });
    });

    it('lets generateStructured honour retry-after-ms before retrying', async () => {
      server.reply(
        wireFormat.error({
          status: 429,
          message: 'Rate limit reached',
          headers: { 'retry-after-ms': '300' },
        }),
        answer(JSON.stringify(conformanceAnswer)),
      );
      const result = await analyse();
      expect(result).toMatchObject({ requests: 2, retries: 1 });
      const [first, second] = server.requests;
      // Timestamps taken by the server: the client waited at least what it was told.
      expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(295);
    });

    it('maps 500 to a retryable APICallError and 400 to a non-retryable one', async () => {
      server.reply(
        wireFormat.error({ status: 500, message: 'The server had an error while processing your request' }),
        wireFormat.error({ status: 400, message: "Invalid schema for response_format 'call_insights'" }),
      );
      const serverError = await failure(() => model.generateObject(request()));
      expect(serverError).toMatchObject({ code: 'api_call_failed', statusCode: 500, isRetryable: true });
      const badRequest = await failure(() => model.generateObject(request()));
      expect(badRequest).toMatchObject({ code: 'api_call_failed', statusCode: 400, isRetryable: false });
      expect((badRequest as Error).message).toContain('Invalid schema');
    });

    it('maps an unreachable server to a retryable APICallError without a status', async () => {
      const unreachable = options.createModel(wireFormat.baseURL(await unreachableOrigin()), apiKey);
      const error = await failure(() => unreachable.generateObject(request()));
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ statusCode: undefined, isRetryable: true });
    });

    it('aborts a request in flight and closes the connection', async () => {
      server.reply({ hang: true });
      const controller = new AbortController();
      const pending = failure(() => model.generateObject(request({ signal: controller.signal })));
      await server.waitForRequests(1);
      controller.abort();
      const error = await pending;
      expect(AbortError.isInstance(error)).toBe(true);
      await server.waitForClientDisconnect(0);
    });

    it('rejects at once, without a request, when the signal has already fired', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await failure(() => model.generateObject(request({ signal: controller.signal })));
      expect(AbortError.isInstance(error)).toBe(true);
      expect(server.requests).toHaveLength(0);
    });

    it('gives up on a server that never answers with a TimeoutError from generateStructured', async () => {
      server.reply({ hang: true });
      const error = await failure(() => analyse({ timeoutMs: 300 }));
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect(server.requests).toHaveLength(1);
      await server.waitForClientDisconnect(0);
    });

    it('never puts the API key into an error, even when the server echoes it', async () => {
      const echoed = `Incorrect API key provided: ${apiKey}.`;
      server.reply(
        wireFormat.error({ status: 401, message: echoed }),
        wireFormat.error({ status: 429, message: echoed, headers: { 'retry-after': '1' } }),
        wireFormat.error({ status: 500, message: echoed }),
        { status: 502, body: `<html>Bad gateway for Bearer ${apiKey}</html>` },
      );
      const errors = [];
      for (let i = 0; i < 4; i++) errors.push(await failure(() => model.generateObject(request())));
      expect(errors[0]).toMatchObject({ code: 'api_call_failed', statusCode: 401, isRetryable: false });
      for (const error of errors) {
        expect(APICallError.isInstance(error)).toBe(true);
        expect(errorExposure(error)).not.toContain(apiKey);
      }
    });

    it('checks before a batch, when it can, that the model is offered (preflight)', async (context) => {
      if (!model.preflight) return context.skip();
      server.reply(wireFormat.models(['some-other-model', model.modelId]));
      await model.preflight();
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.method).toBe('GET');

      server.reply(wireFormat.models(['some-other-model']));
      const missing = await failure(() => model.preflight!());
      expect(missing).toMatchObject({ code: 'invalid_configuration' });
      expect((missing as Error).message).toContain(model.modelId);

      const unreachable = options.createModel(wireFormat.baseURL(await unreachableOrigin()), apiKey);
      const unreached = await failure(() => unreachable.preflight!());
      expect(APICallError.isInstance(unreached)).toBe(true);
      expect(errorExposure(unreached)).not.toContain(apiKey);
    });
  });
}
