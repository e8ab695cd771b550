// Word error rate with a Whisper-style English normaliser. Used by the STT benchmark and by the
// transcription tests, so both measure the same way.

const NUMBER_WORDS = {
  zero: '0',
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
  twenty: '20',
  thirty: '30',
  forty: '40',
  fifty: '50',
  sixty: '60',
  seventy: '70',
  eighty: '80',
  ninety: '90',
  hundred: '100',
};

/** Spellings that differ without the words differing. */
const EQUIVALENT_SPELLINGS = {
  okay: 'ok',
  mr: 'mister',
  mrs: 'missus',
  dr: 'doctor',
  '&': 'and',
  percent: '%',
  colour: 'color',
  centre: 'center',
  metres: 'meters',
  metre: 'meter',
};

const CONTRACTIONS = [
  [/\b(\w+)'re\b/g, '$1 are'],
  [/\b(\w+)'ve\b/g, '$1 have'],
  [/\b(\w+)'ll\b/g, '$1 will'],
  [/\b(\w+)'d\b/g, '$1 would'],
  [/\bcan't\b/g, 'can not'],
  [/\bwon't\b/g, 'will not'],
  [/\b(\w+)n't\b/g, '$1 not'],
  [/\bi'm\b/g, 'i am'],
  [/\b(it|that|what|there|here|he|she|who)'s\b/g, '$1 is'],
  [/\blet's\b/g, 'let us'],
  [/\bcannot\b/g, 'can not'],
];

/**
 * Lower-case, contractions expanded, punctuation dropped (apostrophes inside words and decimal
 * points kept), number words to digits, "twenty five" to "25", common spelling variants unified.
 * @param {string} text
 * @returns {string[]} the normalised words
 */
export function normaliseWords(text) {
  let value = text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[’‘`]/g, "'")
    .replace(/\bo\.k\.?/g, 'ok');
  for (const [pattern, replacement] of CONTRACTIONS) value = value.replace(pattern, replacement);
  value = value
    .replace(/(\d),(\d{3})/g, '$1$2')
    .replace(/(\d)\.(\d)/g, '$1<point>$2')
    .replace(/[^\p{L}\p{N}'%&<>\s-]+/gu, ' ')
    .replace(/<point>/g, '.')
    .replace(/-/g, ' ')
    .replace(/(^|\s)'+|'+(\s|$)/g, ' ');
  const words = [];
  for (const raw of value.split(/\s+/)) {
    if (!raw) continue;
    const word = EQUIVALENT_SPELLINGS[raw] ?? NUMBER_WORDS[raw] ?? raw;
    const previous = words.at(-1);
    // "twenty five" → "25": a tens number followed by a units digit.
    if (previous && /^[2-9]0$/.test(previous) && /^[1-9]$/.test(word)) {
      words[words.length - 1] = String(Number(previous) + Number(word));
      continue;
    }
    words.push(word);
  }
  return words;
}

/**
 * Levenshtein distance over words.
 * @param {readonly string[]} reference
 * @param {readonly string[]} hypothesis
 */
export function wordEditDistance(reference, hypothesis) {
  let previous = Array.from({ length: hypothesis.length + 1 }, (_, index) => index);
  for (let i = 1; i <= reference.length; i++) {
    const current = [i];
    for (let j = 1; j <= hypothesis.length; j++) {
      const substitution = previous[j - 1] + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, previous[j] + 1, current[j - 1] + 1));
    }
    previous = current;
  }
  return previous[hypothesis.length];
}

/**
 * Word error rate of `hypothesis` against `reference` after normalising both.
 * @param {string} reference
 * @param {string} hypothesis
 * @returns {{ errors: number, words: number, wer: number }}
 */
export function wordErrorRate(reference, hypothesis) {
  const referenceWords = normaliseWords(reference);
  const errors = wordEditDistance(referenceWords, normaliseWords(hypothesis));
  const words = referenceWords.length;
  return { errors, words, wer: words === 0 ? (errors === 0 ? 0 : 1) : errors / words };
}
