import type { Cache, LanguageModel } from '@echolens/provider';
import { AbortError, describeError, type Logger, silentLogger } from '@echolens/provider';
import { z } from 'zod';
import { redactText } from '../analyze/privacy/redaction.js';
import { contentHash } from '../cache/hash.js';
import { generateStructured } from '../language-model/generate-structured.js';
import type { AggregateReport, ExecutiveSummary } from '../schema/aggregate.js';

/**
 * The executive summary is written from the computed metrics only, never from transcripts: with a
 * language model, one request fed a compact digest of the report (validated, cached by content hash);
 * without one, sentences built from the same numbers.
 */

type ReportBody = Omit<AggregateReport, 'executiveSummary'>;

const percent = (value: number | undefined) => `${Math.round((value ?? 0) * 100)} %`;
const humanize = (id: string) => id.replace(/[_-]+/g, ' ');
const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const plural = (count: number, word: string, many = `${word}s`) =>
  `${count.toLocaleString('en-US')} ${count === 1 ? word : many}`;

function formatDay(iso: string, withYear: boolean): string {
  const date = new Date(iso);
  return date.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    ...(withYear ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  });
}

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A summary a team lead could have written, from the report's numbers; deterministic. */
export function writtenSummary(report: ReportBody): ExecutiveSummary {
  const sentences: string[] = [];
  const count = report.callCount;
  if (count === 0) {
    const failed = report.failedCount > 0 ? ` ${plural(report.failedCount, 'input')} failed.` : '';
    return { text: `No calls were analysed.${failed}`, highlights: [], method: 'template' };
  }
  const { period } = report;
  const failed =
    report.failedCount > 0 ? ` (${plural(report.failedCount, 'more input')} could not be analysed)` : '';
  if (period.from && period.to) {
    const sameYear = period.from.slice(0, 4) === period.to.slice(0, 4);
    const span =
      period.from.slice(0, 10) === period.to.slice(0, 10)
        ? `on ${formatDay(period.to, true)}`
        : `from ${formatDay(period.from, !sameYear)} to ${formatDay(period.to, true)}`;
    const weeks = period.weeks.length > 1 ? ` (${plural(period.weeks.length, 'week')})` : '';
    const undated = period.undatedCalls > 0 ? `, plus ${plural(period.undatedCalls, 'undated call')}` : '';
    sentences.push(`This report covers ${plural(count, 'call')} ${span}${weeks}${undated}${failed}.`);
  } else {
    sentences.push(
      `This report covers ${plural(count, 'call')}${failed}; they carry no dates, so there are no weekly trends.`,
    );
  }

  const named = report.topics.filter((topic) => topic.topicId !== 'other').slice(0, 2);
  if (named.length > 0) {
    const parts = named.map((topic) => `${humanize(topic.topicId)} (${percent(topic.share)})`);
    sentences.push(
      `${capitalize(listWords(parts))} ${named.length > 1 ? 'were the main reasons' : 'was the main reason'} for calling.`,
    );
  }
  const growing = report.alerts.filter((alert) => alert.kind === 'topic_growth');
  for (const alert of growing.slice(0, 2)) {
    const topic = report.topics.find((entry) => `topic:${entry.topicId}` === alert.metric);
    if (!topic?.growth) continue;
    sentences.push(
      `${capitalize(humanize(topic.topicId))} calls are growing: ${topic.growth.calls} in the latest week against ${topic.growth.previousCalls} the week before, more than chance explains.`,
    );
  }
  if (growing.length === 0 && period.weeks.length > 1)
    sentences.push('No topic grew by more than normal week-to-week variation.');

  const resolved = report.rates.resolved;
  if (resolved !== undefined) {
    const minimum = Math.max(3, Math.ceil(count * 0.05));
    const lagging = report.topics
      .filter((topic) => topic.calls >= minimum && topic.resolutionRate < resolved - 0.15)
      .sort((a, b) => a.resolutionRate - b.resolutionRate)[0];
    const lag = lagging ? `; ${humanize(lagging.topicId)} lags at ${percent(lagging.resolutionRate)}` : '';
    sentences.push(`${percent(resolved)} of calls ended resolved${lag}.`);
  }

  const negative = report.rates.negativeSentiment;
  if (negative !== undefined) {
    const spike = report.alerts.find((alert) => alert.kind === 'negative_sentiment_spike');
    const rise = spike ? `, up sharply in the latest week (${percent(spike.value)})` : '';
    const shift = report.sentiment.meanShift;
    const mood =
      shift === undefined || Math.abs(shift) < 0.05
        ? ''
        : shift > 0
          ? ' On average their mood improved between the start and the end of a call.'
          : ' On average their mood worsened between the start and the end of a call.';
    sentences.push(`Customers sounded negative on ${percent(negative)} of calls${rise}.${mood}`);
  }

  const rules = report.compliance.rules.filter((rule) => rule.passRate !== undefined);
  if (rules.length > 0 && report.rates.compliancePass !== undefined) {
    const weakest = [...rules].sort((a, b) => (a.passRate ?? 1) - (b.passRate ?? 1))[0];
    const weak =
      weakest && (weakest.passRate ?? 1) < 0.9
        ? `; ${humanize(weakest.ruleId)} is the weakest at ${percent(weakest.passRate)}`
        : '';
    sentences.push(`Compliance checks passed ${percent(report.rates.compliancePass)} of the time${weak}.`);
  }

  const { callback, action } = report.commitments;
  const overdue = callback.overdue + action.overdue;
  const kept = callback.kept + callback.keptLate + action.kept + action.keptLate;
  const promised = callback.total + action.total;
  if (promised > 0) {
    const overdueText =
      overdue > 0
        ? `${plural(overdue, 'promise')} to customers ${overdue === 1 ? 'is' : 'are'} overdue`
        : 'no promise to a customer is overdue';
    const keptText =
      kept > 0 ? `; ${kept} of ${promised} ${promised === 1 ? 'was' : 'were'} kept by a later call` : '';
    sentences.push(`${capitalize(overdueText)}${keptText}.`);
  }

  const high = report.calls.filter((call) => (call.escalationRisk ?? 0) >= 70).length;
  if (high > 0) {
    const drivers = report.escalation.drivers.slice(0, 2).map((driver) => driver.driver);
    const why = drivers.length > 0 ? `, driven mostly by ${listWords(drivers)}` : '';
    sentences.push(`${capitalize(plural(high, 'call'))} carry a high escalation risk${why}.`);
  }

  const coaching = report.agents.filter((agent) => agent.coachingFocus.length > 0).slice(0, 2);
  if (coaching.length > 0) {
    sentences.push(
      `${coaching.map((agent) => `${agent.agentId} could use coaching on ${listWords(agent.coachingFocus.slice(0, 2))}`).join('; ')}.`,
    );
  }

  const cluster = report.callDrivers.clusters[0];
  if (cluster) {
    sentences.push(
      `Among calls that fit no topic, the largest group is about "${cluster.name}" (${plural(cluster.calls, 'call')}).`,
    );
  }

  return {
    text: sentences.join(' '),
    highlights: report.alerts.slice(0, 5).map((alert) => alert.message),
    method: 'template',
  };
}

