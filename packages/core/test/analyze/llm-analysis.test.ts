import {
  AbortError,
  type CallResult,
  type ConversationInput,
  conversationFromDialogue,
  createPipeline,
  createRateLimiter,
  HeuristicAnalyzer,
  InProcessMemoryStore,
  MemoryCache,
  redactConversation,
} from '@echolens/core';
import {
  openAIChatWireFormat,
  type RecordedRequest,
  resolveWireHandler,
  startWireServer,
  type WireServer,
} from '@echolens/core/testing';
import { createOpenAI } from '@echolens/llm-openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

/** A support call where the customer reads out personal data the way speech-to-text writes it. */
const call: ConversationInput = {
  id: 'call-with-pii',
  metadata: { customerId: 'cust-42', startedAt: '2024-03-13T09:30:00Z' },
  turns: [
    { speaker: 'agent', text: 'Thank you for calling Contoso, my name is Rene. How can I help you today?' },
    {
      speaker: 'customer',
      text: 'My Smart Brew 300 stopped connecting to wifi and I was charged twice for the warranty.',
    },
    { speaker: 'agent', text: 'I am sorry to hear that. Can you confirm the card number on the account?' },
    { speaker: 'customer', text: 'Sure, four one one one one one one one one one one one one one one one.' },
    { speaker: 'customer', text: 'And my email is jane dot doe at gmail dot com, phone (977) 625-2661.' },
    {
      speaker: 'agent',
      text: 'Thanks. I will refund the duplicate charge today and someone will call you back by Friday.',
    },
    { speaker: 'customer', text: 'Great, thank you so much for your help!' },
  ],
};
const PII = ['4111', 'four one one one', 'jane', 'gmail', '625-2661', '977'];

const customFields = {
  productName: z.string().nullable().describe('the product the customer calls about'),
};

/** What a well-behaved model answers: insights citing the turns it was shown (placeholders included). */
function modelAnswer(input: ConversationInput, extra: Record<string, unknown> = {}): string {
  const conversation = redactConversation(conversationFromDialogue(input, input.id ?? 'x'));
  const draft = new HeuristicAnalyzer().analyze(conversation);
  draft.keyInsights.push({
    insight: 'The customer threatened legal action',
    evidence: [{ turnIds: ['t2'], quote: 'I will see you in court over this' }],
  });
  return JSON.stringify({ ...draft, custom: { productName: 'Smart Brew 300' }, ...extra });
}

const bodyOf = (server: WireServer, index: number) =>
  new TextDecoder().decode(server.requests[index]?.rawBody);

