import type { Transcript, Word } from '@echolens/provider';
import type { Conversation } from '../../schema/conversation.js';
import { findAddresses } from './addresses.js';
import { findPersonNames } from './person-names.js';

/**
 * Personal data redaction for text that leaves the machine (prompts to hosted models) and, optionally,
 * for stored transcripts. Speech-to-text writes numbers as digits or as words ("four one one one"), so
 * digit runs are read across both, then judged by length, checksum (Luhn for cards, mod-97 for IBANs),
 * formatting and the words just before them ("card number", "order number", "date of birth"). Names
 * and addresses are found by cue phrases, a first-name list and address shapes (`person-names.ts`,
 * `addresses.ts`). Conversations are scanned across turn boundaries too, so a card number read out over
 * two turns is caught whole. Every pattern is bounded, so redaction is linear in the text's length.
 */

export const PII_TYPES = [
  'CARD_NUMBER',
  'SSN',
  'PHONE',
  'EMAIL',
  'ACCOUNT_NUMBER',
  'IBAN',
  'DATE_OF_BIRTH',
  'CARD_SECURITY_CODE',
  'CARD_EXPIRY',
  'PERSON_NAME',
  'ADDRESS',
] as const;
export type PiiType = (typeof PII_TYPES)[number];

export interface RedactionOptions {
  /** Which kinds to redact; default all. */
  types?: readonly PiiType[];
}

export interface PiiSpan {
  type: PiiType;
  start: number;
  end: number;
}

export const placeholderFor = (type: PiiType) => `[${type}]`;

const DIGIT_WORDS: Record<string, string> = {
  zero: '0',
  oh: '0',
  o: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ten: '10',
  eleven: '11',
  twelve: '12',
  thirteen: '13',
  fourteen: '14',
  fifteen: '15',
  sixteen: '16',
  seventeen: '17',
  eighteen: '18',
  nineteen: '19',
};
const TENS: Record<string, string> = {
  twenty: '2',
  thirty: '3',
  forty: '4',
  fifty: '5',
  sixty: '6',
  seventy: '7',
  eighty: '8',
  ninety: '9',
};
const REPEATERS: Record<string, number> = { double: 2, triple: 3 };
/** Own keys only: "constructor" or "toString" in a turn must not read Object.prototype. */
const digitWord = (word: string) => (Object.hasOwn(DIGIT_WORDS, word) ? DIGIT_WORDS[word] : undefined);
const SEPARATOR_WORDS = new Set(['dash', 'hyphen']);

interface DigitRun {
  digits: string;
  start: number;
  end: number;
  /** The run's original characters, for format checks ("(977) 625-2661"). */
  raw: string;
}

/**
 * Maximal runs of digits and spoken digits, joined across spaces, dashes, dots and brackets. Colons
 * break runs (times like 10:30), as does any other word.
 */
