import { contentHash } from '../../cache/hash.js';
import type { Conversation } from '../../schema/conversation.js';
import {
  type ComplaintType,
  type EmotionName,
  type EvidenceDraft,
  type InsightsDraft,
  OTHER_TOPIC_ID,
  type ResolutionCategory,
  type ResolutionStatus,
} from '../../schema/insights.js';
import type { CallMetrics } from '../../schema/metrics.js';
import { citeTurn } from '../evidence.js';
import type { MemoryContext } from '../memory/memory-box.js';
import { countCues, findCue, matchForm, type Span, tokenize } from '../text.js';
import { assessAgent } from './coaching.js';
import { findActionItems, findCallbackPromises } from './commitments.js';
import {
  type ComplianceRule,
  type ComplianceRuleInput,
  DEFAULT_COMPLIANCE_RULES,
  evaluateCompliance,
  parseComplianceRules,
} from './compliance.js';
import { referenceDate } from './due-dates.js';
import {
  CHURN_CUES,
  COMPLAINT_TYPE_CUES,
  DECLINED_CUES,
  EMOTION_CUES,
  FIXED_CUES,
  FOLLOW_UP_CUES,
  INFORMATION_CUES,
  LEGAL_CUES,
  POLITE_THANKS_CUES,
  PROBLEM_CUES,
  QUESTION_CUES,
  REPEAT_CONTACT_CUES,
  STILL_UNRESOLVED_CUES,
  STRONG_GRATITUDE_CUES,
  SUPERVISOR_CUES,
  TRANSACTION_DONE_CUES,
} from './lexicon/cues.js';
import { DEFAULT_TAXONOMY, type Taxonomy, type Topic, TopicMatcher } from './taxonomy.js';
import {
  NEGATIVE_TURN,
  POSITIVE_TURN,
  type ScoredTurn,
  scoreTurns,
  speakerSentiment,
} from './turn-features.js';

type Draft = InsightsDraft;

const INTRODUCTION =
  /\b(?:[Mm]y name(?: is|'s)|[Tt]his is|[Yy]ou(?:'re| are) (?:speaking|chatting) (?:with|to)) [A-Z][a-z]+\b|\b(?:[Tt]hanks?|[Tt]hank you) for (?:calling|contacting|reaching out to|getting in touch with)(?: [A-Z][\w&]*)*/g;

