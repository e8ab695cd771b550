import type { Conversation } from '@echolens/core';
import { describe, expect, it } from 'vitest';
import { quoteMatchesTurn, verifyEvidence } from '../../src/analyze/evidence.js';

const conversation: Conversation = {
  callId: 'evidence',
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
      endSec: 4.2,
      text: 'Hello, thanks for calling. How can I help?',
    },
    {
      id: 't2',
      speaker: 'customer',
      role: 'customer',
      startSec: 4.5,
      endSec: 12,
      text: "I've been charged twice for my subscription this month, and honestly it's the third time this year.",
    },
    {
      id: 't3',
      speaker: 'agent',
      role: 'agent',
      startSec: 12.4,
      endSec: 15,
      text: "I'm sorry, let me fix that. Your card [CARD_NUMBER] is on file.",
    },
  ],
};

describe('evidence verification', () => {
  it('accepts exact and normalised quotes (case, punctuation, apostrophes) and adds the turn times', () => {
    expect(
      verifyEvidence({ turnIds: ['t2'], quote: 'charged twice for my subscription' }, conversation),
    ).toEqual({
      turnIds: ['t2'],
      quote: 'charged twice for my subscription',
      startSec: 4.5,
      endSec: 12,
    });
    expect(quoteMatchesTurn('"IVE BEEN CHARGED TWICE"', conversation.turns[1]?.text ?? '')).toBe(true);
  });

  it('tolerates a small slip in a long quote, and ellipses, but not a different sentence', () => {
    const turn = conversation.turns[1]?.text ?? '';
    expect(
      quoteMatchesTurn('charged twice for the subscription this month and honestly its the third time', turn),
    ).toBe(true);
    expect(quoteMatchesTurn("I've been charged twice … the third time this year", turn)).toBe(true);
    expect(quoteMatchesTurn('I want to cancel my subscription right now', turn)).toBe(false);
    expect(quoteMatchesTurn('charged three times', turn)).toBe(false);
  });

  it('re-points a quote cited with the wrong turn id and drops one found nowhere', () => {
    expect(verifyEvidence({ turnIds: ['t1'], quote: 'let me fix that' }, conversation)?.turnIds).toEqual([
      't3',
    ]);
    expect(verifyEvidence({ turnIds: ['t9'], quote: 'let me fix that' }, conversation)?.turnIds).toEqual([
      't3',
    ]);
    expect(verifyEvidence({ turnIds: ['t2'], quote: 'I will sue you' }, conversation)).toBeUndefined();
  });

  it('matches redaction placeholders as the model saw them and accepts a quote spanning cited turns', () => {
    expect(
      verifyEvidence({ turnIds: ['t3'], quote: 'Your card [CARD_NUMBER] is on file' }, conversation)?.turnIds,
    ).toEqual(['t3']);
    const spanning = verifyEvidence(
      { turnIds: ['t2', 't3'], quote: 'the third time this year. I’m sorry, let me fix that' },
      conversation,
    );
    expect(spanning).toMatchObject({ turnIds: ['t2', 't3'], startSec: 4.5, endSec: 15 });
  });
});
