import { AbortError, transcribeAudio } from '@echolens/core';
import { describe, expect, it } from 'vitest';
import { MIN_WORD_SEC, placeSegment } from '../../src/transcribe/segment-placement.js';
import { pieceTimeToSource, speechOverlapSec } from '../../src/transcribe/timeline-map.js';
import { planWindows, quietestSample } from '../../src/transcribe/window-plan.js';
import { memoryPcm } from '../diarize/audio-fixture.js';
import { preparedFromChannels, RATE, runDetectingModel, toneChannel } from './prepared-fixture.js';

const packing = { paddingSec: 0.2, gapSec: 0.5, maxWindowSec: 30 };

describe('pieceTimeToSource and placeSegment', () => {
  // Window: [5 s, 8 s) of the recording at 0, a 0.5 s gap, then [20 s, 21.5 s) at 3.5 s.
  const pieces = [
    { sourceStart: 5 * RATE, sourceEnd: 8 * RATE, windowStart: 0 },
    { sourceStart: 20 * RATE, sourceEnd: 21.5 * RATE, windowStart: 3.5 * RATE },
  ];
  const [first, second] = pieces as [(typeof pieces)[0], (typeof pieces)[0]];

  it('shifts times inside a piece exactly', () => {
    expect(pieceTimeToSource(first, 0, RATE)).toBe(5);
    expect(pieceTimeToSource(first, 1.25, RATE)).toBe(6.25);
    expect(pieceTimeToSource(first, 3, RATE)).toBe(8);
    expect(pieceTimeToSource(second, 3.5, RATE)).toBe(20);
    expect(pieceTimeToSource(second, 4.75, RATE)).toBe(21.25);
    expect(pieceTimeToSource(first, 12345 / RATE, RATE)).toBe((5 * RATE + 12345) / RATE);
  });

  it('splits a segment where its words change piece, so no part covers inserted silence', () => {
    const words = [
      { startSec: 2.2, endSec: 2.6, text: ' Can' },
      { startSec: 2.6, endSec: 2.9, text: ' I' },
      { startSec: 3.6, endSec: 3.9, text: ' Okay.' },
    ];
    const parts = placeSegment({ startSec: 2.2, endSec: 3.9, text: ' Can I Okay.', words }, pieces, RATE);
    expect(parts.map((part) => [part.text, part.piece, part.startSec, part.endSec])).toEqual([
      ['Can I', 0, 2.2, 2.9],
      ['Okay.', 1, 3.6, 3.9],
    ]);
  });

  it('keeps a segment whole across a short pause, each word mapped through its own piece', () => {
    // Two pieces 1.2 s apart on the recording: a speaker pausing mid-sentence.
    const close = [first, { sourceStart: 9.2 * RATE, sourceEnd: 10.7 * RATE, windowStart: 3.5 * RATE }];
    const words = [
      { startSec: 2.2, endSec: 2.6, text: ' ask' },
      { startSec: 2.6, endSec: 2.9, text: ' not' },
      { startSec: 3.6, endSec: 3.9, text: ' what' },
    ];
    const parts = placeSegment({ startSec: 2.2, endSec: 3.9, text: ' ask not what', words }, close, RATE);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ text: ' ask not what', piece: 0, lastPiece: 1, wordPieces: [0, 0, 1] });
  });

  it('gives text timed in inserted silence to the nearest piece, with a positive duration', () => {
    // 3.1 s lies in the gap, 0.1 s after the first piece ends and 0.4 s before the second starts.
    const [part] = placeSegment(
      { startSec: 3.1, endSec: 3.1, text: ' Yeah.', words: [{ startSec: 3.1, endSec: 3.1, text: ' Yeah.' }] },
      pieces,
      RATE,
    );
    expect(part).toMatchObject({ piece: 0, movedFromInsertedSilence: true });
    expect(part?.startSec).toBeCloseTo(3 - MIN_WORD_SEC, 9);
    expect(part?.endSec).toBeCloseTo(3, 9);
    // Zero-length words get the minimum duration without leaving their piece or overlapping.
    const [tight] = placeSegment(
      {
        startSec: 4,
        endSec: 4,
        text: ' no no',
        words: [
          { startSec: 4, endSec: 4, text: ' no' },
          { startSec: 4, endSec: 4, text: ' no' },
        ],
      },
      pieces,
      RATE,
    );
    const [one, two] = tight?.words ?? [];
    expect(one?.startSec).toBeCloseTo(4, 9);
    expect(one?.endSec).toBeCloseTo(4 + MIN_WORD_SEC, 9);
    expect(two?.startSec).toBeCloseTo(4 + MIN_WORD_SEC, 9);
    expect(two?.endSec).toBeCloseTo(4 + 2 * MIN_WORD_SEC, 9);
  });

  it('trims words to the detected speech they overlap most, leaving words the VAD missed alone', () => {
    // Speech in the first piece: 0.3-1.0 s and 1.8-2.9 s of the window (a pause between phrases).
    const speech = [
      { start: 0.3 * RATE, end: 1.0 * RATE },
      { start: 1.8 * RATE, end: 2.9 * RATE },
    ];
    const words = [
      { startSec: 0.3, endSec: 1.0, text: ' Americans' },
      // The alignment gave the pause to the next word.
      { startSec: 1.0, endSec: 2.2, text: ' ask' },
      // ...and here a word to the pause after it, with a sliver of the next phrase.
      { startSec: 2.2, endSec: 2.95, text: ' not' },
    ];
    const [part] = placeSegment(
      { startSec: 0.3, endSec: 2.95, text: ' Americans ask not', words },
      [first],
      RATE,
      speech,
    );
    expect(part?.words?.map((word) => [word.text, word.startSec, word.endSec])).toEqual([
      [' Americans', 0.3, 1.0],
      [' ask', 1.8, 2.2],
      [' not', 2.2, 2.9],
    ]);
    // No speech under the word at all: timing kept.
    const [unheard] = placeSegment(
      { startSec: 1.2, endSec: 1.5, text: ' mm', words: [{ startSec: 1.2, endSec: 1.5, text: ' mm' }] },
      [first],
      RATE,
      speech,
    );
    expect([unheard?.startSec, unheard?.endSec]).toEqual([1.2, 1.5]);
  });

  it('measures overlap with speech spans in window samples', () => {
    const speech = [
      { start: 0, end: RATE },
      { start: 2 * RATE, end: 3 * RATE },
    ];
    expect(speechOverlapSec(speech, 0.5, 2.5, RATE)).toBeCloseTo(1, 9);
    expect(speechOverlapSec(speech, 1.2, 1.8, RATE)).toBe(0);
  });
});

