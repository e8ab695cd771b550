import { describe, expect, it } from 'vitest';
import {
  computeCallMetrics,
  computeCallMetricsWithAudio,
  measureLoudness,
} from '../../src/analyze/metrics/metrics.js';
import type { Conversation } from '../../src/schema/conversation.js';
import { CallMetricsSchema } from '../../src/schema/metrics.js';
import { memoryPcm } from '../diarize/audio-fixture.js';

// A constructed call with known timings; every expected value below is worked out by hand in the comments.
const call: Conversation = {
  callId: 'constructed',
  durationSec: 32,
  speakers: [
    { id: 'agent', role: 'agent' },
    { id: 'customer', role: 'customer' },
  ],
  turns: [
    {
      id: 't1',
      speaker: 'agent',
      role: 'agent',
      startSec: 0,
      endSec: 4,
      text: 'Thank you for calling, how can I help you today',
    },
    {
      id: 't2',
      speaker: 'customer',
      role: 'customer',
      startSec: 5,
      endSec: 12,
      text: 'I was charged twice for my order last week and I need a refund',
    },
    // Starts at 11 while the customer talks until 12 and lasts 2 s: the agent interrupts (1 s overlap).
    { id: 't3', speaker: 'agent', role: 'agent', startSec: 11, endSec: 13, text: 'I see' },
    { id: 't4', speaker: 'customer', role: 'customer', startSec: 13.5, endSec: 14, text: 'okay' },
    // 6 s of silence before: non-talk and dead air.
    {
      id: 't5',
      speaker: 'agent',
      role: 'agent',
      startSec: 20,
      endSec: 30,
      text: 'Let me check your account and the two charges on it now',
    },
    // A 0.5 s backchannel inside the agent's turn: overlap, but not an interruption.
    { id: 't6', speaker: 'customer', role: 'customer', startSec: 29.5, endSec: 30, text: 'mm-hm' },
  ],
};

