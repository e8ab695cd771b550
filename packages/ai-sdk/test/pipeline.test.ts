import { createOpenAI } from '@ai-sdk/openai';
import { fromAISDK } from '@echolens/ai-sdk';
import {
  type ConversationInput,
  conversationFromDialogue,
  createPipeline,
  HeuristicAnalyzer,
  InProcessMemoryStore,
  MemoryCache,
  redactConversation,
} from '@echolens/core';
import { startWireServer, type WireServer } from '@echolens/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openAIResponsesWireFormat } from './openai-responses-wire-format.js';

const call: ConversationInput = {
  id: 'double-charge',
  turns: [
    { speaker: 'agent', text: 'Thank you for calling Contoso, this is Rene. How can I help?' },
    { speaker: 'customer', text: 'I was charged twice for my May bill and I am really annoyed.' },
    {
      speaker: 'agent',
      text: 'I am sorry about that. I can see the duplicate charge and will refund it today.',
    },
    { speaker: 'customer', text: 'Thank you, that is all I needed.' },
  ],
};

/** A valid analysis citing the turns the model was shown, as a well-behaved model would answer. */
function modelAnswer(input: ConversationInput): string {
  const conversation = redactConversation(conversationFromDialogue(input, input.id ?? 'call'));
  return JSON.stringify(new HeuristicAnalyzer().analyze(conversation));
}

describe('createPipeline with an AI SDK model, end to end against a local OpenAI server', () => {
  let server: WireServer;
  let provider: ReturnType<typeof createOpenAI>;
  beforeAll(async () => {
    server = await startWireServer();
    provider = createOpenAI({
      baseURL: openAIResponsesWireFormat.baseURL(server.origin),
      apiKey: 'sk-aisdk-e2e-0123456789',
    });
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  const pricing = { inputPerMillion: 0.15, outputPerMillion: 0.6 };
  const pipelineWith = (cache: MemoryCache, cacheKey?: string) =>
    createPipeline({
      // `openai('…')`: the AI SDK's default OpenAI model, on the Responses API.
      languageModel: fromAISDK(provider('gpt-4o-mini'), { pricing, ...(cacheKey ? { cacheKey } : {}) }),
      cache,
      memory: new InProcessMemoryStore(),
    });

  it('analyses a conversation with exactly one request, with usage, cost and provenance', async () => {
    server.reply(
      openAIResponsesWireFormat.answer({
        text: modelAnswer(call),
        usage: { inputTokens: 1500, outputTokens: 700 },
      }),
    );
    const result = await pipelineWith(new MemoryCache()).analyzeConversation(call);

    expect(server.requests).toHaveLength(1);
    const sent = openAIResponsesWireFormat.readRequest(server.requests[0]!);
    expect(sent.schemaName).toMatch(/\S/);
    expect(JSON.stringify(sent.jsonSchema)).toContain('summary');
    expect(sent.messages.at(-1)?.content).toContain('charged twice');

    const { insights, provenance } = result.analysis;
    expect(insights.method).toBe('llm');
    expect(provenance.adapters.languageModel).toMatchObject({
      provider: 'openai.responses',
      modelId: 'gpt-4o-mini',
    });
    expect(provenance.usage).toMatchObject({ llmRequests: 1, inputTokens: 1500, outputTokens: 700 });
    expect(provenance.usage.estimatedCostUsd).toBeCloseTo((1500 * 0.15 + 700 * 0.6) / 1e6, 10);
    expect(provenance.degraded).toEqual([]);
  });

  it('serves a repeated call from the cache, unless the model is given another cacheKey', async () => {
    const cache = new MemoryCache();
    server.reply(
      openAIResponsesWireFormat.answer({ text: modelAnswer(call) }),
      openAIResponsesWireFormat.answer({ text: modelAnswer(call) }),
    );
    await pipelineWith(cache).analyzeConversation(call);
    await pipelineWith(cache).analyzeConversation(call);
    expect(server.requests).toHaveLength(1);
    // Same provider and model id, but another server behind them: its answers are its own.
    await pipelineWith(cache, 'http://127.0.0.1:8000/v1').analyzeConversation(call);
    expect(server.requests).toHaveLength(2);
  });
});
