import type { InsightsDraft } from '../../schema/insights.js';
import type { CallMetrics } from '../../schema/metrics.js';
import { citeTurn } from '../evidence.js';
import { findCue } from '../text.js';
import type { ComplianceResult } from './compliance.js';
import {
  CLOSING_CUES,
  EMPATHY_CUES,
  GREETING_CUES,
  GUIDANCE_CUES,
  POLITENESS_CUES,
  UNCERTAINTY_CUES,
} from './lexicon/cues.js';
import { NEGATIVE_TURN, type ScoredTurn } from './turn-features.js';

type AgentPerformance = InsightsDraft['agentPerformance'];
type Note = AgentPerformance['coaching']['strengths'][number];

export interface CoachingInput {
  turns: readonly ScoredTurn[];
  metrics?: CallMetrics;
  compliance: readonly ComplianceResult[];
  /** Rule descriptions by id, for coaching text and quiz options. */
  ruleDescriptions: ReadonlyMap<string, string>;
  resolved: boolean;
  /** Labels of the call's topic and of other taxonomy topics, for the quiz. */
  topicLabel: string;
  otherTopicLabels: readonly string[];
  /** Seed for placing the right quiz answer, so output is deterministic per call. */
  seed: number;
}

/** Agent turns that follow a clearly negative customer turn within two turns, and whether they empathised. */
function empathyResponses(turns: readonly ScoredTurn[]) {
  const moments: { customer: ScoredTurn; response: ScoredTurn | undefined; empathic: boolean }[] = [];
  turns.forEach((entry, index) => {
    if (entry.turn.role !== 'customer' || entry.sentiment.score > NEGATIVE_TURN) return;
    const response = turns.slice(index + 1, index + 3).find((next) => next.turn.role === 'agent');
    moments.push({
      customer: entry,
      response,
      empathic: !!response && !!findCue(response.turn.text, EMPATHY_CUES),
    });
  });
  return moments;
}

const clampRating = (value: number) => Math.round(Math.min(5, Math.max(1, value)) * 10) / 10;

/** Places `correct` among `distractors` at a seed-chosen position. */
function quizOptions(correct: string, distractors: readonly string[], seed: number) {
  const options = distractors.filter((option) => option !== correct).slice(0, 3);
  const answerIndex = seed % (options.length + 1);
  options.splice(answerIndex, 0, correct);
  return { options, answerIndex };
}

/**
 * Professionalism, empathy and knowledge on a 1-5 scale from what the agent said (greeting, closing,
 * courtesy, empathy after the customer's negative moments, concrete guidance, uncertainty), the call's
 * metrics and compliance results; with strengths, improvements and a few training questions.
 */