/** The customer closes contentedly ("that's all I need", "I'm set", "all good"). */
const CONTENT_CLOSE =
  /\b(?:that(?:'s| is| was| will be) (?:all|everything|it)|that'?ll be all|i'm (?:set|good|all set)|all good|no,? (?:that's|thats) (?:it|all)|that's (?:great|perfect|fine)|sounds (?:good|great))\b/;

export interface HeuristicAnalyzerOptions {
  /** Topics to classify calls into; default: a general contact-center taxonomy. */
  taxonomy?: Taxonomy;
  /** Rules to check; default: greeting, recording disclosure, identity verification, language, closing. */
  complianceRules?: readonly ComplianceRuleInput[];
}

export interface AnalyzeTextOptions {
  metrics?: CallMetrics;
  memory?: MemoryContext;
  /** ISO timestamp of the call's start (metadata.startedAt): resolves "tomorrow" to a date. */
  startedAt?: string;
}

interface CueHit {
  entry: ScoredTurn;
  span: Span;
}

function cueHits(turns: readonly ScoredTurn[], patterns: readonly RegExp[]): CueHit[] {
  const hits: CueHit[] = [];
  for (const entry of turns) {
    const span = findCue(entry.turn.text, patterns);
    if (span) hits.push({ entry, span });
  }
  return hits;
}

const cite = (hit: CueHit | undefined): EvidenceDraft[] => (hit ? [citeTurn(hit.entry.turn, hit.span)] : []);
const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const humanize = (id: string) => id.replace(/[_-]+/g, ' ');

/**
 * The offline analyzer: lexicon sentiment with negation and its trend per quarter, taxonomy matching,
 * complaint, resolution and escalation cues, rule-based compliance, promise and action-item patterns
 * with due dates, and coaching from cues and metrics. Same schema as the language model's answer
 * (`method: 'heuristic'`), every insight with the turns and words it rests on.
 */
export class HeuristicAnalyzer {
  readonly taxonomy: Taxonomy;
  readonly rules: ComplianceRule[];
  private readonly matcher: TopicMatcher;
  private readonly topicsById: Map<string, Topic>;

  constructor(options: HeuristicAnalyzerOptions = {}) {
    this.taxonomy = options.taxonomy ?? DEFAULT_TAXONOMY;
    this.matcher = new TopicMatcher(this.taxonomy);
    this.topicsById = new Map(this.taxonomy.map((topic) => [topic.id, topic]));
    this.rules = parseComplianceRules(options.complianceRules ?? DEFAULT_COMPLIANCE_RULES);
  }

  analyze(conversation: Conversation, options: AnalyzeTextOptions = {}): Draft {
    const turns = scoreTurns(conversation);
    const customer = turns.filter((entry) => entry.turn.role === 'customer');
    const agent = turns.filter((entry) => entry.turn.role === 'agent');

    const customerSentiment = speakerSentiment(customer);
    const agentSentiment = speakerSentiment(agent);
    const emotions = this.emotions(customer);
    const intent = this.intent(customer.length > 0 ? customer : turns);

    // Complaint or question: a reported problem or clearly negative mood makes it a complaint.
    const problems = cueHits(customer, PROBLEM_CUES);
    const negativeCustomer = customer.filter((entry) => entry.sentiment.score <= NEGATIVE_TURN);
    const emotionOf = (name: EmotionName) => emotions.find((emotion) => emotion.emotion === name);
    const isComplaint = problems.length > 0 || negativeCustomer.length > 0;
    const churn = cueHits(customer, CHURN_CUES);
    const supervisor = cueHits(customer, SUPERVISOR_CUES);
    const legal = cueHits(customer, LEGAL_CUES);
    const repeat = cueHits(customer, REPEAT_CONTACT_CUES);
    const severity: Draft['complaint']['severity'] = !isComplaint
      ? 'none'
      : legal.length > 0
        ? 'critical'
        : churn.length > 0 || supervisor.length > 0 || emotionOf('anger')
          ? 'high'
          : negativeCustomer.length > 0 || repeat.length > 0 || emotionOf('frustration')
            ? 'medium'
            : 'low';
    const complaintEvidence =
      problems[0] ?? (negativeCustomer[0] ? { entry: negativeCustomer[0], span: undefined } : undefined);
    const complaint: Draft['complaint'] = {
      isComplaint,
      type: isComplaint
        ? this.complaintType(problems.length > 0 ? problems.map((hit) => hit.entry) : negativeCustomer)
        : null,
      severity,
      evidence: complaintEvidence ? [citeTurn(complaintEvidence.entry.turn, complaintEvidence.span)] : [],
    };

    const resolution = this.resolution(turns, customer, agent, isComplaint);

    // Escalation risk: points per driver, damped when the call ended resolved and on a good note.
    const drivers: Draft['escalation']['drivers'] = [];
    const addDriver = (driver: string, impact: number, evidence: EvidenceDraft[]) => {
      if (impact > 0) drivers.push({ driver, impact: Math.round(impact), evidence });
    };
    if (negativeCustomer.length > 0) {
      const worst = negativeCustomer.reduce((low, entry) => Math.min(low, entry.sentiment.score), 0);
      addDriver(
        'negative customer sentiment',
        10 + 20 * Math.abs(worst),
        customerSentiment.evidence.slice(0, 1),
      );
    }
    const finalQuarter = customerSentiment.trend.filter((entry) => entry.score !== null).at(-1)?.score ?? 0;
    if (customerSentiment.trajectory === 'worsening' && finalQuarter < 0) {
      addDriver('sentiment worsened during the call', 10, []);
    }
    const anger = emotionOf('anger');
    const frustration = emotionOf('frustration');
    if (anger) addDriver('anger', 20 * anger.intensity, anger.evidence);
    if (frustration) addDriver('frustration', 12 * frustration.intensity, frustration.evidence);
    if (repeat[0]) addDriver('repeat contact', 15, cite(repeat[0]));
    if (churn[0]) addDriver('threat to cancel or leave', 25, cite(churn[0]));
    if (supervisor[0]) addDriver('asked for a supervisor or escalation', 20, cite(supervisor[0]));
    if (legal[0]) addDriver('legal or regulatory threat', 30, cite(legal[0]));
    if (resolution.status === 'unresolved')
      addDriver(`unresolved (${humanize(resolution.category)})`, 15, resolution.evidence);
    else if (resolution.status === 'partially_resolved')
      addDriver('only partially resolved', 5, resolution.evidence);
    const closingCustomer = customer.at(-1);
    const endedWell = resolution.status === 'resolved' && (closingCustomer?.sentiment.score ?? 0) >= 0;
    const rawRisk = 5 + drivers.reduce((total, driver) => total + driver.impact, 0);
    const risk = Math.round(clamp(rawRisk * (endedWell ? 0.6 : 1), 0, 100));
    drivers.sort((a, b) => b.impact - a.impact);

    const topicIds = [intent.primary.topicId, ...intent.secondary.map((topic) => topic.topicId)];
    const compliance = evaluateCompliance(this.rules, conversation, { topicIds });
    const reference = referenceDate(options.startedAt);
    const callbackPromises = findCallbackPromises(conversation, reference);
    const actionItems = findActionItems(conversation, reference);

    const gratitude = emotionOf('gratitude');
    const endScore =
      customer.slice(-2).reduce((total, entry) => total + entry.sentiment.score, 0) /
      Math.max(1, Math.min(2, customer.length));
    const predicted = clamp(
      3 +
        1.5 * endScore +
        (resolution.status === 'resolved' ? 0.7 : resolution.status === 'unresolved' ? -0.7 : 0) +
        (gratitude && gratitude.intensity >= 0.6 ? 0.3 : 0) -
        (anger ? 0.7 : 0) -
        (frustration ? 0.3 : 0),
      1,
      5,
    );
    const satisfaction: Draft['satisfaction'] = {
      predictedScore: round(predicted, 1),
      label: predicted >= 3.5 ? 'satisfied' : predicted <= 2.5 ? 'dissatisfied' : 'neutral',
      evidence: closingCustomer ? [citeTurn(closingCustomer.turn, this.sentimentSpan(closingCustomer))] : [],
    };

    const topic = this.topicsById.get(intent.primary.topicId);
    const topicLabel =
      topic?.label ??
      (intent.primary.topicId === OTHER_TOPIC_ID ? 'Other' : humanize(intent.primary.topicId));
    const agentPerformance = assessAgent({
      turns,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      compliance,
      ruleDescriptions: new Map(this.rules.map((rule) => [rule.id, rule.description])),
      resolved: resolution.status === 'resolved',
      topicLabel,
      otherTopicLabels: this.taxonomy
        .filter((candidate) => candidate.id !== intent.primary.topicId)
        .slice(0, 3)
        .map((candidate) => candidate.label ?? humanize(candidate.id)),
      seed: Number.parseInt(contentHash(conversation.callId).slice(0, 6), 16),
    });

    const summary = this.summary({
      rolesKnown: customer.length > 0,
      subject:
        intent.primary.topicId === OTHER_TOPIC_ID ? 'a topic outside the taxonomy' : topicLabel.toLowerCase(),
      complaint,
      resolution,
      callbackPromises,
      customerSentiment,
      problems,
    });
    const keyInsights: Draft['keyInsights'] = [];
    if (drivers[0] && risk >= 35)
      keyInsights.push({
        insight: `Escalation risk ${risk}/100, mainly from ${drivers[0].driver}`,
        evidence: drivers[0].evidence,
      });
    if (complaint.isComplaint && complaint.type) {
      keyInsights.push({
        insight: `${humanize(complaint.type)} complaint (${complaint.severity} severity)`,
        evidence: complaint.evidence,
      });
    }
    keyInsights.push({
      insight: `Outcome: ${humanize(resolution.status)} (${humanize(resolution.category)})`,
      evidence: resolution.evidence,
    });
    for (const failed of compliance.filter((result) => result.status === 'fail').slice(0, 2)) {
      keyInsights.push({
        insight: `Compliance rule "${failed.ruleId}" failed: ${failed.explanation}`,
        evidence: failed.evidence,
      });
    }
    for (const promise of callbackPromises.slice(0, 2)) {
      keyInsights.push({
        insight: `${promise.promisedBy === 'agent' ? 'Agent' : 'Customer'} promised: ${promise.promise}`,
        evidence: promise.evidence,
      });
    }

    const tags = [
      intent.primary.topicId,
      complaint.isComplaint ? 'complaint' : 'inquiry',
      complaint.type ?? undefined,
      resolution.status,
      risk >= 65 ? 'high-escalation-risk' : undefined,
      callbackPromises.length > 0 ? 'callback-promised' : undefined,
      compliance.some((result) => result.status === 'fail') ? 'compliance-issue' : undefined,
      ...emotions.filter((emotion) => emotion.intensity >= 0.5).map((emotion) => emotion.emotion),
    ]
      .filter((tag): tag is string => !!tag)
      .map((tag) => tag.toLowerCase().replace(/[_\s]+/g, '-'));

    const memory = this.memory({
      options,
      resolution,
      complaint,
      topicLabel,
      callbackPromises,
      actionItems,
      intent,
    });

    return {
      summary,
      sentiment: { customer: customerSentiment, agent: agentSentiment },
      emotions,
      satisfaction,
      intent,
      complaint,
      resolution,
      escalation: { risk, level: risk >= 65 ? 'high' : risk >= 35 ? 'medium' : 'low', drivers },
      compliance,
      callbackPromises,
      actionItems,
      keyInsights,
      tags: [...new Set(tags)],
      agentPerformance,
      memory,
    };
  }

  private sentimentSpan(entry: ScoredTurn): Span | undefined {
    const sign = entry.sentiment.score >= 0 ? 1 : -1;
    return entry.sentiment.hits.find((hit) => Math.sign(hit.valence) === sign);
  }

  /** Customer emotions from cue phrases; intensity grows with repeated cues and the turn's sentiment. */
  private emotions(customer: readonly ScoredTurn[]): Draft['emotions'] {
    const emotions: Draft['emotions'] = [];
    for (const [name, patterns] of Object.entries(EMOTION_CUES) as [
      Exclude<EmotionName, 'gratitude'>,
      RegExp[],
    ][]) {
      const hits = cueHits(customer, patterns);
      const first = hits[0];
      if (!first) continue;
      const strongest = hits.reduce((high, hit) => Math.max(high, Math.abs(hit.entry.sentiment.score)), 0);
      emotions.push({
        emotion: name,
        speaker: 'customer',
        intensity: round(clamp(0.4 + 0.1 * (hits.length - 1) + 0.4 * strongest, 0, 1)),
        evidence: cite(first),
      });
    }
    // Gratitude: a formulaic "thanks" is courtesy (low intensity); praise or emphatic thanks is gratitude.
    const strong = cueHits(customer, STRONG_GRATITUDE_CUES);
    const polite = cueHits(customer, POLITE_THANKS_CUES);
    const gratitude = strong[0] ?? polite[0];
    if (gratitude) {
      const praise =
        strong.length > 0
          ? 0.7 + 0.1 * (strong.length - 1) + (gratitude.entry.sentiment.score >= POSITIVE_TURN ? 0.1 : 0)
          : 0.3;
      emotions.push({
        emotion: 'gratitude',
        speaker: 'customer',
        intensity: round(clamp(praise, 0, 1)),
        evidence: cite(gratitude),
      });
    }
    return emotions.sort((a, b) => b.intensity - a.intensity);
  }

  /** Taxonomy match over customer turns; the first turns (where the reason is stated) weigh most. */
  private intent(turns: readonly ScoredTurn[]): Draft['intent'] {
    // Introductions ("my name is Suzanne", "thanks for calling Acme") say nothing about why someone called.
    const texts = turns.map((entry) => entry.turn.text.replace(INTRODUCTION, ' '));
    const weights = turns.map((_entry, index) => (index < 3 ? 1 : 0.6));
    const ranked = this.matcher.match(texts, weights);
    const best = ranked[0];
    if (TopicMatcher.abstains(best) || !best) {
      return { primary: { topicId: OTHER_TOPIC_ID, confidence: 0, evidence: [] }, secondary: [] };
    }
    const evidenceFor = (topicId: string): EvidenceDraft[] => {
      const terms = this.matcher.termsOf(topicId);
      for (const entry of turns) {
        const token = tokenize(entry.turn.text).find(
          (candidate) => (terms.get(this.matcher.stemOf(candidate.text)) ?? 0) >= 0.5,
        );
        if (token) return [citeTurn(entry.turn, token)];
      }
      return [];
    };
    return {
      primary: { topicId: best.topicId, confidence: best.confidence, evidence: evidenceFor(best.topicId) },
      secondary: ranked
        .slice(1, 3)
        .filter((entry) => entry.score >= best.score * 0.6 && entry.score > 0)
        .map((entry) => ({
          topicId: entry.topicId,
          confidence: entry.confidence,
          evidence: evidenceFor(entry.topicId),
        })),
    };
  }

  /** The complaint type whose cues appear most in the customer's problem turns (earlier types win ties). */
  private complaintType(entries: readonly ScoredTurn[]): ComplaintType {
    let best: ComplaintType = 'other';
    let bestCount = 0;
    for (const [type, pattern] of COMPLAINT_TYPE_CUES) {
      const count = entries.filter((entry) => pattern.test(matchForm(entry.turn.text))).length;
      if (count > bestCount) {
        best = type;
        bestCount = count;
      }
    }
    return best;
  }

  /**
   * Resolution from the latest decisive event: something fixed or completed, the request declined, a
   * follow-up arranged, the customer saying it still does not work. Information-only contacts that end
   * without a problem count as resolved by information.
   */
  private resolution(
    turns: readonly ScoredTurn[],
    customer: readonly ScoredTurn[],
    agent: readonly ScoredTurn[],
    isComplaint: boolean,
  ): Draft['resolution'] {
    type Event = { status: ResolutionStatus; category: ResolutionCategory; hit: CueHit };
    const events: Event[] = [];
    const add = (hits: CueHit[], status: ResolutionStatus, category: ResolutionCategory) => {
      for (const hit of hits) events.push({ status, category, hit });
    };
    add(cueHits(customer, FIXED_CUES), 'resolved', 'issue_fixed');
    add(cueHits(agent, TRANSACTION_DONE_CUES), 'resolved', 'transaction_completed');
    add(cueHits(agent, DECLINED_CUES), 'unresolved', 'declined');
    add(cueHits(agent, SUPERVISOR_CUES), 'partially_resolved', 'escalated');
    add(cueHits(agent, FOLLOW_UP_CUES), 'partially_resolved', 'follow_up_scheduled');
    add(
      cueHits(
        customer.filter((entry) => entry.position >= 0.5),
        STILL_UNRESOLVED_CUES,
      ),
      'unresolved',
      'no_action',
    );
    // Later events decide; within one turn a completion outranks the apology that often precedes it.
    const rank: Record<ResolutionCategory, number> = {
      issue_fixed: 5,
      transaction_completed: 4,
      escalated: 3,
      follow_up_scheduled: 2,
      declined: 1,
      no_action: 1,
      information_provided: 0,
    };
    events.sort((a, b) => a.hit.entry.index - b.hit.entry.index || rank[a.category] - rank[b.category]);
    let decisive = events.at(-1);
    // Something got done: a later courtesy follow-up or a failed extra request does not undo it, unless
    // the customer says at the end that it still does not work.
    const completed = [...events].reverse().find((event) => event.status === 'resolved');
    if (decisive && completed && decisive !== completed && decisive.category !== 'no_action')
      decisive = completed;
    if (decisive)
      return { status: decisive.status, category: decisive.category, evidence: cite(decisive.hit) };

    // No decisive event: judge by how the customer closed.
    const lastCustomer = customer.at(-1);
    const lastAgent = agent.at(-1);
    const information =
      cueHits(agent, INFORMATION_CUES).at(-1) ??
      (lastAgent ? { entry: lastAgent, span: { start: 0, end: 1 } } : undefined);
    // The last few customer turns, since the very last is often just "bye".
    const closing = customer.slice(-3);
    const closedContent =
      closing.length > 0 &&
      closing.every((entry) => entry.sentiment.score > NEGATIVE_TURN) &&
      closing.some(
        (entry) =>
          entry.sentiment.score >= POSITIVE_TURN ||
          !!findCue(entry.turn.text, [...POLITE_THANKS_CUES, CONTENT_CLOSE]),
      );
    if (closedContent && information) {
      return {
        status: isComplaint ? 'partially_resolved' : 'resolved',
        category: 'information_provided',
        evidence: cite(information),
      };
    }
    const asked = customer.some((entry) => countCues(entry.turn.text, QUESTION_CUES) > 0);
    if (!isComplaint && asked && information && (lastCustomer?.sentiment.score ?? 0) > NEGATIVE_TURN) {
      return { status: 'partially_resolved', category: 'information_provided', evidence: cite(information) };
    }
    const last = turns.at(-1);
    return { status: 'unresolved', category: 'no_action', evidence: last ? [citeTurn(last.turn)] : [] };
  }

  private summary(input: {
    /** False when no turn is attributed to the customer: the summary must not invent one. */
    rolesKnown: boolean;
    /** What the call was about, ready for a sentence. */
    subject: string;
    complaint: Draft['complaint'];
    resolution: Draft['resolution'];
    callbackPromises: Draft['callbackPromises'];
    customerSentiment: Draft['sentiment']['customer'];
    problems: CueHit[];
  }): Draft['summary'] {
    const { subject, complaint, resolution } = input;
    const about = !input.rolesKnown
      ? `A conversation about ${subject} (agent and customer not identified)`
      : complaint.isComplaint
        ? `The customer raised a ${complaint.type && complaint.type !== 'other' ? `${humanize(complaint.type)} ` : ''}complaint about ${subject}`
        : `The customer asked about ${subject}`;
    const mood =
      input.customerSentiment.label === 'neutral'
        ? ''
        : ` (${input.customerSentiment.label} sentiment, ${input.customerSentiment.trajectory})`;
    const outcome = `Outcome: ${humanize(resolution.status)}, ${humanize(resolution.category)}.`;
    const promise = input.callbackPromises[0];
    const promised = promise
      ? ` The ${promise.promisedBy} promised: "${promise.promise}"${promise.due ? ` (${promise.due})` : ''}.`
      : '';
    return {
      text: `${about}${mood}. ${outcome}${promised}`,
      evidence: [...cite(input.problems[0]), ...resolution.evidence].slice(0, 2),
    };
  }

  /** Carries earlier open issues forward unless this call resolved the same topic; adds what is now owed. */
  private memory(input: {
    options: AnalyzeTextOptions;
    resolution: Draft['resolution'];
    complaint: Draft['complaint'];
    topicLabel: string;
    callbackPromises: Draft['callbackPromises'];
    actionItems: Draft['actionItems'];
    intent: Draft['intent'];
  }): Draft['memory'] {
    const deliverables: Draft['memory']['deliverables'] = [
      ...input.callbackPromises
        .filter((promise) => promise.promisedBy === 'agent')
        .map((promise) => ({
          item: promise.promise,
          owner: 'agent' as const,
          due: promise.due,
          dueDate: promise.dueDate,
          evidence: promise.evidence,
        })),
      ...input.actionItems
        .filter((item) => item.owner !== 'customer')
        .map((item) => ({
          item: item.task,
          owner: item.owner,
          due: item.due,
          dueDate: item.dueDate,
          evidence: item.evidence,
        })),
    ];
    const openIssues: Draft['memory']['openIssues'] = [];
    const previous = input.options.memory;
    const resolvedNow = input.resolution.status === 'resolved';
    const sameTopic = previous?.previousCalls.at(-1)?.topicId === input.intent.primary.topicId;
    if (previous && !(resolvedNow && sameTopic)) {
      for (const issue of previous.openIssues) openIssues.push({ issue, evidence: [] });
      for (const owed of previous.deliverables) {
        if (!deliverables.some((item) => item.item === owed.item)) {
          deliverables.push({
            item: owed.item,
            owner: owed.owner === 'customer' ? 'customer' : owed.owner === 'company' ? 'company' : 'agent',
            due: owed.due,
            dueDate: owed.dueDate,
            evidence: [],
          });
        }
      }
    }
    if (!resolvedNow) {
      openIssues.push({
        issue: `${input.topicLabel}${input.complaint.type ? ` (${humanize(input.complaint.type)})` : ''}: ${humanize(input.resolution.status)}`,
        evidence: input.complaint.evidence.length > 0 ? input.complaint.evidence : input.resolution.evidence,
      });
    }
    return { deliverables, openIssues };
  }
}
