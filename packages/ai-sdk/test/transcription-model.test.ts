import { createGroq } from '@ai-sdk/groq';
import { createOpenAI } from '@ai-sdk/openai';
import { fromAISDKTranscription } from '@echolens/ai-sdk';
import { ConfigurationError, InvalidInputError, silentLogger } from '@echolens/core';
import {
  captureError,
  conformanceAudio,
  conformanceTranscription,
  groqTranscriptionWireFormat,
  openAITranscriptionWireFormat,
  startWireServer,
  type WireServer,
} from '@echolens/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openAIReleases } from './releases.js';

const API_KEY = 'sk-aisdk-transcription-test-0123456789';
const audio = { samples: conformanceAudio(), sampleRate: 16_000 } as const;

let server: WireServer;
beforeAll(async () => {
  server = await startWireServer();
});
afterEach(() => server.reset());
afterAll(() => server.close());

describe.each(openAIReleases)(
  'fromAISDKTranscription with @ai-sdk/openai ($spec)',
  ({ createOpenAI: create }) => {
    const whisper = (settings: Parameters<typeof fromAISDKTranscription>[1] = {}) =>
      fromAISDKTranscription(
        create({
          baseURL: openAITranscriptionWireFormat.baseURL(server.origin),
          apiKey: API_KEY,
        }).transcription('whisper-1'),
        settings,
      );

    it('sends language and prompt as provider options, with the user provider options added', async () => {
      server.reply(openAITranscriptionWireFormat.transcription(conformanceTranscription));
      await whisper({ providerOptions: { openai: { temperature: 0.2 } } }).transcribe(audio, {
        language: 'de',
        prompt: 'Rückerstattung',
      });
      const sent = openAITranscriptionWireFormat.readRequest(server.requests[0]!);
      expect(sent).toMatchObject({ model: 'whisper-1', language: 'de', prompt: 'Rückerstattung' });
      expect(sent.responseFormat).toBe('verbose_json');
      expect(server.requests[0]!.form?.find((field) => field.name === 'temperature')).toMatchObject({
        value: '0.2',
      });
    });

    it('asks for segment timings only when word timings are not wanted', async () => {
      server.reply(openAITranscriptionWireFormat.transcription(conformanceTranscription));
      const result = await whisper().transcribe(audio, { wordTimestamps: false });
      expect(openAITranscriptionWireFormat.readRequest(server.requests[0]!).timestampGranularities).toEqual([
        'segment',
      ]);
      expect(result.segments.flatMap((segment) => segment.words ?? [])).toEqual([]);
    });

    it('reports the seconds OpenAI bills (rounded up), not the audio length', async () => {
      server.reply(openAITranscriptionWireFormat.transcription(conformanceTranscription));
      const result = await whisper().transcribe(audio);
      expect(result.billedAudioSec).toBe(3);
    });

    it('makes exactly one request for a failing window, and none for a window too long', async () => {
      server.reply(openAITranscriptionWireFormat.error({ status: 500, message: 'Internal server error' }));
      expect(await captureError(() => whisper().transcribe(audio))).toMatchObject({
        statusCode: 500,
        isRetryable: true,
      });
      expect(server.requests).toHaveLength(1);

      const tooLong = await captureError(() => whisper({ maxWindowSec: 2 }).transcribe(audio));
      expect(InvalidInputError.isInstance(tooLong)).toBe(true);
      expect(server.requests).toHaveLength(1);
    });
  },
);

describe('fromAISDKTranscription with @ai-sdk/groq (v4)', () => {
  const groq = () =>
    createGroq({
      baseURL: groqTranscriptionWireFormat.baseURL(server.origin),
      apiKey: API_KEY,
    }).transcription('whisper-large-v3');

  it('turns text without timings into one segment per window and tells the user once', async () => {
    const warn = vi.fn();
    // Groq's default answer format is plain JSON: the text alone.
    const textOnly = { body: { text: ' I was charged twice. Can you refund it?', x_groq: { id: 'req_1' } } };
    server.reply(textOnly, textOnly);
    const model = fromAISDKTranscription(groq(), { logger: { ...silentLogger, warn } });
    const first = await model.transcribe(audio);
    await model.transcribe(audio);
    expect(first.segments).toEqual([
      { startSec: 0, endSec: 2.5, text: 'I was charged twice. Can you refund it?' },
    ]);
    expect(first.billedAudioSec).toBe(2.5);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain('without segment timings');
  });

  it('keeps the language Groq names in words as an ISO code', async () => {
    server.reply(groqTranscriptionWireFormat.transcription({ ...conformanceTranscription, language: 'de' }));
    const model = fromAISDKTranscription(groq(), {
      providerOptions: { groq: { responseFormat: 'verbose_json' } },
    });
    const result = await model.transcribe(audio);
    expect(result.language).toBe('de');
    expect(result.segments).toHaveLength(2);
  });
});

describe('fromAISDKTranscription settings', () => {
  it('rejects a window length that is not positive and a model of an unsupported specification', () => {
    const model = createOpenAI({ apiKey: API_KEY }).transcription('whisper-1');
    expect(() => fromAISDKTranscription(model, { maxWindowSec: 0 })).toThrow(ConfigurationError);
    expect(() => fromAISDKTranscription({ specificationVersion: 'v1' } as never)).toThrow(
      /specification v2, v3 or v4/,
    );
  });

  it('reports the provider, model id and cache key it is given', () => {
    const model = fromAISDKTranscription(createOpenAI({ apiKey: API_KEY }).transcription('whisper-1'), {
      provider: 'my-whisper',
      modelId: 'whisper-large-v3-turbo',
      cacheKey: 'http://127.0.0.1:8000/v1',
    });
    expect(model).toMatchObject({
      provider: 'my-whisper',
      modelId: 'whisper-large-v3-turbo',
      cacheKey: 'http://127.0.0.1:8000/v1',
      maxWindowSec: 600,
    });
  });
});
