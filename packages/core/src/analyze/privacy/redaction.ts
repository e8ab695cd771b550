import type { Transcript, Word } from '@echolens/provider';
import type { Conversation } from '../../schema/conversation.js';

/**
 * Personal data redaction for text that leaves the machine (prompts to hosted models) and, optionally,
 * for stored transcripts. Speech-to-text writes numbers as digits or as words ("four one one one"), so
 * digit runs are read across both, then judged by length, checksum (Luhn for cards, mod-97 for IBANs),
 * formatting and the words just before them ("card number", "order number", "date of birth").
 */

export const PII_TYPES = [
  'CARD_NUMBER',
  'SSN',
  'PHONE',
  'EMAIL',
  'ACCOUNT_NUMBER',
  'IBAN',
  'DATE_OF_BIRTH',
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
  const tokens = [...text.matchAll(/\d+|[A-Za-z]+/g)].map((match) => ({
    text: match[0],
    lower: match[0].toLowerCase(),
    start: match.index,
    end: match.index + match[0].length,
  }));
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
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (!token) continue;
    if (current) {
      const gap = text.slice(current.end, token.start);
      if (!/^[\s\-.,()/+]{0,3}$/.test(gap)) close();
    }
    let value: string | undefined;
    if (/^\d+$/.test(token.text)) value = token.text;
    else if (token.lower in TENS) {
      const next = tokens[index + 1];
      const unit = next ? DIGIT_WORDS[next.lower] : undefined;
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
        index++;
        token.end = next.end;
      } else value = `${TENS[token.lower]}0`;
    } else if (token.lower in DIGIT_WORDS) {
      // "o"/"oh" only count inside a run ("four oh two"), never start one ("oh, I see").
      if ((token.lower === 'o' || token.lower === 'oh') && !current) continue;
      value = DIGIT_WORDS[token.lower];
    } else if (token.lower in REPEATERS) {
      const next = tokens[index + 1];
      if (next && DIGIT_WORDS[next.lower]?.length === 1) {
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
  ssn: /\b(?:social security|social|ssn|ss number|national insurance|tax id|tin)\b/,
  phone:
    /\b(?:phone|telephone|mobile|cell|call|ring|dial|reach me|reach you|text me|contact number|callback|landline|whatsapp|fax)\b/,
  account:
    /\b(?:account|acct|a\/c|routing|sort code|member(?:ship)?|policy|customer (?:id|number)|iban|bsb|swift|pin|passcode)\b/,
  /** Numbers people say that are not personal data. */
  notPersonal:
    /\b(?:order|confirmation|tracking|reference|ref|ticket|case|flight|booking|invoice|model|serial|product|item|sku|receipt|claim|transaction|reservation|room|gate|seat|bus|train|version|error|code|zip|postcode|postal)\b/,
  money: /[$£€¥]\s*$|\b(?:usd|eur|gbp)\s*$/,
  moneyAfter: /^\s*(?:dollars?|bucks|cents?|pounds?|euros?|quid|usd|eur|gbp|%|percent|pence|p\b|k\b)/,
  timeAfter:
    /^\s*(?:am|pm|a\.m\.|p\.m\.|o'clock|minutes?|hours?|seconds?|days?|weeks?|months?|years?|mb|gb|kb|mbps|miles?|km)\b/,
};

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
    for (const match of before.matchAll(new RegExp(pattern.source, 'g'))) index = match.index;
    return index;
  };
  const cues = {
    card: nearest(CONTEXT.card),
    ssn: nearest(CONTEXT.ssn),
    phone: nearest(CONTEXT.phone),
    account: nearest(CONTEXT.account),
    notPersonal: nearest(CONTEXT.notPersonal),
  };
  const closest = Object.entries(cues).sort((a, b) => b[1] - a[1])[0];
  const cue = closest && closest[1] >= 0 ? closest[0] : undefined;
  if (cue === 'notPersonal') return undefined;

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

const TLD = '(?:com|net|org|edu|gov|io|co|uk|us|ca|de|fr|es|it|nl|au|in|info|biz|me|ie)';
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** "john dot smith at gmail dot com", as speech-to-text writes a spelled address. */
const SPOKEN_EMAIL = new RegExp(
  `\\b[a-z0-9][a-z0-9_-]*(?:\\s+(?:dot|underscore|dash)\\s+[a-z0-9_-]+)*\\s+at\\s+[a-z0-9-]+(?:\\s+dot\\s+[a-z0-9-]+)*\\s+dot\\s+${TLD}\\b`,
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
/** A date said after "date of birth", "born", "DOB": numeric, written or spoken. */
const DATE_OF_BIRTH = new RegExp(
  `\\b(?:date of birth|birth ?date|birthday|dob|d\\.o\\.b\\.?|born(?: on| in)?)(?:\\s+(?:is|was|it's|its|of|:))*[\\s:,-]*((?:\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2,4})|(?:(?:the\\s+)?(?:${MONTH}|${NUMBER_WORD})(?:[\\s,/-]+(?:of\\s+)?(?:${MONTH}|${NUMBER_WORD}))*))`,
  'gi',
);

/** Personal data spans in a text, without overlaps, in order. */
export function findPii(text: string, options: RedactionOptions = {}): PiiSpan[] {
  const wanted = new Set(options.types ?? PII_TYPES);
  const spans: PiiSpan[] = [];
  const add = (type: PiiType, start: number, end: number) => {
    if (!wanted.has(type) || end <= start) return;
    if (spans.some((span) => start < span.end && span.start < end)) return;
    spans.push({ type, start, end });
  };
  for (const match of text.matchAll(EMAIL)) add('EMAIL', match.index, match.index + match[0].length);
  for (const match of text.matchAll(SPOKEN_EMAIL)) add('EMAIL', match.index, match.index + match[0].length);
  for (const match of text.matchAll(IBAN)) {
    if (isValidIban(match[0])) add('IBAN', match.index, match.index + match[0].length);
  }
  for (const match of text.matchAll(DATE_OF_BIRTH)) {
    const date = match[1]?.replace(/[\s,-]+$/, '') ?? '';
    // Needs a digit or a month/number word that is part of a date, not just "born in the".
    if (!/\d|[a-z]{3,}/i.test(date) || /^(?:the|and|oh)$/i.test(date.trim())) continue;
    const start = match.index + match[0].length - (match[1]?.length ?? 0);
    add('DATE_OF_BIRTH', start, start + date.length);
  }
  for (const run of digitRuns(text)) {
    const type = classifyRun(run, text);
    // Keep an opening bracket or plus sign with the number: "([PHONE]" would leak its shape.
    const start = run.start > 0 && /[(+]/.test(text[run.start - 1] ?? '') ? run.start - 1 : run.start;
    if (type) add(type, start, run.end);
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** Text with each personal-data span replaced by its typed placeholder (`[CARD_NUMBER]`, `[EMAIL]`…). */
export function redactText(text: string, options: RedactionOptions = {}): { text: string; spans: PiiSpan[] } {
  const spans = findPii(text, options);
  let output = '';
  let cursor = 0;
  for (const span of spans) {
    output += text.slice(cursor, span.start) + placeholderFor(span.type);
    cursor = span.end;
  }
  return { text: output + text.slice(cursor), spans };
}

/** Redacts each word list the way its joined text is redacted: a redacted stretch becomes one placeholder word. */
function redactWords(words: readonly Word[], options: RedactionOptions): Word[] {
  let joined = '';
  const offsets = words.map((word) => {
    const start = joined.length + (joined ? 1 : 0);
    joined += (joined ? ' ' : '') + word.text.trim();
    return { start, end: joined.length };
  });
  const spans = findPii(joined, options);
  if (spans.length === 0) return [...words];
  const output: Word[] = [];
  let lastSpan: PiiSpan | undefined;
  words.forEach((word, index) => {
    const offset = offsets[index];
    const span =
      offset && spans.find((candidate) => offset.start < candidate.end && candidate.start < offset.end);
    const previous = output.at(-1);
    if (span && previous && span === lastSpan) {
      previous.endSec = word.endSec; // the placeholder covers the whole spoken number
    } else if (span) {
      output.push({ ...word, text: placeholderFor(span.type) });
    } else {
      output.push(word);
    }
    lastSpan = span || undefined;
  });
  return output;
}

/** A conversation with personal data redacted from every turn (and its words). */
export function redactConversation(conversation: Conversation, options: RedactionOptions = {}): Conversation {
  return {
    ...conversation,
    turns: conversation.turns.map((turn) => ({
      ...turn,
      text: redactText(turn.text, options).text,
      ...(turn.words ? { words: redactWords(turn.words, options) } : {}),
    })),
  };
}

/** A transcript with personal data redacted from every segment (and its words). */
export function redactTranscript(transcript: Transcript, options: RedactionOptions = {}): Transcript {
  return {
    ...transcript,
    segments: transcript.segments.map((segment) => ({
      ...segment,
      text: redactText(segment.text, options).text,
      ...(segment.words ? { words: redactWords(segment.words, options) } : {}),
    })),
  };
}
