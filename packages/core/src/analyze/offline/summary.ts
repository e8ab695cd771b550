import type { EvidenceDraft, InsightsDraft } from '../../schema/insights.js';
import {
  contentStems,
  countCues,
  findCue,
  type Span,
  sentenceAround,
  tokenize,
  withoutCues,
} from '../text.js';
import { isPromisedTask } from './commitments.js';
import {
  CLOSING_CUES,
  EMPATHY_CUES,
  GREETING_CUES,
  GUIDANCE_CUES,
  INFORMATION_CUES,
  INSTRUCTION_CUES,
  POLITENESS_CUES,
  PROBLEM_CUES,
  QUESTION_CUES,
  REQUEST_CUES,
} from './lexicon/cues.js';
import type { CueHit, Outcome } from './outcome.js';
import { scoreText } from './sentiment.js';
import { NEGATIVE_TURN, type ScoredTurn } from './turn-features.js';

type Draft = InsightsDraft;

/** Longest quote a summary sentence carries, in characters (about 25 words). */
const QUOTE_LIMIT = 160;
/**
 * A pronoun standing for something said before: "one" or "any" closing a phrase ("…find the best one?", "…any
 * that I can visit?", not "one room" or "any thing else"), or "it", "this", "that", "them" as the last word
 * ("…fix it?"; elsewhere "that" is as often a relative).
 */
const STANDS_FOR =
  /\b(?:ones?|any)(?=\s*(?:[?.!…,]|$)|\s+(?:that|which|for|with|in|on|near|of)\b)|\b(?:it|this|that|them)\s*[?.!…]*\s*$/i;
/** A sentence this short that leans back on the one before says too little alone. */
const SHORT_SENTENCE_WORDS = 10;
/** Only the start of a very long turn is read for summary sentences: the reason comes first. */
export const READ_LIMIT = 2000;

export interface Quote {
  entry: ScoredTurn;
  span: Span;
  text: string;
}

/**
 * An agent's signature closing a message: "- David", "-StephanieA", "*DanKing", "^HP", "/JU", with a part number
 * before it ("1 ^RR").
 * A space or the sentence's own full stop comes before it ("what's wrong?-JG"), so "Peek-A-Boo" keeps its "-Boo".
 */
const SIGNATURE =
  /(?:\s\d{1,2})?(?:\s|(?<=[.!?]))(?:[-–—~*]\s?\p{Lu}\p{L}*|\^\s?[A-Za-z]{1,3}|\/[A-Z]{2,3})\s*$/u;

/**
 * Leading @mentions, trailing links and an agent's signature are addressing, not content: the quote starts and
 * ends inside them.
 */
