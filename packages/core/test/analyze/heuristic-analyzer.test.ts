import { readFileSync } from 'node:fs';
import {
  conversationFromDialogue,
  type Dialogue,
  HeuristicAnalyzer,
  type Insights,
  InsightsSchema,
} from '@echolens/core';
import { describe, expect, it } from 'vitest';
import { finalizeInsights } from '../../src/analyze/evidence.js';
import { scoreText } from '../../src/analyze/offline/sentiment.js';
import { TopicMatcher } from '../../src/analyze/offline/taxonomy.js';
import { dataPath } from '../helpers/data.js';

type Row = Dialogue & { id: string; labels: Record<string, unknown> };

function readRows(file: string): Row[] {
  return readFileSync(dataPath('dialogues', file), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Row);
}

const analyzer = new HeuristicAnalyzer();

function analyze(row: Row, startedAt?: string): Insights {
  const conversation = conversationFromDialogue(row, row.id);
  const draft = analyzer.analyze(conversation, startedAt ? { startedAt } : {});
  return finalizeInsights(draft, conversation, 'heuristic');
}

/** Every quote must be words of the turns it cites. */
function expectEvidenceInTurns(insights: Insights, row: Row) {
  const conversation = conversationFromDialogue(row, row.id);
  const texts = new Map(conversation.turns.map((turn) => [turn.id, turn.text]));
  const all = JSON.stringify(insights);
  const evidence = [...all.matchAll(/"turnIds":\[([^\]]*)\],"quote":"((?:[^"\\]|\\.)*)"/g)];
  expect(evidence.length).toBeGreaterThan(3);
  for (const [, ids, quote] of evidence) {
    const cited = JSON.parse(`[${ids}]`) as string[];
    const text = cited.map((id) => texts.get(id) ?? '').join(' ');
    expect(text).toContain(JSON.parse(`"${quote}"`));
  }
}

