/**
 * Finds a deadline in a sentence ("by Friday", "within 48 hours", "on March 3rd") and, when the call's
 * date is known, resolves it to a calendar date. Without a reference date only the words are kept:
 * guessing "tomorrow" against the analysis date would be wrong for every re-analysed old call.
 */

export interface DueDate {
  /** The words as said. */
  due: string;
  /** YYYY-MM-DD, or null when it cannot be worked out. */
  dueDate: string | null;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  ten: 10,
  fourteen: 14,
  'twenty four': 24,
  'twenty-four': 24,
  'forty eight': 48,
  'forty-eight': 48,
  'seventy two': 72,
  'seventy-two': 72,
};

const NUMBER = String.raw`(\d+|a|an|one|two|three|four|five|six|seven|ten|fourteen|twenty[ -]four|forty[ -]eight|seventy[ -]two)`;
const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DAY = String.raw`(\d{1,2})(?:st|nd|rd|th)?`;

function toNumber(word: string): number {
  const value = Number(word);
  return Number.isFinite(value) ? value : (NUMBER_WORDS[word.replace(/\s+/, ' ')] ?? 1);
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(date: Date, days: number): Date {
  const copy = new Date(date.getTime());
  copy.setUTCDate(copy.getUTCDate() + days);
  return copy;
}

function addBusinessDays(date: Date, days: number): Date {
  let current = new Date(date.getTime());
  let remaining = days;
  while (remaining > 0) {
    current = addDays(current, 1);
    const weekday = current.getUTCDay();
    if (weekday !== 0 && weekday !== 6) remaining--;
  }
  return current;
}

function monthIndex(name: string): number {
  return MONTHS.findIndex((month) => month.startsWith(name.slice(0, 3)));
}

interface Rule {
  pattern: RegExp;
  resolve: (match: RegExpExecArray, reference: Date) => Date | null;
}

const RULES: Rule[] = [
  {
    pattern: /\b(\d{4})-(\d{2})-(\d{2})\b/,
    resolve: (match) => new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))),
  },
  {
    pattern: new RegExp(String.raw`\b(?:by|on|before|until|for)?\s*(?:the\s+)?${DAY}\s+of\s+${MONTH}\b`),
    resolve: (match, reference) => monthDay(reference, monthIndex(match[2] ?? ''), Number(match[1])),
  },
  {
    pattern: new RegExp(String.raw`\b(?:by|on|before|until|for)?\s*${MONTH}\s+${DAY}\b`),
    resolve: (match, reference) => monthDay(reference, monthIndex(match[1] ?? ''), Number(match[2])),
  },
  {
    pattern:
      /\b(?:today|tonight|this (?:morning|afternoon|evening)|end of (?:the )?day|eod|close of business)\b/,
    resolve: (_match, reference) => reference,
  },
  { pattern: /\bday after tomorrow\b/, resolve: (_match, reference) => addDays(reference, 2) },
  { pattern: /\btomorrow\b/, resolve: (_match, reference) => addDays(reference, 1) },
  {
    pattern: new RegExp(String.raw`\b${NUMBER}\s+(days?|weeks?)\s+from\s+(?:now|today)\b`),
    resolve: (match, reference) =>
      addDays(reference, toNumber(match[1] ?? '1') * ((match[2] ?? 'day').startsWith('week') ? 7 : 1)),
  },
  {
    pattern:
      /\b(?:(next|this|by|on|before|until|coming)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/,
    resolve: (match, reference) => {
      // "Friday" and "next Friday" both read as the coming Friday, the usual meaning on a service call.
      const target = WEEKDAYS.indexOf(match[2] ?? '');
      return addDays(reference, (target - reference.getUTCDay() + 7) % 7 || 7);
    },
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:within|in|next|up to|about)\s+(?:the\s+next\s+)?(?:\d+\s*(?:-|to)\s*)?${NUMBER}\s+(business|working)?\s*(hours?|days?|weeks?)\b`,
    ),
    resolve: (match, reference) => {
      const amount = toNumber(match[1] ?? '1');
      const unit = match[3] ?? 'days';
      if (unit.startsWith('hour')) return addDays(reference, Math.ceil(amount / 24));
      if (unit.startsWith('week')) return addDays(reference, amount * 7);
      return match[2] ? addBusinessDays(reference, amount) : addDays(reference, amount);
    },
  },
  {
    pattern: /\b(?:end of (?:the )?week)\b/,
    resolve: (_match, reference) => addDays(reference, (5 - reference.getUTCDay() + 7) % 7),
  },
  { pattern: /\bnext week\b/, resolve: (_match, reference) => addDays(reference, 7) },
  {
    pattern: /\b(?:end of (?:the )?month)\b/,
    resolve: (_match, reference) =>
      new Date(Date.UTC(reference.getUTCFullYear(), reference.getUTCMonth() + 1, 0)),
  },
];

/** The next occurrence of a month/day on or after the reference (a date said in March about January is next year). */
function monthDay(reference: Date, month: number, day: number): Date | null {
  if (month < 0 || day < 1 || day > 31) return null;
  let candidate = new Date(Date.UTC(reference.getUTCFullYear(), month, day));
  if (candidate.getTime() < addDays(reference, -1).getTime()) {
    candidate = new Date(Date.UTC(reference.getUTCFullYear() + 1, month, day));
  }
  return candidate;
}

const VAGUE = /\b(?:shortly|soon|as soon as possible|asap|later|in a (?:bit|while|moment))\b/;

/** The deadline in `text` (already lowercase), resolved against `reference` (the call's date) when given. */
export function extractDueDate(text: string, reference?: Date): DueDate | undefined {
  // The deadline said first belongs to the commitment: "refund today and call you back by Friday".
  let earliest: { rule: Rule; match: RegExpExecArray } | undefined;
  for (const rule of RULES) {
    const match = rule.pattern.exec(text);
    if (match && (!earliest || match.index < earliest.match.index)) earliest = { rule, match };
  }
  if (earliest) {
    const { rule, match } = earliest;
    // An ISO date stands alone; everything else needs the call's date (for the year or the day).
    const absolute = rule === RULES[0];
    const date = reference || absolute ? rule.resolve(match, reference ?? new Date(0)) : null;
    return { due: match[0].trim(), dueDate: date && !Number.isNaN(date.getTime()) ? isoDay(date) : null };
  }
  const vague = VAGUE.exec(text);
  return vague ? { due: vague[0], dueDate: null } : undefined;
}

/** Parses an ISO timestamp from metadata into a reference date (UTC midnight), undefined when invalid. */
export function referenceDate(startedAt: string | undefined): Date | undefined {
  if (!startedAt) return undefined;
  const parsed = new Date(startedAt);
  if (Number.isNaN(parsed.getTime())) return undefined;
  return new Date(Date.UTC(parsed.getUTCFullYear(), parsed.getUTCMonth(), parsed.getUTCDate()));
}
