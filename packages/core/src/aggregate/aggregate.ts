import type { Cache, LanguageModel, Logger } from '@echolens/provider';
import type { AggregateReport } from '../schema/aggregate.js';
import type { CallResult } from '../schema/call-result.js';
import { type AggregateOptions, Aggregator } from './aggregator.js';
import { summarizeWithModel } from './executive-summary.js';

export interface SummaryOptions {
  /** Writes the executive summary with one request fed only the report's metrics (else a written one). */
  languageModel?: LanguageModel;
  /** Caches the model's summary by a hash of the metrics it was given. */
  cache?: Cache;
  signal?: AbortSignal;
  logger?: Logger;
}

/** Replaces the written summary with the language model's when one is given. */
export async function withExecutiveSummary(
  report: AggregateReport,
  options: SummaryOptions,
): Promise<AggregateReport> {
  if (!options.languageModel) return report;
  const { executiveSummary: _written, ...body } = report;
  const executiveSummary = await summarizeWithModel(body, {
    languageModel: options.languageModel,
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { ...report, executiveSummary };
}

/** Rolls per-call results up into one report; failures are listed, never dropped silently. */
export async function aggregateResults(
  results: Iterable<CallResult>,
  failures: readonly { name: string; error: Error }[] = [],
  options: AggregateOptions & SummaryOptions = {},
): Promise<AggregateReport> {
  const aggregator = new Aggregator(options);
  for (const result of results) aggregator.add(result.analysis, result.name);
  for (const failure of failures) aggregator.addFailure(failure.name, failure.error);
  return withExecutiveSummary(aggregator.report(), options);
}