/** Bump when the prompt or the answer's schema changes meaning: it is part of the cache key. */
export const SUMMARY_PROMPT_VERSION = 'executive-summary-1';

export const EXECUTIVE_SUMMARY_SYSTEM_PROMPT = `You write the executive summary of a contact-center analytics report for a manager who reads only this.
You receive computed metrics as JSON, never transcripts. Use only the numbers given; never invent figures, names or causes.
Write plainly, like a team lead briefing their director: what is growing, what is failing, who needs coaching, what was promised and is overdue.
Say when a change is not significant rather than overstating it. Percentages as whole numbers.
headline: one sentence. paragraphs: 2 or 3 short paragraphs. highlights: up to 5 one-line points, most urgent first.`;

const SummaryAnswerSchema = z.object({
  headline: z.string().min(1),
  paragraphs: z.array(z.string().min(1)).min(1).max(4),
  highlights: z.array(z.string()).max(6),
});

/** The numbers the model sees: the report without its per-call rows and call ids. */
export function summaryDigest(report: ReportBody): unknown {
  return {
    period: { from: report.period.from, to: report.period.to, weeks: report.period.weeks.length },
    calls: report.callCount,
    failed: report.failedCount,
    averages: report.averages,
    rates: report.rates,
    topics: report.topics.slice(0, 12).map((topic) => ({
      topic: topic.topicId,
      calls: topic.calls,
      share: topic.share,
      resolutionRate: topic.resolutionRate,
      averageHandleTimeSec: topic.averageHandleTimeSec,
      negativeShare: topic.negativeShare,
      growth: topic.growth && {
        calls: topic.growth.calls,
        previousCalls: topic.growth.previousCalls,
        shareChange: topic.growth.shareChange,
        qValue: topic.growth.qValue,
      },
    })),
    sentiment: {
      distribution: report.sentiment.distribution,
      meanShift: report.sentiment.meanShift,
      weeklyNegativeShare: report.sentiment.weekly.slice(-8).map((week) => [week.week, week.negativeShare]),
    },
    escalation: { topDrivers: report.escalation.drivers.slice(0, 5) },
    compliance: report.compliance.rules.map((rule) => ({
      rule: rule.ruleId,
      passRate: rule.passRate,
      fail: rule.fail,
    })),
    commitments: { callback: report.commitments.callback, action: report.commitments.action },
    agents: report.agents.slice(0, 15).map((agent) => ({
      agent: agent.agentId,
      calls: agent.calls,
      qa: agent.qa.overall,
      resolutionRate: agent.resolutionRate,
      compliancePassRate: agent.compliancePassRate,
      coachingFocus: agent.coachingFocus,
    })),
    callDrivers: report.callDrivers.clusters
      .slice(0, 5)
      .map((cluster) => ({ name: cluster.name, calls: cluster.calls })),
    categories: report.categories.map((category) => ({ category: category.id, calls: category.calls })),
    alerts: report.alerts.map((alert) => ({ severity: alert.severity, message: alert.message })),
  };
}