function trimmed(text: string, span: Span): Span {
  let { start, end } = span;
  const head = /^(?:\s*[@#][\w.]+(?:\s*[:,])?)+\s*/.exec(text.slice(start, end));
  if (head) start += head[0].length;
  const signature = SIGNATURE.exec(text.slice(start, end));
  if (signature) end -= signature[0].length;
  const tail = /(?:\s*https?:\/\/\S+)+\s*$/.exec(text.slice(start, end));
  if (tail) end -= tail[0].length;
  while (end > start && /[\s,;:–-]/.test(text[end - 1] ?? '')) end--;
  return { start, end };
}

/** The sentences of the start of a turn, each as a span (bounded: a megabyte turn reads like a short one). */
function sentencesOf(text: string): Span[] {
  const spans: Span[] = [];
  const limit = Math.min(text.length, READ_LIMIT);
  let position = 0;
  while (position < limit) {
    const sentence = sentenceAround(text, { start: position, end: position + 1 }, QUOTE_LIMIT * 2);
    const start = Math.max(sentence.start, position);
    if (sentence.end > start) spans.push({ start, end: sentence.end });
    position = Math.max(sentence.end, position + 1);
  }
  return spans;
}

function quoteOf(entry: ScoredTurn, span: Span): Quote | undefined {
  let { start, end } = trimmed(entry.turn.text, span);
  if (end - start > QUOTE_LIMIT) {
    end = start + QUOTE_LIMIT;
    while (end > start && /\S/.test(entry.turn.text[end] ?? '')) end--;
  }
  const text = entry.turn.text.slice(start, end).trim();
  if (tokenize(text).length < 3) return undefined;
  return { entry, span: { start, end }, text };
}

/**
 * The customer's sentence that best states why they got in touch: a reported problem or a request, early in
 * the contact, sharing words with the call's topic; greetings and bare details (a name, a number) score nothing.
 */
export function problemStatement(
  customer: readonly ScoredTurn[],
  agent: readonly ScoredTurn[],
  topicTerms: (text: string) => number,
): Quote | undefined {
  // A sentence the agent's apology takes up outranks any other: the agent's own reading of what went wrong.
  let best: { quote: Quote; score: number; takenUp: boolean } | undefined;
  const opening = customer.slice(0, 4);
  opening.forEach((entry, order) => {
    // The agent's reply tells what a turn was: a sentence whose words the agent's apology takes up
    // ("I'm sorry that you found a slug eating your cauliflower") reported a problem, whatever its words.
    const nextCustomer = customer[order + 1]?.index ?? Number.POSITIVE_INFINITY;
    const reply = agent.find((candidate) => candidate.index > entry.index);
    const replyText = reply && reply.index < nextCustomer ? reply.turn.text : '';
    const apology = findCue(replyText, EMPATHY_CUES);
    const apologySentence = apology && sentenceAround(replyText, apology);
    const sympathy = new Set(
      apologySentence ? wordsOf(replyText.slice(apologySentence.start, apologySentence.end)) : [],
    );
    const spans = sentencesOf(entry.turn.text);
    spans.forEach((sentence, position) => {
      // "Can you help me find one?" has its subject in the sentence before: quote the two together.
      const previous = spans[position - 1];
      const text = entry.turn.text.slice(sentence.start, sentence.end);
      const leansBack = previous && tokenize(text).length <= SHORT_SENTENCE_WORDS && STANDS_FOR.test(text);
      const quote = quoteOf(entry, leansBack ? { start: previous.start, end: sentence.end } : sentence);
      if (!quote) return;
      const words = tokenize(quote.text).length;
      const takenUp = wordsOf(quote.text).some((word) => sympathy.has(word));
      const score =
        2 * Math.min(2, countCues(quote.text, PROBLEM_CUES)) +
        1.5 * Math.min(1, countCues(quote.text, REQUEST_CUES)) +
        Math.min(1, countCues(quote.text, QUESTION_CUES)) +
        0.5 * Math.min(3, topicTerms(quote.text)) +
        (words >= 5 ? 0.5 : 0) +
        (/\b(?:i|my|me|i'm|i've)\b/.test(quote.text.toLowerCase()) ? 0.5 : 0) +
        // A clearly negative sentence is a grievance even without a problem word ("a slug came out of it!").
        (scoreText(quote.text).score <= NEGATIVE_TURN || takenUp ? 1 : 0) -
        (findCue(quote.text, GREETING_CUES) && words < 8 ? 2 : 0) -
        0.3 * order;
      // At least one cue or two topic words: a bare detail ("A scary one.") states no problem.
      if (
        score >= 1 &&
        (!best || (takenUp && !best.takenUp) || (takenUp === best.takenUp && score > best.score))
      )
        best = { quote, score, takenUp };
    });
  });
  return best?.quote;
}

function hitQuote(hit: CueHit): Quote | undefined {
  return quoteOf(hit.entry, sentenceAround(hit.entry.turn.text, hit.span, QUOTE_LIMIT * 2));
}

const AGENT_ACTS: Partial<Record<Draft['resolution']['category'], string>> = {
  transaction_completed: 'The agent confirmed',
  declined: 'The agent said it could not be done',
  transferred: 'The agent handed the customer on',
  escalated: 'The agent escalated the matter',
  follow_up_scheduled: 'The agent arranged a follow-up',
};
/** The same acts after a refusal: "The agent declined (…), then escalated the matter". */
const AFTER_REFUSAL: Partial<Record<Draft['resolution']['category'], string>> = {
  transferred: 'then handed the customer on',
  escalated: 'then escalated the matter',
  follow_up_scheduled: 'then arranged a follow-up',
};

/**
 * Content words an answer must repeat from the customer's question to be taken for its answer: one shared
 * word can be chance ("code" in a verification step), two are the answer's own subject ("promo codes
 * expire after 7 days" to "when do my promo codes expire?").
 */
const ANSWER_SHARED_WORDS = 2;

/** Content-word stems, links and @handles left out: they are addresses, not what was said. */
function wordsOf(text: string): string[] {
  return contentStems(text.replace(/https?:\/\/\S+|[@#][\w.]+/g, ' '));
}

/**
 * The agent's first statement (not a question) after the problem that repeats enough content words of
 * what the customer had said up to it: answers restate their question's subject, whatever their wording.
 */
function answerTo(
  customer: readonly ScoredTurn[],
  problem: Quote,
  answering: readonly ScoredTurn[],
): Quote | undefined {
  const asked = new Set(
    customer
      .filter((entry) => entry.index <= problem.entry.index)
      .flatMap((entry) => wordsOf(entry.turn.text.slice(0, READ_LIMIT))),
  );
  for (const entry of answering) {
    for (const sentence of sentencesOf(entry.turn.text)) {
      const quote = quoteOf(entry, sentence);
      // An apology or a greeting restates the problem without answering it.
      if (!quote || quote.text.includes('?') || findCue(quote.text, [...EMPATHY_CUES, ...GREETING_CUES]))
        continue;
      const shared = new Set(wordsOf(quote.text).filter((word) => asked.has(word)));
      if (shared.size >= ANSWER_SHARED_WORDS) return quote;
    }
  }
  return undefined;
}

/**
 * The agent's last turn of substance before the customer says it works (courtesy like "thank you for your
 * patience" is skipped), quoted in whole sentences from its start as far as a quote may go. Only when that turn
 * opens with a statement or a step: a question ("Which device is this on?"), sympathy or the tail of a message
 * split in parts ("2/2 …") shows nothing of what fixed it.
 */
function fixingTurn(answering: readonly ScoredTurn[], fixedAt: number): Quote | undefined {
  const entry = answering
    .filter((turn) => turn.index < fixedAt && tokenize(turn.turn.text).length >= 5)
    .at(-1);
  const all = entry ? sentencesOf(entry.turn.text) : [];
  // A short thank-you that opens the turn ("Thanks for the info.") comes before the step, not instead of it.
  const thanks = (span: Span) => {
    const said = entry?.turn.text.slice(span.start, span.end) ?? '';
    return /\bthank(?:s| you)\b/i.test(said) && tokenize(said).length <= 6;
  };
  const spans = all.slice(
    Math.max(
      0,
      all.findIndex((span) => !thanks(span)),
    ),
  );
  const first = spans[0];
  if (!entry || !first) return undefined;
  const opening = quoteOf(entry, first);
  if (
    !opening ||
    !/^[A-Z]/.test(opening.text) ||
    (opening.text.includes('?') && !/\btry\b/i.test(opening.text)) ||
    findCue(opening.text, [...EMPATHY_CUES, ...CLOSING_CUES, ...POLITENESS_CUES])
  )
    return undefined;
  const last = spans.filter((span) => span.end - first.start <= QUOTE_LIMIT).at(-1) ?? first;
  return quoteOf(entry, { start: first.start, end: last.end });
}

/**
 * What the agent did: the act that decided the outcome, else the first explanation or instruction given,
 * else a statement that answers the problem in its own words, else what the agent asked.
 */
export function agentAction(
  customer: readonly ScoredTurn[],
  agent: readonly ScoredTurn[],
  outcome: Outcome,
  problem: Quote | undefined,
  cited: (quote: Quote) => string,
): string | undefined {
  const after = problem?.entry.index ?? -1;
  const decisive = outcome.decisive;
  const act = decisive && decisive.by === 'agent' ? AGENT_ACTS[decisive.category] : undefined;
  if (decisive && act) {
    const quote = hitQuote(decisive.hit);
    const refusal = outcome.refusedBefore && hitQuote(outcome.refusedBefore.hit);
    const then = AFTER_REFUSAL[decisive.category];
    if (refusal && quote && then) return `The agent declined (${cited(refusal)}), ${then}: ${cited(quote)}.`;
    if (quote) return `${act}: ${cited(quote)}.`;
  }
  const answering = agent.filter((entry) => entry.index > after);
  // Fixed during the contact, by the customer's word ("It works now") or the agent's ("glad you've managed to
  // connect"): what the agent said just before is the fix.
  if (decisive?.category === 'issue_fixed') {
    const fix = fixingTurn(answering, decisive.hit.entry.index);
    if (fix) return `The agent's fix: ${cited(fix)}.`;
  }
  // Steps are instructions; a reason given ("because it has been more than 90 days") is explained, not a step.
  const guidance = answering.filter((entry) => findCue(entry.turn.text, INSTRUCTION_CUES));
  // A walk-through (three or more instructions) is told by its first step; otherwise the first answer given.
  const walkThrough = guidance.length >= 3;
  const cues = walkThrough ? INSTRUCTION_CUES : [...GUIDANCE_CUES, ...INFORMATION_CUES];
  const candidates = walkThrough ? guidance : answering.filter((entry) => findCue(entry.turn.text, cues));
  for (const entry of candidates) {
    // Sympathy explains nothing ("I get how inconvenient it is"): a cue counts outside it only, as in
    // "I apologise, there are no restaurants of that kind".
    const span = findCue(withoutCues(entry.turn.text, EMPATHY_CUES), cues);
    if (!span) continue;
    const quote = quoteOf(entry, sentenceAround(entry.turn.text, span, QUOTE_LIMIT * 2));
    // A question explains nothing ("Do you have an order number you can DM me?"), unless it suggests a step
    // ("Could you try forgetting the network?"); nor does a closing ("let me know if there is anything else").
    if (!quote || (quote.text.includes('?') && !/\btry\b/i.test(quote.text))) continue;
    if (findCue(quote.text, CLOSING_CUES)) continue;
    const verb = walkThrough ? 'The agent walked the customer through the steps' : 'The agent explained';
    return `${verb}: ${cited(quote)}.`;
  }
  const answer = problem && answerTo(customer, problem, answering);
  if (answer) return `The agent answered: ${cited(answer)}.`;
  // No answer given: at least say what the agent asked for ("anything else?" asks nothing about the matter).
  for (const entry of answering) {
    const span = findCue(entry.turn.text, [/\?/]);
    if (!span) continue;
    const quote = quoteOf(entry, sentenceAround(entry.turn.text, span, QUOTE_LIMIT * 2));
    if (quote && !findCue(quote.text, CLOSING_CUES)) return `The agent asked: ${cited(quote)}.`;
  }
  return undefined;
}

const OUTCOMES: Record<Draft['resolution']['category'], string> = {
  issue_fixed: 'fixed during the contact',
  transaction_completed: 'the request was completed',
  information_provided: 'the customer had the answer they needed',
  follow_up_scheduled: 'still open, with a follow-up arranged',
  escalated: 'escalated, not yet settled',
  transferred: 'handed to another team',
  declined: 'the request was declined',
  no_action: 'not resolved',
  unknown: 'the conversation does not say how it ended',
};

/** A message's part number where a long message was split ("1/2", "(2)"), before or after its text. */
const PART = String.raw`(?:\(?\d{1,2}\s*\/\s*\d{1,2}\)?|\(\d{1,2}\))`;
const PART_MARK = new RegExp(String.raw`^\s*${PART}\s*`);
const HAS_PART_MARK = new RegExp(String.raw`(?:^|\s)${PART}(?=\s|$)`);
const TRAILING_PART_MARK = new RegExp(String.raw`\s*${PART}$`);

/**
 * The words that finish a sentence cut off at the end of a message split in numbered parts, from the same
 * speaker's next message ("1/2 … They will be reaching out to you shortly to" + "2/2 discuss this further."): its
 * first sentence when it goes on in lower case. Undefined when the quote ends its sentence or on a word that is no
 * word of a sentence ("… reinstalling 1 ^RR"), when neither message is numbered (a casual message without a full stop
 * followed by another is two messages), or when the next message starts a new sentence.
 */
function continuation(quote: Quote, next: ScoredTurn | undefined): Quote | undefined {
  const text = quote.entry.turn.text;
  const turnEnd = trimmed(text, { start: 0, end: text.length }).end;
  if (!next || quote.span.end < turnEnd) return undefined;
  if (!/\s\p{Ll}+$/u.test(quote.text.replace(TRAILING_PART_MARK, ''))) return undefined;
  const following = next.turn.text;
  const head = trimmed(following, { start: 0, end: following.length });
  const mark = PART_MARK.exec(following.slice(head.start))?.[0] ?? '';
  if (!mark && !HAS_PART_MARK.test(text)) return undefined;
  const start = head.start + mark.length;
  if (!/^\p{Ll}/u.test(following.slice(start))) return undefined;
  const sentence = sentenceAround(following, { start, end: start + 1 });
  const end = trimmed(following, { start, end: sentence.end }).end;
  const words = following.slice(start, end).trim();
  return words.length > 0 && end - start <= QUOTE_LIMIT
    ? { entry: next, span: { start, end }, text: words }
    : undefined;
}

/**
 * Quotes a sentence in the summary's text and records it as evidence. `nextOf` gives the same speaker's message
 * right after a turn, if any, so a sentence split across two messages is quoted whole (each part its own evidence).
 */
export function citing(
  evidence: EvidenceDraft[],
  nextOf: (entry: ScoredTurn) => ScoredTurn | undefined = () => undefined,
): (quote: Quote) => string {
  return (quote) => {
    evidence.push({ turnIds: [quote.entry.turn.id], quote: quote.text });
    const rest = continuation(quote, nextOf(quote.entry));
    if (rest) evidence.push({ turnIds: [rest.entry.turn.id], quote: rest.text });
    // The part number ending the first message ("… I don't know my (1)") is no word of the sentence.
    const text = rest ? `${quote.text.replace(TRAILING_PART_MARK, '')} ${rest.text}` : quote.text;
    // A link inside the sentence says nothing to a reader of the summary: "[link]" stands for it (the evidence
    // keeps the words as said).
    const readable = text.replace(/https?:\/\/\S+/g, '[link]');
    return `“${readable.replace(/^["“'‘]+|["”'’]*[.!?…,;:]*["”'’]*$/g, '')}”`;
  };
}

const sentenceCase = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const closeSentence = (text: string) => (/[.!?…]["”’)]*$/.test(text) ? text : `${text}.`);

export interface SummaryInput {
  /** The conversation has no turns at all: a silent recording, or speech that ended in no words. */
  nothingSaid: boolean;
  customer: readonly ScoredTurn[];
  agent: readonly ScoredTurn[];
  complaint: Draft['complaint'];
  outcome: Outcome;
  callbackPromises: Draft['callbackPromises'];
  actionItems: Draft['actionItems'];
  /** How many of the call's topic words a text contains. */
  topicTerms: (text: string) => number;
  /** The topic's label when the topic is confident enough to name, else undefined. */
  topicLabel: string | undefined;
}

/**
 * At most three sentences a manager can read instead of the call: the customer's problem in the words that best
 * state it, what the agent did or offered, and the outcome with the next step. Each sentence that quotes the
 * call cites the turn it quotes. When agent and customer are not identified it says so instead of inventing them.
 */
export function summarize(input: SummaryInput): Draft['summary'] {
  const { customer, agent, outcome } = input;
  if (input.nothingSaid)
    return { text: 'Nothing was said: no speech in the recording ended in words.', evidence: [] };
  if (customer.length === 0 || agent.length === 0) {
    // The speakers may well have been told apart (spk_0, spk_1); what is missing is who is the agent.
    const missing =
      customer.length === 0 && agent.length === 0
        ? 'Agent and customer were not identified'
        : customer.length === 0
          ? 'No customer was identified'
          : 'No agent was identified';
    return {
      text: `${missing}, so no problem, action or outcome is attributed${input.topicLabel ? `; the talk was mostly about ${input.topicLabel.toLowerCase()}` : ''}.`,
      evidence: [],
    };
  }
  const evidence: EvidenceDraft[] = [];
  const sentences: string[] = [];
  const byIndex = new Map([...customer, ...agent].map((entry) => [entry.index, entry]));
  const cited = citing(evidence, (entry) => {
    const next = byIndex.get(entry.index + 1);
    return next?.turn.role === entry.turn.role ? next : undefined;
  });

  const problem = problemStatement(customer, agent, input.topicTerms);
  const about = input.topicLabel ? ` (${input.topicLabel.toLowerCase()})` : '';
  if (problem) {
    const verb = input.complaint.isComplaint
      ? 'The customer complained'
      : countCues(problem.text, QUESTION_CUES) > 0
        ? 'The customer asked'
        : 'The customer got in touch';
    sentences.push(`${verb}${about}: ${cited(problem)}.`);
  } else {
    sentences.push(`The customer got in touch${about}, without stating a problem in so many words.`);
  }

  const action = agentAction(customer, agent, outcome, problem, cited);
  if (action) sentences.push(action);

  const agentPromise = input.callbackPromises.find((promise) => promise.promisedBy === 'agent');
  // A booking already made is a next step only through its date ("an appointment … next Friday at 11:30").
  const companyTask = input.actionItems.find(
    (item) => item.owner !== 'customer' && (isPromisedTask(item.task) || item.due),
  );
  const customerTask = input.actionItems.find((item) => item.owner === 'customer');
  const customerPromise = input.callbackPromises.find((promise) => promise.promisedBy === 'customer');
  const next = agentPromise
    ? withDue(
        // "You should get an email": what the customer will receive from the agent's side.
        /^you\b/i.test(agentPromise.promise)
          ? `the customer will ${reported(stripSubject(agentPromise.promise), CUSTOMER_OWN)}`
          : `the agent's side will ${reported(stripSubject(agentPromise.promise), AGENT_TO_CUSTOMER)}`,
        agentPromise.due,
      )
    : companyTask
      ? companyNextStep(companyTask, sentences.join(' '))
      : customerPromise
        ? `the customer may ${reported(stripSubject(customerPromise.promise), CUSTOMER_TO_COMPANY)}`
        : customerTask
          ? `the customer is to ${reported(stripSubject(customerTask.task), CUSTOMER_OWN)}`
          : undefined;
  const outcomeText = OUTCOMES[outcome.resolution.category];
  sentences.push(
    closeSentence(
      sentenceCase(`outcome: ${outcomeText}${next ? `; next step: ${next}` : '; no next step was agreed'}`),
    ),
  );
  const resolutionEvidence = outcome.resolution.evidence[0];
  if (resolutionEvidence && !evidence.some((item) => item.quote === resolutionEvidence.quote))
    evidence.push(resolutionEvidence);
  return { text: sentences.join(' '), evidence };
}

/**
 * A promised task reads "the company will process the refund (by Friday)"; a booking already made is told as
 * it was said ("an appointment for you at A J Dental Lab next Friday at 11:30 am"), not as a promise, or by its
 * date alone when the summary has quoted it already.
 */
function companyNextStep(item: Draft['actionItems'][number], toldSoFar: string): string {
  const said = item.task.replace(/[.!?…]+$/, '');
  // The booking the agent's sentence already quotes is not quoted again: the date is what is still to come.
  if (!isPromisedTask(item.task) && item.due && toldSoFar.includes(said)) {
    const at = said.toLowerCase().indexOf(item.due.toLowerCase());
    return `the booking (${at >= 0 ? said.slice(at, at + item.due.length) : item.due})`;
  }
  const task = isPromisedTask(item.task)
    ? `the company will ${reported(stripSubject(item.task), AGENT_TO_CUSTOMER)}`
    : said;
  return withDue(task, item.due);
}

/** "… (by Friday)": the deadline, unless the words already say it. */
function withDue(text: string, due: string | null): string {
  return due && !text.toLowerCase().includes(due.toLowerCase()) ? `${text} (${due})` : text;
}

/** Rewrites of persons for telling a clause in reported speech, applied in order. */
type PersonRewrites = readonly (readonly [RegExp, string])[];

/**
 * A clause the agent said to the customer ("give you a call", "pass your feedback on", "log it on our systems"),
 * told about the customer and the company ("give the customer a call", "… on the company's systems").
 */
const AGENT_TO_CUSTOMER: PersonRewrites = [
  [/\byou(?:'re| are)\b/gi, 'the customer is'],
  [/\byou(?:'ve| have)\b/gi, 'the customer has'],
  [/\byou(?:'d| would)\b/gi, 'the customer would'],
  [/\byou(?:'ll| will)\b/gi, 'the customer will'],
  [/\bour\b/gi, "the company's"],
  [/\bus\b/g, 'the company'],
  [/\byourself\b/gi, 'the customer'],
  [/\byour\b/gi, "the customer's"],
  [/\byou\b/gi, 'the customer'],
];
/** A task the agent set the customer ("send your receipt"), told as theirs: "send their receipt". */
const CUSTOMER_OWN: PersonRewrites = [
  [/\byou(?:'re| are)\b/gi, 'they are'],
  [/\byou(?:'ve| have)\b/gi, 'they have'],
  [/\byou(?:'d| would)\b/gi, 'they would'],
  [/\byou(?:'ll| will)\b/gi, 'they will'],
  [/\byourself\b/gi, 'themselves'],
  [/\byour\b/gi, 'their'],
  [/\byou\b/gi, 'they'],
];
/** What the customer said they would do ("call you back", "send my receipt"), told about the company and them. */
const CUSTOMER_TO_COMPANY: PersonRewrites = [
  [/\byour\b/gi, "the company's"],
  [/\byou\b/gi, 'the company'],
  [/\bmy\b/gi, 'their'],
  [/\bme\b/gi, 'them'],
  [/\bi(?:'m| am)\b/gi, 'they are'],
  [/\bi\b/gi, 'they'],
];

function reported(clause: string, rewrites: PersonRewrites): string {
  return rewrites.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), clause);
}

/** "I'll call you back tomorrow" → "call you back tomorrow": the summary names who. */
function stripSubject(text: string): string {
  return text
    .replace(
      /^(?:i|we|someone|somebody|they|you|our \w+|a \w+(?: of (?:our|the) team)?)(?:'ll|'re going to| will| am going to| are going to| is going to| shall| should| must| might| may| could| can| need to| have to|'d have to)?(?: (?:have to|need to|probably|just|also|now|go ahead and))*\s+/i,
      '',
    )
    .replace(/^please\s+/i, '')
    .replace(/[.!?…]+$/, '');
}
