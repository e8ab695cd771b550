import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeCallMetrics } from '../../src/analyze/metrics/metrics.js';
import { parseRttm } from '../../src/diarize/rttm.js';
import { createPipeline, type Pipeline } from '../../src/pipeline/create-pipeline.js';
import type { CallResult } from '../../src/schema/call-result.js';
import { mergeSpans, totalSeconds } from '../../src/util/intervals.js';
import { dataPath } from '../helpers/data.js';

// The whole pipeline (Silero VAD, Whisper tiny, channel diarizer, metrics) on the real 8 kHz stereo call,
// run once for every check below: transcribing its 2 × 4 minutes is the dearest step of the suite.
// Whisper tiny leaves much of the customer's speech without words; talk time must still be the voice.
describe('the real stereo call, end to end', () => {
  let pipeline: Pipeline;
  let result: CallResult;
  const reference = parseRttm(
    readFileSync(dataPath('diarization/rttm/aws-lca-auto-repairs-49.rttm'), 'utf8'),
  );
  const referenceSeconds = (speaker: string) =>
    totalSeconds(mergeSpans(reference.filter((segment) => segment.speaker === speaker)));

  beforeAll(async () => {
    pipeline = createPipeline({ cache: false, language: 'en', whisper: { model: 'whisper-tiny' } });
    result = await pipeline.run({
      source: dataPath('diarization/stereo/aws-lca-auto-repairs-49.wav'),
      metadata: { channelRoles: { '0': 'agent', '1': 'customer' } },
    });
  });
  afterAll(() => pipeline?.dispose());

  it('transcribes both sides, in time order, each word where the RTTM says its speaker talks', () => {
    const transcript = result.transcript!;
    for (const channel of [0, 1]) {
      expect(
        transcript.segments.filter((segment) => segment.channel === channel).length,
      ).toBeGreaterThanOrEqual(10);
    }
    for (let i = 1; i < transcript.segments.length; i++) {
      expect(transcript.segments[i]!.startSec).toBeGreaterThanOrEqual(transcript.segments[i - 1]!.startSec);
    }
    for (const segment of transcript.segments) {
      expect(segment.startSec).toBeGreaterThanOrEqual(0);
      expect(segment.endSec).toBeLessThanOrEqual(result.audio!.durationSec);
      expect(segment.endSec).toBeGreaterThanOrEqual(segment.startSec);
    }
    // Words live on the turns, under the channel's role; each should fall in that speaker's RTTM
    // turns (0.25 s collar). A swapped or shifted channel scores far below.
    let inside = 0;
    let total = 0;
    for (const turn of result.conversation.turns) {
      const own = reference.filter((segment) => segment.speaker === turn.role);
      for (const word of turn.words ?? []) {
        const middle = (word.startSec + word.endSec) / 2;
        total++;
        if (own.some((segment) => middle >= segment.startSec - 0.25 && middle <= segment.endSec + 0.25))
          inside++;
      }
    }
    expect(total).toBeGreaterThan(200);
    expect(inside / total).toBeGreaterThanOrEqual(0.9);
    // The channel roles were applied, so nothing is reported about them.
    expect(result.analysis.provenance.degraded.map((entry) => entry.field)).not.toContain(
      'conversation.roles',
    );
  });

  it('carries the voice activity into the conversation under the role names', () => {
    const activity = result.conversation.activity ?? [];
    expect(new Set(activity.map((segment) => segment.speaker))).toEqual(new Set(['agent', 'customer']));
    expect(result.conversation.speakers.map((speaker) => speaker.id)).toEqual(['agent', 'customer']);
    const starts = activity.map((segment) => segment.startSec);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('gives agent and customer turns in time order, opening like the reference', () => {
    const turns = result.conversation.turns;
    expect(new Set(turns.map((turn) => turn.role))).toEqual(new Set(['agent', 'customer']));
    const starts = turns.map((turn) => turn.startSec ?? 0);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    // The reference opens with the agent's greeting (0.0-1.95 s): the opening must not be lost.
    const first = [...reference].sort((a, b) => a.startSec - b.startSec)[0]!;
    expect(turns[0]?.role).toBe(first.speaker);
    expect(turns[0]?.startSec).toBeLessThan(first.startSec + 2);
  });

  it('measures talk time per role close to the reference per-speaker totals', () => {
    const { metrics } = result.analysis;
    const talk = (role: string) => metrics.speakers.find((speaker) => speaker.speaker === role)!;
    // Reference: 150.3 s agent, 114.9 s customer, each stretch padded by 0.15 s on both sides.
    for (const role of ['agent', 'customer']) {
      const expected = referenceSeconds(role);
      expect(Math.abs(talk(role).talkTimeSec - expected)).toBeLessThan(0.1 * expected);
    }
    const referenceRatio =
      referenceSeconds('agent') / (referenceSeconds('agent') + referenceSeconds('customer'));
    expect(Math.abs(talk('agent').talkRatio - referenceRatio)).toBeLessThan(0.03);
    const referenceTalk = totalSeconds(mergeSpans(reference));
    expect(Math.abs(metrics.talkTimeSec - referenceTalk)).toBeLessThan(0.1 * referenceTalk);
    expect(metrics.deadAir.source).toBe('audio');
  });

  it('keeps words per minute on the words, whatever the voice activity says', () => {
    const { activity: _voice, ...wordsOnly } = result.conversation;
    const fromWords = computeCallMetrics(wordsOnly);
    expect(result.analysis.metrics.speakers.map((speaker) => speaker.wordsPerMinute)).toEqual(
      fromWords.speakers.map((speaker) => speaker.wordsPerMinute),
    );
  });
});