describe('planWindows', () => {
  it('pads, joins close regions, keeps windows within the model window and separates the rest by the gap', async () => {
    const regions = [
      { startSec: 1, endSec: 3 },
      { startSec: 3.3, endSec: 5 }, // 0.3 s after the previous: joined with the real audio between
      { startSec: 12, endSec: 20 },
      { startSec: 30, endSec: 44 },
      { startSec: 50, endSec: 58 },
    ];
    const pcm = memoryPcm([toneChannel(60, regions)]);
    const windows = await planWindows(pcm, [regions], packing);
    const at = (seconds: number) => Math.round(seconds * RATE);
    expect(windows.map((window) => window.pieces)).toEqual([
      [
        { sourceStart: at(0.8), sourceEnd: at(5.2), windowStart: 0 },
        { sourceStart: at(11.8), sourceEnd: at(20.2), windowStart: at(4.9) },
        { sourceStart: at(29.8), sourceEnd: at(44.2), windowStart: at(13.8) },
      ],
      [{ sourceStart: at(49.8), sourceEnd: at(58.2), windowStart: 0 }],
    ]);
    for (const window of windows) {
      expect(window.length).toBeLessThanOrEqual(30 * RATE);
      const last = window.pieces.at(-1)!;
      expect(window.length).toBe(last.windowStart + last.sourceEnd - last.sourceStart);
      for (let i = 1; i < window.pieces.length; i++) {
        const previous = window.pieces[i - 1]!;
        expect(window.pieces[i]!.windowStart).toBe(
          previous.windowStart + previous.sourceEnd - previous.sourceStart + 0.5 * RATE,
        );
      }
    }
    // Every second of speech is in exactly one window, and the windows know where it is.
    const totalSpeech = windows.reduce((sum, window) => sum + window.speechSec, 0);
    expect(totalSpeech).toBeCloseTo(2 + 1.7 + 8 + 14 + 8, 6);
    expect(windows[0]?.speech[1]).toEqual({ start: at(3.3) - at(0.8), end: at(5) - at(0.8) });
  });

  it('splits a region longer than a window at its quietest points', async () => {
    const duration = 110;
    const channel = new Float32Array(duration * RATE);
    let seed = 7;
    for (let i = 0; i < channel.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      channel[i] = 0.5 * (seed / 2147483648 - 0.5);
    }
    // Two brief dips (pauses between words) inside one 60 s region.
    for (const dip of [62, 85]) channel.fill(0.0001, (dip - 0.05) * RATE, (dip + 0.05) * RATE);
    const regions = [{ startSec: 40, endSec: 100 }];
    const windows = await planWindows(memoryPcm([channel]), [regions], packing);
    const pieces = windows.flatMap((window) => window.pieces);
    expect(pieces).toHaveLength(3);
    expect(pieces[0]!.sourceStart).toBe(39.8 * RATE);
    expect(Math.abs(pieces[0]!.sourceEnd / RATE - 62)).toBeLessThan(0.05);
    expect(pieces[1]!.sourceStart).toBe(pieces[0]!.sourceEnd);
    expect(Math.abs(pieces[1]!.sourceEnd / RATE - 85)).toBeLessThan(0.05);
    expect(pieces[2]!.sourceStart).toBe(pieces[1]!.sourceEnd);
    expect(pieces[2]!.sourceEnd).toBe(100.2 * RATE);
    for (const window of windows) expect(window.length).toBeLessThanOrEqual(30 * RATE);
  });

  it('finds the quietest sample of a range', async () => {
    const channel = new Float32Array(4 * RATE).fill(0.3);
    channel.fill(0, 2.5 * RATE, 2.6 * RATE);
    const cut = await quietestSample(memoryPcm([channel]), 0, RATE, 4 * RATE);
    expect(cut / RATE).toBeGreaterThanOrEqual(2.5);
    expect(cut / RATE).toBeLessThanOrEqual(2.6);
  });
});

