import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConversationInput, createPipeline, describeError, generateStructured } from '@echolens/core';
import {
  openAIChatWireFormat,
  startWireServer,
  type WireHandler,
  type WireServer,
} from '@echolens/core/testing';
import { createOpenAI } from '@echolens/llm-openai';
import type { Logger } from '@echolens/provider';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { echolens } from '../helpers/cli.js';

/**
 * Every way a server, a proxy or the network can hand the API key back to us, each played through the
 * real OpenAI client against a local server: the key must never reach an error, a log line, a result
 * (the `degraded` reason included) or, through the built CLI, stderr and the files written.
 */
// Short, as local gateways' tokens often are: V8 quotes a short non-JSON text whole in its parse error.
const KEY = 'sk-gw-7f3a9c2e';

const call: ConversationInput = {
  id: 'secret-echo',
  turns: [
    { speaker: 'agent', text: 'Thank you for calling, how can I help?' },
    { speaker: 'customer', text: 'My router keeps dropping the connection every evening.' },
    { speaker: 'agent', text: 'I will send a replacement today.' },
  ],
};

/** Everything a logger was given, as text (errors with their messages and causes). */
function capturingLogger(): Logger & { text(): string } {
  const lines: string[] = [];
  const record = (level: string) => (object: unknown, message?: string) => {
    lines.push(`${level} ${message ?? ''} ${serialise(object)}`);
  };
  return {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    text: () => lines.join('\n'),
  };
}

function serialise(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, item) => {
    if (item instanceof Error) {
      return { name: item.name, message: item.message, stack: item.stack, ...item, cause: item.cause };
    }
    if (typeof item === 'object' && item !== null) {
      if (seen.has(item)) return '[circular]';
      seen.add(item);
    }
    return item;
  });
}

/** The replies that echo the key, by kind of failure; each is repeated for retries and repairs. */
const echoes: Record<string, WireHandler> = {
  'HTTP 401 body': openAIChatWireFormat.error({ status: 401, message: `Incorrect API key provided: ${KEY}` }),
  'HTTP 400 body': openAIChatWireFormat.error({ status: 400, message: `bad request for key ${KEY}` }),
  'HTTP 503 plain-text body': {
    status: 503,
    headers: { 'content-type': 'text/plain' },
    body: `upstream refused Authorization: Bearer ${KEY}`,
  },
  'HTTP 429 body': openAIChatWireFormat.error({
    status: 429,
    message: `rate limited (key ${KEY})`,
    headers: { 'retry-after-ms': '1' },
  }),
  '200 with a non-JSON answer': openAIChatWireFormat.answer({ text: `key ${KEY}` }),
  '200 with a non-JSON body': {
    status: 200,
    headers: { 'content-type': 'text/html' },
    body: `<p>${KEY}</p>`,
  },
  '200 with a schema-invalid answer': openAIChatWireFormat.answer({
    text: JSON.stringify({ summary: KEY, [KEY]: KEY, sentiment: KEY }),
  }),
  '200 with a JSON answer quoting the key': openAIChatWireFormat.answer({ text: `{"summary": "${KEY}"` }),
};