describe('computeCallMetrics on a constructed conversation', () => {
  const metrics = computeCallMetrics(call);

  it('is valid against the schema', () => {
    expect(CallMetricsSchema.parse(metrics)).toEqual(metrics);
  });

  it('measures talk and non-talk time exactly', () => {
    // Talk merged: [0,4] [5,13] [13.5,14] [20,30] = 4 + 8 + 0.5 + 10 = 22.5 s of 32 s.
    expect(metrics.durationSec).toBe(32);
    expect(metrics.talkTimeSec).toBe(22.5);
    expect(metrics.nonTalkTimeSec).toBe(9.5);
    expect(metrics.nonTalkRatio).toBe(0.2969);
    // Gaps between talk: 1 s, 0.5 s and 6 s; only the last reaches the 2 s threshold.
    expect(metrics.nonTalk).toEqual({
      thresholdSec: 2,
      count: 1,
      totalSec: 6,
      instances: [{ startSec: 14, endSec: 20 }],
    });
    expect(metrics.deadAir).toEqual({
      thresholdSec: 5,
      count: 1,
      totalSec: 6,
      instances: [{ startSec: 14, endSec: 20 }],
      source: 'turns',
    });
  });

  it('measures each speaker: talk time, ratio, words per minute, overlap, monologue', () => {
    const agent = metrics.speakers.find((speaker) => speaker.speaker === 'agent');
    const customer = metrics.speakers.find((speaker) => speaker.speaker === 'customer');
    // Agent: 4 + 2 + 10 = 16 s, 10 + 2 + 12 = 24 words → 90 wpm. Customer: 7 + 0.5 + 0.5 = 8 s, 14 + 1 + 1 words → 120 wpm.
    expect(agent).toEqual({
      speaker: 'agent',
      role: 'agent',
      talkTimeSec: 16,
      talkRatio: 0.6667,
      turnCount: 3,
      wordCount: 24,
      wordsPerMinute: 90,
      overlapSec: 1.5,
      interruptionsMade: 1,
      interruptionsReceived: 0,
      longestMonologueSec: 10,
    });
    expect(customer).toEqual({
      speaker: 'customer',
      role: 'customer',
      talkTimeSec: 8,
      talkRatio: 0.3333,
      turnCount: 3,
      wordCount: 16,
      wordsPerMinute: 120,
      overlapSec: 1.5,
      interruptionsMade: 0,
      interruptionsReceived: 1,
      longestMonologueSec: 7,
    });
  });

  it('counts overlap, interruptions (not backchannels), response latency and the longest monologue', () => {
    // Overlap [11,12] + [29.5,30].
    expect(metrics.overlapSec).toBe(1.5);
    expect(metrics.interruptions).toEqual({
      count: 1,
      pairs: [{ interrupter: 'agent', interrupted: 'customer', count: 1 }],
    });
    // Customer → agent replies: t2→t3 overlaps (0 s), t4→t5 after 6 s. Median 3, p90 (nearest rank) 6.
    expect(metrics.responseLatency).toEqual({
      basis: 'agent-after-customer',
      count: 2,
      medianSec: 3,
      p90Sec: 6,
    });
    expect(metrics.longestMonologue).toEqual({ speaker: 'agent', startSec: 20, durationSec: 10 });
  });

  it('uses word timings as talk spans when present', () => {
    const timed = computeCallMetrics({
      callId: 'words',
      durationSec: 10,
      speakers: [{ id: 'spk_0', role: 'unknown' }],
      turns: [
        {
          id: 't1',
          speaker: 'spk_0',
          role: 'unknown',
          startSec: 1,
          endSec: 5,
          text: 'hello there friend',
          words: [
            { startSec: 1, endSec: 1.5, text: 'hello' },
            { startSec: 2, endSec: 2.5, text: 'there' },
            { startSec: 4, endSec: 5, text: 'friend' },
          ],
        },
      ],
    });
    expect(timed.talkTimeSec).toBe(2);
    expect(timed.speakers[0]?.wordsPerMinute).toBe(90);
    expect(timed.nonTalk.instances).toEqual([]);
    expect(timed.responseLatency).toBeUndefined();
  });

  it('measures dead air on VAD speech of every channel when given', () => {
    // Channel 1 has speech during the 14-20 s gap in the turns: no dead air there; 30-38 s is silent.
    const withSpeech = computeCallMetrics(
      { ...call, durationSec: 40 },
      {
        speech: [
          [{ startSec: 0, endSec: 30 }],
          [
            { startSec: 15, endSec: 19 },
            { startSec: 38, endSec: 39 },
          ],
        ],
      },
    );
    expect(withSpeech.deadAir).toEqual({
      thresholdSec: 5,
      count: 1,
      totalSec: 8,
      instances: [{ startSec: 30, endSec: 38 }],
      source: 'audio',
    });
  });

  it('works on text-only conversations without timings', () => {
    const text = computeCallMetrics({
      callId: 'chat',
      speakers: [
        { id: 'agent', role: 'agent' },
        { id: 'customer', role: 'customer' },
      ],
      turns: [
        { id: 't1', speaker: 'customer', role: 'customer', text: 'my card does not work' },
        { id: 't2', speaker: 'agent', role: 'agent', text: 'sorry to hear that' },
      ],
    });
    expect(CallMetricsSchema.parse(text)).toEqual(text);
    expect(text.durationSec).toBe(0);
    expect(text.talkTimeSec).toBe(0);
    expect(text.speakers.map((speaker) => speaker.wordCount)).toEqual([4, 5]);
    expect(text.responseLatency).toBeUndefined();
    expect(text.longestMonologue).toBeUndefined();
    expect(text.interruptions.count).toBe(0);
  });
});

