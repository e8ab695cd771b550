import { estimateCostUsd, generateStructured, withFallback } from '@echolens/core';
import {
  conformanceAnswer,
  conformanceSchema,
  ollamaChatWireFormat,
  startWireServer,
  type WireServer,
} from '@echolens/core/testing';
import { createOllama } from '@echolens/llm-ollama';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const valid = JSON.stringify(conformanceAnswer);

describe('withFallback over two Ollama servers (a shared GPU box first, this machine second)', () => {
  let remote: WireServer;
  let local: WireServer;
  beforeAll(async () => {
    [remote, local] = await Promise.all([startWireServer(), startWireServer()]);
  });
  afterEach(() => {
    remote.reset();
    local.reset();
  });
  afterAll(() => Promise.all([remote.close(), local.close()]));

  const models = () => ({
    primary: createOllama({ baseURL: remote.origin })('llama3.3:70b'),
    secondary: createOllama({ baseURL: local.origin })('llama3.2:3b'),
  });
  const analyse = (model: Parameters<typeof generateStructured>[0]['model']) =>
    generateStructured({
      model,
      system: 's',
      prompt: 'p',
      schema: conformanceSchema,
      schemaName: 'call_insights',
      maxRetries: 0,
    });

  it('answers from the secondary when the primary fails, and the result says so', async () => {
    remote.reply(ollamaChatWireFormat.error({ status: 503, message: 'server busy' }));
    local.reply(ollamaChatWireFormat.answer({ text: valid }));
    const { primary, secondary } = models();
    const model = withFallback(primary, secondary);
    expect(model.runsInProcess).toBe(false);
    const result = await analyse(model);
    expect(result.object).toEqual(conformanceAnswer);
    expect(result.answeredBy).toMatchObject({
      provider: 'ollama',
      modelId: 'llama3.2:3b',
      fallback: true,
      cacheKey: local.origin,
    });
    expect(estimateCostUsd(result.answeredBy.pricing, result.usage)).toBe(0);
    expect([remote.requests.length, local.requests.length]).toEqual([1, 1]);
  });

  it('gives up on a hung primary after primaryTimeoutMs and closes its connection', async () => {
    remote.reply({ hang: true });
    local.reply(ollamaChatWireFormat.answer({ text: valid }));
    const { primary, secondary } = models();
    const result = await analyse(withFallback(primary, secondary, { primaryTimeoutMs: 200 }));
    expect(result.answeredBy.fallback).toBe(true);
    await remote.waitForClientDisconnect(0);
  });

  it('reports the primary when it answers, and leaves the secondary alone', async () => {
    remote.reply(ollamaChatWireFormat.answer({ text: valid }));
    const { primary, secondary } = models();
    const result = await analyse(withFallback(primary, secondary));
    expect(result.answeredBy).toMatchObject({ modelId: 'llama3.3:70b', fallback: false });
    expect(local.requests).toHaveLength(0);
  });

  it('surfaces the secondary’s error when both fail', async () => {
    remote.reply(ollamaChatWireFormat.error({ status: 500, message: 'remote down' }));
    local.reply(ollamaChatWireFormat.error({ status: 404, message: 'model "llama3.2:3b" not found' }));
    const { primary, secondary } = models();
    const error = await analyse(withFallback(primary, secondary)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'api_call_failed', statusCode: 404 });
  });
});
