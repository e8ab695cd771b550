import type { EvidenceDraft, RunningSummaryDraft } from '../../schema/insights.js';
import { contentStems, countCues, findCue } from '../text.js';
import {
  ANYTHING_ELSE_CUES,
  CLOSING_CUES,
  GREETING_CUES,
  PROBLEM_CUES,
  QUESTION_CUES,
  REQUEST_CUES,
} from './lexicon/cues.js';
import { assessOutcome } from './outcome.js';
import { agentAction, citing, problemStatement, type Quote, READ_LIMIT } from './summary.js';
import type { ScoredTurn } from './turn-features.js';

/**
 * When a call is long enough to be told in parts, and how long a part is. These are reading lengths, not fitted
 * figures: a part is what a manager takes in at a glance, and a call shorter than two parts reads whole in its
 * summary. A chat, without times, is measured in turns (a phone call has about ten turns a minute).
 */
export const RUNNING_SUMMARY = {
  partSec: 300,
  longCallSec: 600,
  partTurns: 30,
  longChatTurns: 60,
} as const;

/** What opens a matter: a request, a problem or a question. */
const OPENING_CUES = [...REQUEST_CUES, ...PROBLEM_CUES, ...QUESTION_CUES];

/** What is neither a matter nor about one: greetings and closings ("have a nice day"). */
const PLEASANTRY_CUES = [...CLOSING_CUES, ...GREETING_CUES];

/**
 * Content stems of a turn's opening (what the summary reads), worked out once per scored turn: the subject
 * changes and every later customer turn's matter test read the same turns again.
 */
const stemCache = new WeakMap<ScoredTurn, string[]>();
function stemsOf(entry: ScoredTurn): string[] {
  let stems = stemCache.get(entry);
  if (!stems) {
    stems = contentStems(entry.turn.text.slice(0, READ_LIMIT));
    stemCache.set(entry, stems);
  }
  return stems;
}

/** Words on each side of a gap when comparing what is said before and after it (TextTiling's 6 × 20-word blocks). */
const WINDOW_WORDS = 120;

/** Cosine similarity of two bags of stems. */
function cosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let dot = 0;
  for (const [word, count] of a) dot += count * (b.get(word) ?? 0);
  const norm = (bag: ReadonlyMap<string, number>) =>
    Math.sqrt([...bag.values()].reduce((t, c) => t + c * c, 0));
  const denominator = norm(a) * norm(b);
  return denominator > 0 ? dot / denominator : 0;
}

/**
 * How sharply the subject changes at each gap between turns (TextTiling, Hearst 1997): the similarity of the
 * words said in the stretch before a gap and the stretch after it, and the gap's depth, how far that similarity
 * dips below the peaks on either side. Index i is the gap before turn i; gap 0 has none.
 */
