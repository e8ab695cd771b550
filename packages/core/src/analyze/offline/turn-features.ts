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

export function scoreTurns(conversation: Conversation): ScoredTurn[] {
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
 * One speaker's sentiment: the mean turn score, a label that keeps both extremes visible ("mixed" when
 * the speaker was clearly negative and clearly positive), the per-quarter trend and its direction.
 */
export function speakerSentiment(turns: readonly ScoredTurn[]): InsightsDraft['sentiment']['customer'] {
  if (turns.length === 0) {
    return {
      label: 'neutral',
      score: 0,
      trend: [1, 2, 3, 4].map((quarter) => ({ quarter, score: null })),
      trajectory: 'stable',
      evidence: [],
    };
  }
  const scores = turns.map((entry) => entry.sentiment.score);
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const negative = turns.filter((entry) => entry.sentiment.score <= NEGATIVE_TURN);
  const positive = turns.filter((entry) => entry.sentiment.score >= POSITIVE_TURN);
  const label: SentimentLabel =
    negative.length > 0 && positive.length > 0
      ? 'mixed'
      : negative.length > 0
        ? 'negative'
        : positive.length > 0
          ? 'positive'
          : 'neutral';
  const trend = [1, 2, 3, 4].map((quarter) => {
    const inQuarter = turns.filter((entry) => entry.quarter === quarter);
    if (inQuarter.length === 0) return { quarter, score: null };
    return { quarter, score: round(inQuarter.reduce((a, b) => a + b.sentiment.score, 0) / inQuarter.length) };
  });
  const present = trend.filter((entry): entry is { quarter: number; score: number } => entry.score !== null);
  const change = present.length >= 2 ? (present.at(-1)?.score ?? 0) - (present[0]?.score ?? 0) : 0;
  const trajectory = change >= 0.25 ? 'improving' : change <= -0.25 ? 'worsening' : 'stable';
  const evidence: EvidenceDraft[] = [];
  const cite = (entries: readonly ScoredTurn[], sign: 1 | -1) => {
    const strongest = [...entries].sort((a, b) => sign * (b.sentiment.score - a.sentiment.score))[0];
    if (!strongest) return;
    const hit = strongestHit(strongest.sentiment.hits, sign);
    evidence.push(citeTurn(strongest.turn, hit));
  };
  if (label === 'negative' || label === 'mixed') cite(negative, -1);
  if (label === 'positive' || label === 'mixed') cite(positive, 1);
  return { label, score: round(mean), trend, trajectory, evidence };
}