describe('transcribeAudio timing', () => {
  const regions = [
    { startSec: 0.5, endSec: 2.25 },
    { startSec: 2.6, endSec: 4 },
    { startSec: 9.1234, endSec: 15.5 },
    { startSec: 31, endSec: 33.75 },
    { startSec: 47.0625, endSec: 71.5 },
    { startSec: 80, endSec: 80.4 },
  ];

  it('maps every segment and word back onto the recording exactly', async () => {
    const { model, calls } = runDetectingModel();
    const audio = preparedFromChannels([toneChannel(90, regions)], [regions]);
    const transcript = await transcribeAudio(audio, { model, wordTimestamps: true });
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.length).toBeLessThan(regions.length);
    // Exact to the sample, reported to the millisecond.
    const onTimeline = (seconds: number) => Math.round((Math.round(seconds * RATE) / RATE) * 1000) / 1000;
    expect(transcript.segments.map((segment) => [segment.startSec, segment.endSec])).toEqual(
      regions.map((region) => [onTimeline(region.startSec), onTimeline(region.endSec)]),
    );
    for (const segment of transcript.segments) {
      expect(segment.words?.[0]).toMatchObject({ startSec: segment.startSec, endSec: segment.endSec });
      expect(segment.channel).toBeUndefined();
      expect(segment.confidence).toBeCloseTo(Math.exp(-0.1), 9);
    }
    expect(transcript.segments.map((segment) => segment.id)).toEqual(
      regions.map((_, index) => `seg-000${index + 1}`),
    );
    expect(transcript.durationSec).toBe(90);
  });

  it('maps each end of a segment spanning two packed regions separately', async () => {
    const { model } = runDetectingModel({
      extra: (call) =>
        call === 0
          ? [{ startSec: 1.45, endSec: 5.1, text: 'across the gap', averageLogProbability: -0.2 }]
          : [],
    });
    const twoRegions = [
      { startSec: 0.5, endSec: 2.25 },
      { startSec: 10, endSec: 12 },
    ];
    const audio = preparedFromChannels([toneChannel(20, twoRegions)], [twoRegions]);
    const transcript = await transcribeAudio(audio, { model, packing: { paddingSec: 0.2, gapSec: 0.5 } });
    const across = transcript.segments.find((segment) => segment.text === 'across the gap');
    // Window layout: [0.3, 2.45) at 0 s, gap, [9.8, 12.2) at 2.65 s. 1.45 s → 1.75 s; 5.1 s → 12.25 s → clamp 12.2.
    expect(across).toMatchObject({ startSec: 1.75, endSec: 12.2 });
  });

  it('keeps channels apart, labels them and orders segments in time', async () => {
    const left = [
      { startSec: 1, endSec: 3 },
      { startSec: 8, endSec: 9 },
    ];
    const right = [{ startSec: 4, endSec: 6.5 }];
    const { model, calls } = runDetectingModel();
    const audio = preparedFromChannels([toneChannel(10, left), toneChannel(10, right)], [left, right]);
    const transcript = await transcribeAudio(audio, { model });
    expect(calls).toHaveLength(2);
    expect(transcript.segments.map((segment) => [segment.channel, segment.startSec, segment.endSec])).toEqual(
      [
        [0, 1, 3],
        [1, 4, 6.5],
        [0, 8, 9],
      ],
    );
  });

  it('never calls the model when there is no speech', async () => {
    const { model, calls } = runDetectingModel();
    const audio = preparedFromChannels([new Float32Array(10 * RATE)], [[]]);
    const transcript = await transcribeAudio(audio, { model });
    expect(calls).toHaveLength(0);
    expect(transcript).toEqual({
      language: 'und',
      durationSec: 10,
      segments: [],
      unintelligible: [],
      speechCoverage: 1,
    });
  });

  it('keeps text the model times in padding or inserted silence, with the neighbouring speech', async () => {
    const twoRegions = [
      { startSec: 1, endSec: 3 },
      { startSec: 10, endSec: 12 },
    ];
    // Window: [0.8, 3.2) at 0 s, a 0.5 s gap, [9.8, 12.2) at 2.9 s. "Okay." is timed in the gap at
    // 2.5 s, nearer the first piece; "Thank you." in the padding after the last speech.
    const scripted = () =>
      runDetectingModel({
        extra: (call, windowSec) =>
          call === 0
            ? [
                {
                  startSec: 2.5,
                  endSec: 2.5,
                  text: 'Okay.',
                  words: [{ startSec: 2.5, endSec: 2.5, text: 'Okay.' }],
                },
                {
                  startSec: windowSec - 0.1,
                  endSec: windowSec,
                  text: 'Thank you.',
                  averageLogProbability: -0.2,
                },
              ]
            : [],
      }).model;
    const audio = preparedFromChannels([toneChannel(14, twoRegions)], [twoRegions]);
    const transcript = await transcribeAudio(audio, { model: scripted() });
    expect(transcript.segments.map((segment) => [segment.text, segment.startSec, segment.endSec])).toEqual([
      ['run 1 of call 1', 1, 3],
      ['Okay.', 3.1, 3.2],
      ['run 2 of call 1', 10, 12],
      ['Thank you.', 12.1, 12.2],
    ]);
    // A caller who trusts the VAD more than the model can hold text on real audio against it;
    // text moved out of inserted silence still belongs to its neighbour.
    const strict = await transcribeAudio(audio, { model: scripted(), guards: { minSpeechOverlapSec: 0.1 } });
    expect(strict.segments.map((segment) => segment.text)).toEqual([
      'run 1 of call 1',
      'Okay.',
      'run 2 of call 1',
    ]);
  });

  it('reports progress per window, forces the language once enough speech agrees, and honours abort', async () => {
    const long = [
      { startSec: 0, endSec: 25 },
      { startSec: 30, endSec: 55 },
      { startSec: 60, endSec: 85 },
      { startSec: 90, endSec: 115 },
    ];
    const { model, calls } = runDetectingModel({
      language: (call, forced) => (call === 0 ? 'de' : (forced ?? 'en')),
    });
    const audio = preparedFromChannels([toneChannel(120, long)], [long]);
    const fractions: number[] = [];
    const transcript = await transcribeAudio(audio, {
      model,
      onProgress: (fraction) => fractions.push(fraction),
    });
    expect(fractions).toHaveLength(5);
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]! - fractions[i - 1]!).toBeCloseTo(0.25, 2);
    expect(calls[0]?.options?.language).toBeUndefined();
    // The first window holds 25 s of speech, more than enough to fix the call's language.
    expect(calls.slice(1).map((call) => call.options?.language)).toEqual(['de', 'de', 'de']);
    expect(transcript.language).toBe('de');

    const controller = new AbortController();
    const aborted = transcribeAudio(audio, {
      model,
      signal: controller.signal,
      onProgress: (fraction) => {
        if (fraction > 0) controller.abort();
      },
    });
    await expect(aborted).rejects.toSatisfy((error) => AbortError.isInstance(error));
    expect(calls).toHaveLength(5);
  });

  it('gives speech the model skipped at the end of a window one more try in the next window', async () => {
    const regions = [
      { startSec: 1, endSec: 6 },
      { startSec: 10, endSec: 15 },
      { startSec: 20, endSec: 25 },
      { startSec: 30, endSec: 35 },
      { startSec: 40, endSec: 45 },
      { startSec: 50, endSec: 55 },
      { startSec: 60, endSec: 65 },
    ];
    // The first call stops after its first two runs, as Whisper does when a pause looks like the end.
    const { model, calls } = runDetectingModel({ keep: (call, run) => call !== 0 || run < 2 });
    const audio = preparedFromChannels([toneChannel(70, regions)], [regions]);
    const transcript = await transcribeAudio(audio, { model });
    expect(transcript.segments.map((segment) => segment.startSec)).toEqual(
      regions.map((region) => region.startSec),
    );
    expect(calls).toHaveLength(2);
  });

  it('decodes again a long stretch of speech the model left without text inside a piece', async () => {
    // Two stretches 0.3 s apart are one piece; the first call stops after the first stretch.
    const regions = [
      { startSec: 1, endSec: 5 },
      { startSec: 5.3, endSec: 9 },
    ];
    const { model, calls } = runDetectingModel({ keep: (call, run) => call !== 0 || run === 0 });
    const audio = preparedFromChannels([toneChannel(12, regions)], [regions]);
    const transcript = await transcribeAudio(audio, { model });
    expect(transcript.segments.map((segment) => [segment.text, segment.startSec, segment.endSec])).toEqual([
      ['run 1 of call 1', 1, 5],
      ['run 1 of call 2', 5.3, 9],
    ]);
    // The retry starts where the kept text ends: the first stretch is not decoded twice.
    expect(calls[1]?.samples.length).toBeLessThanOrEqual(Math.round((9.2 - 5) * RATE));
    expect(calls).toHaveLength(2);
  });

  it('keeps decoding what the model left from the head of a new window while that makes progress', async () => {
    // One long turn: five stretches 0.6 s apart are one piece; the model only ever transcribes the
    // first run of a window (then ends, as tiny does on telephone speech).
    const regions = [1, 4, 7, 10, 13].map((start) => ({ startSec: start, endSec: start + 2.4 }));
    const { model, calls } = runDetectingModel({ keep: (_call, run) => run === 0 });
    const audio = preparedFromChannels([toneChannel(17, regions)], [regions]);
    const transcript = await transcribeAudio(audio, { model });
    expect(transcript.segments.map((segment) => segment.startSec)).toEqual(regions.map((r) => r.startSec));
    expect(calls).toHaveLength(regions.length);
    expect(transcript.unintelligible).toEqual([]);
    expect(transcript.speechCoverage).toBe(1);
  });

  it('reports speech no window could put into words as unintelligible, with its times', async () => {
    // The model transcribes the first stretch of each window but never the one at 10 s, even at the
    // head of a window: tried there once, it is reported, not retried forever.
    const regions = [
      { startSec: 1, endSec: 5 },
      { startSec: 10, endSec: 14 },
    ];
    const { model, calls } = runDetectingModel({
      keep: (_call, run, samples) => run === 0 && samples.length > 6 * RATE,
      extra: (call) => (call === 1 ? [{ startSec: 0, endSec: 0.5, text: '...' }] : []),
    });
    const audio = preparedFromChannels([toneChannel(16, regions)], [regions]);
    const transcript = await transcribeAudio(audio, { model });
    expect(transcript.segments.map((segment) => segment.startSec)).toEqual([1]);
    expect(calls).toHaveLength(2);
    expect(transcript.unintelligible).toEqual([{ startSec: 10, endSec: 14 }]);
    expect(transcript.speechCoverage).toBeCloseTo(0.5, 3);
  });

  it('retries skipped speech only once, and never a window the model found empty', async () => {
    const regions = [
      { startSec: 1, endSec: 6 },
      { startSec: 10, endSec: 15 },
      { startSec: 20, endSec: 25 },
    ];
    // The model never transcribes the region at 20 s, and hears nothing at all on channel 1.
    const { model, calls } = runDetectingModel({
      keep: (_call, run, samples) => samples.length > 10 * RATE && run < 2,
    });
    const right = regions.map((region) => ({ startSec: region.startSec + 2, endSec: region.endSec + 2 }));
    const audio = preparedFromChannels([toneChannel(30, regions), toneChannel(30, right)], [regions, right]);
    const silentRight = {
      ...model,
      transcribe: async (...args: Parameters<typeof model.transcribe>) => {
        const result = await model.transcribe(...args);
        return calls.length > 2 ? { ...result, segments: [] } : result;
      },
    };
    const transcript = await transcribeAudio(audio, { model: silentRight });
    expect(transcript.segments.map((segment) => [segment.channel, segment.startSec])).toEqual([
      [0, 1],
      [0, 10],
    ]);
    // Channel 0: one window, then the skipped region once more alone. Channel 1: one window, no retry.
    expect(calls).toHaveLength(3);
  });
});