describe('one structured request per call through a real OpenAI client and a local server', () => {
  let server: WireServer;
  let model: ReturnType<ReturnType<typeof createOpenAI>>;
  beforeAll(async () => {
    server = await startWireServer();
    // A hosted model as far as redaction is concerned, although the test server is on loopback: only an
    // in-process model escapes redaction by default.
    model = createOpenAI({
      baseURL: openAIChatWireFormat.baseURL(server.origin),
      apiKey: 'sk-test-analysis',
    })('gpt-4o-mini', { pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 } });
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  const pipelineWith = (cache = new MemoryCache(), memory = new InProcessMemoryStore(), settings = {}) =>
    createPipeline({
      languageModel: model,
      cache,
      memory,
      extraFields: customFields,
      modelSettings: settings,
    });

  it('sends one redacted, compact request and keeps only evidence found in the transcript', async () => {
    server.reply(
      openAIChatWireFormat.answer({
        text: modelAnswer(call),
        usage: { inputTokens: 1800, outputTokens: 900 },
      }),
    );
    const result = await pipelineWith().analyzeConversation(call);

    expect(server.requests).toHaveLength(1);
    const body = bodyOf(server, 0);
    for (const value of PII) expect(body).not.toContain(value);
    expect(body).toContain('[CARD_NUMBER]');
    expect(body).toContain('[EMAIL]');
    expect(body).toContain('t1 A: Thank you for calling Contoso');
    // The schema sent carries the user's field and the taxonomy as an enum.
    const request = openAIChatWireFormat.readRequest(server.requests[0] as never);
    const schemaText = JSON.stringify(request.jsonSchema);
    expect(schemaText).toContain('productName');
    expect(schemaText).toContain('technical_issue');

    const { insights, provenance } = result.analysis;
    expect(insights.method).toBe('llm');
    expect(insights.custom).toEqual({ productName: 'Smart Brew 300' });
    expect(insights.keyInsights.map((item) => item.insight)).not.toContain(
      'The customer threatened legal action',
    );
    expect(insights.evidenceCheck.droppedInsights).toBeGreaterThanOrEqual(1);
    expect(provenance.usage).toMatchObject({ llmRequests: 1, inputTokens: 1800, outputTokens: 900 });
    expect(provenance.usage.estimatedCostUsd).toBeCloseTo((1800 * 0.15 + 900 * 0.6) / 1e6, 8);
    expect(provenance.cache.analysis).toBe('miss');
    expect(provenance.adapters.languageModel?.modelId).toBe('gpt-4o-mini');
    expect(provenance.degraded).toEqual([]);
    expect(result.transcript).toBeUndefined();
  });

  it('re-analysing the same calls makes zero requests, also from a new pipeline sharing the cache', async () => {
    const cache = new MemoryCache();
    const other: ConversationInput = { ...call, id: 'second-call', metadata: {} };
    server.reply(
      openAIChatWireFormat.answer({ text: modelAnswer(call) }),
      openAIChatWireFormat.answer({ text: modelAnswer(other) }),
    );
    const first = pipelineWith(cache, new InProcessMemoryStore());
    await first.analyzeConversation(call);
    await first.analyzeConversation(other);
    expect(server.requests).toHaveLength(2);

    const again: CallResult[] = [];
    for (const pipeline of [first, pipelineWith(cache, new InProcessMemoryStore())]) {
      again.push(await pipeline.analyzeConversation(call), await pipeline.analyzeConversation(other));
    }
    expect(server.requests).toHaveLength(2);
    for (const result of again) {
      expect(result.analysis.provenance.cache.analysis).toBe('hit');
      expect(result.analysis.provenance.usage.llmRequests).toBe(0);
      expect(result.analysis.insights.method).toBe('llm');
    }
  });

  it('falls back to the offline analyzer when answers stay invalid, keeping the conversation and metrics', async () => {
    const invalid = openAIChatWireFormat.answer({
      text: '{"summary": "not an object"}',
      usage: { inputTokens: 100, outputTokens: 10 },
    });
    server.reply(invalid, invalid, invalid);
    const result = await pipelineWith().analyzeConversation(call);

    expect(server.requests).toHaveLength(3); // the request and two repair attempts
    const { insights, provenance } = result.analysis;
    expect(insights.method).toBe('heuristic');
    expect(insights.resolution.status).toBeTruthy();
    expect(provenance.degraded.map((entry) => entry.field)).toEqual(['insights', 'insights.custom']);
    expect(provenance.degraded[0]?.reason).toMatch(/schema_validation_failed/);
    expect(provenance.usage).toMatchObject({ llmRequests: 3, inputTokens: 300, outputTokens: 30 });
    expect(result.conversation.turns).toHaveLength(7);
    expect(result.analysis.metrics.speakers.length).toBe(2);
  });

  it('degrades on a non-retryable API error after exactly one request', async () => {
    server.reply(openAIChatWireFormat.error({ status: 400, message: 'context_length_exceeded' }));
    const result = await pipelineWith().analyzeConversation(call);
    expect(server.requests).toHaveLength(1);
    expect(result.analysis.insights.method).toBe('heuristic');
    expect(result.analysis.provenance.degraded[0]?.reason).toMatch(/api_call_failed/);
    expect(result.analysis.provenance.usage.llmRequests).toBe(1);
  });

  it('counts requests through a rate-limited model and keeps its concurrency limit', async () => {
    const rateLimiter = createRateLimiter({ concurrency: 1 });
    const pipeline = createPipeline({
      languageModel: model,
      modelSettings: { rateLimiter },
      cache: false,
      memory: false,
    });
    const second: ConversationInput = { ...call, id: 'second', metadata: {} };
    let inFlight = 0;
    let most = 0;
    const slowAnswer = (input: ConversationInput) => async (request: RecordedRequest) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 50));
      inFlight--;
      return resolveWireHandler(openAIChatWireFormat.answer({ text: modelAnswer(input) }), request);
    };
    server.reply(slowAnswer(call), slowAnswer(second));
    const results = await Promise.all([
      pipeline.analyzeConversation(call),
      pipeline.analyzeConversation(second),
    ]);
    expect(most).toBe(1);
    for (const result of results) expect(result.analysis.provenance.usage.llmRequests).toBe(1);
  });

  it('aborts instead of degrading when the caller cancels mid-request', async () => {
    server.reply({ hang: true });
    const controller = new AbortController();
    const pending = pipelineWith().analyzeConversation(call, { signal: controller.signal });
    await server.waitForRequests(1);
    controller.abort();
    await expect(pending).rejects.toSatisfy((error: unknown) => AbortError.isInstance(error));
  });

  it('redacts personal data carried in the memory box from an earlier offline analysis', async () => {
    const memory = new InProcessMemoryStore();
    await createPipeline({ cache: false, memory }).analyzeConversation({
      id: 'offline-first',
      metadata: { customerId: 'cust-pii' },
      turns: [
        { speaker: 'customer', text: 'My router keeps dropping the connection.' },
        {
          speaker: 'agent',
          text: 'I will call you back on (977) 625-2661 by Friday with the engineer visit.',
        },
      ],
    });
    expect(JSON.stringify(await memory.get('cust-pii'))).toContain('625-2661');
    const followUp: ConversationInput = {
      id: 'hosted-second',
      metadata: { customerId: 'cust-pii' },
      turns: [{ speaker: 'customer', text: 'Still waiting for that engineer visit.' }],
    };
    server.reply(openAIChatWireFormat.answer({ text: modelAnswer(followUp) }));
    await pipelineWith(new MemoryCache(), memory).analyzeConversation(followUp);
    const body = bodyOf(server, 0);
    expect(body).toContain('Customer history');
    expect(body).not.toContain('625-2661');
    expect(body).toContain('[PHONE]');
  });

  it('gives the model the customer’s memory box on the next call, and the same context on re-analysis', async () => {
    const memory = new InProcessMemoryStore();
    const cache = new MemoryCache();
    const followUp: ConversationInput = {
      id: 'follow-up',
      metadata: { customerId: 'cust-42', startedAt: '2024-03-20T09:00:00Z' },
      turns: [
        {
          speaker: 'customer',
          text: 'Nobody called me back about my refund and the wifi still does not work.',
        },
        { speaker: 'agent', text: 'I apologise. I can see the open case from last week.' },
      ],
    };
    server.reply(
      openAIChatWireFormat.answer({ text: modelAnswer(call) }),
      openAIChatWireFormat.answer({ text: modelAnswer(followUp) }),
    );
    const pipeline = pipelineWith(cache, memory);
    const first = await pipeline.analyzeConversation(call);
    await pipeline.analyzeConversation(followUp);

    expect(bodyOf(server, 0)).not.toContain('Customer history');
    const second = bodyOf(server, 1);
    expect(second).toContain('Customer history');
    expect(second).toContain(JSON.stringify(first.analysis.insights.summary.text).slice(1, 40));
    expect(second).toContain('Still owed to the customer');
    const box = await memory.get('cust-42');
    expect(box?.entries.map((entry) => entry.callId)).toEqual(['call-with-pii', 'follow-up']);

    // The first call, analysed again, sees the history it saw the first time: a cache hit.
    const again = await pipeline.analyzeConversation(call);
    expect(server.requests).toHaveLength(2);
    expect(again.analysis.provenance.cache.analysis).toBe('hit');
  });
});