function digitRuns(text: string): DigitRun[] {
  // Tokens are read one ahead as they are needed, never all at once: a 20 MB turn has millions.
  const pattern = /\d+|[A-Za-z]+/g;
  const readToken = () => {
    const match = pattern.exec(text);
    if (!match) return undefined;
    const lower = match[0].length <= 12 ? match[0].toLowerCase() : '';
    return { text: match[0], lower, start: match.index, end: match.index + match[0].length };
  };
  let lookahead = readToken();
  const tokens = {
    next: () => {
      const token = lookahead;
      lookahead = readToken();
      return token;
    },
    peek: () => lookahead,
  };
  const runs: DigitRun[] = [];
  let current: { digits: string; start: number; end: number } | undefined;
  let pendingRepeat = 1;
  const close = () => {
    if (current && current.digits.length > 0) {
      runs.push({ ...current, raw: text.slice(current.start, current.end) });
    }
    current = undefined;
    pendingRepeat = 1;
  };
  for (let token = tokens.next(); token; token = tokens.next()) {
    if (current) {
      const gap = text.slice(current.end, token.start);
      if (!/^[\s\-.,()/+]{0,3}$/.test(gap)) close();
    }
    let value: string | undefined;
    if (/^\d+$/.test(token.text)) value = token.text;
    else if (Object.hasOwn(TENS, token.lower)) {
      const next = tokens.peek();
      const unit = next ? digitWord(next.lower) : undefined;
      if (
        next &&
        unit &&
        unit.length === 1 &&
        unit !== '0' &&
        next.lower !== 'o' &&
        next.lower !== 'oh' &&
        /^\s+$/.test(text.slice(token.end, next.start))
      ) {
        value = `${TENS[token.lower]}${unit}`;
        tokens.next();
        token.end = next.end;
      } else value = `${TENS[token.lower]}0`;
    } else if (Object.hasOwn(DIGIT_WORDS, token.lower)) {
      // "o"/"oh" only count inside a run ("four oh two"), never start one ("oh, I see").
      if ((token.lower === 'o' || token.lower === 'oh') && !current) continue;
      value = DIGIT_WORDS[token.lower];
    } else if (Object.hasOwn(REPEATERS, token.lower)) {
      const next = tokens.peek();
      if (next && digitWord(next.lower)?.length === 1) {
        current ??= { digits: '', start: token.start, end: token.end };
        pendingRepeat = REPEATERS[token.lower] ?? 1;
        current.end = token.end;
        continue;
      }
    } else if (current && SEPARATOR_WORDS.has(token.lower)) {
      continue;
    }
    if (value === undefined) {
      close();
      continue;
    }
    current ??= { digits: '', start: token.start, end: token.end };
    current.digits += value.repeat(pendingRepeat);
    current.end = token.end;
    pendingRepeat = 1;
  }
  close();
  return runs;
}

