import { type SummaryOptions, withExecutiveSummary } from '../aggregate/aggregate.js';
import { type AggregateOptions, Aggregator } from '../aggregate/aggregator.js';
import { readStoredResults, type StoredEntry } from '../aggregate/stored-results.js';
import { type CategoryRule, recategorize } from '../analyze/categories/category-rules.js';
import type { AggregateReport } from '../schema/aggregate.js';
import type { CallResult } from '../schema/call-result.js';
import { type WriteReportsOptions, type WrittenReports, writeReports } from './write-reports.js';

export interface ReportFolderOptions
  extends AggregateOptions,
    SummaryOptions,
    Omit<WriteReportsOptions, 'signal'> {
  /** Category rules re-applied to every stored call (replacing the categories stored with it). */
  categories?: readonly CategoryRule[];
  /** Called for each stored file as it is read. */
  onEntry?: (entry: StoredEntry) => void;
}

/**
 * `echolens report`: re-reads a folder of stored per-call results twice, one file at a time — once to
 * aggregate, once to write the CSV rows and call pages — so 100,000 calls never sit in memory together.
 * Unreadable or invalid files are listed as failures in the report; the others are all reported.
 */
export async function reportStoredResults(
  folder: string,
  outDir: string,
  options: ReportFolderOptions = {},
): Promise<{ report: AggregateReport; written: WrittenReports }> {
  const { categories, onEntry, signal } = options;
  const prepare = (result: CallResult) => (categories ? recategorize(result, categories) : result);
  const aggregator = new Aggregator(options);
  for await (const entry of readStoredResults(folder, signal ? { signal } : {})) {
    onEntry?.(entry);
    if (entry.ok) aggregator.add(prepare(entry.result).analysis, entry.result.name);
    else aggregator.addFailure(entry.file, entry.error);
  }
  const report = await withExecutiveSummary(aggregator.report(), options);
  async function* validResults() {
    for await (const entry of readStoredResults(folder, signal ? { signal } : {}))
      if (entry.ok) yield prepare(entry.result);
  }
  const written = await writeReports(report, validResults(), outDir, {
    ...options,
    recordingFolders: options.recordingFolders ?? [process.cwd(), folder],
  });
  return { report, written };
}