describe('the offline analyzer as the default', () => {
  it('analyses a text conversation without any model, and says custom fields need one', async () => {
    const pipeline = createPipeline({ cache: false, memory: false, extraFields: customFields });
    const result = await pipeline.analyzeConversation(call);
    expect(result.analysis.insights.method).toBe('heuristic');
    expect(result.analysis.provenance.usage.llmRequests).toBe(0);
    expect(result.analysis.provenance.degraded).toEqual([
      { field: 'insights.custom', reason: expect.stringMatching(/needs a language model/) },
    ]);
    expect(result.analysis.insights.callbackPromises[0]?.dueDate).toBe('2024-03-15');
  });

  it('gives evidence the times of the cited turns and splits the trend by time when turns are timed', async () => {
    const pipeline = createPipeline({ cache: false, memory: false });
    const result = await pipeline.analyzeConversation({
      id: 'timed',
      turns: [
        { speaker: 'agent', text: 'Hello, how can I help?', startSec: 0, endSec: 2 },
        {
          speaker: 'customer',
          text: 'This is ridiculous, the worst service ever, I am furious.',
          startSec: 2.5,
          endSec: 8,
        },
        { speaker: 'agent', text: 'I am so sorry to hear that, let me fix it.', startSec: 8.5, endSec: 11 },
        // A long silence: by time, the happy ending falls in the last quarter, not the third.
        { speaker: 'customer', text: 'Great, it works now, thank you so much!', startSec: 38, endSec: 40 },
      ],
    });
    const { sentiment, emotions } = result.analysis.insights;
    expect(sentiment.customer.trend.map((entry) => entry.score === null)).toEqual([false, true, true, false]);
    expect(sentiment.customer.trajectory).toBe('improving');
    const anger = emotions.find((emotion) => emotion.emotion === 'anger');
    expect(anger?.evidence[0]).toMatchObject({ turnIds: ['t2'], startSec: 2.5, endSec: 8 });
    expect(result.analysis.metrics.durationSec).toBe(40);
  });

  it('redacts stored conversations when asked, and quotes only what is stored', async () => {
    const pipeline = createPipeline({ cache: false, memory: false, redaction: { storedTranscripts: true } });
    const result = await pipeline.analyzeConversation(call);
    const stored = JSON.stringify(result);
    for (const value of PII) expect(stored).not.toContain(value);
    expect(result.conversation.turns[3]?.text).toBe('Sure, [CARD_NUMBER].');
  });

  it('rejects a dialogue without turns with a message naming it', async () => {
    const pipeline = createPipeline({ cache: false, memory: false });
    await expect(pipeline.analyzeConversation({ id: 'empty-chat', turns: [] })).rejects.toThrow(
      /empty-chat.*at least one turn/,
    );
  });
});
