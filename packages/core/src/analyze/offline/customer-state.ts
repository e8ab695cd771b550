import type { ComplaintType, InsightsDraft } from '../../schema/insights.js';
import { citeTurn } from '../evidence.js';
import { countCues, matchForm, tokenize } from '../text.js';
import {
  CHURN_CUES,
  COMPLAINT_TYPE_CUES,
  GRIEVANCE_QUESTION,
  LEGAL_CUES,
  PROBLEM_CUES,
  QUESTION_CUES,
  REPEAT_CONTACT_CUES,
  REQUEST_CUES,
  SUPERVISOR_CUES,
} from './lexicon/cues.js';
import { cite, cueHits } from './outcome.js';
import { NEGATIVE_TURN, type ScoredTurn } from './turn-features.js';

type Draft = InsightsDraft;

/** The customer turns where the reason for the contact is stated: the first two that say something. */
function openingTurns(customer: readonly ScoredTurn[]): ScoredTurn[] {
  return customer.filter((entry) => tokenize(entry.turn.text.slice(0, 2000)).length >= 3).slice(0, 2);
}

/** The customer's emotion of that name, if the analyzer found it. */
function findEmotion(emotions: Draft['emotions'], name: string): Draft['emotions'][number] | undefined {
  return emotions.find((entry) => entry.emotion === name);
}

/**
 * The text without its yes/no questions: "is my flight cancelled?" asks whether something went wrong, it does not
 * report that it did. "Why" questions stay ("why was I charged?" is a grievance), and so does "is there a reason…?",
 * which is one.
 */
function withoutPolarQuestions(text: string): string {
  return text.replace(
    /(?:^|(?<=[.!?]\s*))(?:\s*@\w+)*\s*(?:is|are|was|were|will|would|can|could|do|does|did|has|have|should|am)\b[^.!?]*\?+/gi,
    (question) => (GRIEVANCE_QUESTION.test(matchForm(question)) ? question : ' '),
  );
}

/**
 * Complaint or question. A complaint is a grievance: in the opening turns, reported problems and clearly
 * negative speech weigh at least as much as questions and requests (each distinct cue counts one, a clearly negative turn two; a tie goes to the grievance, as a "why…?" is both);
 * anywhere in the contact, a negative customer, a threat to leave, a supervisor request or a legal threat makes
 * it one too. `null` when no customer turn exists.
 */
export function assessComplaint(
  customer: readonly ScoredTurn[],
  customerSentiment: Draft['sentiment']['customer'],
  emotions: Draft['emotions'],
): Draft['complaint'] {
  if (customer.length === 0) return { isComplaint: null, type: null, severity: 'unknown', evidence: [] };
  const opening = openingTurns(customer);
  let grievance = 0;
  let inquiry = 0;
  for (const entry of opening) {
    grievance +=
      countCues(withoutPolarQuestions(entry.turn.text), PROBLEM_CUES) +
      (entry.sentiment.score <= NEGATIVE_TURN ? 2 : 0);
    inquiry += countCues(entry.turn.text, QUESTION_CUES) + countCues(entry.turn.text, REQUEST_CUES);
  }
  const churn = cueHits(customer, CHURN_CUES);
  const supervisor = cueHits(customer, SUPERVISOR_CUES);
  const legal = cueHits(customer, LEGAL_CUES);
  const repeat = cueHits(customer, REPEAT_CONTACT_CUES);
  const negative = customerSentiment.label === 'negative' || customerSentiment.label === 'mixed';
  const isComplaint =
    (grievance > 0 && grievance >= inquiry) ||
    negative ||
    churn.length > 0 ||
    supervisor.length > 0 ||
    legal.length > 0;
  if (!isComplaint) return { isComplaint: false, type: null, severity: 'none', evidence: [] };

  const severity: Draft['complaint']['severity'] =
    legal.length > 0
      ? 'critical'
      : churn.length > 0 || supervisor.length > 0 || findEmotion(emotions, 'anger')
        ? 'high'
        : negative || repeat.length > 0 || findEmotion(emotions, 'frustration')
          ? 'medium'
          : 'low';
  const problems = cueHits(customer, PROBLEM_CUES);
  const first = opening[0] ?? customer[0];
  const evidence = problems[0]
    ? cite(problems[0])
    : customerSentiment.evidence.length > 0
      ? customerSentiment.evidence.slice(0, 1)
      : first
        ? [citeTurn(first.turn)]
        : [];
  const typed = problems.length > 0 ? problems.map((hit) => hit.entry) : opening;
  return { isComplaint: true, type: complaintType(typed), severity, evidence };
}

