import { type Conversation, HeuristicAnalyzer, InsightsSchema } from '@echolens/core';
import { describe, expect, it } from 'vitest';
import { finalizeInsights } from '../../src/analyze/evidence.js';
import { textWork } from '../../src/analyze/text.js';

/**
 * The offline analyzer must take time linear in its input: a long call or a pasted log of megabytes cannot be
 * allowed to stall a batch. Asserted on a work counter (characters scanned by the text primitives), never on a
 * clock: quadrupling the input must about quadruple the work (a quadratic step would multiply it by 16).
 */

const CUSTOMER_LINES = [
  "Hi, my card payment was declined twice and I was still charged, this is the third time I'm calling.",
  "It's still not working after the update and honestly I'm fed up with this.",
  'Thanks, I appreciate your help with this, really.',
  'Can you tell me when the refund will arrive? I need the money by Friday.',
];
const AGENT_LINES = [
  "I'm sorry to hear that. May I have your full name and date of birth to verify your account?",
  "I've processed the refund and you'll receive a confirmation email; your reference number is AB1234.",
  "I'll call you back tomorrow once the technician has looked into it. Is there anything else I can help with?",
  'You can reset it from the settings page; unfortunately we are not able to reverse that fee.',
];

function conversationOfTurns(count: number): Conversation {
  return {
    callId: `turns-${count}`,
    speakers: [],
    turns: Array.from({ length: count }, (_, index) => {
      const role = index % 2 === 0 ? 'customer' : 'agent';
      const lines = role === 'customer' ? CUSTOMER_LINES : AGENT_LINES;
      return { id: `t${index + 1}`, speaker: role, role, text: lines[(index >> 1) % lines.length] ?? '' };
    }),
  };
}

/** Three turns, the customer's middle one `sentences` sentences long. */
function conversationWithLongTurn(sentences: number): Conversation {
  const long = Array.from({ length: sentences }, (_, index) => CUSTOMER_LINES[index % CUSTOMER_LINES.length]);
  return {
    callId: `long-${sentences}`,
    speakers: [],
    turns: [
      { id: 't1', speaker: 'agent', role: 'agent', text: AGENT_LINES[0] ?? '' },
      { id: 't2', speaker: 'customer', role: 'customer', text: long.join(' ') },
      { id: 't3', speaker: 'agent', role: 'agent', text: AGENT_LINES[2] ?? '' },
    ],
  };
}

const analyzer = new HeuristicAnalyzer();

/** Characters scanned to analyse the conversation and check all of its evidence. */
function workFor(conversation: Conversation): number {
  const before = textWork.characters;
  finalizeInsights(analyzer.analyze(conversation), conversation, 'heuristic');
  return textWork.characters - before;
}

describe('offline analysis work grows linearly with the input', () => {
  it('with the number of turns', () => {
    const small = workFor(conversationOfTurns(400));
    const large = workFor(conversationOfTurns(1600));
    expect(small).toBeGreaterThan(0);
    expect(large / small).toBeGreaterThan(3);
    expect(large / small).toBeLessThan(5);
  });

  it('with the length of one turn', () => {
    const small = workFor(conversationWithLongTurn(500));
    const large = workFor(conversationWithLongTurn(2000));
    expect(large / small).toBeGreaterThan(3);
    expect(large / small).toBeLessThan(5);
  });

  // Sizes at which the quadratic analyzer this replaced ran for many minutes (1.6 MB took 63 s, 10,000 turns
  // 44 s): these finish within the suite's timeout only if every step, regular expressions included, is linear.
  it('analyses a 3.2 MB turn and 30,000 turns completely, every quote verified', () => {
    for (const conversation of [conversationWithLongTurn(36_000), conversationOfTurns(30_000)]) {
      const insights = finalizeInsights(analyzer.analyze(conversation), conversation, 'heuristic');
      expect(() => InsightsSchema.parse(insights)).not.toThrow();
      expect(insights.evidenceCheck.dropped).toBe(0);
      expect(insights.evidenceCheck.verified).toBeGreaterThan(5);
      expect(insights.sentiment.customer.label).not.toBe('neutral');
    }
  });
});