/** Luhn checksum, as card numbers carry. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = Number(digits[index]);
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** ISO 13616 IBAN check: move the first four characters to the end, letters to numbers, mod 97 = 1. */
export function isValidIban(candidate: string): boolean {
  const compact = candidate.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

const CONTEXT = {
  card: /\b(?:card|visa|mastercard|amex|american express|debit|credit)\b(?:\s+(?:number|no|#))?/,
  securityCode:
    /\b(?:security code|cvv2?|cvc2?|csc|cid|(?:three|3|four|4)[- ]digit (?:code|number)|code on the back)\b/,
  expiry: /\b(?:expir\w*|exp|valid (?:thru|through|until))\b/,
  zip: /\b(?:zip(?: code)?|postcode|postal code|post code)\b/,
  ssn: /\b(?:social security|social|ssn|ss number|national insurance|tax id|tin)\b/,
  phone:
    /\b(?:phone|telephone|mobile|cell|call|ring|dial|reach me|reach you|text me|contact number|callback|landline|whatsapp|fax)\b/,
  account:
    /\b(?:account|acct|a\/c|routing|sort code|member(?:ship)?|policy|customer (?:id|number)|iban|bsb|swift|pin|passcode)\b/,
  /** Numbers people say that are not personal data. */
  notPersonal:
    /\b(?:order|confirmation|tracking|reference|ref|ticket|case|flight|booking|invoice|model|serial|product|item|sku|receipt|claim|transaction|reservation|room|gate|seat|bus|train|version|error|code)\b/,
  money: /[$£€¥]\s*$|\b(?:usd|eur|gbp)\s*$/,
  moneyAfter: /^\s*(?:dollars?|bucks|cents?|pounds?|euros?|quid|usd|eur|gbp|%|percent|pence|p\b|k\b)/,
  timeAfter:
    /^\s*(?:am|pm|a\.m\.|p\.m\.|o'clock|minutes?|hours?|seconds?|days?|weeks?|months?|years?|mb|gb|kb|mbps|miles?|km)\b/,
};

/** The cues as global patterns, compiled once (`nearest` runs for every digit run). */
const GLOBAL_CUES = Object.fromEntries(
  Object.entries(CONTEXT).map(([name, pattern]) => [name, new RegExp(pattern.source, 'g')]),
) as Record<keyof typeof CONTEXT, RegExp>;
/** How far back a card mention makes an expiry date a card's (the agent's question, the turn before). */
const CARD_CONTEXT_CHARACTERS = 240;

/** The last few words before a span, lowercased: what the speaker called the number. */
function contextBefore(text: string, start: number, characters = 48): string {
  return text.slice(Math.max(0, start - characters), start).toLowerCase();
}

/** The kind of personal number a digit run is, or undefined when it is not one (prices, times, order numbers). */
function classifyRun(run: DigitRun, text: string): PiiType | undefined {
  const before = contextBefore(text, run.start);
  const after = text.slice(run.end, run.end + 16).toLowerCase();
  const length = run.digits.length;
  if (CONTEXT.money.test(before) || CONTEXT.moneyAfter.test(after) || CONTEXT.timeAfter.test(after))
    return undefined;
  // The nearest cue wins: "my phone number for the order 123" names an order.
  const nearest = (pattern: RegExp) => {
    let index = -1;
    // Where the cue ends: "security code 123" is nearer its number than the "code" inside it.
    for (const match of before.matchAll(pattern)) index = match.index + match[0].length;
    return index;
  };
  const cues = {
    // Listed before notPersonal: "security code" and "zip code" end in "code", which ties with it.
    securityCode: nearest(GLOBAL_CUES.securityCode),
    expiry: nearest(GLOBAL_CUES.expiry),
    zip: nearest(GLOBAL_CUES.zip),
    card: nearest(GLOBAL_CUES.card),
    ssn: nearest(GLOBAL_CUES.ssn),
    phone: nearest(GLOBAL_CUES.phone),
    account: nearest(GLOBAL_CUES.account),
    notPersonal: nearest(GLOBAL_CUES.notPersonal),
  };
  // The nearest cue wins; a tie goes to the one listed first.
  let cue: string | undefined;
  let best = -1;
  for (const [name, index] of Object.entries(cues)) {
    if (index > best) {
      best = index;
      cue = name;
    }
  }
  if (cue === 'notPersonal') return undefined;
  if (cue === 'securityCode' && (length === 3 || length === 4)) return 'CARD_SECURITY_CODE';
  if (cue === 'expiry' && isCardExpiry(run, text)) return 'CARD_EXPIRY';
  if (cue === 'zip' && (length === 5 || length === 9)) return 'ADDRESS';

  if (length >= 13 && length <= 19 && (passesLuhn(run.digits) || cue === 'card')) return 'CARD_NUMBER';
  if (length === 9 && (cue === 'ssn' || /^\d{3}-\d{2}-\d{4}$/.test(run.raw.trim()))) return 'SSN';
  if (cue === 'phone' && length >= 7 && length <= 15) return 'PHONE';
  if (cue === 'account' && length >= 4 && length <= 20) return 'ACCOUNT_NUMBER';
  // "the card ending in 4472", "last four digits are 1234": a partial card or account number.
  if (
    length === 4 &&
    /\b(?:ending(?: in| with)?|last (?:four|4)(?: digits)?(?: of [a-z ]+)?(?: (?:is|are))?)\s*$/.test(before)
  ) {
    return 'ACCOUNT_NUMBER';
  }
  if (cue === 'ssn' && length >= 8 && length <= 10) return 'SSN';
  // Formatted like a phone number: (977) 625-2661, 977-625-2661, +44 20 7946 0958.
  const formattedPhone =
    /^\(?\d{3}\)?[\s.-]+\d{3}[\s.-]+\d{4}$/.test(run.raw.trim()) ||
    (/^\+/.test(text.slice(Math.max(0, run.start - 1), run.start + 1)) && length >= 8 && length <= 15) ||
    /^1[\s.-]+\d{3}[\s.-]+\d{3}[\s.-]+\d{4}$/.test(run.raw.trim());
  if (formattedPhone) return 'PHONE';
  // Spoken strings of 10-11 digits with no other cue are almost always phone numbers.
  if ((length === 10 || (length === 11 && run.digits.startsWith('1'))) && /[a-z]/i.test(run.raw))
    return 'PHONE';
  if (cue === 'account' || cue === 'card') return length >= 6 ? 'ACCOUNT_NUMBER' : undefined;
  return undefined;
}

/** A month and year (or MM/YY) after "expires": the card's, when a card was mentioned just before. */
function isCardExpiry(run: DigitRun, text: string): boolean {
  const length = run.digits.length;
  const month = Number(run.digits.slice(0, length % 2 === 1 ? 1 : 2));
  const plausible = length >= 3 && length <= 6 && month >= 1 && month <= 12;
  // Written MM/YY right after "expires" is a card's; spoken digits need a card mentioned nearby.
  return plausible && (/^\d{2}\s?\/\s?\d{2}$/.test(run.raw.trim()) || mentionsCard(text, run.start));
}

function mentionsCard(text: string, start: number): boolean {
  const before = contextBefore(text, start, CARD_CONTEXT_CHARACTERS);
  return CONTEXT.card.test(before) || CONTEXT.securityCode.test(before);
}

const TLD = '(?:com|net|org|edu|gov|io|co|uk|us|ca|de|fr|es|it|nl|au|in|info|biz|me|ie)';
const EMAIL_LOCAL_CHARACTER = /[A-Za-z0-9._%+-]/;
/** The domain after an "@", read in place (sticky): 253 characters at most (RFC 1035). */
const EMAIL_DOMAIN = /[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/y;

/**
 * Written email addresses, found from each "@" outwards (local part up to RFC 5321's 64 characters):
 * a pattern starting `[…]+@` would rescan a long run of letters from every position of it.
 */
function* findEmails(text: string): Generator<{ start: number; end: number }> {
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && at - start < 64 && EMAIL_LOCAL_CHARACTER.test(text[start - 1] ?? '')) start--;
    if (start === at) continue;
    EMAIL_DOMAIN.lastIndex = at + 1;
    const domain = EMAIL_DOMAIN.exec(text);
    if (domain) yield { start, end: at + 1 + domain[0].length };
  }
}
/** "john dot smith at gmail dot com", as speech-to-text writes a spelled address. */
const SPOKEN_EMAIL = new RegExp(
  `\\b[a-z0-9][a-z0-9_-]{0,63}(?:\\s{1,3}(?:dot|underscore|dash)\\s{1,3}[a-z0-9_-]{1,64}){0,6}\\s{1,3}at\\s{1,3}[a-z0-9-]{1,63}(?:\\s{1,3}dot\\s{1,3}[a-z0-9-]{1,63}){0,4}\\s{1,3}dot\\s{1,3}${TLD}\\b`,
  'gi',
);
const IBAN = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/g;

const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const NUMBER_WORD = `(?:\\d{1,4}(?:st|nd|rd|th)?|${[
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
  'eleventh',
  'twelfth',
  'thirteenth',
  'fourteenth',
  'fifteenth',
  'sixteenth',
  'seventeenth',
  'eighteenth',
  'nineteenth',
  'twentieth',
  'thirtieth',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
  'thirty',
  'forty',
  'fifty',
  'sixty',
  'seventy',
  'eighty',
  'ninety',
  'hundred',
  'thousand',
  'oh',
  'and',
]
  // Longest first, so "nineteen" is not read as "nine" + "teen".
  .sort((a, b) => b.length - a.length)
  .join('|')})`;
/** A date said after a cue: numeric, written or spoken; group 1 is the date. Bounded, so linear. */
const dateAfter = (cue: string) =>
  new RegExp(
    `\\b(?:${cue})(?:\\s{1,3}(?:is|was|it's|its|of|on|in|date|the|card|:)){0,5}[\\s:,-]{0,4}((?:\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2,4})|(?:(?:the\\s{1,3})?(?:${MONTH}|${NUMBER_WORD})(?:[\\s,/-]{1,3}(?:of\\s{1,3})?(?:${MONTH}|${NUMBER_WORD})){0,8}))`,
    'gi',
  );
/** A date said after "date of birth", "born", "DOB". */
const DATE_OF_BIRTH = dateAfter('date of birth|birth ?date|birthday|dob|d\\.o\\.b\\.?|born(?: on| in)?');
/** "expires April 2027", "expiry date is the fourth of twenty seven": checked for a card mention. */
const CARD_EXPIRY_DATE = dateAfter('expir\\w{0,6}(?: date)?|exp|valid (?:thru|through|until)');

/** The date a `dateAfter` match holds, with its start, or undefined when it holds only filler. */
function dateIn(match: RegExpMatchArray): { start: number; end: number } | undefined {
  const date = match[1]?.replace(/[\s,-]+$/, '') ?? '';
  // Needs a digit or a month/number word that is part of a date, not just "born in the".
  if (!/\d|[a-z]{3,}/i.test(date) || /^(?:the|and|oh)$/i.test(date.trim())) return undefined;
  const start = (match.index ?? 0) + match[0].length - (match[1]?.length ?? 0);
  return { start, end: start + date.length };
}

/** Personal data spans in a text, without overlaps, in order. */
export function findPii(text: string, options: RedactionOptions = {}): PiiSpan[] {
  const wanted = new Set(options.types ?? PII_TYPES);
  const spans: PiiSpan[] = [];
  // Which characters an accepted span covers: the overlap check costs the span's length, not the
  // number of spans found so far (which made many spans in one long text quadratic).
  const taken = new Uint8Array(text.length);
  const add = (type: PiiType, start: number, end: number) => {
    if (!wanted.has(type) || end <= start) return;
    for (let index = start; index < end; index++) if (taken[index]) return;
    taken.fill(1, start, end);
    spans.push({ type, start, end });
  };
  for (const email of findEmails(text)) add('EMAIL', email.start, email.end);
  for (const match of text.matchAll(SPOKEN_EMAIL)) add('EMAIL', match.index, match.index + match[0].length);
  for (const match of text.matchAll(IBAN)) {
    if (isValidIban(match[0])) add('IBAN', match.index, match.index + match[0].length);
  }
  for (const match of text.matchAll(DATE_OF_BIRTH)) {
    const date = dateIn(match);
    if (date) add('DATE_OF_BIRTH', date.start, date.end);
  }
  for (const match of text.matchAll(CARD_EXPIRY_DATE)) {
    const date = dateIn(match);
    if (date && mentionsCard(text, date.start)) add('CARD_EXPIRY', date.start, date.end);
  }
  for (const run of digitRuns(text)) {
    const type = classifyRun(run, text);
    // Keep an opening bracket or plus sign with the number: "([PHONE]" would leak its shape.
    const start = run.start > 0 && /[(+]/.test(text[run.start - 1] ?? '') ? run.start - 1 : run.start;
    if (type) add(type, start, run.end);
  }
  // Addresses after numbers (a house number alone is not personal), names last.
  if (wanted.has('ADDRESS')) for (const span of findAddresses(text)) add('ADDRESS', span.start, span.end);
  if (wanted.has('PERSON_NAME'))
    for (const span of findPersonNames(text)) add('PERSON_NAME', span.start, span.end);
  return spans.sort((a, b) => a.start - b.start);
}

/**
 * Personal data in a sequence of texts read as one stream (a conversation's turns in order, or one
 * speaker's turns), so a number or an address said across a turn boundary is found whole: each span is
 * cut back into the texts it covers. Returns the spans of each text, in its own offsets.
 */
function findPiiAcross(texts: readonly string[], options: RedactionOptions): PiiSpan[][] {
  const perText: PiiSpan[][] = texts.map(() => []);
  let joined = '';
  const starts = texts.map((text) => {
    const start = joined.length + (joined ? 1 : 0);
    joined += (joined ? '\n' : '') + text;
    return start;
  });
  let index = 0;
  for (const span of findPii(joined, options)) {
    while (index + 1 < texts.length && (starts[index + 1] ?? 0) <= span.start) index++;
    for (let part = index; part < texts.length && (starts[part] ?? 0) < span.end; part++) {
      const start = Math.max(0, span.start - (starts[part] ?? 0));
      const end = Math.min(texts[part]?.length ?? 0, span.end - (starts[part] ?? 0));
      if (end > start) perText[part]?.push({ type: span.type, start, end });
    }
  }
  return perText;
}

/**
 * The spans of each text in `texts`, read in the given streams (lists of indexes: the conversation in
 * order, and each speaker's turns in order). Overlapping spans from different streams are merged.
 */
function findPiiInStreams(
  texts: readonly string[],
  streams: readonly (readonly number[])[],
  options: RedactionOptions,
): PiiSpan[][] {
  const found: PiiSpan[][] = texts.map(() => []);
  for (const stream of streams) {
    const spans = findPiiAcross(
      stream.map((index) => texts[index] ?? ''),
      options,
    );
    stream.forEach((textIndex, position) => {
      found[textIndex]?.push(...(spans[position] ?? []));
    });
  }
  return found.map(mergeSpans);
}

/** Sorted, with overlapping or touching spans merged (the first one's type kept). */
function mergeSpans(spans: PiiSpan[]): PiiSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: PiiSpan[] = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** `text` with `spans` (sorted, disjoint) replaced by their placeholders. */
function applySpans(text: string, spans: readonly PiiSpan[]): string {
  let output = '';
  let cursor = 0;
  for (const span of spans) {
    output += text.slice(cursor, span.start) + placeholderFor(span.type);
    cursor = span.end;
  }
  return output + text.slice(cursor);
}

/** Text with each personal-data span replaced by its typed placeholder (`[CARD_NUMBER]`, `[EMAIL]`…). */
export function redactText(text: string, options: RedactionOptions = {}): { text: string; spans: PiiSpan[] } {
  const spans = findPii(text, options);
  return { text: applySpans(text, spans), spans };
}

/** A word list as one text (words joined by spaces), with each word's offsets in it. */
function joinWords(words: readonly Word[]): { text: string; offsets: { start: number; end: number }[] } {
  let text = '';
  const offsets = words.map((word) => {
    const start = text.length + (text ? 1 : 0);
    text += (text ? ' ' : '') + word.text.trim();
    return { start, end: text.length };
  });
  return { text, offsets };
}

/** Redacts a word list by spans found in its joined text: a redacted stretch becomes one placeholder word. */
function redactWords(words: readonly Word[], spans: readonly PiiSpan[]): Word[] {
  if (spans.length === 0) return [...words];
  const { offsets } = joinWords(words);
  const output: Word[] = [];
  let lastSpan: PiiSpan | undefined;
  let next = 0; // spans and words are both in order: one pass over each
  words.forEach((word, index) => {
    const offset = offsets[index] ?? { start: 0, end: 0 };
    while (next < spans.length && (spans[next]?.end ?? 0) <= offset.start) next++;
    const candidate = spans[next];
    const span = candidate && candidate.start < offset.end ? candidate : undefined;
    const previous = output.at(-1);
    if (span && previous && span === lastSpan) {
      previous.endSec = word.endSec; // the placeholder covers the whole spoken number
    } else if (span) {
      output.push({ ...word, text: placeholderFor(span.type) });
    } else {
      output.push(word);
    }
    lastSpan = span;
  });
  return output;
}

/**
 * Redacts a sequence of texts with optional word lists, read across their boundaries in each of
 * `streams` (see `findPiiInStreams`).
 */
function redactSequence<T extends { text: string; words?: Word[] }>(
  items: readonly T[],
  streams: readonly (readonly number[])[],
  options: RedactionOptions,
): T[] {
  const textSpans = findPiiInStreams(
    items.map((item) => item.text),
    streams,
    options,
  );
  const wordSpans = items.some((item) => item.words)
    ? findPiiInStreams(
        items.map((item) => (item.words ? joinWords(item.words).text : '')),
        streams,
        options,
      )
    : undefined;
  return items.map((item, index) => ({
    ...item,
    text: applySpans(item.text, textSpans[index] ?? []),
    ...(item.words ? { words: redactWords(item.words, wordSpans?.[index] ?? []) } : {}),
  }));
}

/**
 * A conversation with personal data redacted from every turn (and its words), read across turn
 * boundaries: in order, and each speaker's turns in order, so a number split by the other side's "mhm"
 * is still found.
 */
export function redactConversation(conversation: Conversation, options: RedactionOptions = {}): Conversation {
  const inOrder = conversation.turns.map((_, index) => index);
  const bySpeaker = new Map<string, number[]>();
  conversation.turns.forEach((turn, index) => {
    const list = bySpeaker.get(turn.speaker) ?? [];
    list.push(index);
    bySpeaker.set(turn.speaker, list);
  });
  return {
    ...conversation,
    turns: redactSequence(conversation.turns, [inOrder, ...bySpeaker.values()], options),
  };
}

/** A transcript with personal data redacted from every segment (and its words), across segment boundaries. */
export function redactTranscript(transcript: Transcript, options: RedactionOptions = {}): Transcript {
  const inOrder = transcript.segments.map((_, index) => index);
  return { ...transcript, segments: redactSequence(transcript.segments, [inOrder], options) };
}
