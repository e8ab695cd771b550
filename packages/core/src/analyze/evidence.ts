import type { Conversation, Turn } from '../schema/conversation.js';
import type {
  Evidence,
  EvidenceCheck,
  EvidenceDraft,
  Insights,
  InsightsDraft,
  RunningSummaryDraft,
} from '../schema/insights.js';
import { normalizeWords, quoteAround, type Span, textWork } from './text.js';

/** Evidence citing one turn, quoting the sentence around `span` (or the turn's opening when absent). */
export function citeTurn(turn: Turn, span?: Span): EvidenceDraft {
  const quote = quoteAround(turn.text, span ?? { start: 0, end: Math.min(turn.text.length, 1) });
  return { turnIds: [turn.id], quote };
}

/** Share of quote words that must appear, in order, in a turn for the quote to count as found. */
const FUZZY_THRESHOLD = 0.8;

/** Longest common subsequence length of two word lists (quotes are short, so O(n·m) is fine). */
function commonSubsequence(a: readonly string[], b: readonly string[]): number {
  textWork.characters += a.length * b.length;
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

/** A turn's words, normalised once however many quotes are checked against it. */
class TurnWords {
  private words: string[] | undefined;
  private joined: string | undefined;
  constructor(readonly text: string) {}
  get list(): string[] {
    this.words ??= normalizeWords(this.text.replace(/\[[A-Z_]+\]/g, ' '));
    return this.words;
  }
  /** The words joined with single spaces and padded, for exact phrase lookups. */
  get padded(): string {
    this.joined ??= ` ${this.list.join(' ')} `;
    return this.joined;
  }
}

/**
 * Whether the words of one quote part occur in a turn, exactly or with at most 20 % of them changed, missing
 * or reordered. The approximate search only runs the (quadratic in the quote) alignment on windows that
 * already hold enough of the quote's words, counted with a sliding window: linear in the turn's length.
 */
function partMatches(words: readonly string[], turn: TurnWords): boolean {
  if (turn.padded.includes(` ${words.join(' ')} `)) return true;
  if (words.length < 4) return false; // too short to match approximately without false hits
  const slack = Math.ceil(words.length * (1 - FUZZY_THRESHOLD));
  const needed = words.length * FUZZY_THRESHOLD;
  const wanted = new Map<string, number>();
  for (const word of words) wanted.set(word, (wanted.get(word) ?? 0) + 1);
  const turnWords = turn.list;
  const size = words.length + slack;
  const inWindow = new Map<string, number>();
  let shared = 0;
  const enter = (word: string) => {
    const want = wanted.get(word);
    if (want === undefined) return;
    const have = (inWindow.get(word) ?? 0) + 1;
    inWindow.set(word, have);
    if (have <= want) shared++;
  };
  const leave = (word: string) => {
    const want = wanted.get(word);
    if (want === undefined) return;
    const have = inWindow.get(word) ?? 0;
    inWindow.set(word, have - 1);
    if (have <= want) shared--;
  };
  textWork.characters += turnWords.length;
  for (let index = 0; index < Math.min(size, turnWords.length); index++) enter(turnWords[index] ?? '');
  for (let start = 0; start < turnWords.length; start++) {
    if (start > 0) {
      leave(turnWords[start - 1] ?? '');
      const incoming = turnWords[start + size - 1];
      if (incoming !== undefined) enter(incoming);
    }
    if (turnWords.length - start < words.length - slack) break;
    if (shared < needed) continue;
    const window = turnWords.slice(start, start + size);
    if (commonSubsequence(words, window) >= needed) return true;
  }
  return false;
}

function matchesTurn(parts: readonly string[][], quote: string, turn: TurnWords): boolean {
  // A quote with no words (an emoji, "!!!") can only be checked verbatim.
  if (parts.length === 0) return quote.trim().length > 0 && turn.text.includes(quote.trim());
  return parts.every((words) => partMatches(words, turn));
}

/**
 * Whether a quote is in a turn: every part of the quote (split at ellipses) must match a window of the
 * turn's words exactly or with at most 20% of its words changed, missing or reordered. Normalised
 * first, so case, punctuation and apostrophes never matter.
 */
export function quoteMatchesTurn(quote: string, turnText: string): boolean {
  return matchesTurn(quoteParts(quote), quote, new TurnWords(turnText));
}

/**
 * A conversation prepared for checking many quotes: turns by id and each turn's words normalised at most
 * once, so checking all of an analysis's evidence stays linear in the conversation's length.
 */
export class EvidenceIndex {
  private readonly byId: Map<string, Turn>;
  private readonly words = new Map<Turn, TurnWords>();
  constructor(readonly conversation: Conversation) {
    this.byId = new Map(conversation.turns.map((turn) => [turn.id, turn]));
  }
  turn(id: string): Turn | undefined {
    return this.byId.get(id.trim());
  }
  wordsOf(turn: Turn): TurnWords {
    let words = this.words.get(turn);
    if (!words) {
      words = new TurnWords(turn.text);
      this.words.set(turn, words);
    }
    return words;
  }
}

/**
 * Checks one evidence item against the conversation: kept (with the cited turns' times) when the quote
 * is in a cited turn, re-pointed when it is in another turn, dropped (undefined) when it is nowhere.
 */
export function verifyEvidence(
  draft: EvidenceDraft,
  conversation: Conversation,
  index: EvidenceIndex = new EvidenceIndex(conversation),
): Evidence | undefined {
  const parts = quoteParts(draft.quote);
  const cited = draft.turnIds.map((id) => index.turn(id)).filter((turn): turn is Turn => !!turn);
  let matching = cited.filter((turn) => matchesTurn(parts, draft.quote, index.wordsOf(turn)));
  if (matching.length === 0 && cited.length > 1) {
    // A quote spanning several cited turns: accept when it matches their joined text.
    const joined = new TurnWords(cited.map((turn) => turn.text).join(' '));
    if (matchesTurn(parts, draft.quote, joined)) matching = cited;
  }
  if (matching.length === 0) {
    const elsewhere = conversation.turns.find((turn) => matchesTurn(parts, draft.quote, index.wordsOf(turn)));
    if (!elsewhere) return undefined;
    matching = [elsewhere];
  }
  let startSec: number | undefined;
  let endSec: number | undefined;
  for (const turn of matching) {
    if (turn.startSec !== undefined) startSec = Math.min(startSec ?? turn.startSec, turn.startSec);
    if (turn.endSec !== undefined) endSec = Math.max(endSec ?? turn.endSec, turn.endSec);
  }
  return {
    turnIds: matching.map((turn) => turn.id),
    quote: draft.quote.trim(),
    ...(startSec !== undefined ? { startSec } : {}),
    ...(endSec !== undefined ? { endSec } : {}),
  };
}

type Trend = InsightsDraft['sentiment']['customer']['trend'];

type SpeakerSentimentDraft = InsightsDraft['sentiment']['customer'];

/**
 * An unknown sentiment has no score and no direction, whoever drafted it (a model may fill in 0 and
 * "stable"); its trend is one entry per quarter.
 */
function speakerSentimentOf(draft: SpeakerSentimentDraft): SpeakerSentimentDraft {
  const trend = quarterly(draft.trend);
  return draft.label === 'unknown'
    ? { ...draft, score: null, trend, trajectory: 'unknown' }
    : { ...draft, trend };
}

/** A null risk is an unknown level, and an unknown level has no risk (whoever drafted it). */
function escalationOf(draft: InsightsDraft['escalation']): Omit<InsightsDraft['escalation'], 'drivers'> {
  const risk = draft.level === 'unknown' ? null : draft.risk;
  return { risk, level: risk === null ? 'unknown' : draft.level };
}

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
  runningSummary: RunningSummaryDraft = [],
): Insights {
  const index = new EvidenceIndex(conversation);
  /** Verifies evidence and counts what held in `tally`. */
  const checker = (tally: EvidenceCheck) => {
    const verifyAll = (list: readonly EvidenceDraft[]): Evidence[] => {
      const kept: Evidence[] = [];
      for (const item of list) {
        tally.checked++;
        const verified = verifyEvidence(item, conversation, index);
        if (verified) {
          tally.verified++;
          kept.push(verified);
        } else tally.dropped++;
      }
      return kept;
    };
    const one = <T extends WithEvidence<EvidenceDraft>>(insight: T): Checked<T> =>
      ({ ...insight, evidence: verifyAll(insight.evidence) }) as Checked<T>;
    const many = <T extends WithEvidence<EvidenceDraft>>(insights: readonly T[]): Checked<T>[] => {
      const kept: Checked<T>[] = [];
      for (const insight of insights) {
        const checked = one(insight);
        if (insight.evidence.length > 0 && checked.evidence.length === 0) tally.droppedInsights++;
        else kept.push(checked);
      }
      return kept;
    };
    return { one, many };
  };
  const zero = (): EvidenceCheck => ({ checked: 0, verified: 0, dropped: 0, droppedInsights: 0 });
  const check = zero();
  const { one, many } = checker(check);
  // The running summary is EchoLens's own quoting, checked the same way but not counted: `evidenceCheck` tells how
  // the draft's evidence (a model's, when one answered) held up.
  const running = checker(zero()).many(runningSummary);

  const insights: Insights = {
    method,
    evidenceCheck: check,
    summary: one(draft.summary),
    // A part whose quotes all failed would be a claim about the call with nothing behind it.
    runningSummary: running,
    sentiment: {
      customer: one(speakerSentimentOf(draft.sentiment.customer)),
      agent: one(speakerSentimentOf(draft.sentiment.agent)),
    },
    emotions: many(draft.emotions),
    satisfaction: one(draft.satisfaction),
    intent: { primary: one(draft.intent.primary), secondary: many(draft.intent.secondary) },
    // Whether it was a complaint is unknown, so is how severe it was (a model may say "none").
    complaint: one(
      draft.complaint.isComplaint === null
        ? { ...draft.complaint, severity: 'unknown' as const }
        : draft.complaint,
    ),
    resolution: one(draft.resolution),
    escalation: { ...escalationOf(draft.escalation), drivers: many(draft.escalation.drivers) },
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
    abstentions: draft.abstentions ?? [],
    ...(draft.custom ? { custom: draft.custom as Record<string, unknown> } : {}),
  };
  return insights;
}
