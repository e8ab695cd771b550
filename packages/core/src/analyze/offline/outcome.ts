import type {
  EvidenceDraft,
  InsightsDraft,
  ResolutionCategory,
  ResolutionStatus,
} from '../../schema/insights.js';
import { citeTurn } from '../evidence.js';
import { findCue, type Span, sentenceSpans } from '../text.js';
import {
  ANYTHING_ELSE_CUES,
  BAD_NEWS_CUES,
  CONTENT_CLOSE_CUES,
  DECLINED_CUES,
  FIX_ACKNOWLEDGED_CUES,
  FIXED_CUES,
  FOLLOW_UP_CUES,
  inSubordinateClause,
  POLITE_THANKS_CUES,
  STILL_UNRESOLVED_CUES,
  SUPERVISOR_CUES,
  TAKEN_CUES,
  TRANSACTION_DONE_CUES,
  TRANSFER_CUES,
} from './lexicon/cues.js';
import { NEGATIVE_TURN, POSITIVE_TURN, type ScoredTurn } from './turn-features.js';

type Resolution = InsightsDraft['resolution'];

/** A turn and where in it a cue was found. */
export interface CueHit {
  entry: ScoredTurn;
  span: Span;
}

/** Every turn in which one of the patterns occurs, with the first match. */
export function cueHits(turns: readonly ScoredTurn[], patterns: readonly RegExp[]): CueHit[] {
  const hits: CueHit[] = [];
  for (const entry of turns) {
    const span = findCue(entry.turn.text, patterns);
    if (span) hits.push({ entry, span });
  }
  return hits;
}

/**
 * The agent's first cue in each turn said as a statement, where `keep` accepts the sentence and the cue. What the
 * agent did is stated: "Do you have a confirmation email?" confirms nothing, "Would you like me to transfer you?"
 * only offers; `keep` rules out more, such as bad news ("Sorry, yes the flight is cancelled" reports rather than
 * completes) or what may happen ("I'll be here once everything is done").
 */
function statementHits(
  turns: readonly ScoredTurn[],
  patterns: readonly RegExp[],
  keep: (sentence: string, cue: Span) => boolean = () => true,
): CueHit[] {
  const hits: CueHit[] = [];
  for (const entry of turns) {
    const text = entry.turn.text;
    if (!findCue(text, patterns)) continue;
    for (const sentence of sentenceSpans(text)) {
      const body = text.slice(sentence.start, sentence.end);
      if (body.endsWith('?')) continue;
      const span = findCue(body, patterns);
      if (!span || !keep(body, span)) continue;
      hits.push({ entry, span: { start: sentence.start + span.start, end: sentence.start + span.end } });
      break;
    }
  }
  return hits;
}

export const cite = (hit: CueHit | undefined): EvidenceDraft[] =>
  hit ? [citeTurn(hit.entry.turn, hit.span)] : [];

/** What decided the outcome: the event and the turn it was said in (for the summary). */
export interface OutcomeEvent {
  status: ResolutionStatus;
  category: ResolutionCategory;
  hit: CueHit;
  /** Who said it. */
  by: 'agent' | 'customer';
}

export interface Outcome {
  resolution: Resolution;
  decisive?: OutcomeEvent;
  /** The agent's refusal before a later hand-over, escalation or follow-up (the summary tells both). */
  refusedBefore?: OutcomeEvent;
  /** Why the outcome is unknown, when it is. */
  unknownReason?: string;
}

/** Within one turn, a completion outranks the apology or the hand-over that often comes with it. */
const RANK: Record<ResolutionCategory, number> = {
  issue_fixed: 6,
  transaction_completed: 5,
  escalated: 4,
  transferred: 3,
  follow_up_scheduled: 2,
  declined: 1,
  no_action: 1,
  information_provided: 0,
  unknown: 0,
};

/**
 * How the contact ended, from the latest decisive event: fixed ("works now"), completed (a confirmation or
 * reference number), declined (a refusal or inability), transferred, escalated, a follow-up arranged, or the
 * customer saying at the end that it still does not work. Without one, a contented close after the agent's
 * answer ("anything else?" — "no, that's all") means the question was answered; a clearly negative last word
 * means unresolved; otherwise the outcome is `unknown` (the text does not say), never a guess.
 */
