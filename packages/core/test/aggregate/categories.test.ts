import {
  type CallResult,
  createPipeline,
  InProcessMemoryStore,
  parseCategoryRules,
  recategorize,
} from '@echolens/core';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * A 100-second call: the agent discloses recording only at 70 s (outside the first minute), the
 * customer is angry in the last quarter, the agent interrupts twice in the first 30 s, and nobody talks
 * from 40 s to 52 s.
 */
const turns = [
  {
    speaker: 'agent' as const,
    text: 'Hello, thanks for calling Contoso, how can I help?',
    startSec: 0,
    endSec: 4,
  },
  {
    speaker: 'customer' as const,
    text: 'I want to talk about my broken router, it keeps dropping and',
    startSec: 4,
    endSec: 12,
  },
  {
    speaker: 'agent' as const,
    text: 'Right, have you restarted it already today?',
    startSec: 10,
    endSec: 14,
  },
  {
    speaker: 'customer' as const,
    text: 'Yes I did that twice this morning and then it still failed again',
    startSec: 14,
    endSec: 24,
  },
  { speaker: 'agent' as const, text: 'Okay, let me check your line from here.', startSec: 22, endSec: 27 },
  { speaker: 'customer' as const, text: 'Sure, take your time.', startSec: 27, endSec: 40 },
  {
    speaker: 'agent' as const,
    text: 'I can see the fault on our side, a technician will fix it.',
    startSec: 52,
    endSec: 60,
  },
  {
    speaker: 'agent' as const,
    text: 'Please note this call may be recorded for quality purposes.',
    startSec: 70,
    endSec: 75,
  },
  {
    speaker: 'customer' as const,
    text: 'This is terrible and ridiculous, I am furious about this awful service.',
    startSec: 80,
    endSec: 90,
  },
  { speaker: 'agent' as const, text: 'I understand, I am sorry.', startSec: 90, endSec: 100 },
];

const rules = parseCategoryRules([
  {
    id: 'late-disclosure',
    description: 'recording not disclosed in the first minute',
    conditions: [
      {
        type: 'phrase',
        phrases: ['call may be recorded'],
        speaker: 'agent',
        negate: true,
        range: { firstSec: 60 },
      },
    ],
  },
  {
    id: 'disclosed-at-all',
    conditions: [{ type: 'phrase', phrases: ['CALL  may be recorded'], speaker: 'agent' }],
  },
  {
    id: 'angry-ending',
    conditions: [
      {
        type: 'sentiment',
        speaker: 'customer',
        sentiments: ['negative'],
        range: { startFraction: 0.75, endFraction: 1 },
      },
    ],
  },
  {
    id: 'angry-opening',
    conditions: [
      {
        type: 'sentiment',
        speaker: 'customer',
        sentiments: ['negative'],
        range: { startFraction: 0, endFraction: 0.25 },
      },
    ],
  },
  {
    id: 'agent-talks-over-early',
    conditions: [{ type: 'interruption', by: 'agent', minCount: 2, range: { firstSec: 30 } }],
  },
  {
    id: 'agent-talks-over-late',
    conditions: [{ type: 'interruption', by: 'agent', range: { lastSec: 50 } }],
  },
  {
    id: 'long-hold-mid-call',
    conditions: [{ type: 'non_talk', minSec: 10, range: { startSec: 30, endSec: 60 } }],
  },
  { id: 'long-hold-at-end', conditions: [{ type: 'non_talk', minSec: 10, range: { lastSec: 30 } }] },
]);

describe('categories', () => {
  let result: CallResult;
  beforeAll(async () => {
    const pipeline = createPipeline({ cache: false, memory: new InProcessMemoryStore(), categories: rules });
    result = await pipeline.analyzeConversation({ id: 'category-call', turns });
  });

  it('fire on phrases (with negation), sentiment, interruptions and silences within time ranges', () => {
    const fired = (result.analysis.categories ?? []).map((category) => category.id).sort();
    expect(fired).toEqual(
      [
        'agent-talks-over-early',
        'angry-ending',
        'disclosed-at-all',
        'late-disclosure',
        'long-hold-mid-call',
      ].sort(),
    );
    const disclosed = result.analysis.categories?.find((category) => category.id === 'disclosed-at-all');
    expect(disclosed?.evidence[0]).toMatchObject({ turnIds: ['t8'], startSec: 70 });
    expect(disclosed?.evidence[0]?.quote).toContain('call may be recorded');
    const hold = result.analysis.categories?.find((category) => category.id === 'long-hold-mid-call');
    expect(hold?.spans).toEqual([{ startSec: 40, endSec: 52 }]);
    const early = result.analysis.categories?.find((category) => category.id === 'agent-talks-over-early');
    expect(early?.spans.map((span) => span.startSec)).toEqual([10, 22]);
  });

  it('re-apply to a stored result without transcribing again, and new rules take effect', () => {
    const stored: CallResult = JSON.parse(JSON.stringify(result));
    delete stored.analysis.categories;
    const again = recategorize(stored, rules);
    expect(again.analysis.categories).toEqual(result.analysis.categories);
    const changed = recategorize(
      stored,
      parseCategoryRules([
        {
          id: 'disclosed-in-time',
          conditions: [{ type: 'phrase', phrases: ['may be recorded'], range: { firstSec: 80 } }],
        },
      ]),
    );
    expect(changed.analysis.categories?.map((category) => category.id)).toEqual(['disclosed-in-time']);
  });

  it('apply fraction ranges to chats by turn position and never seconds ranges', () => {
    const chat = {
      ...result,
      conversation: {
        ...result.conversation,
        turns: turns.map(({ startSec: _s, endSec: _e, ...turn }, index) => ({
          ...turn,
          id: `t${index + 1}`,
          role: turn.speaker,
        })),
      },
    };
    chat.analysis = { ...chat.analysis, metrics: { ...chat.analysis.metrics, durationSec: 0 } };
    const fired = (recategorize(chat as CallResult, rules).analysis.categories ?? []).map(
      (category) => category.id,
    );
    expect(fired).toContain('angry-ending');
    expect(fired).toContain('disclosed-at-all');
    expect(fired).not.toContain('agent-talks-over-early');
    // "Not said in the first 60 s" cannot be judged without times: the negated rule does not fire either.
    expect(fired).not.toContain('late-disclosure');
  });

  it('reject bad rules with the position of the problem', () => {
    expect(() => parseCategoryRules([{ id: 'x', conditions: [{ type: 'phrase', phrases: [] }] }])).toThrow(
      /0\.conditions\.0\.phrases/,
    );
    expect(() =>
      parseCategoryRules([
        { id: 'x', conditions: [{ type: 'non_talk', minSec: 5, range: { firstSec: 10, lastSec: 5 } }] },
      ]),
    ).toThrow(/invalid category rules/);
  });
});