/** The complaint type whose cues appear in most of the customer's problem turns (earlier types win ties). */
function complaintType(entries: readonly ScoredTurn[]): ComplaintType {
  let best: ComplaintType = 'other';
  let bestCount = 0;
  for (const [type, pattern] of COMPLAINT_TYPE_CUES) {
    let count = 0;
    for (const entry of entries) if (pattern.test(matchForm(entry.turn.text))) count++;
    if (count > bestCount) {
      best = type;
      bestCount = count;
    }
  }
  return best;
}

/** Fewer customer words than this and there is nothing to judge satisfaction by. */
const MIN_CUSTOMER_WORDS = 5;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * Predicted CSAT 1-5 from the customer's trajectory and end state: the mean of their whole sentiment and of
 * their last two turns (how they felt along the way and at the end), the outcome (resolved +, unresolved −),
 * anger or frustration (−) and emphatic gratitude (+). Unknown (null) with no or almost no customer speech.
 */
export function predictSatisfaction(
  customer: readonly ScoredTurn[],
  resolution: Draft['resolution'],
  emotions: Draft['emotions'],
): Draft['satisfaction'] {
  let words = 0;
  for (const entry of customer) {
    words += tokenize(entry.turn.text.slice(0, 200)).length;
    if (words >= MIN_CUSTOMER_WORDS) break;
  }
  if (customer.length === 0 || words < MIN_CUSTOMER_WORDS)
    return { predictedScore: null, label: 'unknown', evidence: [] };
  let total = 0;
  for (const entry of customer) total += entry.sentiment.score;
  const overall = total / customer.length;
  const last = customer.slice(-2);
  const end = last.reduce((sum, entry) => sum + entry.sentiment.score, 0) / last.length;
  const outcome = resolution.status === 'resolved' ? 1 : resolution.status === 'unresolved' ? -1 : 0;
  const anger = findEmotion(emotions, 'anger');
  const frustration = findEmotion(emotions, 'frustration');
  // Emphatic thanks or praise, not a formulaic "thanks" (that is courtesy, intensity below 0.5).
  const thanks = findEmotion(emotions, 'gratitude');
  const gratitude = thanks && thanks.intensity >= 0.5 ? thanks : undefined;
  // Anger lowers the score as much as real gratitude raises it.
  const predicted = clamp(
    3 +
      1.5 * ((overall + end) / 2) +
      0.4 * outcome -
      (anger ? 0.5 : 0) -
      (frustration ? 0.25 : 0) +
      (gratitude ? 0.5 : 0),
    1,
    5,
  );
  const label = predicted >= 3.5 ? 'satisfied' : predicted <= 2.5 ? 'dissatisfied' : 'neutral';
  // Evidence: the emotion behind a clear label, else the customer's closing turn that carries the most feeling.
  const decisive =
    label === 'satisfied' ? gratitude : label === 'dissatisfied' ? (anger ?? frustration) : undefined;
  if (decisive && decisive.evidence.length > 0)
    return { predictedScore: Number(predicted.toFixed(1)), label, evidence: decisive.evidence.slice(0, 1) };
  let closing = last[0];
  for (const entry of last)
    if (!closing || Math.abs(entry.sentiment.score) > Math.abs(closing.sentiment.score)) closing = entry;
  const hit = closing?.sentiment.hits.reduce<(typeof closing.sentiment.hits)[number] | undefined>(
    (best, candidate) => (!best || Math.abs(candidate.valence) > Math.abs(best.valence) ? candidate : best),
    undefined,
  );
  return {
    predictedScore: Number(predicted.toFixed(1)),
    label,
    evidence: closing ? [citeTurn(closing.turn, hit)] : [],
  };
}
