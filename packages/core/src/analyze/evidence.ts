import type { Conversation, Turn } from '../schema/conversation.js';
import type { Evidence, EvidenceCheck, EvidenceDraft, Insights, InsightsDraft } from '../schema/insights.js';
import { normalizeWords, quoteAround, type Span } from './text.js';

/** Evidence citing one turn, quoting the sentence around `span` (or the turn's opening when absent). */
export function citeTurn(turn: Turn, span?: Span): EvidenceDraft {
  const quote = quoteAround(turn.text, span ?? { start: 0, end: Math.min(turn.text.length, 1) });
  return { turnIds: [turn.id], quote };
}

/** Share of quote words that must appear, in order, in a turn for the quote to count as found. */
const FUZZY_THRESHOLD = 0.8;

/** Longest common subsequence length of two word lists (quotes are short, so O(n·m) is fine). */
function commonSubsequence(a: readonly string[], b: readonly string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (const wordA of a) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      current[j] =
        wordA === b[j - 1] ? (previous[j - 1] ?? 0) + 1 : Math.max(previous[j] ?? 0, current[j - 1] ?? 0);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Placeholders from redaction ([CARD_NUMBER]) and ellipses are not words the transcript must contain. */
function quoteParts(quote: string): string[][] {
  return quote
    .replace(/\[[A-Z_]+\]/g, ' ')
    .split(/\.\.\.|…/)
    .map(normalizeWords)
    .filter((words) => words.length > 0);
}

/**
 * Whether a quote is in a turn: every part of the quote (split at ellipses) must match a window of the
 * turn's words exactly or with at most 20% of its words changed, missing or reordered. Normalised
 * first, so case, punctuation and apostrophes never matter.
 */
export function quoteMatchesTurn(quote: string, turnText: string): boolean {
  const parts = quoteParts(quote);
  // A quote with no words (an emoji, "!!!") can only be checked verbatim.
  if (parts.length === 0) return quote.trim().length > 0 && turnText.includes(quote.trim());
  const { words: turnWords, joined: joinedTurn } = normalizedTurn(turnText);
  return parts.every((words) => {
    if (joinedTurn.includes(` ${words.join(' ')} `)) return true;
    if (words.length < 4) return false; // too short to match approximately without false hits
    return approximatelyIn(words, turnWords);
  });
}

/**
 * The most windows compared approximately for one quote part: enough for any real turn (a window starts
 * only where one of the quote's first words occurs), and a bound on hostile input (a 20 MB turn of one
 * repeated sentence), so checking stays linear in the turn's length.
 */
const MAX_APPROXIMATE_WINDOWS = 20_000;

/** Whether `words` match a window of `turnWords` with at most 20% of them changed, missing or reordered. */
function approximatelyIn(words: readonly string[], turnWords: readonly string[]): boolean {
  const slack = Math.ceil(words.length * (1 - FUZZY_THRESHOLD));
  // A matching window can be moved to start at its first matched word, which is one of the quote's
  // first `slack + 1` words: only such starts need comparing.
  const openers = new Set(words.slice(0, slack + 1));
  let compared = 0;
  for (let start = 0; start < turnWords.length; start++) {
    if (!openers.has(turnWords[start] ?? '')) continue;
    const window = turnWords.slice(start, start + words.length + slack);
    if (window.length < words.length - slack) break;
    if (commonSubsequence(words, window) >= words.length * FUZZY_THRESHOLD) return true;
    if (++compared >= MAX_APPROXIMATE_WINDOWS) return false;
  }
  return false;
}

/** Normalised words of recently checked turns: every evidence item of a call checks the same turns. */
const normalizedTurns = new Map<string, { words: string[]; joined: string }>();
const NORMALIZED_TURNS_KEPT = 256;

function normalizedTurn(turnText: string): { words: string[]; joined: string } {
  const cached = normalizedTurns.get(turnText);
  if (cached) return cached;
  const words = normalizeWords(turnText.replace(/\[[A-Z_]+\]/g, ' '));
  const entry = { words, joined: ` ${words.join(' ')} ` };
  if (normalizedTurns.size >= NORMALIZED_TURNS_KEPT) {
    normalizedTurns.delete(normalizedTurns.keys().next().value as string);
  }
  normalizedTurns.set(turnText, entry);
  return entry;
}

/**
 * Checks one evidence item against the conversation: kept (with the cited turns' times) when the quote
 * is in a cited turn, re-pointed when it is in another turn, dropped (undefined) when it is nowhere.
 */
export function verifyEvidence(draft: EvidenceDraft, conversation: Conversation): Evidence | undefined {
  const byId = new Map(conversation.turns.map((turn) => [turn.id, turn]));
  const cited = draft.turnIds.map((id) => byId.get(id.trim())).filter((turn): turn is Turn => !!turn);
  let matching = cited.filter((turn) => quoteMatchesTurn(draft.quote, turn.text));
  if (matching.length === 0 && cited.length > 1) {
    // A quote spanning several cited turns: accept when it matches their joined text.
    const joined = cited.map((turn) => turn.text).join(' ');
    if (quoteMatchesTurn(draft.quote, joined)) matching = cited;
  }
  if (matching.length === 0) {
    const elsewhere = conversation.turns.find((turn) => quoteMatchesTurn(draft.quote, turn.text));
    if (!elsewhere) return undefined;
    matching = [elsewhere];
  }
  const starts = matching
    .map((turn) => turn.startSec)
    .filter((value): value is number => value !== undefined);
  const ends = matching.map((turn) => turn.endSec).filter((value): value is number => value !== undefined);
  return {
    turnIds: matching.map((turn) => turn.id),
    quote: draft.quote.trim(),
    ...(starts.length > 0 ? { startSec: Math.min(...starts) } : {}),
    ...(ends.length > 0 ? { endSec: Math.max(...ends) } : {}),
  };
}

type Trend = InsightsDraft['sentiment']['customer']['trend'];

/** Exactly one entry per quarter 1-4, in order (a model may skip or repeat quarters). */
function quarterly(trend: Trend): Trend {
  return [1, 2, 3, 4].map((quarter) => ({
    quarter,
    score: trend.find((entry) => entry.quarter === quarter)?.score ?? null,
  }));
}

type WithEvidence<E> = { evidence: E[] };
type Checked<T> = T extends WithEvidence<EvidenceDraft> ? Omit<T, 'evidence'> & WithEvidence<Evidence> : T;

/**
 * Turns a draft (from a model or the offline analyzer) into stored insights: every evidence item is
 * verified against the transcript; list insights whose evidence all failed are dropped, since an
 * unsupported claim is worse than none. Singular insights (summary, sentiment…) stay, with what held.
 */
export function finalizeInsights(
  draft: InsightsDraft,
  conversation: Conversation,
  method: Insights['method'],
): Insights {
  const check: EvidenceCheck = { checked: 0, verified: 0, dropped: 0, droppedInsights: 0 };
  const verifyAll = (list: readonly EvidenceDraft[]): Evidence[] => {
    const kept: Evidence[] = [];
    for (const item of list) {
      check.checked++;
      const verified = verifyEvidence(item, conversation);
      if (verified) {
        check.verified++;
        kept.push(verified);
      } else check.dropped++;
    }
    return kept;
  };
  const one = <T extends WithEvidence<EvidenceDraft>>(insight: T): Checked<T> =>
    ({ ...insight, evidence: verifyAll(insight.evidence) }) as Checked<T>;
  const many = <T extends WithEvidence<EvidenceDraft>>(insights: readonly T[]): Checked<T>[] => {
    const kept: Checked<T>[] = [];
    for (const insight of insights) {
      const checked = one(insight);
      if (insight.evidence.length > 0 && checked.evidence.length === 0) check.droppedInsights++;
      else kept.push(checked);
    }
    return kept;
  };

  const insights: Insights = {
    method,
    evidenceCheck: check,
    summary: one(draft.summary),
    sentiment: {
      customer: { ...one(draft.sentiment.customer), trend: quarterly(draft.sentiment.customer.trend) },
      agent: { ...one(draft.sentiment.agent), trend: quarterly(draft.sentiment.agent.trend) },
    },
    emotions: many(draft.emotions),
    satisfaction: one(draft.satisfaction),
    intent: { primary: one(draft.intent.primary), secondary: many(draft.intent.secondary) },
    complaint: one(draft.complaint),
    resolution: one(draft.resolution),
    escalation: { ...draft.escalation, drivers: many(draft.escalation.drivers) },
    // A failed rule often has nothing to quote (the disclosure was never said), so rules are never dropped.
    compliance: draft.compliance.map(one),
    callbackPromises: many(draft.callbackPromises),
    actionItems: many(draft.actionItems),
    keyInsights: many(draft.keyInsights),
    tags: [...new Set(draft.tags.map((tag) => tag.trim()).filter(Boolean))],
    agentPerformance: {
      ...draft.agentPerformance,
      coaching: {
        strengths: many(draft.agentPerformance.coaching.strengths),
        improvements: many(draft.agentPerformance.coaching.improvements),
      },
    },
    memory: { deliverables: many(draft.memory.deliverables), openIssues: many(draft.memory.openIssues) },
    ...(draft.custom ? { custom: draft.custom as Record<string, unknown> } : {}),
  };
  return insights;
}
