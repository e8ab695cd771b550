import { contentHash } from '../../cache/hash.js';
import type { Conversation } from '../../schema/conversation.js';
import {
  type EmotionName,
  type EvidenceDraft,
  type InsightsDraft,
  OTHER_TOPIC_ID,
  type RunningSummaryDraft,
} from '../../schema/insights.js';
import type { CallMetrics } from '../../schema/metrics.js';
import { citeTurn } from '../evidence.js';
import type { MemoryContext } from '../memory/memory-box.js';
import { riskLevelOf } from '../risk-level.js';
import { tokenize } from '../text.js';
import { assessAgent } from './coaching.js';
import { findActionItems, findCallbackPromises } from './commitments.js';
import {
  type ComplianceRule,
  type ComplianceRuleInput,
  DEFAULT_COMPLIANCE_RULES,
  evaluateCompliance,
  parseComplianceRules,
} from './compliance.js';
import { assessComplaint, predictSatisfaction } from './customer-state.js';
import { referenceDate } from './due-dates.js';
import {
  CHURN_CUES,
  EMOTION_CUES,
  LEGAL_CUES,
  POLITE_THANKS_CUES,
  REPEAT_CONTACT_CUES,
  STRONG_GRATITUDE_CUES,
  SUPERVISOR_CUES,
} from './lexicon/cues.js';
import { assessOutcome, cite, cueHits } from './outcome.js';
import { runningSummary } from './running-summary.js';
import { summarize } from './summary.js';
import { DEFAULT_TAXONOMY, type Taxonomy, type Topic, TopicMatcher } from './taxonomy.js';
import { POSITIVE_TURN, type ScoredTurn, scoreTurns, speakerSentiment } from './turn-features.js';

type Draft = InsightsDraft;

const INTRODUCTION =
  /\b(?:[Mm]y name(?: is|'s)|[Tt]his is|[Yy]ou(?:'re| are) (?:speaking|chatting) (?:with|to)) [A-Z][a-z]+\b|\b(?:[Tt]hanks?|[Tt]hank you) for (?:calling|contacting|reaching out to|getting in touch with)(?: [A-Z][\w&]*)*/g;

/**
 * "Charge" said of a battery ("is the controller fully charged?", "my phone won't charge", "the charger") is not
 * billing; a charge made to someone ("didn't charge me", "charged twice") still is.
 */
const DEVICE_CHARGING =
  /\bchargers?\b|\bcharging (?:port|cable|case|dock|station|pad|lead|socket)s?\b|\b(?:fully|partly|partially|half) charged\b|\b(?:not|isn't|wasn't|won't|doesn't|don't|didn't|does not|did not|will not|stopped|stops|keeps?) (?:charge|charging)\b(?! (?:me|us|my|our|you|your|twice|again|for|a|an|the|extra|any|anything)\b)(?! ?[$£€\d])/gi;

/**
 * Asking for a business's phone number, address or postcode ("May I have their phone numbers?", "what is the
 * address?") is no change to the customer's own details ("my address", "the email address on my account").
 */
const BUSINESS_CONTACT =
  /\b(?:(?:the|their|its|your)\s+(?:(?:phone|telephone|contact)\s+numbers?|numbers?|address(?:es)?|post\s?codes?|e-?mail(?:\s+address)?|website)|an?\s+(?:phone|telephone|contact)\s+number)\b(?!\s+(?:on|for|of|in)\s+(?:my|the|our)\s+account)/gi;

