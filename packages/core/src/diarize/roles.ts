import type { Role } from '@echolens/provider';

/** A phrase pattern and how strongly it suggests its speaker's role. */
interface Cue {
  pattern: RegExp;
  weight: number;
}

// Phrases of the two sides of a service conversation. The agent opens and closes the call, asks for
// identifying details, explains what the company does and can or cannot do; the customer says why they
// called, asks for help, and speaks about their own account, order or problem.
const AGENT_CUES: Cue[] = [
  {
    pattern:
      /\bthanks? (you )?for (calling|contacting|choosing|reaching out|holding|waiting|your patience)\b/,
    weight: 3,
  },
  {
    pattern: /\b(welcome to|you'?re (speaking|talking) (with|to)|you are (speaking|talking) (with|to))\b/,
    weight: 3,
  },
  { pattern: /\bhow (can|may|might) (i|we) (help|assist)\b|\bwhat can i (do|help)\b/, weight: 3 },
  { pattern: /\b(may|can|could) i (have|get|ask for|take|confirm|verify) (your|the)\b/, weight: 2 },
  {
    pattern:
      /\bwhat(?:'s| is) your (full )?(name|account|phone|email|date of birth|zip|postcode|address|order|policy|member|username|card)\b/,
    weight: 2,
  },
  {
    pattern: /\b(for (security|verification)( purposes)?|verify (your|the)|confirm (your|the))\b/,
    weight: 2,
  },
  { pattern: /\blet me (check|look|see|pull|verify|transfer|get|confirm)\b/, weight: 1.5 },
  {
    pattern: /\bi('ll| will) (check|transfer|send|escalate|process|go ahead|look into|put you)\b/,
    weight: 1.5,
  },
  { pattern: /\b(our|the company'?s?) (policy|policies|records|system|team)\b/, weight: 1.5 },
  { pattern: /\b(bear with me|one moment|just a moment|please hold|on hold)\b/, weight: 1.5 },
  { pattern: /\b(i apologi[sz]e|sorry (for|about) (the|any) (inconvenience|wait|trouble))\b/, weight: 1.5 },
  { pattern: /\b(is there anything else|anything else i can)\b/, weight: 3 },
  { pattern: /\bhave a (great|nice|good|wonderful|lovely) (day|evening|night|weekend|one)\b/, weight: 1 },
  { pattern: /\b(i'?d|i would|i'?ll|i will) be (happy|glad) to (help|assist)\b/, weight: 2 },
  { pattern: /\bunfortunately\b/, weight: 0.5 },
];

const CUSTOMER_CUES: Cue[] = [
  {
    pattern: /\bi('m| am) (calling|writing|contacting you|reaching out) (about|because|to|regarding|for)\b/,
    weight: 3,
  },
  { pattern: /\b(i|we) (need|want|would like|'d like|wanted) (to|help|a|an|some|my)\b/, weight: 1.5 },
  {
    pattern: /\b(can|could|would) you (please )?(help|fix|tell me|check|cancel|refund|explain)\b/,
    weight: 1,
  },
  { pattern: /\bhelp me\b/, weight: 1.5 },
  {
    pattern:
      /\bmy (account|order|card|bill|phone|car|package|parcel|flight|booking|reservation|payment|internet|claim|refund|subscription|delivery|policy)\b/,
    weight: 1.5,
  },
  { pattern: /\bi (have|had|got|'ve got) (a|an|this) (problem|issue|question|complaint)\b/, weight: 2.5 },
  {
    pattern:
      /\b(doesn'?t|does not|isn'?t|won'?t|didn'?t|did not|hasn'?t|never) (work|working|arrive|arrived|load|show)\b/,
    weight: 1.5,
  },
  { pattern: /\bi (was|got|have been|'ve been) (charged|billed|overcharged)\b/, weight: 2.5 },
  { pattern: /\bwhy (is|was|did|does|do|has|have|am|are) (my|i|it|this|you)\b/, weight: 1 },
];

function cueScore(texts: readonly string[], cues: readonly Cue[]): number {
  let score = 0;
  for (const cue of cues) {
    // A phrase repeated in many turns counts a little more than once, not once per turn.
    const matches = texts.filter((text) => cue.pattern.test(text)).length;
    if (matches > 0) score += cue.weight * (1 + Math.log(matches));
  }
  return score;
}

export interface RoleGuess {
  role: Role;
  /** 0-1; 0 when the cues said nothing. */
  confidence: number;
}

/**
 * Agent and customer from what each speaker says (used when channel metadata does not say). The
 * speaker whose words are most agent-like becomes the agent when the evidence separates them by a
 * clear margin; with two or more speakers the most customer-like other one becomes the customer;
 * everyone else, or everyone when the cues are silent, stays `unknown`.
 */
export function inferRolesFromCues(
  turns: readonly { speaker: string; text: string }[],
): Map<string, RoleGuess> {
  const textsBySpeaker = new Map<string, string[]>();
  for (const turn of turns) {
    const texts = textsBySpeaker.get(turn.speaker) ?? [];
    texts.push(turn.text.toLowerCase().replace(/[’‘]/g, "'"));
    textsBySpeaker.set(turn.speaker, texts);
  }
  const speakers = [...textsBySpeaker.keys()];
  const leaning = new Map(
    speakers.map((speaker) => {
      const texts = textsBySpeaker.get(speaker)!;
      return [speaker, cueScore(texts, AGENT_CUES) - cueScore(texts, CUSTOMER_CUES)] as const;
    }),
  );
  const guesses = new Map<string, RoleGuess>(
    speakers.map((speaker) => [speaker, { role: 'unknown', confidence: 0 }]),
  );
  const ranked = [...speakers].sort((a, b) => leaning.get(b)! - leaning.get(a)!);
  const confidenceFor = (margin: number) => Math.min(0.95, 1 - Math.exp(-margin / 3));

  if (ranked.length === 1) {
    // One voice: a role only on strong evidence, and never with much confidence (it may be a voicemail).
    const only = ranked[0]!;
    const value = leaning.get(only)!;
    if (Math.abs(value) >= 3)
      guesses.set(only, {
        role: value > 0 ? 'agent' : 'customer',
        confidence: Math.min(0.6, confidenceFor(Math.abs(value))),
      });
    return guesses;
  }
  const agent = ranked[0]!;
  const customer = ranked.at(-1)!;
  const margin = leaning.get(agent)! - leaning.get(customer)!;
  if (margin < 1.5) return guesses;
  const confidence = confidenceFor(margin);
  guesses.set(agent, { role: 'agent', confidence });
  guesses.set(customer, { role: 'customer', confidence });
  return guesses;
}
