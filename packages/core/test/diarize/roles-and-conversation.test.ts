import { readFileSync } from 'node:fs';
import type { Diarization, Transcript } from '@echolens/provider';
import { describe, expect, it } from 'vitest';
import { buildConversation } from '../../src/diarize/conversation.js';
import { inferRolesFromCues } from '../../src/diarize/roles.js';
import { ConversationSchema } from '../../src/schema/conversation.js';
import { dataPath } from '../helpers/data.js';

interface Dialogue {
  id: string;
  turns: { speaker: 'agent' | 'customer'; text: string; type?: string }[];
}

describe('roles from conversation cues', () => {
  it('tells agent from customer on labelled service dialogues, or abstains', () => {
    let right = 0;
    let wrong = 0;
    let abstained = 0;
    for (const file of ['abcd', 'tweetsumm', 'uss_mwoz', 'uss_sgd']) {
      const dialogues = readFileSync(dataPath(`dialogues/${file}.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Dialogue);
      for (const dialogue of dialogues) {
        // Hide the labels: the agent becomes spk_1, the customer spk_0.
        const turns = dialogue.turns
          .filter((turn) => turn.type !== 'action')
          .map((turn) => ({ speaker: turn.speaker === 'agent' ? 'spk_1' : 'spk_0', text: turn.text }));
        const guess = inferRolesFromCues(turns).get('spk_1');
        if (!guess || guess.role === 'unknown') abstained++;
        else if (guess.role === 'agent') right++;
        else wrong++;
      }
    }
    const decided = right + wrong;
    expect(right / decided).toBeGreaterThan(0.9);
    expect(decided / (decided + abstained)).toBeGreaterThan(0.6);
  });

  it('stays unknown when nothing in the words points either way', () => {
    const guesses = inferRolesFromCues([
      { speaker: 'spk_0', text: 'The weather was fine yesterday.' },
      { speaker: 'spk_1', text: 'Yes, it was sunny all afternoon.' },
    ]);
    expect([...guesses.values()].map((guess) => guess.role)).toEqual(['unknown', 'unknown']);
  });
});

describe('buildConversation', () => {
  const diarization: Diarization = {
    durationSec: 10,
    method: 'test',
    speakers: [
      { id: 'spk_0', speechSec: 4 },
      { id: 'spk_1', speechSec: 4 },
    ],
    segments: [
      { startSec: 0, endSec: 4, speaker: 'spk_0' },
      { startSec: 4.2, endSec: 8, speaker: 'spk_1' },
    ],
  };
  // One recogniser segment spans the change of speaker; its words say where the change is.
  const transcript: Transcript = {
    language: 'en',
    durationSec: 10,
    segments: [
      {
        id: 's1',
        startSec: 0.2,
        endSec: 7.5,
        text: 'Thank you for calling how can I help I was charged twice on my bill',
        words: [
          ['Thank', 0.2, 0.5],
          ['you', 0.5, 0.7],
          ['for', 0.7, 0.9],
          ['calling', 0.9, 1.4],
          ['how', 1.6, 1.8],
          ['can', 1.8, 2.0],
          ['I', 2.0, 2.1],
          ['help', 2.1, 2.6],
          ['I', 4.4, 4.5],
          ['was', 4.5, 4.7],
          ['charged', 4.7, 5.2],
          ['twice', 5.2, 5.6],
          ['on', 5.8, 5.9],
          ['my', 5.9, 6.1],
          ['bill', 6.1, 6.6],
        ].map(([text, startSec, endSec]) => ({
          text: text as string,
          startSec: startSec as number,
          endSec: endSec as number,
        })),
      },
    ],
  };

  it('splits a segment at the word where the speaker changes, and names roles from cues', () => {
    const conversation = buildConversation({ callId: 'mono', transcript, diarization });
    expect(
      conversation.turns.map((turn) => [turn.speaker, turn.role, turn.text, turn.startSec, turn.endSec]),
    ).toEqual([
      ['agent', 'agent', 'Thank you for calling how can I help', 0.2, 2.6],
      ['customer', 'customer', 'I was charged twice on my bill', 4.4, 6.6],
    ]);
    expect(conversation.speakers.map((speaker) => [speaker.id, speaker.roleSource])).toEqual([
      ['agent', 'cues'],
      ['customer', 'cues'],
    ]);
    expect(conversation.speakers[0]!.roleConfidence).toBeGreaterThan(0.5);
    expect(conversation.turns[0]!.words!.every((word) => word.speaker === 'agent')).toBe(true);
  });

  it('carries the diarized voice activity, under the speaker names of the conversation', () => {
    // spk_1 is heard until 8 s although its last word ends at 6.6 s: activity keeps the voice, not the words.
    const conversation = buildConversation({ callId: 'mono', transcript, diarization });
    expect(conversation.activity).toEqual([
      { speaker: 'agent', startSec: 0, endSec: 4 },
      { speaker: 'customer', startSec: 4.2, endSec: 8 },
    ]);
    expect(ConversationSchema.parse(conversation)).toEqual(conversation);
    // Without a diarizer there is no measured voice, and metrics fall back to the turns.
    expect(buildConversation({ callId: 'mono', transcript }).activity).toBeUndefined();
  });

  it('keeps a segment whole when there are no word timings (assigned to the speaker covering most of it)', () => {
    const withoutWords: Transcript = {
      ...transcript,
      segments: [{ ...transcript.segments[0]!, words: undefined, startSec: 3, endSec: 7.5 }],
    };
    const conversation = buildConversation({ callId: 'mono', transcript: withoutWords, diarization });
    // 3-7.5 s: spk_0 covers 1 s of it, spk_1 3.3 s.
    expect(conversation.turns).toHaveLength(1);
    expect(conversation.turns[0]!.speaker).toBe('spk_1');
    expect(conversation.turns[0]!.text).toBe(transcript.segments[0]!.text);
  });

  it('leaves speakers as spk_N when neither metadata nor cues say who is who', () => {
    const conversation = buildConversation({
      callId: 'plain',
      diarization,
      transcript: {
        language: 'en',
        durationSec: 10,
        segments: [
          { id: 'a', startSec: 0.5, endSec: 3, text: 'The weather was fine.' },
          { id: 'b', startSec: 4.5, endSec: 7, text: 'It was sunny.' },
        ],
      },
    });
    expect(conversation.speakers.map((speaker) => [speaker.id, speaker.role, speaker.roleSource])).toEqual([
      ['spk_0', 'unknown', 'none'],
      ['spk_1', 'unknown', 'none'],
    ]);
  });
});