describe('the API key never comes back out', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startWireServer();
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  const modelOn = (baseURL: string, fetch?: typeof globalThis.fetch) =>
    createOpenAI({ baseURL, apiKey: KEY, ...(fetch ? { fetch } : {}) })('gpt-4o-mini');

  for (const [kind, reply] of Object.entries(echoes)) {
    it(`${kind}: not in the result, its degraded reason or the log`, async () => {
      server.reply(...Array.from({ length: 12 }, () => reply));
      const logger = capturingLogger();
      const pipeline = createPipeline({
        languageModel: modelOn(openAIChatWireFormat.baseURL(server.origin)),
        cache: false,
        memory: false,
        logger,
        modelSettings: { maxRetries: 1, maxRepairAttempts: 1 },
      });
      const result = await pipeline.analyzeConversation(call);
      expect(server.requests.length).toBeGreaterThan(0);
      // The request did carry the key: the echo is real.
      expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(result.analysis.provenance.degraded.length).toBeGreaterThan(0);
      expect(serialise(result)).not.toContain(KEY);
      expect(logger.text().length).toBeGreaterThan(0);
      expect(logger.text()).not.toContain(KEY);
    });
  }

  it('errors thrown by generateStructured (validation, HTTP, connection, timeout) are scrubbed', async () => {
    const schema = z.object({ answer: z.string().min(100) });
    const ask = (model: ReturnType<typeof modelOn>, settings = {}) =>
      generateStructured({
        model,
        system: 's',
        prompt: 'p',
        schema,
        schemaName: 'probe',
        maxRetries: 0,
        maxRepairAttempts: 0,
        ...settings,
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
    const base = openAIChatWireFormat.baseURL(server.origin);
    const thrown: unknown[] = [];

    server.reply(openAIChatWireFormat.answer({ text: KEY }));
    thrown.push(await ask(modelOn(base)));
    server.reply(openAIChatWireFormat.answer({ text: JSON.stringify({ answer: KEY }) }));
    thrown.push(await ask(modelOn(base)));
    server.reply(openAIChatWireFormat.error({ status: 500, message: `boom ${KEY}` }));
    thrown.push(await ask(modelOn(base)));
    // A connection error whose message (and cause) quotes the key, as a misconfigured proxy agent does.
    const refusing: typeof globalThis.fetch = async () => {
      throw new TypeError(`fetch failed: proxy http://user:${KEY}@127.0.0.1:9 refused`, {
        cause: new Error(`connect ECONNREFUSED (credentials ${KEY})`),
      });
    };
    thrown.push(await ask(modelOn(base, refusing)));
    // A hang: the timeout fires.
    server.reply({ hang: true });
    thrown.push(await ask(modelOn(base), { timeoutMs: 200 }));

    expect(thrown.map((error) => describeError(error).code)).toEqual([
      'schema_validation_failed',
      'schema_validation_failed',
      'api_call_failed',
      'api_call_failed',
      'timeout',
    ]);
    for (const error of thrown) {
      expect(serialise(error)).not.toContain(KEY);
      expect(String(error)).not.toContain(KEY);
      expect(describeError(error).message).not.toContain(KEY);
    }
  });

  it('the built CLI prints no key on stderr and writes none to its outputs', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'echolens-secrets-'));
    const input = join(folder, 'chats.jsonl');
    writeFileSync(input, `${JSON.stringify(call)}\n${JSON.stringify({ ...call, id: 'second' })}\n`);
    const out = join(folder, 'out');
    // The CLI checks the model is offered before any work; then every analysis answers garbage.
    server.reply(
      openAIChatWireFormat.models(['gpt-4o-mini']),
      ...Array.from({ length: 40 }, () => echoes['200 with a non-JSON answer'] as WireHandler),
    );
    const run = await echolens(
      [
        'analyze',
        '--dialogues',
        input,
        '--out',
        out,
        '--llm',
        'openai:gpt-4o-mini',
        '--llm-base-url',
        openAIChatWireFormat.baseURL(server.origin),
      ],
      { env: { OPENAI_API_KEY: KEY, XDG_CACHE_HOME: join(folder, 'cache') } },
    );
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(run.stderr).not.toContain(KEY);
    expect(run.stdout).not.toContain(KEY);
    const written = readdirSync(out);
    expect(written).toContain('secret-echo.json');
    const degraded = JSON.parse(readFileSync(join(out, 'secret-echo.json'), 'utf8')).analysis.provenance
      .degraded;
    expect(degraded.length).toBeGreaterThan(0);
    const everyFile = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((file) =>
      statSync(join(out, file)).isFile(),
    );
    expect(everyFile.length).toBeGreaterThan(written.length - 1);
    for (const file of everyFile) expect(readFileSync(join(out, file), 'utf8'), file).not.toContain(KEY);
  });
});