/** How a chat moves to a private channel ("shall I direct message them to you?", "DM'd you") is no topic. */
const CHANNEL_TALK = /\b(?:direct|private)\s+messag(?:e|es|ed|ing)\b|\bdm(?:'?d|s|ed|ing)?\b/gi;

/** A topic is named in the summary only when the matcher is at least this confident (see the reliability table). */
const NAMED_TOPIC_CONFIDENCE = 0.5;

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
    const abstentions: Draft['abstentions'] = [];
    const rolesKnown = customer.length > 0 && agent.length > 0;
    // A silent recording (or one whose speech ended in no words) has no speakers to identify.
    const nothingSaid = turns.length === 0;
    if (customer.length === 0)
      abstentions.push({
        field: 'customer',
        reason: nothingSaid
          ? 'nothing was said (no speech ended in words): customer sentiment, complaint, satisfaction and outcome are unknown'
          : agent.length === 0
            ? 'agent and customer were not identified: customer sentiment, complaint, satisfaction and outcome are unknown'
            : 'no turn was attributed to the customer: customer sentiment, complaint and satisfaction are unknown',
      });
    if (agent.length === 0)
      abstentions.push({
        field: 'agentPerformance',
        reason: 'no turn was attributed to the agent: there is nobody to rate or coach',
      });

    const customerSentiment = speakerSentiment(customer);
    const agentSentiment = speakerSentiment(agent);
    const emotions = this.emotions(customer);
    const intent = this.intent(customer.length > 0 ? customer : turns);
    if (intent.primary.topicId === OTHER_TOPIC_ID)
      abstentions.push({
        field: 'intent',
        reason: 'no topic of the taxonomy is supported by the words said',
      });

    const complaint = assessComplaint(customer, customerSentiment, emotions);
    const churn = cueHits(customer, CHURN_CUES);
    const supervisor = cueHits(customer, SUPERVISOR_CUES);
    const legal = cueHits(customer, LEGAL_CUES);
    const repeat = cueHits(customer, REPEAT_CONTACT_CUES);
    const emotionOf = (name: EmotionName) => emotions.find((emotion) => emotion.emotion === name);

    const outcome = assessOutcome(customer, agent, complaint.isComplaint);
    const resolution = outcome.resolution;
    if (outcome.unknownReason)
      abstentions.push({
        field: 'resolution',
        reason: nothingSaid ? 'nothing was said' : outcome.unknownReason,
      });

    // Escalation risk: points per driver, damped when the call ended resolved and on a good note.
    const drivers: Draft['escalation']['drivers'] = [];
    const addDriver = (driver: string, impact: number, evidence: EvidenceDraft[]) => {
      if (impact > 0) drivers.push({ driver, impact: Math.round(impact), evidence });
    };
    if (customerSentiment.label === 'negative' || customerSentiment.label === 'mixed') {
      const worst = customer.reduce((low, entry) => Math.min(low, entry.sentiment.score), 0);
      addDriver(
        'negative customer sentiment',
        10 + 20 * Math.abs(worst),
        customerSentiment.evidence.slice(0, 1),
      );
    }
    let finalQuarter = 0;
    for (const entry of customerSentiment.trend) if (entry.score !== null) finalQuarter = entry.score;
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
    // Without customer turns a risk would rest on nothing said: it is unknown, not "low".
    let escalation: Draft['escalation'] = { risk, level: riskLevelOf(risk), drivers };
    if (customer.length === 0) {
      escalation = { risk: null, level: riskLevelOf(null), drivers: [] };
      abstentions.push({
        field: 'escalation',
        reason: 'without customer turns the risk rests on nothing said',
      });
    }

    const topicIds = [intent.primary.topicId, ...intent.secondary.map((topic) => topic.topicId)];
    const compliance = evaluateCompliance(this.rules, conversation, { topicIds });
    const reference = referenceDate(options.startedAt);
    const callbackPromises = findCallbackPromises(conversation, reference);
    const actionItems = findActionItems(conversation, reference);

    const satisfaction = predictSatisfaction(customer, resolution, emotions);
    if (satisfaction.label === 'unknown')
      abstentions.push({
        field: 'satisfaction',
        reason: customer.length === 0 ? 'no customer turns' : 'too little customer speech to judge',
      });

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

    const summary = summarize({
      nothingSaid,
      customer,
      agent,
      complaint,
      outcome,
      callbackPromises,
      actionItems,
      topicTerms: this.topicTermCounter(intent.primary.topicId),
      topicLabel:
        intent.primary.topicId !== OTHER_TOPIC_ID && intent.primary.confidence >= NAMED_TOPIC_CONFIDENCE
          ? topicLabel
          : undefined,
    });
    const keyInsights: Draft['keyInsights'] = [];
    const topDriver = escalation.drivers[0];
    if (topDriver && escalation.risk !== null && escalation.risk >= 35)
      keyInsights.push({
        insight: `Escalation risk ${escalation.risk}/100, mainly from ${topDriver.driver}`,
        evidence: topDriver.evidence,
      });
    if (complaint.isComplaint && complaint.type) {
      keyInsights.push({
        insight: `${humanize(complaint.type)} complaint (${complaint.severity} severity)`,
        evidence: complaint.evidence,
      });
    }
    if (resolution.status !== 'unknown')
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
      complaint.isComplaint === null ? undefined : complaint.isComplaint ? 'complaint' : 'inquiry',
      complaint.type ?? undefined,
      resolution.status === 'unknown' ? undefined : resolution.status,
      escalation.level === 'high' ? 'high-escalation-risk' : undefined,
      callbackPromises.length > 0 ? 'callback-promised' : undefined,
      compliance.some((result) => result.status === 'fail') ? 'compliance-issue' : undefined,
      rolesKnown ? undefined : 'roles-unknown',
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
      escalation,
      compliance,
      callbackPromises,
      actionItems,
      keyInsights,
      tags: [...new Set(tags)],
      agentPerformance,
      memory,
      abstentions,
    };
  }

  /**
   * A long call told in parts (see `runningSummary`), for the insights of either method: the topic and the
   * complaint come from the call's insights, so a model's reading steers which sentences are quoted.
   */
  runningSummary(
    conversation: Conversation,
    insights: Pick<Draft, 'intent' | 'complaint'>,
  ): RunningSummaryDraft {
    const turns = scoreTurns(conversation);
    // Without both roles there is nobody to attribute a part to; the summary already says so.
    if (
      !turns.some((entry) => entry.turn.role === 'customer') ||
      !turns.some((entry) => entry.turn.role === 'agent')
    )
      return [];
    return runningSummary(
      turns,
      insights.complaint.isComplaint,
      this.topicTermCounter(insights.intent.primary.topicId),
    );
  }

  /** How many of a topic's own words a text contains. */
  private topicTermCounter(topicId: string): (text: string) => number {
    const terms = this.matcher.termsOf(topicId);
    return (text) =>
      tokenize(text).filter((token) => (terms.get(this.matcher.stemOf(token.text)) ?? 0) >= 1).length;
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
    const texts = turns.map((entry) =>
      entry.turn.text
        .replace(INTRODUCTION, ' ')
        .replace(DEVICE_CHARGING, ' battery ')
        .replace(BUSINESS_CONTACT, ' ')
        .replace(CHANNEL_TALK, ' '),
    );
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
    const primaryEvidence = evidenceFor(best.topicId);
    if (primaryEvidence.length === 0 || !this.matcher.grounded(best.topicId, texts)) {
      return { primary: { topicId: OTHER_TOPIC_ID, confidence: 0, evidence: [] }, secondary: [] };
    }
    return {
      primary: { topicId: best.topicId, confidence: best.confidence, evidence: primaryEvidence },
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
    // Only an outcome the text shows as open is an open issue; an unknown one (unidentified speakers, a
    // call that ends before it says) is an abstention, already given with its reason, not a finding.
    const status = input.resolution.status;
    if (status === 'unresolved' || status === 'partially_resolved') {
      openIssues.push({
        issue: `${input.topicLabel}${input.complaint.type ? ` (${humanize(input.complaint.type)})` : ''}: ${humanize(input.resolution.status)}`,
        evidence: input.complaint.evidence.length > 0 ? input.complaint.evidence : input.resolution.evidence,
      });
    }
    return { deliverables, openIssues };
  }
}
