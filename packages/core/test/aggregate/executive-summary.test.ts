import { Aggregator, MemoryCache, withExecutiveSummary } from '@echolens/core';
import {
  openAIChatWireFormat,
  startWireServer,
  syntheticAnalysis,
  syntheticBaseResult,
  type WireServer,
} from '@echolens/core/testing';
import { createOpenAI } from '@echolens/llm-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('executive summary from one language-model request fed only metrics', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startWireServer();
  });
  afterAll(() => server.close());

  it('sends the metrics (no transcript), validates the answer, caches it, and falls back when the model fails', async () => {
    const base = await syntheticBaseResult();
    const aggregator = new Aggregator({ asOf: new Date('2025-03-20T00:00:00Z') });
    for (let index = 0; index < 6; index++) {
      aggregator.add(
        syntheticAnalysis(base, {
          id: `call-${index}`,
          startedAt: `2025-03-0${index + 3}T10:00:00Z`,
          agentId: 'jane.doe@example.com',
        }),
      );
    }
    const report = aggregator.report();
    const model = createOpenAI({ baseURL: openAIChatWireFormat.baseURL(server.origin), apiKey: 'sk-test' })(
      'gpt-4o-mini',
      {
        runsLocally: false,
      },
    );
    const answer = {
      headline: 'Six billing calls, all resolved.',
      paragraphs: ['Billing was the only reason for calling this week.'],
      highlights: ['No alerts.'],
    };
    server.reply(openAIChatWireFormat.answer({ text: JSON.stringify(answer) }));
    const cache = new MemoryCache();
    const first = await withExecutiveSummary(report, { languageModel: model, cache });
    expect(first.executiveSummary).toMatchObject({
      method: 'model',
      cache: 'miss',
      text: 'Six billing calls, all resolved.\n\nBilling was the only reason for calling this week.',
      highlights: ['No alerts.'],
    });
    expect(server.requests).toHaveLength(1);
    const body = new TextDecoder().decode(server.requests[0]?.rawBody);
    // Metrics only: no transcript text, no call ids, and the agent's e-mail address redacted.
    expect(body).toContain('resolutionRate');
    expect(body).not.toContain('charged twice');
    expect(body).not.toContain('call-0');
    expect(body).not.toContain('jane.doe@example.com');

    const again = await withExecutiveSummary(report, { languageModel: model, cache });
    expect(again.executiveSummary.cache).toBe('hit');
    expect(server.requests).toHaveLength(1);

    // A model answering nonsense three times: the written summary stands, marked degraded.
    server.reply(
      ...Array.from({ length: 3 }, () => openAIChatWireFormat.answer({ text: '{"headline": 3}' })),
    );
    const failed = await withExecutiveSummary(report, { languageModel: model });
    expect(failed.executiveSummary.method).toBe('template');
    expect(failed.executiveSummary.degraded).toMatch(/language model failed/);
    expect(failed.executiveSummary.text).toContain('This report covers 6 calls');
  });
});
