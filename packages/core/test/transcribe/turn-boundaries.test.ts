import { buildConversation, type Diarization, type Transcript } from '@echolens/core';
import { describe, expect, it } from 'vitest';

const words = (entries: [string, number, number][]) =>
  entries.map(([text, startSec, endSec]) => ({ text, startSec, endSec }));

describe('turns on a two-channel call', () => {
  // The customer (channel 1) says one sentence across a pause in which the agent (channel 0) asks
  // something; the recogniser kept the customer's sentence as one segment.
  const transcript: Transcript = {
    language: 'en',
    durationSec: 12,
    segments: [
      {
        id: 'seg-0001',
        channel: 1,
        startSec: 1,
        endSec: 7.5,
        text: 'Eight to ten is better. Yeah, let us do it.',
        words: words([
          ['Eight', 1, 1.3],
          ['to', 1.3, 1.4],
          ['ten', 1.4, 1.7],
          ['is', 1.7, 1.9],
          ['better.', 1.9, 2.4],
          ['Yeah,', 5.2, 5.5],
          ['let', 5.6, 5.8],
          ['us', 5.8, 6],
          ['do', 6, 6.2],
          ['it.', 6.2, 7.5],
        ]),
      },
      {
        id: 'seg-0002',
        channel: 0,
        startSec: 2.8,
        endSec: 4.6,
        text: 'Should we book the 8 a.m.?',
        words: words([
          ['Should', 2.8, 3.1],
          ['we', 3.1, 3.3],
          ['book', 3.3, 3.7],
          ['the', 3.7, 3.9],
          ['8', 3.9, 4.2],
          ['a.m.?', 4.2, 4.6],
        ]),
      },
      {
        id: 'seg-0003',
        channel: 0,
        startSec: 6.4,
        endSec: 6.8,
        text: 'Mm-hmm.',
        words: words([['Mm-hmm.', 6.4, 6.8]]),
      },
    ],
  };
  const diarization: Diarization = {
    durationSec: 12,
    method: 'echolens/channel',
    speakers: [
      { id: 'spk_0', channel: 0, speechSec: 2.2 },
      { id: 'spk_1', channel: 1, speechSec: 3.8 },
    ],
    segments: [
      { speaker: 'spk_1', channel: 1, startSec: 1, endSec: 2.4 },
      { speaker: 'spk_0', channel: 0, startSec: 2.8, endSec: 4.6 },
      { speaker: 'spk_1', channel: 1, startSec: 5.2, endSec: 7.5 },
      { speaker: 'spk_0', channel: 0, startSec: 6.4, endSec: 6.8 },
    ],
  };

  it('reads the reply made in a pause between the sentence halves, not after the whole sentence', () => {
    const conversation = buildConversation({
      callId: 'call',
      transcript,
      diarization,
      channelCount: 2,
      channelRoles: { '0': 'agent', '1': 'customer' },
    });
    expect(conversation.turns.map((turn) => [turn.speaker, turn.text])).toEqual([
      ['customer', 'Eight to ten is better.'],
      ['agent', 'Should we book the 8 a.m.?'],
      // The agent's backchannel over the customer's words does not cut the customer's turn.
      ['customer', 'Yeah, let us do it.'],
      ['agent', 'Mm-hmm.'],
    ]);
  });
});