export interface ModelSummaryOptions {
  languageModel: LanguageModel;
  cache?: Cache;
  signal?: AbortSignal;
  logger?: Logger;
}

/**
 * The executive summary from one language-model request fed only the digest of computed metrics. On a
 * cache hit no request is sent; when the model fails the written summary stands, marked `degraded`.
 */
export async function summarizeWithModel(
  report: ReportBody,
  options: ModelSummaryOptions,
): Promise<ExecutiveSummary> {
  const model = options.languageModel;
  const logger = options.logger ?? silentLogger;
  const digest = JSON.stringify(summaryDigest(report));
  // Agent ids and cluster names may carry names or numbers: redact before the text leaves the process.
  const prompt = model.runsInProcess ? digest : redactText(digest).text;
  const identity = { provider: model.provider, modelId: model.modelId };
  const keyFor = (answerer: { provider: string; modelId: string; cacheKey?: string }) =>
    `executive-summary-${contentHash({
      version: SUMMARY_PROMPT_VERSION,
      provider: answerer.provider,
      modelId: answerer.modelId,
      cacheKey: answerer.cacheKey ?? null,
      system: EXECUTIVE_SUMMARY_SYSTEM_PROMPT,
      prompt,
    })}`;
  // Looked up under the model expected to answer; stored under the one that did (see withFallback).
  const key = keyFor(model);
  const compose = (
    answer: z.infer<typeof SummaryAnswerSchema>,
    cache: ExecutiveSummary['cache'],
    by = identity,
  ) => ({
    text: [answer.headline, ...answer.paragraphs].join('\n\n'),
    highlights: answer.highlights,
    method: 'model' as const,
    model: by,
    ...(cache ? { cache } : {}),
  });
  if (options.cache) {
    const cached = (await options.cache.get(key)) as { object: unknown; model: typeof identity } | undefined;
    const parsed = cached ? SummaryAnswerSchema.safeParse(cached.object) : undefined;
    if (cached && parsed?.success) return compose(parsed.data, 'hit', cached.model);
  }
  try {
    const result = await generateStructured({
      model,
      system: EXECUTIVE_SUMMARY_SYSTEM_PROMPT,
      prompt: `Report metrics:\n${prompt}`,
      schema: SummaryAnswerSchema,
      schemaName: 'executive_summary',
      temperature: 0,
      logger,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const by = { provider: result.answeredBy.provider, modelId: result.answeredBy.modelId };
    if (options.cache)
      await options.cache.set(keyFor(result.answeredBy), { object: result.object, model: by });
    return compose(result.object, options.cache ? 'miss' : 'off', by);
  } catch (error) {
    if (AbortError.isInstance(error) || options.signal?.aborted) throw error;
    const { code, message } = describeError(error);
    logger.warn(
      { error: { code, message } },
      'executive summary: language model failed; using the written summary',
    );
    return { ...writtenSummary(report), degraded: `language model failed (${code}): ${message}` };
  }
}
