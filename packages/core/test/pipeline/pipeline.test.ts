import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortError,
  AudioDecodeError,
  createPipeline,
  EchoLensError,
  EmptyInputError,
  type LanguageModel,
  MemoryCache,
  type Pipeline,
  type PipelineEvents,
  type SpeechToTextModel,
  UnsupportedFormatError,
} from '@echolens/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMixedBatchFolder } from '../helpers/bad-files.js';
import { dataPath } from '../helpers/data.js';
import { silentWav } from '../helpers/silent-wav.js';

/** Counts calls into the real model: a decorator, not a stand-in. */
function countingModel(model: SpeechToTextModel): SpeechToTextModel & { calls: number } {
  const counted = {
    calls: 0,
    specificationVersion: model.specificationVersion,
    provider: model.provider,
    modelId: model.modelId,
    maxWindowSec: model.maxWindowSec,
    transcribe: (...args: Parameters<SpeechToTextModel['transcribe']>) => {
      counted.calls += 1;
      return model.transcribe(...args);
    },
  };
  return counted;
}

/** A language model that must not be asked: it counts the requests it gets and fails them. */
function unaskedLanguageModel(): LanguageModel & { requests: number } {
  const model = {
    requests: 0,
    specificationVersion: 'v1' as const,
    provider: 'openai',
    modelId: 'gpt-4o-mini',
    generateObject: async () => {
      model.requests += 1;
      throw new Error('a silent recording must not reach the language model');
    },
  };
  return model;
}

const jfk = dataPath('asr', 'audio', 'jfk.wav');
const shortClip = dataPath('asr', 'audio', 'librispeech-1089-134691-0000.wav');

