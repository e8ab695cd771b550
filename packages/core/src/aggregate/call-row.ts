import { STOPWORDS, tokenize } from '../analyze/text.js';
import type { CallSummaryRow, CommitmentRow } from '../schema/aggregate.js';
import type { CallAnalysis } from '../schema/analysis.js';
import { type Evidence, OTHER_TOPIC_ID } from '../schema/insights.js';

const round = (value: number, digits = 4) => Number(value.toFixed(digits));

/** Most words an `other`-topic call keeps for clustering: the problem statement, not the whole call. */
const MAX_TERMS = 24;

/** Mentions, links and numbers say nothing about why a customer called. */
const NOISE = /https?:\/\/\S+|@\w+|#/g;

/** Lowercase content words in order of first appearance. */
export function contentWords(texts: readonly string[], limit = MAX_TERMS): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    for (const token of tokenize(text.replace(NOISE, ' '))) {
      const word = token.text.replace(/'/g, '');
      if (word.length < 3 || /\d/.test(word) || STOPWORDS.has(token.text) || STOPWORDS.has(word)) continue;
      words.add(word);
      if (words.size >= limit) return [...words];
    }
  }
  return [...words];
}

/** Words that say why the customer called: the quotes behind topic, complaint and summary (and an LLM's summary). */
function callReasonTexts(analysis: CallAnalysis): string[] {
  const { insights } = analysis;
  // Stored insights type their evidence lists loosely (one builder serves draft and stored forms).
  const lists = [
    insights.intent.primary.evidence,
    insights.complaint.evidence,
    insights.summary.evidence,
    ...insights.keyInsights.map((insight) => insight.evidence),
  ] as Evidence[][];
  const quotes = lists.flat().map((evidence) => evidence.quote);
  // The offline summary is a template; a model's summary is the customer's problem in a few words.
  return insights.method === 'llm' ? [insights.summary.text, ...quotes] : quotes;
}

const normalized = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * What the customer is owed after the call: the memory box's deliverables, plus the company side's
 * callback promises and action items in case a model left them out of the memory box.
 */
function commitmentsOf(analysis: CallAnalysis): CommitmentRow[] {
  const { insights } = analysis;
  const callbacks = new Set(
    insights.callbackPromises
      .filter((promise) => promise.promisedBy === 'agent')
      .map((promise) => normalized(promise.promise)),
  );
  const rows: CommitmentRow[] = [];
  const seen = new Set<string>();
  const add = (row: CommitmentRow) => {
    const key = normalized(row.text);
    if (seen.has(key)) return;
    seen.add(key);
    rows.push(row);
  };
  for (const item of insights.memory.deliverables) {
    if (item.owner === 'customer') continue;
    const kind = callbacks.has(normalized(item.item)) ? 'callback' : 'action';
    add({ kind, text: item.item, owner: item.owner, due: item.due, dueDate: item.dueDate });
  }
  for (const promise of insights.callbackPromises) {
    if (promise.promisedBy !== 'agent') continue;
    add({
      kind: 'callback',
      text: promise.promise,
      owner: 'agent',
      due: promise.due,
      dueDate: promise.dueDate,
    });
  }
  for (const item of insights.actionItems) {
    if (item.owner === 'customer') continue;
    add({ kind: 'action', text: item.task, owner: item.owner, due: item.due, dueDate: item.dueDate });
  }
  return rows;
}

/** First and last quarter scores in which the customer spoke. */
function sentimentEnds(analysis: CallAnalysis): { start?: number; end?: number } {
  const spoken = analysis.insights.sentiment.customer.trend.filter(
    (entry): entry is { quarter: number; score: number } => entry.score !== null,
  );
  if (spoken.length < 2) return {};
  return { start: spoken[0]?.score as number, end: spoken.at(-1)?.score as number };
}

/** Flattens one analysis to the row the roll-up works from. Tolerates every optional field being absent. */
export function callRowOf(analysis: CallAnalysis, name?: string): CallSummaryRow {
  const { metrics, insights, metadata } = analysis;
  const agentSpeakers = metrics.speakers.filter((speaker) => speaker.role === 'agent');
  const agentTalk = agentSpeakers.reduce((sum, speaker) => sum + speaker.talkRatio, 0);
  const rolesKnown = agentSpeakers.length > 0 && metrics.talkTimeSec > 0;
  const latency =
    metrics.responseLatency?.basis === 'agent-after-customer' ? metrics.responseLatency.medianSec : undefined;
  const ends = sentimentEnds(analysis);
  const topicId = insights.intent.primary.topicId;
  const performance = insights.agentPerformance;
  return {
    callId: analysis.callId,
    ...(name && name !== analysis.callId ? { name } : {}),
    ...(metadata.startedAt ? { startedAt: metadata.startedAt } : {}),
    analyzedAt: analysis.provenance.analyzedAt,
    ...(metadata.agentId ? { agentId: metadata.agentId } : {}),
    ...(metadata.customerId ? { customerId: metadata.customerId } : {}),
    channel: metrics.durationSec > 0 ? 'voice' : 'chat',
    durationSec: metrics.durationSec,
    talkTimeSec: metrics.talkTimeSec,
    nonTalkRatio: metrics.nonTalkRatio,
    ...(rolesKnown ? { agentTalkRatio: round(Math.min(1, agentTalk)) } : {}),
    agentInterruptions: agentSpeakers.reduce((sum, speaker) => sum + speaker.interruptionsMade, 0),
    interruptions: metrics.interruptions.count,
    deadAirSec: metrics.deadAir.totalSec,
    ...(latency !== undefined ? { responseLatencySec: latency } : {}),
    topicId,
    customerSentiment: insights.sentiment.customer.label,
    // An unknown sentiment has no score: a 0 would read as a neutral customer and pull averages to it.
    customerScore: insights.sentiment.customer.label === 'unknown' ? null : insights.sentiment.customer.score,
    ...(ends.start !== undefined ? { sentimentStart: ends.start, sentimentEnd: ends.end } : {}),
    csat: insights.satisfaction.predictedScore,
    complaint: insights.complaint.isComplaint,
    ...(insights.complaint.type ? { complaintType: insights.complaint.type } : {}),
    resolution: insights.resolution.status,
    escalationRisk: insights.escalation.risk,
    escalationDrivers: [...insights.escalation.drivers]
      .sort((a, b) => b.impact - a.impact)
      .slice(0, 3)
      .map(({ driver, impact }) => ({ driver, impact })),
    compliance: Object.fromEntries(insights.compliance.map((rule) => [rule.ruleId, rule.status])),
    qa: {
      professionalism: performance.professionalism,
      empathy: performance.empathy,
      knowledge: performance.knowledge,
    },
    commitments: commitmentsOf(analysis),
    categories: (analysis.categories ?? []).map((category) => category.id),
    ...(topicId === OTHER_TOPIC_ID ? { terms: contentWords(callReasonTexts(analysis)) } : {}),
    method: insights.method,
    degraded: analysis.provenance.degraded.length > 0,
  };
}

/** Whether the customer was negative; undefined when the sentiment is unknown (no customer speech, say). */
export const isNegative = (call: CallSummaryRow): boolean | undefined =>
  call.customerSentiment === 'unknown' ? undefined : call.customerSentiment === 'negative';

/** Whether the call was resolved; undefined when the text does not say (the outcome is unknown). */
export const isResolved = (call: CallSummaryRow): boolean | undefined =>
  call.resolution === 'unknown' ? undefined : call.resolution === 'resolved';
