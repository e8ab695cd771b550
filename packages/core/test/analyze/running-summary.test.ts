import { readFileSync } from 'node:fs';
import {
  type CallResult,
  type Conversation,
  type ConversationInput,
  conversationFromDialogue,
  createPipeline,
  HeuristicAnalyzer,
  redactConversation,
  renderCallPage,
} from '@echolens/core';
import { assembleConversation, openAIChatWireFormat, startWireServer } from '@echolens/core/testing';
import { createOpenAI } from '@echolens/llm-openai';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finalizeInsights } from '../../src/analyze/evidence.js';
import {
  ANYTHING_ELSE_CUES,
  CLOSING_CUES,
  QUESTION_CUES,
  REQUEST_CUES,
} from '../../src/analyze/offline/lexicon/cues.js';
import { partsOf } from '../../src/analyze/offline/running-summary.js';
import { scoreTurns } from '../../src/analyze/offline/turn-features.js';
import { countCues, findCue } from '../../src/analyze/text.js';
import { dataPath } from '../helpers/data.js';

type Turn = ConversationInput['turns'][number];

interface DevDialogue {
  id: string;
  turns: { speaker: 'agent' | 'customer'; text: string; type?: string }[];
}

function dialogue(file: string, index: number): DevDialogue {
  const rows = readFileSync(dataPath('dialogues', file), 'utf8').trim().split('\n');
  return JSON.parse(rows[index] ?? 'null') as DevDialogue;
}

/**
 * A long call built from dev dialogues one after another (a return that is refused, then a hotel, a restaurant,
 * a games console), timed at a telephone pace. About 10 minutes and 106 turns; `from` marks where each dialogue
 * starts.
 */
function longCall(): { turns: Turn[]; from: number[] } {
  const { turns, starts } = assembleConversation(
    [
      dialogue('abcd.jsonl', 0),
      dialogue('uss_sgd.jsonl', 3),
      dialogue('uss_mwoz.jsonl', 5),
      dialogue('tweetsumm.jsonl', 7),
    ],
    { timed: true },
  );
  return { turns, from: starts };
}

const pipeline = createPipeline({ cache: false, memory: false });

async function analyze(id: string, turns: Turn[]): Promise<CallResult> {
  return pipeline.analyzeConversation({ id, turns });
}

