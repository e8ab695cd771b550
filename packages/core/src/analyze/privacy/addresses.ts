import type { TextSpan } from './person-names.js';

/**
 * Postal addresses, found by their shape: a house number and a street name ending in a street type
 * ("221 Baker Street", "1600 Pennsylvania Ave NW, Apt 4"), whatever follows "I live at" / "my address
 * is" up to the end of the clause, PO boxes, and a postcode or ZIP after a city ("Springfield, IL
 * 62704", "London SW1A 1AA"). Every quantifier is bounded, so scanning is linear on any input.
 */

const NUMBER_WORDS =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred';
const STREET_TYPE =
  'street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way|terrace|circle|cir|highway|hwy|parkway|pkwy|square|sq|crescent|close|grove|gardens|mews|row|walk|trail|plaza';
const UNIT = String.raw`(?:,?\s{1,3}(?:apt|apartment|suite|ste|unit|flat|floor|#)\.?\s{0,3}#?[A-Za-z0-9-]{1,6})?`;
const DIRECTION = String.raw`(?:\s{1,3}(?:N|S|E|W|NE|NW|SE|SW|north|south|east|west)\b\.?)?`;

/** "221 Baker Street", "twelve oak lane", "1600 Pennsylvania Ave NW, Apt 4": number, name words, type. */
const STREET_ADDRESS = new RegExp(
  String.raw`\b(?:\d{1,6}[A-Za-z]?|(?:${NUMBER_WORDS})(?:[\s-]{1,2}(?:${NUMBER_WORDS})){0,3})` +
    String.raw`((?:\s{1,3}[A-Za-z][A-Za-z'.-]{0,24}){1,4}?)\s{1,3}(${STREET_TYPE})\b\.?${DIRECTION}${UNIT}`,
  'gi',
);
/** Street types that are also everyday words ("2 hours drive", "a long way"): need a capitalised name. */
const PLAIN_STREET_TYPES = new Set([
  'street',
  'st',
  'avenue',
  'ave',
  'road',
  'rd',
  'boulevard',
  'blvd',
  'lane',
  'ln',
]);
/** Words that never stand in a street name: "3 questions about the road". */
const NOT_STREET_WORDS =
  /^(?:the|a|an|to|of|about|in|on|at|my|your|our|their|for|and|or|with|from|by|is|are|was|were|it|this|that|these|those|more|days|hours|minutes|weeks|months|years|times|items|dollars|miles|people)$/i;

/** A street-address match is kept when its name words look like a street name. */
function isStreetName(nameWords: string, streetType: string): boolean {
  const words = nameWords.trim().split(/\s+/);
  if (words.some((word) => NOT_STREET_WORDS.test(word))) return false;
  if (words.every((word) => /^[A-Z]/.test(word))) return true;
  return PLAIN_STREET_TYPES.has(streetType.toLowerCase());
}
/** After "I live at", "my address is", "ship it to": the rest of the clause, at most 80 characters. */
const ADDRESS_CUE =
  /\b(?:i live at|i'm at|we live at|my (?:home |billing |shipping |mailing |new )?address is|the address is|address(?: on file)? is|ship(?:ped)? (?:it )?to|send (?:it|them) to|deliver(?:ed)? (?:it )?to)\s{1,3}([^.!?;\n]{3,80})/gi;
const PO_BOX = /\b(?:p\.?\s?o\.?|post office)\s{0,3}box\s{1,3}(?:#\s?)?\d{1,8}\b/gi;
/** A US state (two capitals) and ZIP after a city: "Springfield, IL 62704-1234". */
const CITY_STATE_ZIP =
  /\b[A-Z][a-z]{2,24}(?:\s[A-Z][a-z]{2,24}){0,2},?\s{1,3}[A-Z]{2}\s{1,3}\d{5}(?:-\d{4})?\b/g;
/** A UK postcode after a capitalised place name: "London SW1A 1AA", "Leeds, LS1 4AP". */
const CITY_POSTCODE = /\b[A-Z][a-z]{2,24},?\s{1,3}[A-Z]{1,2}\d[A-Z\d]?\s{1,2}\d[A-Z]{2}\b/g;

/** Address spans in `text` (they may overlap; the caller keeps the first of overlapping spans). */
export function findAddresses(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  const collect = (pattern: RegExp, group?: number) => {
    for (const match of text.matchAll(pattern)) {
      const value = group === undefined ? match[0] : match[group];
      if (!value) continue;
      const start = match.index + match[0].length - (group === undefined ? match[0].length : value.length);
      const trimmed = value.replace(/[\s,]+$/, '');
      spans.push({ start, end: start + trimmed.length });
    }
  };
  // First the clause after an address cue (with the city after the street); it counts only if it looks like an address: a number or a street type.
  for (const match of text.matchAll(ADDRESS_CUE)) {
    const clause = (match[1] ?? '').replace(/[\s,]+$/, '');
    if (!new RegExp(String.raw`\d|\b(?:${NUMBER_WORDS}|${STREET_TYPE})\b`, 'i').test(clause)) continue;
    const start = match.index + match[0].length - (match[1] ?? '').length;
    spans.push({ start, end: start + clause.length });
  }
  for (const match of text.matchAll(STREET_ADDRESS)) {
    if (!isStreetName(match[1] ?? '', match[2] ?? '')) continue;
    const trimmed = match[0].replace(/[\s,]+$/, '');
    spans.push({ start: match.index, end: match.index + trimmed.length });
  }
  collect(PO_BOX);
  collect(CITY_STATE_ZIP);
  collect(CITY_POSTCODE);
  return spans;
}