describe('computeCallMetrics on voice activity from the audio', () => {
  // The same call, with who-is-heard-when from the diarizer. The customer also speaks at 15-17 s and
  // over the agent at 25-28 s, but the recogniser found no words there, so no turn covers that voice.
  const withActivity: Conversation = {
    ...call,
    activity: [
      { speaker: 'agent', startSec: 0, endSec: 4 },
      { speaker: 'customer', startSec: 5, endSec: 12 },
      { speaker: 'agent', startSec: 11, endSec: 13 },
      { speaker: 'customer', startSec: 13.5, endSec: 14 },
      { speaker: 'customer', startSec: 15, endSec: 17 },
      { speaker: 'agent', startSec: 20, endSec: 30 },
      { speaker: 'customer', startSec: 25, endSec: 28 },
      { speaker: 'customer', startSec: 29.5, endSec: 30 },
    ],
  };
  const metrics = computeCallMetrics(withActivity);

  it('is valid against the schema', () => {
    expect(CallMetricsSchema.parse(metrics)).toEqual(metrics);
  });

  it('measures talk and non-talk time on the voice, not on the words', () => {
    // Voice merged: [0,4] [5,13] [13.5,14] [15,17] [20,30] = 4 + 8 + 0.5 + 2 + 10 = 24.5 s of 32 s.
    expect(metrics.talkTimeSec).toBe(24.5);
    expect(metrics.nonTalkTimeSec).toBe(7.5);
    expect(metrics.nonTalkRatio).toBe(0.2344);
    // Gaps 1, 0.5, 1 and 3 s: the 14-20 s silence of the turns is broken by the customer at 15-17 s.
    expect(metrics.nonTalk).toEqual({
      thresholdSec: 2,
      count: 1,
      totalSec: 3,
      instances: [{ startSec: 17, endSec: 20 }],
    });
    expect(metrics.deadAir).toEqual({
      thresholdSec: 5,
      count: 0,
      totalSec: 0,
      instances: [],
      source: 'audio',
    });
  });

  it('gives each speaker the voice heard, and words per minute over the time the words span', () => {
    const agent = metrics.speakers.find((speaker) => speaker.speaker === 'agent');
    const customer = metrics.speakers.find((speaker) => speaker.speaker === 'customer');
    // Agent 4 + 2 + 10 = 16 s; customer 7 + 0.5 + 2 + 3 + 0.5 = 13 s; ratios of 29 s.
    // Words per minute as before (24 words over 16 s of turns, 16 over 8 s): voice without words does not count.
    expect(agent).toMatchObject({ talkTimeSec: 16, talkRatio: 0.5517, wordsPerMinute: 90, turnCount: 3 });
    expect(customer).toMatchObject({ talkTimeSec: 13, talkRatio: 0.4483, wordsPerMinute: 120, turnCount: 3 });
    // Overlap [11,12] + [25,28] + [29.5,30].
    expect(agent?.overlapSec).toBe(4.5);
    expect(customer?.overlapSec).toBe(4.5);
    expect(metrics.overlapSec).toBe(4.5);
  });

  it('counts interruptions on the voice: talking over someone without recognised words still counts', () => {
    // Agent at 11 over the customer (2 s); customer at 25 over the agent (3 s); 29.5-30 is a backchannel.
    expect(metrics.interruptions).toEqual({
      count: 2,
      pairs: [
        { interrupter: 'agent', interrupted: 'customer', count: 1 },
        { interrupter: 'customer', interrupted: 'agent', count: 1 },
      ],
    });
    expect(
      metrics.speakers.map((speaker) => [speaker.interruptionsMade, speaker.interruptionsReceived]),
    ).toEqual([
      [1, 1],
      [1, 1],
    ]);
    // Replies and monologues are about turns, so they stay as on the turns.
    expect(metrics.responseLatency).toEqual(computeCallMetrics(call).responseLatency);
    expect(metrics.longestMonologue).toEqual({ speaker: 'agent', startSec: 20, durationSec: 10 });
  });

  it('measures dead air where neither the VAD nor the voice activity hears anyone', () => {
    const withSpeech = computeCallMetrics(
      { ...withActivity, durationSec: 40 },
      { speech: [[{ startSec: 0, endSec: 4 }], [{ startSec: 38, endSec: 39 }]] },
    );
    expect(withSpeech.deadAir).toEqual({
      thresholdSec: 5,
      count: 1,
      totalSec: 8,
      instances: [{ startSec: 30, endSec: 38 }],
      source: 'audio',
    });
  });

  it('takes an empty activity as a call in which nobody was heard', () => {
    const silent = computeCallMetrics({ ...call, activity: [] });
    expect(silent.talkTimeSec).toBe(0);
    expect(silent.speakers.map((speaker) => speaker.talkTimeSec)).toEqual([0, 0]);
    expect(silent.speakers.map((speaker) => speaker.wordCount)).toEqual([24, 16]);
  });
});

describe('loudness', () => {
  const second = (amplitude: number) =>
    Float32Array.from({ length: 16_000 }, (_, i) => amplitude * Math.sin((2 * Math.PI * 100 * i) / 16_000));

  it('reports RMS per second and the seconds 10 dB above the usual level', async () => {
    const samples = new Float32Array(64_000);
    samples.set(second(0.1), 0);
    samples.set(second(0.1), 16_000);
    samples.set(second(1), 48_000);
    const loudness = await measureLoudness(memoryPcm([samples]));
    // A sine's RMS is amplitude/√2: 0.1 → -23.0 dBFS, 1 → -3.0 dBFS; silence → -120.
    expect(loudness.perSecondDbfs).toEqual([[-23, -23, -120, -3]]);
    expect(loudness.peaks).toEqual([{ channel: 0, timeSec: 3, dbfs: -3 }]);
  });

  it('feeds dead air and loudness into the metrics', async () => {
    const samples = new Float32Array(32 * 16_000);
    const metrics = await computeCallMetricsWithAudio(call, { pcm: memoryPcm([samples]), speech: [[]] });
    expect(metrics.loudness?.perSecondDbfs[0]).toHaveLength(32);
    expect(metrics.deadAir.source).toBe('audio');
  });
});
