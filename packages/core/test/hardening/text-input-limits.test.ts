import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  computeCallMetrics,
  conversationFromDialogue,
  createPipeline,
  InvalidInputError,
  readDialogues,
} from '@echolens/core';
import { describe, expect, it } from 'vitest';
import { finalizeInsights } from '../../src/analyze/evidence.js';
import { failure, scratchFolder } from '../helpers/scratch.js';

const { root } = scratchFolder('echolens-hardening-text-');

const turns = (count: number, text = 'I would like a refund for my order please.') =>
  Array.from({ length: count }, (_, index) => ({
    speaker: index % 2 ? ('agent' as const) : ('customer' as const),
    text,
    startSec: index * 2,
    endSec: index * 2 + 1.5,
  }));

describe('text input has a maximum turn length and turn count', () => {
  it('refuses a dialogue over the defaults with an InvalidInputError that names the limit', () => {
    const long = [{ speaker: 'customer' as const, text: 'a '.repeat(50_001) }];
    expect(() => conversationFromDialogue({ turns: long }, 'long')).toThrow(
      /long: Dialogue too large: turn 1 has 100,002 characters, more than the limit of 100,000 \(maxTurnCharacters\)/,
    );
    const error = (() => {
      try {
        conversationFromDialogue({ turns: turns(10_001) }, 'many');
      } catch (caught) {
        return caught;
      }
    })();
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/10,001 turns, more than the limit of 10,000 \(maxTurns\)/);
  });

  it('accepts what the limits allow, and larger input when they are raised', () => {
    expect(conversationFromDialogue({ turns: turns(10_000) }, 'ok').turns).toHaveLength(10_000);
    const raised = conversationFromDialogue({ turns: turns(200_000) }, 'raised', { maxTurns: 200_000 });
    // Duration of 200,000 timed turns: a spread into Math.max would overflow the stack here.
    expect(raised.durationSec).toBeCloseTo(199_999 * 2 + 1.5);
  });

  it('the pipeline applies its dialogueLimits; readDialogues reports an oversized line and reads the rest', async () => {
    const pipeline = createPipeline({ cache: false, memory: false, dialogueLimits: { maxTurns: 3 } });
    const refused = await failure(pipeline.analyzeConversation({ id: 'four', turns: turns(4) }));
    expect(refused.message).toMatch(/four: Dialogue too large: 4 turns, more than the limit of 3/);
    expect((await pipeline.analyzeConversation({ id: 'three', turns: turns(3) })).callId).toBe('three');

    const file = join(root, 'chats.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ id: 'small', turns: turns(2) }),
        JSON.stringify({ id: 'big', turns: [{ speaker: 'customer', text: 'x'.repeat(2_000) }] }),
        JSON.stringify({ id: 'small-2', turns: turns(2) }),
      ].join('\r\n'),
    );
    const read = await readDialogues(file, { maxTurnCharacters: 1_000 });
    expect(read.dialogues.map((entry) => [entry.line, entry.dialogue.id])).toEqual([
      [1, 'small'],
      [3, 'small-2'],
    ]);
    expect(read.errors.map((entry) => entry.error.message)).toEqual([
      expect.stringMatching(/chats\.jsonl: line 2: dialogue too large: turn 1 has 2,000 characters/),
    ]);
  });
});

describe('parsing, metrics and evidence checks are linear (outside the offline analyzer)', () => {
  // Generous bounds: linear work takes seconds even on a shared laptop core; quadratic work takes hours.
  const bound = 240_000;

  it('a 20 MB turn', () => {
    const sentence = 'I was charged twice for my order and I would like a refund please. ';
    const text = sentence.repeat(Math.ceil(20_000_000 / sentence.length));
    let started = performance.now();
    const conversation = conversationFromDialogue(
      {
        turns: [
          { speaker: 'customer', text, startSec: 0, endSec: 3600 },
          { speaker: 'agent', text: 'Sure.' },
        ],
      },
      'huge',
      { maxTurnCharacters: 25_000_000 },
    );
    expect(performance.now() - started).toBeLessThan(bound);
    started = performance.now();
    expect(computeCallMetrics(conversation).speakers.length).toBe(2);
    expect(performance.now() - started).toBeLessThan(bound);
    // Evidence checking: quotes near the end of the turn are found and verified.
    const quote = sentence.trim();
    started = performance.now();
    const insights = finalizeInsights(draftQuoting(quote, ['t1']), conversation, 'llm');
    expect(performance.now() - started).toBeLessThan(bound);
    expect(insights.evidenceCheck.verified).toBeGreaterThan(0);
  });

  it('10,000 turns', () => {
    const conversation = conversationFromDialogue({ turns: turns(10_000) }, 'many');
    let started = performance.now();
    const metrics = computeCallMetrics(conversation);
    expect(performance.now() - started).toBeLessThan(bound);
    expect(metrics.speakers.find((speaker) => speaker.role === 'customer')?.turnCount).toBe(5_000);
    started = performance.now();
    const insights = finalizeInsights(
      draftQuoting('I would like a refund for my order please.', ['t9999']),
      conversation,
      'llm',
    );
    expect(performance.now() - started).toBeLessThan(bound);
    expect(insights.evidenceCheck.verified).toBeGreaterThan(0);
  });
});

/** The smallest draft the evidence checker accepts, with one key insight quoting `quote`. */
function draftQuoting(quote: string, turnIds: string[]) {
  const evidence = [{ turnIds, quote }];
  return {
    summary: { text: 'summary', evidence },
    sentiment: {
      customer: { label: 'neutral', score: 0, trend: [], trajectory: 'stable', evidence: [] },
      agent: { label: 'neutral', score: 0, trend: [], trajectory: 'stable', evidence: [] },
    },
    emotions: [],
    satisfaction: { predictedScore: 3, label: 'neutral', evidence: [] },
    intent: { primary: { topicId: 'refund', confidence: 0.5, evidence }, secondary: [] },
    complaint: { isComplaint: false, type: null, severity: 'none', evidence: [] },
    resolution: { status: 'unresolved', category: 'no_action', evidence: [] },
    escalation: { risk: 0, level: 'low', drivers: [] },
    compliance: [],
    callbackPromises: [],
    actionItems: [],
    keyInsights: [{ insight: 'refund requested', evidence }],
    tags: [],
    agentPerformance: {
      professionalism: 3,
      empathy: 3,
      knowledge: 3,
      coaching: { strengths: [], improvements: [] },
      quiz: [],
    },
    memory: { deliverables: [], openIssues: [] },
  } as unknown as Parameters<typeof finalizeInsights>[0];
}