describe('running summary of a long call', () => {
  it('tells a 10-minute call in consecutive parts, each matter with what the agent did, quoted from its part', async () => {
    const { turns, from } = longCall();
    const result = await analyze('long-call', turns);
    const parts = result.analysis.insights.runningSummary;
    expect(parts.length).toBeGreaterThanOrEqual(2);
    // The parts follow each other and cover the call from its first word to its last.
    expect(parts[0]?.startSec).toBe(0);
    expect(parts.at(-1)?.endSec).toBeCloseTo(turns.at(-1)?.endSec ?? 0, 6);
    for (let k = 1; k < parts.length; k++)
      expect(parts[k]?.startSec ?? 0).toBeGreaterThan(parts[k - 1]?.endSec ?? Number.POSITIVE_INFINITY);

    // Every quote comes from a turn inside its own part, and the text carries it.
    const turnIndex = (id: string) => Number(id.slice(1)) - 1;
    for (const part of parts) {
      expect(part.evidence.length).toBeGreaterThan(0);
      for (const evidence of part.evidence) {
        const turn = turns[turnIndex(evidence.turnIds[0] ?? '')];
        expect(turn?.startSec ?? -1).toBeGreaterThanOrEqual(part.startSec ?? 0);
        expect(turn?.endSec ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual((part.endSec ?? 0) + 1e-6);
        expect(part.text).toContain(evidence.quote.replace(/[.!?]+$/, ''));
      }
    }

    // The first part tells the refused return with its refusal, then the customer's plea and the escalation it
    // won, instead of pairing the return with the hotel's booking confirmation later in the same part.
    const first = parts[0]?.text ?? '';
    expect(first).toMatch(/^The customer asked: “I need to return an item/);
    expect(first).toContain(
      'The agent said it could not be done: “ok, unfortunately because it has been more than 90 days',
    );
    expect(first).toContain(
      'Then the customer asked: “What if I ask really, really nicely”. The agent escalated the matter',
    );
    expect(first).not.toContain('The room has been booked');
    // "How else may I help you?" invites a new matter: the hotel booked after it is not told as the bus's outcome.
    expect(first).not.toMatch(/bus, too”\. The agent confirmed: “The room has been booked/);
    expect(first).toMatch(/\d more matters in this part\.$/);
    // The hotel search that follows, in the next part, is told from its own opening.
    expect(parts[1]?.text).toMatch(/^The customer asked: “Well hello there, I'm on a budget/);
    // The last part quotes the last dialogue, the games console.
    const lastQuotes = parts.at(-1)?.evidence.map((evidence) => turnIndex(evidence.turnIds[0] ?? '')) ?? [];
    expect(lastQuotes.some((index) => index >= (from[3] ?? Number.POSITIVE_INFINITY))).toBe(true);
    expect(parts.at(-1)?.text).toContain('The vibration on my controller');

    // The call page shows the parts with their times, each linking to where it starts.
    const page = renderCallPage(result);
    expect(page).toContain('Call in parts');
    expect(page).toMatch(/<li><span class="when"><a href="#t\d+">0:00–/);
  });

  it('measures a chat in turns: 60 turns or more are told in parts without times', async () => {
    const chat = longCall().turns.map(({ speaker, text }) => ({ speaker, text }));
    const parts = (await analyze('long-chat', chat)).analysis.insights.runningSummary;
    expect(parts.length).toBeGreaterThanOrEqual(2);
    for (const part of parts) {
      expect(part.startSec).toBeNull();
      expect(part.endSec).toBeNull();
    }
  });

  it("tells a part that holds only the agent's work on a matter raised earlier", async () => {
    // A walk-through: the problem in the first turn, then 34 instructions each acknowledged with "ok" or "done".
    const steps = [
      'Please unplug the router and wait thirty seconds.',
      'Now plug the power cable back in.',
      'Check that the power light turns green.',
      'Open the settings page at the address on the sticker.',
      'Go to the wireless tab and choose channel six.',
      'Save the settings and restart the router.',
      'Run the speed test on our website again.',
      'Try moving the router away from the microwave.',
    ];
    const turns: Turn[] = [
      {
        speaker: 'customer',
        text: 'My internet connection keeps dropping every evening and I work from home.',
      },
      { speaker: 'agent', text: "I'm sorry to hear that, let me check your line." },
    ];
    for (let step = 0; step < 34; step++)
      turns.push(
        { speaker: 'agent', text: steps[step % steps.length] ?? '' },
        { speaker: 'customer', text: step % 3 ? 'ok' : 'done' },
      );
    const parts = (await analyze('walk-through', turns)).analysis.insights.runningSummary;
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts[0]?.text).toMatch(/^The customer said: “My internet connection keeps dropping/);
    for (const part of parts.slice(1)) {
      expect(part.text).toMatch(/^The agent (?:explained|walked the customer through the steps): “/);
      expect(part.evidence.length).toBeGreaterThan(0);
    }
  });

  it('leaves a short call to its summary, and a call without known roles untold', async () => {
    const { turns } = longCall();
    const short = await analyze('short', turns.slice(0, 25));
    expect(short.analysis.insights.runningSummary).toEqual([]);
    // Speakers nobody identified: there is nobody to attribute a part to (the summary says so already).
    const conversation: Conversation = {
      callId: 'anonymous',
      speakers: [
        { id: 'spk_0', role: 'unknown' },
        { id: 'spk_1', role: 'unknown' },
      ],
      turns: turns.map((turn, index) => ({
        id: `t${index + 1}`,
        speaker: `spk_${index % 2}`,
        role: 'unknown',
        text: turn.text,
        startSec: turn.startSec ?? 0,
        endSec: turn.endSec ?? 0,
      })),
    };
    const analyzer = new HeuristicAnalyzer();
    expect(analyzer.runningSummary(conversation, analyzer.analyze(conversation))).toEqual([]);
  });

  it("is told by EchoLens beside a language model's insights: no extra request, no tokens, from the redacted text", async () => {
    const { turns } = longCall();
    const input: ConversationInput = { id: 'long-llm', turns };
    // The model answers with a valid draft (the offline analyzer's, on the redacted text it was sent).
    const sent = redactConversation(conversationFromDialogue(input, 'long-llm'));
    const answer = new HeuristicAnalyzer().analyze(sent);
    // Every evidence item the model's answer cites, wherever it sits in the answer.
    const cited = JSON.stringify(answer).match(/"turnIds":/g)?.length ?? 0;
    const server = await startWireServer();
    try {
      server.reply(
        openAIChatWireFormat.answer({
          text: JSON.stringify(answer),
          usage: { inputTokens: 3000, outputTokens: 900 },
        }),
      );
      const model = createOpenAI({ baseURL: openAIChatWireFormat.baseURL(server.origin), apiKey: 'sk-test' })(
        'gpt-4o-mini',
      );
      const result = await createPipeline({
        languageModel: model,
        cache: false,
        memory: false,
      }).analyzeConversation(input);
      expect(server.requests).toHaveLength(1);
      // The model is not asked for it: the request's schema has no such field.
      expect(new TextDecoder().decode(server.requests[0]?.rawBody)).not.toContain('runningSummary');
      const { insights } = result.analysis;
      expect(insights.method).toBe('llm');
      expect(insights.runningSummary.length).toBeGreaterThanOrEqual(2);
      // The evidence check tells how the model's evidence held up: EchoLens's own quotes are not counted in it.
      expect(insights.evidenceCheck.checked).toBe(cited);
      // Told from the text the model saw: nothing carries the phone number the customer read out for the return.
      const told = JSON.stringify(insights.runningSummary);
      expect(turns.some((turn) => turn.text.includes('625-2661'))).toBe(true);
      expect(told).not.toContain('625-2661');
      expect(insights.runningSummary[0]?.text).toContain('I need to return an item');
    } finally {
      await server.close();
    }
  });

  it('cuts any long conversation into consecutive parts that hold every turn once, and quotes only what was said', () => {
    const words = [
      'refund',
      'card',
      'router',
      'booking',
      'sorry',
      'need',
      'not',
      'working',
      'ok',
      'thanks',
      '?',
      'I',
    ];
    const turn = fc.record({
      speaker: fc.constantFrom<'agent' | 'customer'>('agent', 'customer'),
      text: fc
        .array(fc.constantFrom(...words), { minLength: 1, maxLength: 12 })
        .map((list) => list.join(' ')),
      seconds: fc.double({ min: 0, max: 40, noNaN: true }),
    });
    const analyzer = new HeuristicAnalyzer();
    fc.assert(
      fc.property(fc.array(turn, { minLength: 1, maxLength: 200 }), fc.boolean(), (drawn, timed) => {
        let clock = 0;
        const turns = drawn.map(({ speaker, text, seconds }) => {
          const startSec = clock;
          clock += seconds;
          return timed ? { speaker, text, startSec, endSec: clock } : { speaker, text };
        });
        const conversation = conversationFromDialogue({ turns }, 'fuzz');
        const parts = partsOf(scoreTurns(conversation));
        const long = timed ? clock >= 600 : turns.length >= 60;
        if (!long) expect(parts).toEqual([]);
        else expect(parts.flat().map((entry) => entry.index)).toEqual(turns.map((_, index) => index));
        const draft = analyzer.analyze(conversation);
        const told = analyzer.runningSummary(conversation, draft);
        const insights = finalizeInsights(draft, conversation, 'heuristic', told);
        const bothRoles = ['agent', 'customer'].every((role) =>
          turns.some((entry) => entry.speaker === role),
        );
        expect(told.length).toBe(bothRoles ? parts.length : 0);
        // Every quote was found in the transcript: no part and no quote was dropped.
        expect(insights.runningSummary.map((part) => part.evidence.length)).toEqual(
          told.map((part) => part.evidence.length),
        );
        expect(insights.evidenceCheck.dropped).toBe(0);
      }),
      { numRuns: 300, seed: 20_261_130 },
    );
  });

  it('knows the contracted requests and the anything-else closings that open and close matters', () => {
    for (const request of [
      "I'd like to book that hotel room.",
      "I'm looking for a cheap hotel",
      "I'm trying to pay",
    ])
      expect(countCues(request, REQUEST_CUES)).toBeGreaterThan(0);
    for (const question of ['Are there any hotels with parking', "I'm wondering if the bar is open"])
      expect(countCues(question, QUESTION_CUES)).toBeGreaterThan(0);
    for (const closing of [
      'How else may I help you?',
      'What else can I do for you?',
      'Anything more I can do?',
    ]) {
      expect(findCue(closing, ANYTHING_ELSE_CUES)).toBeDefined();
      expect(findCue(closing, CLOSING_CUES)).toBeDefined();
    }
  });
});