function subjectChanges(turns: readonly ScoredTurn[]): number[] {
  const stems = turns.map(stemsOf);
  const bag = (from: number, step: 1 | -1) => {
    const counts = new Map<string, number>();
    let words = 0;
    // Bounded in turns too: a run of turns without content words ("ok", "yes") must not widen the window forever.
    for (
      let k = from;
      k >= 0 && k < stems.length && words < WINDOW_WORDS && Math.abs(k - from) < WINDOW_WORDS;
      k += step
    ) {
      for (const word of stems[k] ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
      words += stems[k]?.length ?? 0;
    }
    return counts;
  };
  const similarity = turns.map((_, gap) => (gap === 0 ? 1 : cosine(bag(gap - 1, -1), bag(gap, 1))));
  // The peak reached climbing from each gap to the left (and to the right) while the similarity does not fall,
  // in one pass each: the climb from gap i continues the climb from its neighbour whenever that is no lower.
  const leftPeak = similarity.map((score) => score);
  for (let gap = 2; gap < similarity.length; gap++)
    if ((similarity[gap - 1] ?? 0) >= (similarity[gap] ?? 0)) leftPeak[gap] = leftPeak[gap - 1] ?? 0;
  const rightPeak = similarity.map((score) => score);
  for (let gap = similarity.length - 2; gap >= 1; gap--)
    if ((similarity[gap + 1] ?? 0) >= (similarity[gap] ?? 0)) rightPeak[gap] = rightPeak[gap + 1] ?? 0;
  return similarity.map((score, gap) =>
    gap === 0 ? 0 : (leftPeak[gap] ?? score) - score + ((rightPeak[gap] ?? score) - score),
  );
}

/**
 * The turns of a long call cut into parts where the subject changes: the gaps deeper than Hearst's cut-off
 * (mean depth less half a standard deviation), deepest first, no part shorter than half a part length; a part
 * still longer than two part lengths is then cut into equal stretches. Length is time when every turn has times,
 * else turns. Empty when the call is short.
 */
export function partsOf(turns: readonly ScoredTurn[]): ScoredTurn[][] {
  const first = turns[0];
  const last = turns.at(-1);
  if (!first || !last) return [];
  const timed = turns.every((entry) => entry.turn.startSec !== undefined);
  const at = (index: number) =>
    timed
      ? index < turns.length
        ? (turns[index]?.turn.startSec ?? 0)
        : (last.turn.endSec ?? last.turn.startSec ?? 0)
      : index;
  const [long, part] = timed
    ? [RUNNING_SUMMARY.longCallSec, RUNNING_SUMMARY.partSec]
    : [RUNNING_SUMMARY.longChatTurns, RUNNING_SUMMARY.partTurns];
  if (at(turns.length) - at(0) < long) return [];

  const depth = subjectChanges(turns);
  const gaps = depth.slice(1);
  const mean = gaps.reduce((total, value) => total + value, 0) / gaps.length;
  const spread = Math.sqrt(gaps.reduce((total, value) => total + (value - mean) ** 2, 0) / gaps.length);
  const cuts = [0, turns.length];
  const candidates = depth
    .map((value, gap) => ({ value, gap }))
    .filter(({ value, gap }) => gap > 0 && value > mean - spread / 2)
    .sort((a, b) => b.value - a.value);
  for (const { gap } of candidates) {
    const after = cuts.findIndex((cut) => cut > gap);
    const before = cuts[after - 1] ?? 0;
    const next = cuts[after] ?? turns.length;
    if (at(gap) - at(before) >= part / 2 && at(next) - at(gap) >= part / 2) cuts.splice(after, 0, gap);
  }
  const parts: ScoredTurn[][] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const from = cuts[k] ?? 0;
    const to = cuts[k + 1] ?? turns.length;
    const pieces = Math.max(1, Math.round((at(to) - at(from)) / part));
    let start = from;
    for (let piece = 1; piece <= pieces; piece++) {
      const mark = at(from) + (piece * (at(to) - at(from))) / pieces;
      let end = start;
      while (end < to && (piece === pieces || at(end) < mark)) end++;
      if (end > start) parts.push(turns.slice(start, end));
      start = end;
    }
  }
  return parts;
}

/**
 * The call split where the customer opens a new matter: a request, a problem or a question that takes up no
 * content word of the exchange just before it (the customer's previous turn and the agent's replies to it) nor of
 * the turn that opened the matter in hand, once the agent has replied to that ("I need a hotel room" after a
 * return was settled). An answer to the agent's question ("I got the wrong size" after "the reason for the
 * return?") stays with the matter it answers, as does a follow-up that takes up the exchange's words ("Does the
 * hotel take MasterCard?") or the opening's ("how long till it is refunded" after "the status of a refund").
 */
function mattersOf(turns: readonly ScoredTurn[]): ScoredTurn[][] {
  const matters: ScoredTurn[][] = [];
  let current: ScoredTurn[] = [];
  let exchange: ScoredTurn[] = [];
  for (const entry of turns) {
    if (entry.turn.role === 'customer') {
      const previous = exchange.at(-1);
      // "Anything else?" invites a new matter; any other question from the agent is answered.
      const answersAgent =
        previous?.turn.role === 'agent' &&
        previous.turn.text.includes('?') &&
        !findCue(previous.turn.text, ANYTHING_ELSE_CUES);
      // What the talk was about just before, and what the matter was opened with; pleasantries ("have a nice
      // day") are about nothing.
      const opening = current.find((earlier) => earlier.turn.role === 'customer');
      const before = new Set(
        [...exchange, ...(opening ? [opening] : [])]
          .filter((earlier) => !findCue(earlier.turn.text, PLEASANTRY_CUES))
          .flatMap((earlier) => stemsOf(earlier)),
      );
      // Only after the agent has replied to the customer's last turn: a customer adding to what they said goes on
      // with their matter, and a greeting is no reply.
      const replied =
        previous?.turn.role === 'agent' &&
        current.some((earlier) => earlier.turn.role === 'customer') &&
        !findCue(previous.turn.text, GREETING_CUES);
      const opens =
        replied &&
        !answersAgent &&
        countCues(entry.turn.text, OPENING_CUES) > 0 &&
        !stemsOf(entry).some((word) => before.has(word));
      if (opens) {
        matters.push(current);
        current = [];
      }
      if (previous?.turn.role !== 'customer') exchange = [];
    }
    exchange.push(entry);
    current.push(entry);
  }
  if (current.length > 0) matters.push(current);
  return matters;
}

