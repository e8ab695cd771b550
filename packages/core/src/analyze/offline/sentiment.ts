import { matchForm, type Span, type Token, textWork, tokenize } from '../text.js';
import {
  EMOJI_VALENCE,
  INTENSIFIERS,
  NEGATORS,
  SENTIMENT_PHRASES,
  wordValence,
} from './lexicon/sentiment-lexicon.js';

/** A word or phrase that moved a text's sentiment, with its offsets, for quoting as evidence. */
export interface SentimentHit extends Span {
  valence: number;
}

export interface TextSentiment {
  /** -1 … 1, normalised like VADER's compound score. */
  score: number;
  hits: SentimentHit[];
}

/** Negation reaches this many words back ("not at all happy"). */
const NEGATION_WINDOW = 3;
/** Valence kept (and flipped) under negation: "not good" is mildly negative, "not bad" mildly positive. */
const NEGATION_FACTOR = -0.6;
/** Normalisation constant: sum / sqrt(sum² + α); 15 as in VADER, so ±4 ≈ ±0.72. */
const ALPHA = 15;

/** Mentions, links and hashtag marks carry no sentiment but contain words ("@AmazonHelp"). */
function maskNoise(text: string): string {
  return text.replace(/https?:\/\/\S+|@\w+/g, (match) => ' '.repeat(match.length));
}

/**
 * Lexicon sentiment of one text with negation, intensifiers, "but" shifts, capitals, exclamation
 * marks and emoji. Deterministic and fast: a whole call scores in well under a millisecond.
 */
export function scoreText(text: string): TextSentiment {
  const masked = maskNoise(text);
  const form = matchForm(masked);
  const hits: SentimentHit[] = [];
  const tokens = tokenize(masked);
  const shift = butShifts(masked, tokens);
  // Characters already claimed by a phrase: the phrase's valence replaces its words' (one flag per character,
  // so checking a word costs its length, not the number of phrases found so far).
  const covered = new Uint8Array(form.length);
  const isCovered = (start: number, end: number) => {
    for (let index = start; index < end; index++) if (covered[index]) return true;
    return false;
  };
  textWork.characters += form.length * SENTIMENT_PHRASES.length;
  for (const [pattern, valence] of SENTIMENT_PHRASES) {
    for (const match of form.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (isCovered(start, end)) continue;
      covered.fill(1, start, end);
      if (valence !== 0) hits.push({ start, end, valence: valence * (shift[tokenAt(tokens, start)] ?? 1) });
    }
  }

  tokens.forEach((token, index) => {
    if (covered[token.start]) return;
    const base = wordValence(token.text);
    if (base === undefined) return;
    // An intensifier before another word of its clause only strengthens it: "super considering ditching you"
    // is not praise, whatever "super" scores alone ("That was super!").
    const next = tokens[index + 1];
    if (INTENSIFIERS[token.text] && next && !/[.!?;,]/.test(masked.slice(token.end, next.start))) return;
    let valence = base;
    const previous = tokens[index - 1];
    const intensity = previous ? INTENSIFIERS[previous.text] : undefined;
    if (intensity) valence *= intensity;
    const original = masked.slice(token.start, token.end);
    if (original.length > 2 && original === original.toUpperCase() && /[A-Z]/.test(original)) valence *= 1.25;
    for (let back = 1; back <= NEGATION_WINDOW; back++) {
      const before = tokens[index - back];
      if (!before) break;
      if (/[.!?;,]/.test(masked.slice(before.end, (tokens[index - back + 1] ?? token).start))) break;
      if (NEGATORS.has(before.text) || before.text.endsWith("n't")) {
        valence *= NEGATION_FACTOR;
        break;
      }
    }
    valence *= shift[index] ?? 1;
    hits.push({ start: token.start, end: token.end, valence });
  });

  for (const [pattern, valence] of EMOJI_VALENCE) {
    for (const match of masked.matchAll(pattern)) {
      hits.push({ start: match.index, end: match.index + match[0].length, valence });
    }
  }

  let sum = hits.reduce((total, hit) => total + hit.valence, 0);
  const exclamations = Math.min(3, (masked.match(/!/g) ?? []).length);
  if (sum !== 0 && exclamations > 0) sum += Math.sign(sum) * 0.3 * exclamations;
  const score = sum / Math.sqrt(sum * sum + ALPHA);
  return { score: Number(score.toFixed(4)), hits };
}

/**
 * Weight of each token from "but" / "however": what follows is what the speaker means ("the app is nice but it
 * keeps crashing"), so words before it count half and words after it half again as much. The shift stays inside
 * the sentence, as VADER (written for one sentence at a time) means it to; a sentence that opens with "But"
 * answers the sentence before it, which is then the part that counts half. Linear in the number of tokens.
 */
function butShifts(text: string, tokens: readonly Token[]): number[] {
  const shifts = tokens.map(() => 1);
  // Each sentence as [first token, end token): a boundary is sentence punctuation between two tokens.
  const sentences: [number, number][] = [];
  let from = 0;
  for (let index = 1; index <= tokens.length; index++) {
    const previous = tokens[index - 1];
    const token = tokens[index];
    if (!token || (previous && /[.!?;\n]/.test(text.slice(previous.end, token.start)))) {
      sentences.push([from, index]);
      from = index;
    }
  }
  sentences.forEach(([start, end], position) => {
    let but = -1;
    for (let index = start; index < end && but < 0; index++) {
      const word = tokens[index]?.text;
      if (word === 'but' || word === 'however') but = index;
    }
    if (but < 0) return;
    for (let index = start; index < end; index++) shifts[index] = index < but ? 0.5 : index > but ? 1.5 : 1;
    const before = sentences[position - 1];
    if (but === start && before) for (let index = before[0]; index < before[1]; index++) shifts[index] = 0.5;
  });
  return shifts;
}

/** Index of the first token ending after `offset` (binary search: tokens are in text order). */
function tokenAt(tokens: readonly Token[], offset: number): number {
  let low = 0;
  let high = tokens.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((tokens[middle]?.end ?? 0) > offset) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The strongest hit of a sign, for quoting ("negative" → the most negative word or phrase). */
export function strongestHit(hits: readonly SentimentHit[], sign: 1 | -1): SentimentHit | undefined {
  let best: SentimentHit | undefined;
  for (const hit of hits) {
    if (Math.sign(hit.valence) !== sign) continue;
    if (!best || Math.abs(hit.valence) > Math.abs(best.valence)) best = hit;
  }
  return best;
}
