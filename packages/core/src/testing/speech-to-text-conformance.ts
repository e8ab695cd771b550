import type { SpeechToTextModel } from '@echolens/provider';
import { AbortError, APICallError } from '@echolens/provider';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureError, createTestApiKey, errorExposure, unreachableOrigin } from './conformance-helpers.js';
import type { SpeechToTextWireFormat, TranscriptionAnswer } from './speech-to-text-wire-formats.js';
import { startWireServer, type WireServer } from './wire-server.js';

export interface SpeechToTextConformanceOptions {
  name: string;
  /** Builds the adapter under test, pointed at the suite's local server, sending `apiKey` as credentials. */
  createModel(baseURL: string, apiKey: string): SpeechToTextModel;
  wireFormat: SpeechToTextWireFormat;
}

const SAMPLE_RATE = 16_000;

/** 2.5 s of a voiced-sounding signal (a harmonic tone with a syllable-rate envelope) plus a little noise. */
export function conformanceAudio(seconds = 2.5): Float32Array {
  const samples = new Float32Array(Math.round(seconds * SAMPLE_RATE));
  let noise = 12345;
  for (let index = 0; index < samples.length; index++) {
    const time = index / SAMPLE_RATE;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * time);
    const voice = Math.sin(2 * Math.PI * 140 * time) + 0.5 * Math.sin(2 * Math.PI * 280 * time);
    noise = (noise * 1103515245 + 12345) % 2147483648;
    samples[index] = 0.3 * envelope * voice + 0.01 * (noise / 2147483648 - 0.5);
  }
  return samples;
}

export const conformanceTranscription: TranscriptionAnswer = {
  language: 'en',
  durationSec: 2.5,
  segments: [
    {
      startSec: 0,
      endSec: 1.2,
      text: 'I was charged twice.',
      averageLogProbability: -0.21,
      noSpeechProbability: 0.02,
    },
    {
      startSec: 1.3,
      endSec: 2.4,
      text: 'Can you refund it?',
      averageLogProbability: -0.35,
      noSpeechProbability: 0.04,
    },
  ],
  words: [
    { startSec: 0, endSec: 0.2, text: 'I' },
    { startSec: 0.2, endSec: 0.4, text: 'was' },
    { startSec: 0.4, endSec: 0.8, text: 'charged' },
    { startSec: 0.8, endSec: 1.2, text: 'twice.' },
    { startSec: 1.3, endSec: 1.5, text: 'Can' },
    { startSec: 1.5, endSec: 1.7, text: 'you' },
    { startSec: 1.7, endSec: 2.1, text: 'refund' },
    { startSec: 2.1, endSec: 2.4, text: 'it?' },
  ],
};

/**
 * The checks every EchoLens speech-to-text adapter for a hosted API passes: the window is uploaded intact,
 * segments (with their timing and confidence) and words come back relative to the window, the language is
 * an ISO code, errors become APICallErrors with status, retryability and retry-after, aborts are honoured
 * mid-upload, and the API key never appears in an error.
 */
