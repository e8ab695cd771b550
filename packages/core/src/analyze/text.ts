import { stemmer } from 'stemmer';

/**
 * Text helpers shared by the offline analyzer, evidence checks and redaction. Matching works on a
 * *match form* of the text that keeps every character offset of the original (lowercase, straight
 * apostrophes), so a cue found in the match form can be quoted verbatim from the original.
 */

/**
 * Characters scanned by the text primitives below since the process started. The analyzer's work must grow
 * linearly with its input; the linear-time test reads this counter (a counter, not a clock, so it can assert
 * without timing anything).
 */
export const textWork = { characters: 0 };

let lastText: string | undefined;
let lastForm = '';

/** Lowercase with typographic quotes straightened; same length as the input, offsets preserved. */
export function matchForm(text: string): string {
  // The analyzer asks for the same turn's form many times in a row (one cue list after another).
  if (text === lastText) return lastForm;
  textWork.characters += text.length;
  let lowered = text.toLowerCase();
  // Some characters change length when lowercased (e.g. "İ"); fall back to a per-character map then.
  if (lowered.length !== text.length)
    lowered = [...text].map((char) => char.toLowerCase()[0] ?? char).join('');
  lastText = text;
  lastForm = lowered.replace(/[’‘`´]/g, "'").replace(/[“”]/g, '"');
  return lastForm;
}

export interface Token {
  /** Lowercase word, apostrophes kept ("don't"). */
  text: string;
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Long texts tokenized lately: the analyzer reads one long turn several times (sentiment, topic, evidence). */
const longTokenized = new Map<string, Token[]>();
const LONG_TEXT = 5000;

/** Words with their offsets in the original text (the same array for the same long text: do not mutate it). */
export function tokenize(text: string): Token[] {
  const cached = text.length >= LONG_TEXT ? longTokenized.get(text) : undefined;
  if (cached) return cached;
  const form = matchForm(text);
  textWork.characters += form.length;
  const tokens: Token[] = [];
  for (const match of form.matchAll(WORD)) {
    tokens.push({ text: match[0], start: match.index, end: match.index + match[0].length });
  }
  if (text.length >= LONG_TEXT) {
    if (longTokenized.size >= 4) longTokenized.delete(longTokenized.keys().next().value ?? '');
    longTokenized.set(text, tokens);
  }
  return tokens;
}

/** Lowercase words without punctuation, for comparing texts that differ in case, punctuation or spacing. */
export function normalizeWords(text: string): string[] {
  return tokenize(text).map((token) => token.text.replace(/'/g, ''));
}

const stemCache = new Map<string, string>();

/** Porter stem of a lowercase word ("refunds" → "refund"), memoised: the analyzer stems the same words often. */
export function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = stemmer(word.replace(/'/g, ''));
    if (stemCache.size > 50_000) stemCache.clear();
    stemCache.set(word, stemmed);
  }
  return stemmed;
}

export interface Span {
  start: number;
  end: number;
}

// A full stop after a lone letter ends no sentence: "8 a.m. tomorrow", "J. Smith". A letter that ends a code
// ("reference number is KO2T. Is there…") is not lone: a digit before it counts as part of the word. Typed
// without a space, a sentence still ends where a word and a capitalised word meet: "Sorry for trouble.We are here",
// "my TV?Really" (not "Mr.Smith" or "ASP.NET": a full stop needs two lowercase letters before it).
const BOUNDARY =
  /(?:[!?…]|(?<!(?:^|[^\p{L}\p{N}])\p{L})\.)[.!?…]*["')\]]*(?=\s|$)|(?<=\p{Ll}\p{Ll})\.(?=\p{Lu}\p{Ll})|(?<=\p{L})[!?]+(?=\p{Lu}\p{Ll})|\n+/gu;

/** Sentence spans of a turn: split after . ! ? … and line breaks, keeping offsets. */
export function sentenceSpans(text: string): Span[] {
  textWork.characters += text.length;
  const spans: Span[] = [];
  let start = 0;
  for (const match of text.matchAll(BOUNDARY)) {
    const end = match.index + match[0].length;
    pushTrimmed(text, start, end, spans);
    start = end;
  }
  pushTrimmed(text, start, text.length, spans);
  return spans;
}

function pushTrimmed(text: string, start: number, end: number, spans: Span[]): void {
  let from = start;
  let to = end;
  while (from < to && /\s/.test(text[from] ?? '')) from++;
  while (to > from && /\s/.test(text[to - 1] ?? '')) to--;
  if (to > from) spans.push({ start: from, end: to });
}

/**
 * The sentence around `span`, looking at most `reach` characters either side: a quote never needs more, and
 * a bounded look keeps quoting from a megabyte-long turn as cheap as from a short one.
 */
export function sentenceAround(text: string, span: Span, reach = 400): Span {
  const from = Math.max(0, span.start - reach);
  const to = Math.min(text.length, span.end + reach);
  const window = text.slice(from, to);
  textWork.characters += window.length;
  let start = from;
  let end = to;
  for (const match of window.matchAll(BOUNDARY)) {
    const boundaryEnd = from + match.index + match[0].length;
    if (boundaryEnd <= span.start) start = boundaryEnd;
    else {
      end = Math.max(span.end, boundaryEnd);
      break;
    }
  }
  while (start < span.start && /\s/.test(text[start] ?? '')) start++;
  while (end > span.end && /\s/.test(text[end - 1] ?? '')) end--;
  return { start, end };
}

/**
 * A verbatim excerpt of `text` around `span` for use as an evidence quote: the sentence containing it,
 * cut to at most `maxLength` characters on word boundaries (still a substring of the original).
 */
export function quoteAround(text: string, span: Span, maxLength = 180): string {
  const sentence = sentenceAround(text, span, maxLength * 2);
  let start = sentence.start;
  let end = Math.max(sentence.end, Math.min(span.end, text.length));
  if (end - start > maxLength) {
    const margin = Math.max(0, Math.floor((maxLength - (span.end - span.start)) / 2));
    start = Math.max(sentence.start, span.start - margin);
    end = Math.max(span.end, Math.min(end, start + maxLength));
    // Cut on word boundaries so the quote never starts or ends mid-word.
    while (start > sentence.start && start < span.start && /\S/.test(text[start - 1] ?? '')) start++;
    while (end < text.length && end > span.end && /\S/.test(text[end] ?? '')) end--;
  }
  return text.slice(start, end).trim();
}

/** Words that carry little meaning for topic matching. */
export const STOPWORDS = new Set(
  `a an the and or but if then so to of in on at by for with from about as into over after before up down out
  off is am are was were be been being do does did doing have has had having i me my mine we us our you your
  yours he him his she her it its they them their this that these those there here what which who whom whose
  when where why how can could would should will shall may might must just also too very really please
  thanks thank hi hello hey ok okay yes no not any some all each more most other such only own same than
  get got getting let lets want wanted need needed like would'd i'm i've i'll you're it's don't can't
  im ive ill dont cant isnt wont didnt doesnt`.split(/\s+/),
);

/** Content-word stems of a text, for overlap scoring. */
export function contentStems(text: string): string[] {
  return tokenize(text)
    .map((token) => token.text)
    .filter((word) => !STOPWORDS.has(word) && !/^\d+$/.test(word) && word.length > 1)
    .map(stem);
}

/** The first match of any pattern in the text's match form, as offsets into the original text. */
export function findCue(text: string, patterns: readonly RegExp[]): Span | undefined {
  const form = matchForm(text);
  textWork.characters += form.length * patterns.length;
  let best: Span | undefined;
  for (const pattern of patterns) {
    const match = singleMatch(pattern).exec(form);
    if (match && (!best || match.index < best.start))
      best = { start: match.index, end: match.index + match[0].length };
  }
  return best;
}

/**
 * The text with every match of the patterns blanked out, in one pass per pattern over its match form (same
 * length, so offsets into it still hold).
 */
export function withoutCues(text: string, patterns: readonly RegExp[]): string {
  const form = matchForm(text);
  textWork.characters += form.length * patterns.length;
  const blank = new Uint8Array(form.length);
  for (const pattern of patterns) {
    const every = new RegExp(pattern.source, `${pattern.flags.replace(/[gy]/g, '')}g`);
    for (const match of form.matchAll(every)) blank.fill(1, match.index, match.index + match[0].length);
  }
  let result = '';
  let start = 0;
  for (let index = 0; index <= text.length; index++) {
    if (index < text.length && !blank[index]) continue;
    result += text.slice(start, index);
    if (index < text.length) result += ' ';
    start = index + 1;
  }
  return result;
}

/** How many of the patterns match the text. */
export function countCues(text: string, patterns: readonly RegExp[]): number {
  const form = matchForm(text);
  textWork.characters += form.length * patterns.length;
  return patterns.filter((pattern) => singleMatch(pattern).test(form)).length;
}

/** Global regexes keep state between calls; cue lookups need a stateless copy. */
function singleMatch(pattern: RegExp): RegExp {
  return pattern.global || pattern.sticky
    ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
    : pattern;
}
