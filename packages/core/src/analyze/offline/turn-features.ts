import type { Conversation, Turn } from '../../schema/conversation.js';
import type { EvidenceDraft, InsightsDraft, SentimentLabel } from '../../schema/insights.js';
import { citeTurn } from '../evidence.js';
import { scoreText, strongestHit, type TextSentiment } from './sentiment.js';

/** A turn with what the offline analyzer computes once and reuses everywhere. */
export interface ScoredTurn {
  turn: Turn;
  index: number;
  /** 1-4: which quarter of the call (by time when the turns have times, else by position). */
  quarter: number;
  /** 0-1 position in the call. */
  position: number;
  sentiment: TextSentiment;
}

/** A turn at or below this score reads as negative, at or above `POSITIVE_TURN` as positive. */
export const NEGATIVE_TURN = -0.4;
export const POSITIVE_TURN = 0.4;

/**
 * Scored turns per conversation object, so the running summary, told after the insights, reuses the insights'
 * scoring instead of reading every turn again. Conversations are not changed once built.
 */
const scoredTurns = new WeakMap<Conversation, ScoredTurn[]>();

export function scoreTurns(conversation: Conversation): ScoredTurn[] {
  const known = scoredTurns.get(conversation);
  if (known) return known;
  const scored = scoreEach(conversation);
  scoredTurns.set(conversation, scored);
  return scored;
}

function scoreEach(conversation: Conversation): ScoredTurn[] {
  const turns = conversation.turns;
  const timed =
    turns.length > 0 && turns.every((turn) => turn.startSec !== undefined && turn.endSec !== undefined);
  const first = timed ? (turns[0]?.startSec ?? 0) : 0;
  const last = timed ? turns.reduce((latest, turn) => Math.max(latest, turn.endSec ?? 0), 0) : 0;
  const span = Math.max(last - first, 1e-6);
  return turns.map((turn, index) => {
    const position = timed
      ? (((turn.startSec ?? 0) + (turn.endSec ?? 0)) / 2 - first) / span
      : turns.length > 1
        ? index / (turns.length - 1)
        : 0;
    const bounded = Math.min(1, Math.max(0, position));
    return {
      turn,
      index,
      position: bounded,
      quarter: Math.min(4, Math.floor(bounded * 4) + 1),
      sentiment: scoreText(turn.text),
    };
  });
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/**
 * How much clearly polar speech a speaker must produce for their label: the equivalent of two clearly negative
 * (or positive) turns. Summing over turns means one very strong turn or several moderate ones both count, while
 * a single mildly negative word in a long call does not make the speaker "negative".
 */
export const LABEL_MASS = 2 * Math.abs(NEGATIVE_TURN);

/** Total negative and positive sentiment of a speaker's turns. */
export function sentimentMass(turns: readonly ScoredTurn[]): { negative: number; positive: number } {
  let negative = 0;
  let positive = 0;
  for (const entry of turns) {
    if (entry.sentiment.score < 0) negative -= entry.sentiment.score;
    else positive += entry.sentiment.score;
  }
  return { negative, positive };
}

/**
 * One speaker's sentiment: the mean turn score, a label from the speaker's total negative and positive speech
 * ("mixed" only when both reach the label mass), the per-quarter trend and its direction. `unknown` when the
 * speaker has no turns (not identified, or silent).
 */
export function speakerSentiment(turns: readonly ScoredTurn[]): InsightsDraft['sentiment']['customer'] {
  if (turns.length === 0) {
    return {
      label: 'unknown',
      score: null,
      trend: [1, 2, 3, 4].map((quarter) => ({ quarter, score: null })),
      trajectory: 'unknown',
      evidence: [],
    };
  }
  let total = 0;
  for (const entry of turns) total += entry.sentiment.score;
  const mean = total / turns.length;
  const mass = sentimentMass(turns);
  const isNegative = mass.negative >= LABEL_MASS;
  const isPositive = mass.positive >= LABEL_MASS;
  const label: SentimentLabel =
    isNegative && isPositive ? 'mixed' : isNegative ? 'negative' : isPositive ? 'positive' : 'neutral';
  const sums = [0, 0, 0, 0];
  const counts = [0, 0, 0, 0];
  for (const entry of turns) {
    sums[entry.quarter - 1] = (sums[entry.quarter - 1] ?? 0) + entry.sentiment.score;
    counts[entry.quarter - 1] = (counts[entry.quarter - 1] ?? 0) + 1;
  }
  const trend = [1, 2, 3, 4].map((quarter) => {
    const count = counts[quarter - 1] ?? 0;
    return { quarter, score: count === 0 ? null : round((sums[quarter - 1] ?? 0) / count) };
  });
  const present = trend.filter((entry): entry is { quarter: number; score: number } => entry.score !== null);
  const change = present.length >= 2 ? (present.at(-1)?.score ?? 0) - (present[0]?.score ?? 0) : 0;
  const trajectory = change >= 0.25 ? 'improving' : change <= -0.25 ? 'worsening' : 'stable';
  const evidence: EvidenceDraft[] = [];
  const cite = (sign: 1 | -1) => {
    let strongest: ScoredTurn | undefined;
    for (const entry of turns) {
      if (!strongest || sign * (entry.sentiment.score - strongest.sentiment.score) > 0) strongest = entry;
    }
    if (!strongest || sign * strongest.sentiment.score <= 0) return;
    evidence.push(citeTurn(strongest.turn, strongestHit(strongest.sentiment.hits, sign)));
  };
  if (isNegative) cite(-1);
  if (isPositive) cite(1);
  return { label, score: round(mean), trend, trajectory, evidence };
}