describe('pipeline', () => {
  let base: Pipeline;
  let model: SpeechToTextModel & { calls: number };

  beforeAll(async () => {
    base = createPipeline({ cache: false, language: 'en', whisper: { model: 'whisper-tiny' } });
    model = countingModel(await base.getSpeechToText());
  });
  afterAll(() => base.dispose());

  it('runs all stages on a real recording and emits stage events in order', async () => {
    const pipeline = createPipeline({ speechToText: model, cache: false, language: 'en' });
    const events: string[] = [];
    const progress: number[] = [];
    pipeline.on('stage-start', ({ stage }) => events.push(`start:${stage}`));
    pipeline.on('stage-end', ({ stage }) => events.push(`end:${stage}`));
    pipeline.on('stage-progress', ({ stage, fraction }) => stage === 'transcribe' && progress.push(fraction));
    const done: Parameters<PipelineEvents['call-done']>[0][] = [];
    pipeline.on('call-done', (event) => done.push(event));

    const result = await pipeline.run(jfk);

    expect(events).toEqual([
      'start:preprocess',
      'end:preprocess',
      'start:transcribe',
      'end:transcribe',
      'start:diarize',
      'end:diarize',
      'start:analyze',
      'end:analyze',
    ]);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(done).toHaveLength(1);
    expect(result.callId).toBe('jfk');
    expect(result.transcript?.segments.map((segment) => segment.text).join(' ')).toMatch(
      /ask not what your country/i,
    );
    expect(result.analysis.metrics.durationSec).toBeCloseTo(11, 0);
    expect(result.analysis.metrics.talkTimeSec).toBeGreaterThan(5);
    expect(result.analysis.provenance.adapters.speechToText?.modelId).toMatch(/whisper/);
    expect(Object.keys(result.analysis.provenance.timingsMs)).toEqual([
      'preprocess',
      'transcribe',
      'diarize',
      'analyze',
    ]);
  });

  it('never transcribes the same audio twice (content-hash cache)', async () => {
    const cache = new MemoryCache();
    const pipeline = createPipeline({ speechToText: model, cache, language: 'en' });
    const before = model.calls;
    const first = await pipeline.run(shortClip);
    const callsForFirst = model.calls - before;
    const second = await pipeline.run({ source: shortClip, name: 'same-audio-other-name.wav' });
    expect(callsForFirst).toBeGreaterThan(0);
    expect(model.calls - before).toBe(callsForFirst);
    expect(first.analysis.provenance.cache.transcript).toBe('miss');
    expect(second.analysis.provenance.cache.transcript).toBe('hit');
    expect(second.transcript).toEqual(first.transcript);
  });

  it('reports each bad input with a typed error naming it, and completes the good ones', async () => {
    const { good, bad } = makeMixedBatchFolder([shortClip, jfk]);
    const pipeline = createPipeline({ speechToText: model, cache: false, language: 'en' });
    const inputs = [bad.empty, good[0] as string, bad.truncated, bad.text, good[1] as string, bad.image];
    const { results, failures, report } = await pipeline.runMany(inputs, { concurrency: 2 });

    expect(results.map((result) => result.name)).toEqual([good[0], good[1]]);
    expect(failures.map((failure) => failure.name)).toEqual([bad.empty, bad.truncated, bad.text, bad.image]);
    for (const failure of failures) {
      expect(EchoLensError.isInstance(failure.error)).toBe(true);
      expect(failure.error.message).toContain(failure.name);
    }
    expect(EmptyInputError.isInstance(failures[0]?.error)).toBe(true);
    expect(AudioDecodeError.isInstance(failures[1]?.error)).toBe(true);
    expect(UnsupportedFormatError.isInstance(failures[2]?.error)).toBe(true);
    expect(UnsupportedFormatError.isInstance(failures[3]?.error)).toBe(true);
    expect(report.callCount).toBe(2);
    expect(report.failedCount).toBe(4);
    expect(report.failures.map((failure) => failure.code)).toEqual([
      'empty_input',
      'audio_decode_failed',
      'unsupported_format',
      'unsupported_format',
    ]);
  });

  it('asks no language model about a silent recording, and says nothing was said', async () => {
    const languageModel = unaskedLanguageModel();
    const pipeline = createPipeline({ speechToText: model, languageModel, cache: false, memory: false });
    const folder = mkdtempSync(join(tmpdir(), 'echolens-silent-'));
    const silent = join(folder, 'silent.wav');
    writeFileSync(silent, silentWav(6));
    const result = await pipeline.run(silent);
    expect(languageModel.requests).toBe(0);
    expect(result.conversation.turns).toEqual([]);
    expect(result.analysis.insights.method).toBe('heuristic');
    expect(result.analysis.insights.summary.text).toMatch(/^Nothing was said/);
    expect(result.analysis.provenance.usage.llmRequests).toBe(0);
  });

  it('says so when channel roles were asked for on a mono recording', async () => {
    const pipeline = createPipeline({
      speechToText: model,
      cache: false,
      memory: false,
      language: 'en',
      channelRoles: { '0': 'agent', '1': 'customer' },
    });
    const result = await pipeline.run(jfk);
    expect(result.analysis.provenance.degraded).toContainEqual({
      field: 'conversation.roles',
      reason: 'channel roles were given, but the recording is mono: roles come from what is said',
    });
    expect(result.conversation.speakers.every((speaker) => speaker.roleSource !== 'metadata')).toBe(true);
  });

  it('stops on abort with an AbortError', async () => {
    const pipeline = createPipeline({ speechToText: model, cache: false, language: 'en' });
    const controller = new AbortController();
    pipeline.on('stage-start', ({ stage }) => stage === 'transcribe' && controller.abort());
    await expect(pipeline.run(jfk, { signal: controller.signal })).rejects.toSatisfy(AbortError.isInstance);
  });

  it('lets the user replace any stage', async () => {
    const pipeline = createPipeline({
      speechToText: model,
      cache: false,
      language: 'en',
      stages: {
        diarize: async ({ transcript }, context) => ({
          callId: context.callId,
          durationSec: transcript.durationSec,
          speakers: [{ id: 'narrator', role: 'agent' }],
          turns: transcript.segments.map((segment, index) => ({
            id: `t${index + 1}`,
            speaker: 'narrator',
            role: 'agent' as const,
            startSec: segment.startSec,
            endSec: segment.endSec,
            text: segment.text,
          })),
        }),
      },
    });
    const result = await pipeline.run(shortClip);
    expect(result.conversation.speakers).toEqual([{ id: 'narrator', role: 'agent' }]);
    expect(result.analysis.metrics.speakers[0]?.speaker).toBe('narrator');
    expect(existsSync(shortClip)).toBe(true);
  });
});