export function describeSpeechToTextConformance(options: SpeechToTextConformanceOptions): void {
  const { wireFormat } = options;
  const apiKey = createTestApiKey();
  const audio = { samples: conformanceAudio(), sampleRate: SAMPLE_RATE } as const;
  const thrown: unknown[] = [];
  let server: WireServer;
  let model: SpeechToTextModel;
  const failure = async (task: () => Promise<unknown>) => {
    const error = await captureError(task);
    thrown.push(error);
    return error;
  };

  describe(`${options.name} — speech-to-text conformance (${wireFormat.name})`, () => {
    beforeAll(async () => {
      server = await startWireServer();
      model = options.createModel(wireFormat.baseURL(server.origin), apiKey);
    });
    afterEach(() => server.reset());
    afterAll(() => server.close());

    it('declares the v1 contract and a window length', () => {
      expect(model.specificationVersion).toBe('v1');
      expect(model.provider).toMatch(/\S/);
      expect(model.modelId).toMatch(/\S/);
      expect(model.maxWindowSec).toBeGreaterThanOrEqual(30);
    });

    it('uploads the window as audio the service can decode, with the credentials', async () => {
      server.reply(wireFormat.transcription(conformanceTranscription));
      await model.transcribe(audio, { language: 'en', prompt: 'refund, chargeback' });
      expect(server.requests).toHaveLength(1);
      const received = server.requests[0]!;
      expect(received.path).toBe(wireFormat.path);
      expect(Object.values(received.headers).some((value) => value.includes(apiKey))).toBe(true);
      const sent = wireFormat.readRequest(received);
      expect(sent.model).toMatch(/\S/);
      expect(sent.language).toBe('en');
      expect(sent.prompt).toBe('refund, chargeback');
      expect(sent.timestampGranularities).toContain('segment');
      expect(sent.audio).toMatchObject({ sampleRate: SAMPLE_RATE, channels: 1 });
      const uploaded = sent.audio!.samples;
      expect(uploaded.length).toBe(audio.samples.length);
      let largestError = 0;
      for (let index = 0; index < uploaded.length; index++) {
        largestError = Math.max(largestError, Math.abs(uploaded[index]! - audio.samples[index]!));
      }
      expect(largestError).toBeLessThan(2 / 32768);
    });

    it('returns segments with their timing, confidence and language', async () => {
      server.reply(wireFormat.transcription(conformanceTranscription));
      const result = await model.transcribe(audio);
      expect(result.language).toBe('en');
      expect(result.segments).toHaveLength(2);
      for (const [index, expected] of conformanceTranscription.segments.entries()) {
        const segment = result.segments[index]!;
        expect(segment.text.trim()).toBe(expected.text);
        expect(segment.startSec).toBeCloseTo(expected.startSec, 3);
        expect(segment.endSec).toBeCloseTo(expected.endSec, 3);
        expect(segment.averageLogProbability).toBeCloseTo(expected.averageLogProbability!, 5);
        expect(segment.noSpeechProbability).toBeCloseTo(expected.noSpeechProbability!, 5);
      }
      expect(result.billedAudioSec).toBeGreaterThan(0);
    });

    it('returns word timings, inside their segments, when asked', async () => {
      server.reply(wireFormat.transcription(conformanceTranscription));
      const result = await model.transcribe(audio, { wordTimestamps: true });
      expect(wireFormat.readRequest(server.requests[0]!).timestampGranularities).toContain('word');
      const words = result.segments.flatMap((segment) => segment.words ?? []);
      expect(words.map((word) => word.text.trim())).toEqual(
        conformanceTranscription.words!.map((word) => word.text),
      );
      for (const segment of result.segments) {
        for (const word of segment.words ?? []) {
          expect(word.startSec).toBeGreaterThanOrEqual(segment.startSec - 0.01);
          expect(word.endSec).toBeLessThanOrEqual(segment.endSec + 0.01);
        }
      }
    });

    it('maps 429 with retry-after to a retryable APICallError carrying the delay', async () => {
      server.reply(
        wireFormat.error({ status: 429, message: 'Rate limit reached', headers: { 'retry-after': '3' } }),
      );
      const error = await failure(() => model.transcribe(audio));
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ statusCode: 429, isRetryable: true, retryAfterMs: 3000 });
    });

    it('maps 500 to a retryable APICallError and 400 to a non-retryable one', async () => {
      server.reply(
        wireFormat.error({ status: 500, message: 'Internal server error' }),
        wireFormat.error({ status: 400, message: 'Audio file might be corrupted or unsupported' }),
      );
      expect(await failure(() => model.transcribe(audio))).toMatchObject({
        statusCode: 500,
        isRetryable: true,
      });
      const badRequest = await failure(() => model.transcribe(audio));
      expect(badRequest).toMatchObject({ statusCode: 400, isRetryable: false });
      expect((badRequest as Error).message).toContain('corrupted');
    });

    it('maps an unreachable server to a retryable APICallError without a status', async () => {
      const unreachable = options.createModel(wireFormat.baseURL(await unreachableOrigin()), apiKey);
      const error = await failure(() => unreachable.transcribe(audio));
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ statusCode: undefined, isRetryable: true });
    });

    it('aborts an upload in flight and closes the connection', async () => {
      server.reply({ hang: true });
      const controller = new AbortController();
      const pending = failure(() => model.transcribe(audio, { signal: controller.signal }));
      await server.waitForRequests(1);
      controller.abort();
      expect(AbortError.isInstance(await pending)).toBe(true);
      await server.waitForClientDisconnect(0);
    });

    it('never puts the API key into an error, even when the server echoes it', async () => {
      server.reply(wireFormat.error({ status: 401, message: `Invalid API Key: ${apiKey}` }));
      const error = await failure(() => model.transcribe(audio));
      expect(error).toMatchObject({ code: 'api_call_failed', statusCode: 401, isRetryable: false });
      for (const each of thrown) expect(errorExposure(each)).not.toContain(apiKey);
    });
  });
}
