import type { Conversation, Turn } from '../../schema/conversation.js';
import type { InsightsDraft } from '../../schema/insights.js';
import { citeTurn } from '../evidence.js';
import { matchForm, type Span, sentenceAround } from '../text.js';
import { extractDueDate } from './due-dates.js';
import { inSubordinateClause } from './lexicon/cues.js';

type CallbackPromise = InsightsDraft['callbackPromises'][number];
type ActionItem = InsightsDraft['actionItems'][number];

const WILL = String.raw`(?:'ll|\s+will|\s+am going to|\s+are going to|\s+is going to|\s+shall)`;
const WHO_AGENT =
  '(?:i|we|someone|somebody|they|our (?:team|specialists?|technicians?|manager|supervisor)|a (?:manager|supervisor|technician|specialist|colleague|member of (?:our|the) team|representative|courier))';

/** Someone on the company's side commits to contact the customer again. */
const AGENT_CONTACT = new RegExp(
  String.raw`\b${WHO_AGENT}${WILL}(?:\s+\w+)?\s+(?:call you(?: back)?|give you a (?:call|ring)|get back to you|contact you|reach out|follow up|email you|text you|message you|send you (?:an? )?(?:email|text|message|update|confirmation|link|details)|be in touch|update you|let you know|keep you (?:posted|updated|informed)|ring you)`,
);
const EXPECT_CONTACT =
  /\byou(?:'ll|\s+will|\s+should)\s+(?:receive|get|hear)\s+(?:a |an |back |from )?(?:call|email|text|message|update|confirmation|response|reply|us|them|someone)/;
/** The customer commits to get back. */
const CUSTOMER_CONTACT =
  /\bi(?:'ll|\s+will|\s+am going to|'m going to|\s+might|\s+may|\s+could|\s+need to|\s+have to|'d have to|'ll have to)(?:\s+(?:have to|need to|probably|maybe|just|then))*\s+(?:\w+\s+)?(?:call (?:you |back|again)|get back to you|send (?:you|it|them|the|a|my)|email you|dm you|message you|let you know|contact you|check and (?:get back|let you know))/;

/** Who on the company's side takes on a task. */
const TASK_OWNER = '(?:i|we|our team|a (?:technician|specialist|courier))';
/** The company's side commits to a task. */
const AGENT_TASK = new RegExp(
  String.raw`\b${TASK_OWNER}${WILL}(?:\s+(?:now|also|just|personally|immediately|go ahead and|be able to|be sure to|make sure to|definitely|certainly))?\s+(?:process|issue|refund|replace|ship|send|escalate|investigate|look into|check on|credit|waive|cancel|update|reset|schedule|arrange|book|fix|repair|raise|submit|file|forward|pass|add|remove|reverse|reactivate|activate|unlock|order|dispatch|review|apply|change|open|log)\b`,
);
const PROMISE_START = new RegExp(`^${TASK_OWNER}${WILL}\\b`, 'i');

/**
 * Whether an action item's task is still to be done, said as a promise ("I'll process the refund"), rather than
 * a booking already made ("an appointment for you … next Friday").
 */
export function isPromisedTask(task: string): boolean {
  return PROMISE_START.test(task);
}

/** The agent booked or confirmed an appointment or visit: both sides now owe it. */
const APPOINTMENT =
  /\b(?:i(?:'ve| have)|we(?:'ve| have)|i'll|we'll|i will|we will|i can|we can|let me)\s+(?:\w+\s+){0,2}?(?:book|booked|schedule|scheduled|set up|put you down|got you down|get you in|reserve|reserved|make|made)\b[^!?\n]{0,80}?\b(?:appointment|visit|slot|booking|reservation|service|inspection)\b|\b(?:your|an?|the) (?:[\w.:]+\s+){0,4}?(?:appointment|visit|slot) (?:is|for|at|on)\b/;

/** The agent reads a booking back for the customer to confirm ("Please confirm: an appointment for March 10th"). */
const PUT_FOR_CONFIRMATION = /\b(?:confirm|confirming|is (?:that|this) (?:right|correct|ok|okay))\b/;
/** The customer's reply that agrees ("Yes, that sounds fine", "Correct, thank you"). */
const AGREES =
  /^\W*(?:yes|yeah|yep|yup|correct|right|sure|ok|okay|perfect|great|please do|go ahead|that(?:'s| is| sounds) (?:right|correct|fine|good|great|perfect)|sounds (?:good|great|fine|perfect))\b/;

/**
 * Whether an appointment said in the agent's sentence stands. One read back for confirmation, or asked about, is
 * a proposal: it stands once the customer's next turn agrees, and not when they answer "No, I'd prefer 2:30".
 */
function appointmentStands(turns: readonly Turn[], index: number, span: Span): boolean {
  const turn = turns[index]!;
  const sentence = sentenceAround(turn.text, { start: span.start, end: span.start + 1 });
  // Words of two sentences ("we've made you feel this way. If you … schedule an appointment") make no booking,
  // nor does a condition ("if you decide to schedule an appointment").
  if (
    span.end > sentence.end ||
    inSubordinateClause(turn.text.slice(sentence.start), span.start - sentence.start)
  )
    return false;
  const said = matchForm(turn.text.slice(sentence.start, sentence.end));
  const proposed =
    said.trimEnd().endsWith('?') || PUT_FOR_CONFIRMATION.test(said.slice(0, span.start - sentence.start));
  if (!proposed) return true;
  const reply = turns.slice(index + 1).find((next) => next.role === 'customer');
  return reply !== undefined && AGREES.test(matchForm(reply.text));
}

/** The agent asks the customer to do something after the call. */
const CUSTOMER_TASK =
  /\b(?:you(?:'ll|\s+will)\s+need to|you need to|you(?:'ll|\s+will)\s+have to|you should|make sure (?:to|you)|remember to|don't forget to|next time,? (?:you can|just))\s+(?:try|restart|reboot|reinstall|update|check|send|dm|call|visit|bring|return|fill|upload|reset|log|contact|follow|go|click|tap|confirm|reply|complete|sign|take|keep|bring|print|provide|submit|email|drop|ship|pack|download|enable|disable|turn|unplug|plug)\b/;

/** The rest of the sentence from the commitment's start: what was promised, in the speaker's words. */
function commitmentText(text: string, span: Span, maxLength = 140): string {
  const end = sentenceAround(text, span, maxLength * 2).end;
  const fragment = text
    .slice(span.start, end)
    .replace(/[.!?…]+$/, '')
    .trim();
  return fragment.length > maxLength ? `${fragment.slice(0, maxLength).replace(/\s+\S*$/, '')}…` : fragment;
}

function locate(turn: Turn, pattern: RegExp): Span | undefined {
  const match = pattern.exec(matchForm(turn.text));
  return match ? { start: match.index, end: match.index + match[0].length } : undefined;
}

/** The deadline said in the commitment's own clause: from where it starts to the end of its sentence. */
function dueOf(turn: Turn, span: Span, reference: Date | undefined) {
  const end = sentenceAround(turn.text, span).end;
  const text = matchForm(turn.text.slice(span.start, end));
  const due = extractDueDate(text, reference);
  return { due: due?.due ?? null, dueDate: due?.dueDate ?? null };
}

/** Promises to call, email or get back, by either side; each with its deadline when one was said. */
export function findCallbackPromises(conversation: Conversation, reference?: Date): CallbackPromise[] {
  const promises: CallbackPromise[] = [];
  for (const turn of conversation.turns) {
    const patterns =
      turn.role === 'agent'
        ? [AGENT_CONTACT, EXPECT_CONTACT]
        : turn.role === 'customer'
          ? [CUSTOMER_CONTACT]
          : [];
    for (const pattern of patterns) {
      const span = locate(turn, pattern);
      if (!span) continue;
      promises.push({
        promisedBy: turn.role === 'customer' ? 'customer' : 'agent',
        promise: commitmentText(turn.text, span),
        ...dueOf(turn, span, reference),
        evidence: [citeTurn(turn, span)],
      });
      break; // one promise per turn: the same sentence often matches twice
    }
  }
  return promises;
}

/** Tasks the company committed to and steps the customer was asked to take. */
export function findActionItems(conversation: Conversation, reference?: Date): ActionItem[] {
  const items: ActionItem[] = [];
  conversation.turns.forEach((turn, index) => {
    if (turn.role !== 'agent') return;
    const agentSpan = locate(turn, AGENT_TASK);
    if (agentSpan) {
      const text = commitmentText(turn.text, agentSpan);
      items.push({
        owner: /^(?:we|our)\b/i.test(text) ? 'company' : 'agent',
        task: text,
        ...dueOf(turn, agentSpan, reference),
        evidence: [citeTurn(turn, agentSpan)],
      });
    }
    const appointmentSpan = agentSpan ? undefined : locate(turn, APPOINTMENT);
    if (appointmentSpan && appointmentStands(conversation.turns, index, appointmentSpan)) {
      items.push({
        owner: 'company',
        task: commitmentText(turn.text, appointmentSpan),
        ...dueOf(turn, appointmentSpan, reference),
        evidence: [citeTurn(turn, appointmentSpan)],
      });
    }
    const customerSpan = locate(turn, CUSTOMER_TASK);
    if (customerSpan) {
      items.push({
        owner: 'customer',
        task: commitmentText(turn.text, customerSpan),
        ...dueOf(turn, customerSpan, reference),
        evidence: [citeTurn(turn, customerSpan)],
      });
    }
  });
  return items;
}
