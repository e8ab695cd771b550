import {
  createTranscribeStage,
  formatTranscript,
  MemoryCache,
  measureSpeechCoverage,
  type StageContext,
  silentLogger,
  type Transcript,
} from '@echolens/core';
import { describe, expect, it } from 'vitest';
import { preparedFromChannels, RATE, runDetectingModel, toneChannel } from './prepared-fixture.js';

const word = (startSec: number, endSec: number, text = 'word') => ({ startSec, endSec, text });

describe('measureSpeechCoverage', () => {
  it('counts the voiced seconds the words span, bridging short pauses, and lists the rest', () => {
    // Channel 0 speaks 0-10 s; words cover 0-4 s (with a 0.6 s pause inside), then nothing.
    const transcript: Transcript = {
      language: 'en',
      durationSec: 20,
      segments: [
        {
          id: 'seg-0001',
          startSec: 0,
          endSec: 4,
          text: 'a b c',
          words: [word(0, 1.5), word(2.1, 3), word(3.2, 4)],
        },
      ],
    };
    const result = measureSpeechCoverage([[{ startSec: 0, endSec: 10 }]], transcript);
    // Words account for 0-4 s, plus the 0.2 s timing tolerance after the last word.
    expect(result.voicedSec).toBe(10);
    expect(result.coveredSec).toBeCloseTo(4.2, 6);
    expect(result.coverage).toBeCloseTo(0.42, 6);
    expect(result.unintelligible).toEqual([{ startSec: 4.2, endSec: 10 }]);
  });

  it('keeps channels apart, skips channels that were not transcribed and ignores remnants under half a second', () => {
    const transcript: Transcript = {
      language: 'en',
      durationSec: 10,
      segments: [
        { id: 'seg-0001', startSec: 1, endSec: 3, text: 'hello there', channel: 0, words: [word(1, 3)] },
        { id: 'seg-0002', startSec: 5, endSec: 6, text: 'yes', channel: 1, words: [word(5, 6)] },
      ],
    };
    const speech = [
      [{ startSec: 1, endSec: 3.5 }],
      [
        { startSec: 5, endSec: 6 },
        { startSec: 8, endSec: 9 },
      ],
    ];
    const result = measureSpeechCoverage(speech, transcript, [0, 1]);
    // Channel 0: 3.2-3.5 left (0.3 s, below the half second); channel 1: 8-9 s left.
    expect(result.unintelligible).toEqual([{ startSec: 8, endSec: 9, channel: 1 }]);
    expect(result.coverage).toBeCloseTo((2.2 + 1) / 4.5, 6);
    // A copied channel that was never transcribed does not count against the coverage.
    expect(measureSpeechCoverage(speech, transcript, [0]).coverage).toBeCloseTo(2.2 / 2.5, 6);
  });

  it('is 1 when nothing was voiced', () => {
    const empty: Transcript = { language: 'und', durationSec: 5, segments: [] };
    expect(measureSpeechCoverage([[]], empty)).toMatchObject({ coverage: 1, unintelligible: [] });
  });
});

describe('unintelligible spans in the transcript formats', () => {
  const transcript: Transcript = {
    language: 'en',
    durationSec: 10,
    segments: [{ id: 'seg-0001', startSec: 0.5, endSec: 2, text: 'Good morning.' }],
    unintelligible: [{ startSec: 3, endSec: 5.25 }],
  };

  it('shows them in place, with their times, in every format', () => {
    expect(formatTranscript(transcript, 'txt')).toBe('Good morning.\n[unintelligible]\n');
    expect(formatTranscript(transcript, 'srt')).toContain(
      '2\n00:00:03,000 --> 00:00:05,250\n[unintelligible]\n',
    );
    expect(formatTranscript(transcript, 'vtt')).toContain(
      '00:00:03.000 --> 00:00:05.250\n[unintelligible]\n',
    );
    expect(JSON.parse(formatTranscript(transcript, 'json')).unintelligible).toEqual(
      transcript.unintelligible,
    );
  });
});

describe('the transcribe stage', () => {
  it('puts the speech coverage in the provenance, from a fresh transcript and from the cache alike', async () => {
    const regions = [
      { startSec: 1, endSec: 4 },
      { startSec: 6, endSec: 9 },
    ];
    // The model hears only the first region, even when the second is retried at the head of a window.
    const { model } = runDetectingModel({
      keep: (_call, run, samples) => run === 0 && samples.length > 5 * RATE,
    });
    const stage = createTranscribeStage({ getModel: async () => model });
    const cache = new MemoryCache();
    const context = () =>
      ({
        callId: 'call',
        name: 'fixture.wav',
        metadata: {},
        signal: undefined,
        logger: silentLogger,
        cache,
        progress: () => {},
        degrade: () => {},
        provenance: {
          usage: { llmRequests: 0, inputTokens: 0, outputTokens: 0, estimatedCostUsd: 0, hostedAudioSec: 0 },
        },
      }) satisfies StageContext;
    const audio = preparedFromChannels([toneChannel(10, regions)], [regions]);
    const first = context();
    const transcript = await stage(audio, first);
    expect(transcript.unintelligible).toEqual([{ startSec: 6, endSec: 9 }]);
    expect(first.provenance).toMatchObject({ transcriptCache: 'miss', speechCoverage: 0.5 });
    const again = context();
    await stage(audio, again);
    expect(again.provenance).toMatchObject({ transcriptCache: 'hit', speechCoverage: 0.5 });
  });
});