export function assessAgent(input: CoachingInput): AgentPerformance {
  const agentTurns = input.turns.filter((entry) => entry.turn.role === 'agent');
  // Nobody was identified as the agent: no ratings, notes or quiz about a person who is not there.
  if (agentTurns.length === 0)
    return {
      professionalism: null,
      empathy: null,
      knowledge: null,
      coaching: { strengths: [], improvements: [] },
      quiz: [],
    };
  const strengths: Note[] = [];
  const improvements: Note[] = [];
  const firstWith = (patterns: readonly RegExp[], pool = agentTurns) => {
    for (const entry of pool) {
      const span = findCue(entry.turn.text, patterns);
      if (span) return citeTurn(entry.turn, span);
    }
    return undefined;
  };

  // Professionalism: courtesy markers, opening and closing, language the rules forbid.
  let professionalism = 3;
  const greeting = firstWith(GREETING_CUES, agentTurns.slice(0, 2));
  const closing = firstWith(CLOSING_CUES, agentTurns.slice(-3));
  const politeTurns = agentTurns.filter((entry) => findCue(entry.turn.text, POLITENESS_CUES)).length;
  if (greeting) professionalism += 0.5;
  if (closing) professionalism += 0.5;
  if (agentTurns.length > 0 && politeTurns / agentTurns.length >= 0.3) professionalism += 0.5;
  const failedRules = input.compliance.filter((result) => result.status === 'fail');
  professionalism -= 0.5 * failedRules.length;
  if (agentTurns.some((entry) => entry.sentiment.score <= NEGATIVE_TURN)) professionalism -= 0.5;
  if (greeting && closing)
    strengths.push({ text: 'Opened and closed the conversation properly', evidence: [greeting, closing] });
  else if (!closing && agentTurns.length > 2)
    improvements.push({
      text: 'Close the call by checking whether anything else is needed and thanking the customer',
      evidence: [],
    });
  for (const failed of failedRules) {
    improvements.push({
      text: `Compliance: ${input.ruleDescriptions.get(failed.ruleId) ?? failed.ruleId} (${failed.explanation})`,
      evidence: failed.evidence,
    });
  }

  // Empathy: did the agent acknowledge the customer's negative moments?
  const moments = empathyResponses(input.turns);
  const anyEmpathy = firstWith(EMPATHY_CUES);
  let empathy: number;
  if (moments.length > 0) {
    const acknowledged = moments.filter((moment) => moment.empathic).length / moments.length;
    empathy = 1.5 + 3 * acknowledged + (anyEmpathy ? 0.5 : 0);
    const missed = moments.find((moment) => !moment.empathic);
    if (missed) {
      improvements.push({
        text: 'Acknowledge the customer’s frustration before moving to the solution',
        evidence: [citeTurn(missed.customer.turn)],
      });
    }
  } else {
    empathy = anyEmpathy ? 4 : 3;
  }
  if (anyEmpathy)
    strengths.push({ text: 'Showed empathy for the customer’s situation', evidence: [anyEmpathy] });

  // Knowledge: concrete guidance and an outcome, against signs of not knowing.
  let knowledge = 3;
  const guidance = firstWith(GUIDANCE_CUES);
  const uncertainty = agentTurns.filter((entry) => findCue(entry.turn.text, UNCERTAINTY_CUES));
  if (guidance) {
    knowledge += 0.75;
    strengths.push({ text: 'Gave the customer concrete steps or explanations', evidence: [guidance] });
  }
  if (input.resolved) knowledge += 0.5;
  knowledge -= Math.min(1.5, 0.5 * uncertainty.length);
  const firstUncertain = uncertainty[0];
  if (firstUncertain) {
    const span = findCue(firstUncertain.turn.text, UNCERTAINTY_CUES);
    improvements.push({
      text: 'Review the product knowledge needed here; the agent sounded unsure',
      evidence: [citeTurn(firstUncertain.turn, span)],
    });
  }

  // Talk metrics, when the call had timing.
  const agentMetrics = input.metrics?.speakers.find((speaker) => speaker.role === 'agent');
  if (agentMetrics && input.metrics && input.metrics.talkTimeSec > 0) {
    if (agentMetrics.talkRatio > 0.7) {
      improvements.push({
        text: `Let the customer speak more: the agent talked ${Math.round(agentMetrics.talkRatio * 100)}% of the time`,
        evidence: [],
      });
    }
    if (agentMetrics.wordsPerMinute > 190) {
      improvements.push({
        text: `Slow down: ${Math.round(agentMetrics.wordsPerMinute)} words per minute is hard to follow`,
        evidence: [],
      });
    }
  }

  const quiz: AgentPerformance['quiz'] = [];
  const topicQuestion = quizOptions(input.topicLabel, input.otherTopicLabels, input.seed);
  quiz.push({
    question: 'What was the customer’s main reason for contacting us?',
    ...topicQuestion,
    explanation: `The conversation was about ${input.topicLabel.toLowerCase()}.`,
  });
  const missedRule = failedRules[0];
  if (missedRule) {
    const description = input.ruleDescriptions.get(missedRule.ruleId) ?? missedRule.ruleId;
    const others = [...input.ruleDescriptions.entries()]
      .filter(([id]) => !input.compliance.some((result) => result.ruleId === id && result.status === 'fail'))
      .map(([, text]) => text);
    quiz.push({
      question: 'Which required step was missed in this conversation?',
      ...quizOptions(description, others, input.seed + 1),
      explanation: missedRule.explanation,
    });
  }
  const firstNegative = moments[0];
  if (firstNegative) {
    quiz.push({
      question: `The customer said: “${citeTurn(firstNegative.customer.turn).quote}” What is the best first response?`,
      ...quizOptions(
        'Acknowledge the frustration, apologise for the trouble, then explain the next step',
        ['Ask the customer to calm down', 'Quote the policy and move on', 'Transfer the call straight away'],
        input.seed + 2,
      ),
      explanation: 'Acknowledging emotion first lowers escalation risk and keeps the customer engaged.',
    });
  }

  return {
    professionalism: clampRating(professionalism),
    empathy: clampRating(empathy),
    knowledge: clampRating(knowledge),
    coaching: { strengths: strengths.slice(0, 4), improvements: improvements.slice(0, 5) },
    quiz: quiz.slice(0, 3),
  };
}