export function assessOutcome(
  customer: readonly ScoredTurn[],
  agent: readonly ScoredTurn[],
  isComplaint: boolean | null,
): Outcome {
  if (customer.length === 0 || agent.length === 0) {
    const reason =
      customer.length === 0 && agent.length === 0
        ? 'agent and customer were not identified'
        : `no turn was attributed to the ${customer.length === 0 ? 'customer' : 'agent'}`;
    return {
      resolution: { status: 'unknown', category: 'unknown', evidence: [] },
      unknownReason: reason,
    };
  }
  const events: OutcomeEvent[] = [];
  const add = (
    hits: CueHit[],
    status: ResolutionStatus,
    category: ResolutionCategory,
    by: OutcomeEvent['by'],
  ) => {
    for (const hit of hits) events.push({ status, category, hit, by });
  };
  add(cueHits(customer, FIXED_CUES), 'resolved', 'issue_fixed', 'customer');
  add(statementHits(agent, FIX_ACKNOWLEDGED_CUES), 'resolved', 'issue_fixed', 'agent');
  // What happened, not what may ("once everything is done", "if we can't find it"); a hand-over said with "if"
  // ("it'd be best if you contact our Answer Desk team") is still one.
  const happened = (sentence: string, cue: Span) => !inSubordinateClause(sentence, cue.start);
  add(
    statementHits(
      agent,
      TRANSACTION_DONE_CUES,
      (sentence, cue) =>
        happened(sentence, cue) && !findCue(sentence, BAD_NEWS_CUES) && !findCue(sentence, TAKEN_CUES),
    ),
    'resolved',
    'transaction_completed',
    'agent',
  );
  add(statementHits(agent, DECLINED_CUES, happened), 'unresolved', 'declined', 'agent');
  add(statementHits(agent, TRANSFER_CUES), 'partially_resolved', 'transferred', 'agent');
  add(statementHits(agent, SUPERVISOR_CUES), 'partially_resolved', 'escalated', 'agent');
  // Asked as a question, a follow-up is still arranged: "Can you DM us your account's email?" moves the matter on.
  add(cueHits(agent, FOLLOW_UP_CUES), 'partially_resolved', 'follow_up_scheduled', 'agent');
  add(
    cueHits(
      customer.filter((entry) => entry.position >= 0.5),
      STILL_UNRESOLVED_CUES,
    ),
    'unresolved',
    'no_action',
    'customer',
  );
  events.sort((a, b) => a.hit.entry.index - b.hit.entry.index || RANK[a.category] - RANK[b.category]);
  let decisive = events.at(-1);
  // Something got done: a later courtesy follow-up, hand-over or failed extra request does not undo it, unless
  // the customer says afterwards that it still does not work.
  let completed: OutcomeEvent | undefined;
  for (const event of events) if (event.status === 'resolved') completed = event;
  // The customer's "didn't work" after it undoes it, whatever follows.
  const undone =
    completed !== undefined &&
    events.some(
      (event) => event.category === 'no_action' && event.hit.entry.index > completed.hit.entry.index,
    );
  if (decisive && completed && decisive !== completed && !undone) decisive = completed;
  if (decisive) {
    const refusal = events.find((event) => event.category === 'declined');
    const handedOn = ['escalated', 'transferred', 'follow_up_scheduled'].includes(decisive.category);
    return {
      resolution: { status: decisive.status, category: decisive.category, evidence: cite(decisive.hit) },
      decisive,
      ...(refusal && handedOn && refusal.hit.entry.index < decisive.hit.entry.index
        ? { refusedBefore: refusal }
        : {}),
    };
  }

  // No decisive event: judge by how the contact closed. The last few customer turns, since the very last is
  // often just "bye".
  const closing = customer.slice(-3);
  const lastCustomer = customer.at(-1);
  const contentClose = cueHits(closing, CONTENT_CLOSE_CUES).at(-1);
  const thanks = cueHits(closing, POLITE_THANKS_CUES).at(-1);
  const positive = closing.filter((entry) => entry.sentiment.score >= POSITIVE_TURN).at(-1);
  const anythingElse = cueHits(agent.slice(-3), ANYTHING_ELSE_CUES).at(-1);
  const calm = closing.every((entry) => entry.sentiment.score > NEGATIVE_TURN);
  const settled =
    contentClose ??
    (positive ? { entry: positive, span: { start: 0, end: 1 } } : undefined) ??
    // "Anything else?" answered without complaint: the customer had what they came for.
    (anythingElse && lastCustomer && lastCustomer.index > anythingElse.entry.index
      ? anythingElse
      : undefined);
  if (calm && settled) {
    return {
      resolution: { status: 'resolved', category: 'information_provided', evidence: cite(settled) },
      decisive: {
        status: 'resolved',
        category: 'information_provided',
        hit: settled,
        by: settled.entry.turn.role === 'agent' ? 'agent' : 'customer',
      },
    };
  }
  if (calm && thanks && isComplaint === false) {
    return {
      resolution: { status: 'resolved', category: 'information_provided', evidence: cite(thanks) },
      decisive: { status: 'resolved', category: 'information_provided', hit: thanks, by: 'customer' },
    };
  }
  if (lastCustomer && lastCustomer.sentiment.score <= NEGATIVE_TURN) {
    const hit = { entry: lastCustomer, span: { start: 0, end: 1 } };
    return {
      resolution: { status: 'unresolved', category: 'no_action', evidence: cite(hit) },
      decisive: { status: 'unresolved', category: 'no_action', hit, by: 'customer' },
    };
  }
  return {
    resolution: { status: 'unknown', category: 'unknown', evidence: [] },
    unknownReason: 'the conversation does not say whether the matter was settled',
  };
}
