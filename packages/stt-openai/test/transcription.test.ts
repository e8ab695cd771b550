import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AbortError,
  createPipeline,
  InvalidInputError,
  TimeoutError,
  withFallback,
  withRetries,
} from '@echolens/core';
import {
  groqTranscriptionWireFormat,
  openAITranscriptionWireFormat,
  readPcmWav,
  startWireServer,
  type WireServer,
} from '@echolens/core/testing';
import { createOpenAITranscription } from '@echolens/stt-openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const dataRoot =
  process.env.ECHOLENS_TEST_DATA ??
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const manifest = readFileSync(join(dataRoot, 'asr/manifest.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as { audio: string; text: string; seconds: number });
// A real recording (the first 16-bit PCM one), not a synthetic tone: what the service receives must be speech.
const utterance = manifest
  .map((row) => ({ ...row, wav: readFileSync(join(dataRoot, 'asr', row.audio)) }))
  .find((row) => row.wav.readUInt16LE(34) === 16 && row.wav.readUInt32LE(24) === 16_000)!;
const speech = readPcmWav(new Uint8Array(utterance.wav)).samples;

const oneSegment = (text: string, durationSec: number) => ({
  language: 'en',
  durationSec,
  segments: [
    {
      startSec: 0,
      endSec: durationSec,
      text,
      averageLogProbability: -0.2,
      noSpeechProbability: 0.01,
      temperature: 0.2,
    },
  ],
  words: text.split(' ').map((word, index, all) => ({
    startSec: (index * durationSec) / all.length,
    endSec: ((index + 1) * durationSec) / all.length,
    text: word,
  })),
});

describe('@echolens/stt-openai with real speech', () => {
  let openAIServer: WireServer;
  let groqServer: WireServer;
  beforeAll(async () => {
    [openAIServer, groqServer] = await Promise.all([startWireServer(), startWireServer()]);
  });
  afterEach(() => {
    openAIServer.reset();
    groqServer.reset();
  });
  afterAll(() => Promise.all([openAIServer.close(), groqServer.close()]));

  const openAIWhisper = () =>
    createOpenAITranscription({
      baseURL: openAITranscriptionWireFormat.baseURL(openAIServer.origin),
      apiKey: 'sk-openai-test-key',
      provider: 'openai',
    });
  const groqWhisper = () =>
    createOpenAITranscription({
      baseURL: groqTranscriptionWireFormat.baseURL(groqServer.origin),
      apiKey: 'gsk-groq-test-key',
      model: 'whisper-large-v3',
      provider: 'groq',
    });

  it('uploads the recording losslessly as 16-bit WAV and maps the verbose_json answer', async () => {
    openAIServer.reply(
      openAITranscriptionWireFormat.transcription(oneSegment(utterance.text, utterance.seconds)),
    );
    const result = await openAIWhisper().transcribe({ samples: speech, sampleRate: 16_000 });
    const sent = openAITranscriptionWireFormat.readRequest(openAIServer.requests[0]!);
    expect(sent).toMatchObject({ model: 'whisper-1', responseFormat: 'verbose_json' });
    expect(sent.timestampGranularities).toEqual(['segment', 'word']);
    expect(sent.audio!.byteLength).toBe(44 + speech.length * 2);
    const uploaded = sent.audio!.samples;
    expect(uploaded.length).toBe(speech.length);
    // 16-bit audio in, 16-bit WAV out: every sample must survive exactly.
    expect(speech.findIndex((sample, index) => sample !== uploaded[index])).toBe(-1);
    expect(result.language).toBe('en');
    expect(result.segments[0]!.text).toBe(utterance.text);
    expect(result.segments[0]!.words).toHaveLength(utterance.text.split(' ').length);
    // Whisper's confidence signals come through: the guards and the unintelligible spans read them.
    expect(result.segments[0]).toMatchObject({ averageLogProbability: -0.2, temperature: 0.2 });
    expect(result.billedAudioSec).toBe(Math.ceil(utterance.seconds));
  });

  it('leaves word timestamps out when the caller does not want them', async () => {
    openAIServer.reply(
      openAITranscriptionWireFormat.transcription(oneSegment(utterance.text, utterance.seconds)),
    );
    const result = await openAIWhisper().transcribe(
      { samples: speech, sampleRate: 16_000 },
      { wordTimestamps: false },
    );
    expect(
      openAITranscriptionWireFormat.readRequest(openAIServer.requests[0]!).timestampGranularities,
    ).toEqual(['segment']);
    expect(result.segments[0]!.words).toBeUndefined();
  });

  it('takes a ten-minute window under the 25 MB upload limit and refuses a longer one without sending it', async () => {
    const model = openAIWhisper();
    expect(model.maxWindowSec).toBe(600);
    const tenMinutes = new Float32Array(600 * 16_000);
    for (let offset = 0; offset + speech.length <= tenMinutes.length; offset += speech.length)
      tenMinutes.set(speech, offset);
    openAIServer.reply(openAITranscriptionWireFormat.transcription(oneSegment(utterance.text, 600)));
    await model.transcribe({ samples: tenMinutes, sampleRate: 16_000 });
    expect(openAIServer.requests[0]!.rawBody.byteLength).toBeLessThan(25 * 1024 * 1024);
    const tooLong = new Float32Array(601 * 16_000);
    const error = await model
      .transcribe({ samples: tooLong, sampleRate: 16_000 })
      .catch((caught: unknown) => caught);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('601.0 s');
    expect(openAIServer.requests).toHaveLength(1);
    expect(() => createOpenAITranscription({ apiKey: 'x', maxWindowSec: 900 })).toThrow(/25 MB/);
  });

  it('defaults to Groq whisper-large-v3 and GROQ_API_KEY on Groq’s base URL', () => {
    const model = createOpenAITranscription({ baseURL: 'https://api.groq.com/openai/v1', apiKey: 'gsk_x' });
    expect(model).toMatchObject({ provider: 'groq', modelId: 'whisper-large-v3' });
  });

  it('falls back to the second service when the first fails, and says which one answered', async () => {
    openAIServer.reply(openAITranscriptionWireFormat.error({ status: 503, message: 'Service Unavailable' }));
    groqServer.reply(
      groqTranscriptionWireFormat.transcription(oneSegment(utterance.text, utterance.seconds)),
    );
    const warnings: unknown[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (entry: unknown) => warnings.push(entry) };
    const model = withFallback(openAIWhisper(), groqWhisper(), { logger });
    expect(model.maxWindowSec).toBe(600);
    const result = await model.transcribe({ samples: speech, sampleRate: 16_000 });
    expect(result.segments[0]!.text).toBe(utterance.text);
    expect(result.answeredBy).toMatchObject({
      provider: 'groq',
      modelId: 'whisper-large-v3',
      fallback: true,
    });
    expect(openAIServer.requests).toHaveLength(1);
    expect(groqServer.requests).toHaveLength(1);
    expect(warnings).toHaveLength(1);
  });

  it('records in the call analysis the hosted seconds billed and which service answered', async () => {
    openAIServer.reply(openAITranscriptionWireFormat.error({ status: 503, message: 'Service Unavailable' }));
    groqServer.reply(
      groqTranscriptionWireFormat.transcription(oneSegment(utterance.text, utterance.seconds)),
    );
    const pipeline = createPipeline({
      speechToText: withFallback(openAIWhisper(), groqWhisper()),
      cache: false,
      language: 'en',
    });
    try {
      const { analysis, transcript } = await pipeline.run(join(dataRoot, 'asr', utterance.audio));
      expect(transcript.segments.map((segment) => segment.text).join(' ')).toBe(utterance.text);
      expect(analysis.provenance.adapters.speechToText).toEqual({
        provider: 'groq',
        modelId: 'whisper-large-v3',
      });
      // One window: what the service billed for it (its reported duration) is in the usage.
      expect(analysis.provenance.usage.hostedAudioSec).toBeGreaterThan(0);
      expect(analysis.provenance.usage.hostedAudioSec).toBeLessThanOrEqual(utterance.seconds + 0.5);
    } finally {
      await pipeline.dispose();
    }
  });

  it('uses only the primary when it answers', async () => {
    openAIServer.reply(
      openAITranscriptionWireFormat.transcription(oneSegment(utterance.text, utterance.seconds)),
    );
    const result = await withFallback(openAIWhisper(), groqWhisper()).transcribe({
      samples: speech,
      sampleRate: 16_000,
    });
    expect(result.answeredBy).toMatchObject({ provider: 'openai', fallback: false });
    expect(groqServer.requests).toHaveLength(0);
  });

  it('retries a throttled request after the retry-after the service asked for (withRetries)', async () => {
    openAIServer.reply(
      openAITranscriptionWireFormat.error({
        status: 429,
        message: 'Rate limit',
        headers: { 'retry-after-ms': '200' },
      }),
      openAITranscriptionWireFormat.transcription(oneSegment(utterance.text, utterance.seconds)),
    );
    const result = await withRetries(openAIWhisper()).transcribe({ samples: speech, sampleRate: 16_000 });
    expect(result.segments[0]!.text).toBe(utterance.text);
    const [first, second] = openAIServer.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(195);
  });

  it('gives up on a hung upload after timeoutMs, then lets the fallback answer', async () => {
    openAIServer.reply({ hang: true });
    groqServer.reply(
      groqTranscriptionWireFormat.transcription(oneSegment(utterance.text, utterance.seconds)),
    );
    const hosted = withRetries(openAIWhisper(), { timeoutMs: 250 });
    const alone = await hosted
      .transcribe({ samples: speech, sampleRate: 16_000 })
      .catch((caught: unknown) => caught);
    expect(TimeoutError.isInstance(alone)).toBe(true);
    await openAIServer.waitForClientDisconnect(0);
    openAIServer.reply({ hang: true });
    const result = await withFallback(hosted, groqWhisper()).transcribe({
      samples: speech,
      sampleRate: 16_000,
    });
    expect(result.answeredBy).toMatchObject({ provider: 'groq', fallback: true });
  });

  it('never falls back on an abort or on input the secondary would reject too', async () => {
    openAIServer.reply({ hang: true });
    const controller = new AbortController();
    const model = withFallback(openAIWhisper(), groqWhisper());
    const pending = model
      .transcribe({ samples: speech, sampleRate: 16_000 }, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    await openAIServer.waitForRequests(1);
    controller.abort();
    expect(AbortError.isInstance(await pending)).toBe(true);
    const invalid = await model
      .transcribe({ samples: new Float32Array(0), sampleRate: 16_000 })
      .catch((caught: unknown) => caught);
    expect(InvalidInputError.isInstance(invalid)).toBe(true);
    expect(groqServer.requests).toHaveLength(0);
  });
});