describe('offline analyzer on real customer-service dialogues', () => {
  it('reads the Azure espresso-machine chat: a fixed technical issue, improving customer, cited evidence', () => {
    const [row] = readRows('azure_customer_support_example.jsonl');
    if (!row) throw new Error('no azure example');
    const insights = analyze(row);
    expect(InsightsSchema.parse(insights)).toBeTruthy();
    expect(insights.method).toBe('heuristic');
    expect(insights.intent.primary.topicId).toBe('technical_issue');
    expect(insights.resolution).toMatchObject({ status: 'resolved', category: 'issue_fixed' });
    expect(insights.resolution.evidence[0]?.quote).toMatch(/works now/i);
    expect(insights.sentiment.customer.trajectory).toBe('improving');
    expect(insights.sentiment.customer.trend).toHaveLength(4);
    expect(insights.complaint.isComplaint).toBe(true);
    expect(insights.escalation.level).toBe('low');
    // A chat has no recording disclosure to make; the agent greeted and closed.
    const rule = (id: string) => insights.compliance.find((result) => result.ruleId === id)?.status;
    expect(rule('recording_disclosure')).toBe('not_applicable');
    expect(rule('greeting')).toBe('pass');
    expect(rule('proper_closing')).toBe('pass');
    expect(insights.agentPerformance.empathy).toBeGreaterThanOrEqual(3.5);
    expect(insights.satisfaction.label).toBe('satisfied');
    // Text-only dialogues have no timestamps, and every quote is found in its turn.
    expect(insights.evidenceCheck.dropped).toBe(0);
    expect(JSON.stringify(insights)).not.toContain('startSec');
    expectEvidenceInTurns(insights, row);
  });

  it('reads an ABCD return refused past 90 days: escalation to a manager with a callback promise', () => {
    const row = readRows('abcd.jsonl').find((candidate) => candidate.id === 'abcd-3592');
    if (!row) throw new Error('abcd-3592 missing');
    const insights = analyze(row, '2024-03-14T10:00:00Z');
    expect(insights.resolution.status).not.toBe('resolved');
    expect(['escalated', 'follow_up_scheduled', 'declined']).toContain(insights.resolution.category);
    const promise = insights.callbackPromises.find((item) => item.promisedBy === 'agent');
    expect(promise?.promise).toMatch(/call/i);
    expect(insights.memory.deliverables.length).toBeGreaterThan(0);
    expect(insights.memory.openIssues.length).toBeGreaterThan(0);
    const identity = insights.compliance.find((result) => result.ruleId === 'identity_verification');
    expect(identity?.status).toBe('pass');
    expectEvidenceInTurns(insights, row);
  });

  it('separates TweetSumm customers labelled negative from the others far better than chance', () => {
    const rows = readRows('tweetsumm.jsonl');
    const negativeShare = (wanted: boolean) => {
      const group = rows.filter((row) => row.labels.customer_negative === wanted);
      const flagged = group.filter((row) =>
        ['negative', 'mixed'].includes(analyze(row).sentiment.customer.label),
      );
      return flagged.length / group.length;
    };
    const onNegative = negativeShare(true);
    const onOthers = negativeShare(false);
    // Negative needs the equivalent of two clearly negative turns: most labelled customers, few others.
    expect(onNegative).toBeGreaterThan(0.65);
    expect(onNegative).toBeGreaterThan(4 * onOthers);
  });

  it('tells emphatic gratitude from a courtesy "thanks"', () => {
    const rows = readRows('tweetsumm.jsonl');
    const gratitude = (row: Row) =>
      analyze(row).emotions.find((emotion) => emotion.emotion === 'gratitude')?.intensity ?? 0;
    const grateful = rows.filter((row) => row.labels.customer_gratitude === true).map(gratitude);
    const others = rows.filter((row) => row.labels.customer_gratitude === false).map(gratitude);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(grateful)).toBeGreaterThan(mean(others) + 0.3);
  });

  it('recognises completed transactions in SGD dialogues labelled successful', () => {
    const rows = readRows('uss_sgd.jsonl').filter(
      (row) => row.labels.derived_transaction_outcome === 'success',
    );
    const completed = rows.filter((row) => analyze(row).resolution.category === 'transaction_completed');
    expect(completed.length / rows.length).toBeGreaterThan(0.5);
  });

  it('classifies BANKING77 utterances with the 77 labels as taxonomy well above keyword overlap', () => {
    const rows = readFileSync(dataPath('dialogues', 'banking77_intents.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { text: string; intent: string });
    const labels = [...new Set(rows.map((row) => row.intent))];
    expect(labels).toHaveLength(77);
    const matcher = new TopicMatcher(labels.map((id) => ({ id })));
    const correct = rows.filter((row) => matcher.match([row.text])[0]?.topicId === row.intent).length;
    const overlap = rows.filter((row) => {
      const words = new Set(row.text.toLowerCase().match(/[a-z0-9']+/g));
      const scored = labels.map(
        (label) =>
          [
            label,
            label
              .toLowerCase()
              .split('_')
              .filter((w) => words.has(w)).length,
          ] as const,
      );
      const best = scored.reduce((a, b) => (b[1] > a[1] ? b : a));
      return best[0] === row.intent;
    }).length;
    expect(correct / rows.length).toBeGreaterThan(0.35);
    expect(correct).toBeGreaterThan(overlap * 1.3);
  });
});

describe('lexicon sentiment', () => {
  it('handles negation, intensifiers, "but" and service phrases', () => {
    expect(scoreText('The service was bad').score).toBeLessThan(-0.3);
    expect(scoreText('The service was not bad').score).toBeGreaterThan(0);
    expect(scoreText('I am not happy with this').score).toBeLessThan(0);
    expect(Math.abs(scoreText('this is really terrible').score)).toBeGreaterThan(
      Math.abs(scoreText('this is terrible').score),
    );
    expect(scoreText('The app is nice but it is useless').score).toBeLessThan(0);
    expect(scoreText('No problem at all, it works now!').score).toBeGreaterThan(0.3);
    // A calm fault report is not an angry customer; contempt is.
    expect(scoreText('I get an error code when I open the app').score).toBeGreaterThan(-0.4);
    expect(scoreText('This is ridiculous, worst customer service ever').score).toBeLessThan(-0.6);
  });

  it('reads typed emoticons, never a link or a clock, and hears "please resolve" as a request', () => {
    expect(scoreText('where is the new album :(').score).toBeLessThan(-0.3);
    expect(scoreText('all good now :-)').score).toBeGreaterThan(0.3);
    expect(scoreText('see https://t.co/abc at 10:30 (platform 2)').score).toBe(0);
    expect(
      scoreText('Please resolve this issue, it has been pending for a week now!').score,
    ).toBeLessThanOrEqual(0);
  });

  it('keeps the weight of "but" inside its sentence, or on the sentence a "But" answers', () => {
    // A "but" two sentences later does not halve a complaint.
    const worst = scoreText('Your support is the worst. They always give wrong answers.').score;
    expect(
      scoreText('Your support is the worst. They always give wrong answers. I waited, but nobody called.')
        .score,
    ).toBeLessThanOrEqual(worst);
    // A sentence opening with "But" outweighs the one before it; phrases shift like words.
    expect(scoreText('It was great. But now it is useless.').score).toBeLessThan(0);
    expect(scoreText('The app is nice but it keeps crashing').score).toBeLessThan(0);
  });
});

describe('commitments and compliance rules', () => {
  const conversation = conversationFromDialogue(
    {
      turns: [
        {
          speaker: 'agent',
          text: 'Thanks for calling Acme, my name is Dana. This call may be recorded for quality purposes.',
        },
        { speaker: 'customer', text: 'I was charged twice for my subscription and I am really upset.' },
        {
          speaker: 'agent',
          text: 'I am so sorry to hear that. Can you confirm your date of birth for verification?',
        },
        { speaker: 'customer', text: 'Sure, it is the third of March.' },
        {
          speaker: 'agent',
          text: 'Calm down, please. I will process the refund today and someone will call you back by Friday.',
        },
        {
          speaker: 'agent',
          text: 'You will need to check your statement next week. Is there anything else?',
        },
        { speaker: 'customer', text: 'No, thanks.' },
      ],
    },
    'acme-1',
  );

  it('finds promises and action items with deadlines resolved against the call date', () => {
    // 2024-03-13 is a Wednesday: "by Friday" is the 15th, "next week" the 20th.
    const draft = analyzer.analyze(conversation, { startedAt: '2024-03-13T09:30:00Z' });
    const callback = draft.callbackPromises.find((promise) => promise.promisedBy === 'agent');
    expect(callback).toMatchObject({ due: expect.stringMatching(/friday/i), dueDate: '2024-03-15' });
    const refund = draft.actionItems.find((item) => /refund/.test(item.task));
    expect(refund).toMatchObject({ owner: 'agent', dueDate: '2024-03-13' });
    const customerTask = draft.actionItems.find((item) => item.owner === 'customer');
    expect(customerTask).toMatchObject({ dueDate: '2024-03-20' });
    // Without the call's date, deadlines keep their words but no guessed date.
    const undated = analyzer
      .analyze(conversation)
      .callbackPromises.find((promise) => promise.promisedBy === 'agent');
    expect(undated).toMatchObject({ due: expect.stringMatching(/friday/i), dueDate: null });
  });

  it('checks user rules: a prohibited phrase fails with evidence, a disclosure passes, a topic rule does not apply', () => {
    const custom = new HeuristicAnalyzer({
      complianceRules: [
        {
          id: 'disclosure',
          description: 'Recording disclosure',
          kind: 'required_phrase',
          phrases: ['may be recorded'],
          within: { firstTurns: 1 },
        },
        {
          id: 'no_calm_down',
          description: 'Never tell a customer to calm down',
          kind: 'prohibited_phrase',
          phrases: ['calm down'],
        },
        {
          id: 'mortgage_warning',
          description: 'Mortgage risk warning',
          kind: 'required_phrase',
          phrases: ['your home may be repossessed'],
          appliesTo: { topics: ['mortgage'] },
        },
      ],
    });
    const results = custom.analyze(conversation).compliance;
    expect(results.find((result) => result.ruleId === 'disclosure')?.status).toBe('pass');
    const prohibited = results.find((result) => result.ruleId === 'no_calm_down');
    expect(prohibited?.status).toBe('fail');
    expect(prohibited?.evidence[0]).toMatchObject({
      turnIds: ['t5'],
      quote: expect.stringContaining('Calm down'),
    });
    expect(results.find((result) => result.ruleId === 'mortgage_warning')?.status).toBe('not_applicable');
  });

  it('rejects invalid rules and taxonomies with a message naming the problem', () => {
    expect(
      () =>
        new HeuristicAnalyzer({
          complianceRules: [{ id: 'x', description: 'y', kind: 'required_phrase', patterns: ['(['] }],
        }),
    ).toThrow(/invalid pattern/);
    expect(() => new HeuristicAnalyzer({ taxonomy: [{ id: 'a' }, { id: 'a' }] })).toThrow(/appears twice/);
  });
});

describe('conversations whose roles are unknown', () => {
  // A mono recording without role cues: diarization found two speakers but not who is who.
  const conversation = {
    callId: 'two-people',
    speakers: [
      { id: 'spk_0', role: 'unknown' as const },
      { id: 'spk_1', role: 'unknown' as const },
    ],
    turns: [
      {
        id: 't1',
        speaker: 'spk_0',
        role: 'unknown' as const,
        text: 'Good morning, have you tried the new release?',
      },
      {
        id: 't2',
        speaker: 'spk_1',
        role: 'unknown' as const,
        text: 'Not yet, I have been busy with the billing report.',
      },
      { id: 't3', speaker: 'spk_0', role: 'unknown' as const, text: 'Let me know what you think of it.' },
    ],
  };

  it('neither fails agent rules nor invents a customer in the summary', () => {
    const insights = finalizeInsights(analyzer.analyze(conversation), conversation, 'heuristic');
    const agentRules = insights.compliance.filter((result) =>
      ['greeting', 'recording_disclosure', 'identity_verification', 'proper_closing'].includes(result.ruleId),
    );
    expect(agentRules.length).toBeGreaterThan(0);
    for (const result of agentRules) {
      expect(result.status).toBe('not_applicable');
      expect(result.explanation).toMatch(/no speaker was identified as the agent/);
    }
    expect(insights.summary.text).toMatch(/^Agent and customer were not identified/);
    expect(insights.summary.text).not.toMatch(/The customer/);
    // Nothing that reads like a finding about people nobody identified.
    expect(insights.sentiment.customer).toMatchObject({
      label: 'unknown',
      score: null,
      trajectory: 'unknown',
    });
    expect(insights.satisfaction).toMatchObject({ predictedScore: null, label: 'unknown' });
    expect(insights.escalation).toEqual({ risk: null, level: 'unknown', drivers: [] });
    expect(insights.tags).not.toContain('high-escalation-risk');
    expect(insights.resolution.status).toBe('unknown');
    expect(insights.memory.openIssues).toEqual([]);
    expect(insights.complaint).toMatchObject({ isComplaint: null, severity: 'unknown' });
    expect(insights.agentPerformance).toMatchObject({
      professionalism: null,
      empathy: null,
      knowledge: null,
      quiz: [],
    });
    expect(insights.abstentions.map((entry) => entry.field)).toEqual(
      expect.arrayContaining(['customer', 'agentPerformance', 'resolution', 'satisfaction', 'escalation']),
    );
  });

  it('stores an unknown the same way whoever drafted it: no score, no direction, no risk', () => {
    // What a language model might answer: "unknown" beside the numbers of a finding.
    const draft = analyzer.analyze(conversation);
    const modelLike = {
      ...draft,
      sentiment: {
        ...draft.sentiment,
        customer: {
          ...draft.sentiment.customer,
          label: 'unknown' as const,
          score: 0,
          trajectory: 'stable' as const,
        },
      },
      escalation: { risk: 40, level: 'unknown' as const, drivers: [] },
      complaint: { isComplaint: null, type: null, severity: 'none' as const, evidence: [] },
    };
    const insights = finalizeInsights(modelLike, conversation, 'llm');
    expect(insights.sentiment.customer).toMatchObject({
      label: 'unknown',
      score: null,
      trajectory: 'unknown',
    });
    expect(insights.escalation).toMatchObject({ risk: null, level: 'unknown' });
    expect(insights.complaint.severity).toBe('unknown');
    const noRisk = { ...draft, escalation: { risk: null, level: 'low' as const, drivers: [] } };
    expect(finalizeInsights(noRisk, conversation, 'llm').escalation.level).toBe('unknown');
  });

  it('says which role is missing when only one was found, in a sentence that reads', () => {
    const agentOnly = {
      ...conversation,
      speakers: [{ id: 'agent', role: 'agent' as const }],
      turns: conversation.turns.map((turn) => ({ ...turn, speaker: 'agent', role: 'agent' as const })),
    };
    const insights = finalizeInsights(analyzer.analyze(agentOnly), agentOnly, 'heuristic');
    expect(insights.summary.text).toMatch(/^No customer was identified, so no problem, action or outcome/);
    // The agent spoke, but a risk that the customer escalates rests on the customer's words.
    expect(insights.escalation).toMatchObject({ risk: null, level: 'unknown' });
    expect(insights.sentiment.agent.score).not.toBeNull();
  });
});