/**
 * One matter: the customer's sentence that states it, as in the call's summary, and what the agent did about it.
 * A part that starts in the middle of a matter may hold only the agent's work on it, which is told alone.
 */
function tellMatter(
  matter: readonly ScoredTurn[],
  continued: boolean,
  isComplaint: boolean | null,
  topicTerms: (text: string) => number,
  cited: (quote: Quote) => string,
): string[] {
  const customer = matter.filter((entry) => entry.turn.role === 'customer');
  const agent = matter.filter((entry) => entry.turn.role === 'agent');
  // The rest of a matter begun in an earlier part tells a customer sentence only when it asks or reports something
  // ("I am fine with that too" is no news); otherwise it tells the agent's work.
  const stated = problemStatement(customer, agent, topicTerms);
  const raised = stated && (!continued || countCues(stated.text, OPENING_CUES) > 0) ? stated : undefined;
  const sentences: string[] = [];
  if (raised) {
    const verb =
      countCues(raised.text, QUESTION_CUES) > 0
        ? 'asked'
        : countCues(raised.text, PROBLEM_CUES) > 0
          ? 'reported'
          : 'said';
    sentences.push(`The customer ${verb}: ${cited(raised)}.`);
  }
  if (agent.length > 0) {
    const action = agentAction(customer, agent, assessOutcome(customer, agent, isComplaint), raised, cited);
    if (action) sentences.push(action);
  }
  return sentences;
}

/**
 * At most this many matters are told per part, those it spends most words on; a part that holds more says how many
 * it leaves out.
 */
const MATTERS_PER_PART = 2;

/**
 * The running summary of a long call: for each part, each matter the customer raised in it (the sentence that
 * best states a problem, request or question, as in the call's summary) with what the agent did about it (the
 * act that decided that matter, else an explanation or an answer), each quoted and cited. A part where nothing
 * is said in so many words says so rather than filling in.
 */
export function runningSummary(
  turns: readonly ScoredTurn[],
  isComplaint: boolean | null,
  topicTerms: (text: string) => number,
): RunningSummaryDraft {
  const matterOf = new Map<number, number>();
  mattersOf(turns).forEach((matter, number) => {
    for (const entry of matter) matterOf.set(entry.index, number);
  });
  return partsOf(turns).map((part) => {
    const pieces: ScoredTurn[][] = [];
    for (const entry of part) {
      const piece = pieces.at(-1);
      if (piece && matterOf.get(piece[0]?.index ?? -1) === matterOf.get(entry.index)) piece.push(entry);
      else pieces.push([entry]);
    }
    // Each piece told on its own; the ones the part spends most words on are kept, and told in call order.
    const tellings = pieces
      .map((piece, order) => {
        const start = piece[0]?.index ?? 0;
        const continued = start > 0 && matterOf.get(start - 1) === matterOf.get(start);
        const quoted: EvidenceDraft[] = [];
        const sentences = tellMatter(piece, continued, isComplaint, topicTerms, citing(quoted));
        const words = piece.reduce((total, entry) => total + entry.turn.text.split(/\s+/).length, 0);
        return { order, sentences, quoted, words };
      })
      .filter((telling) => telling.sentences.length > 0);
    const kept = [...tellings]
      .sort((a, b) => b.words - a.words || a.order - b.order)
      .slice(0, MATTERS_PER_PART)
      .sort((a, b) => a.order - b.order);
    const told = kept.map((telling, position) => {
      const text = telling.sentences.join(' ');
      return position > 0 ? text.replace(/^The customer/, 'Then the customer') : text;
    });
    const untold = tellings.length - kept.length;
    if (untold > 0) told.push(`${untold} more matter${untold > 1 ? 's' : ''} in this part.`);
    const evidence = kept.flatMap((telling) => telling.quoted);
    return {
      startSec: part[0]?.turn.startSec ?? null,
      endSec: part.at(-1)?.turn.endSec ?? null,
      text:
        told.join(' ') ||
        `${part.length} turns in which no problem, request or question is stated in so many words.`,
      evidence,
    };
  });
}
