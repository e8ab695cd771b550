import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '@echolens/provider';
import { readDialogues } from '../analyze/dialogue.js';
import type { Pipeline } from '../pipeline/create-pipeline.js';
import type { CallResult } from '../schema/call-result.js';
import { forEachConcurrently } from '../util/concurrency.js';
import { createOutputNamer } from './inputs.js';

const REPORT_FILE = 'report.json';

/** One line per conversation: what a supervisor would glance at first. */
function describeInsights(result: CallResult): string {
  const { insights, provenance } = result.analysis;
  const cached = provenance.cache.analysis === 'hit' ? ', cached' : '';
  const degraded = provenance.degraded.length > 0 ? `, degraded: ${provenance.degraded[0]?.reason}` : '';
  return `${insights.intent.primary.topicId}, customer ${insights.sentiment.customer.label}, ${insights.resolution.status}, escalation risk ${insights.escalation.risk} (${insights.method}${cached}${degraded})`;
}

/**
 * `echolens analyze --dialogues file.jsonl`: each line `{ id, turns: [{ speaker, text }], metadata? }`
 * becomes `<id>.json` (a CallResult without audio or transcript), plus `report.json`. A bad line is
 * reported with its line number and the rest still run. Returns the number of failures.
 */
export async function analyzeDialoguesFile(
  pipeline: Pipeline,
  file: string,
  options: { out: string; concurrency: number; quiet?: boolean; signal: AbortSignal },
): Promise<number> {
  const { dialogues, errors } = await readDialogues(file);
  const failures: { name: string; error: Error }[] = errors.map(({ line, error }) => ({
    name: `${file}:${line}`,
    error,
  }));
  await mkdir(options.out, { recursive: true });
  const outputName = createOutputNamer([REPORT_FILE]);
  const results: (CallResult | undefined)[] = new Array(dialogues.length);
  await forEachConcurrently(
    dialogues,
    options.concurrency,
    async ({ line, dialogue }, index) => {
      const id = dialogue.id ?? `line-${line}`;
      try {
        const result = await pipeline.analyzeConversation(
          { ...dialogue, id } as Parameters<Pipeline['analyzeConversation']>[0],
          {
            signal: options.signal,
          },
        );
        // A placeholder extension, so ids containing dots keep every part in the file name.
        const target = join(options.out, outputName(`${id}.dialogue`, 'json'));
        await writeFile(target, `${JSON.stringify(result, null, 2)}\n`);
        results[index] = result;
        if (!options.quiet) process.stderr.write(`✓ ${id} → ${target}  ${describeInsights(result)}\n`);
      } catch (error) {
        if (options.signal.aborted) return;
        failures.push({
          name: `${file}:${line}`,
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
    },
    options.signal,
  );
  const finished = results.filter((result): result is CallResult => result !== undefined);
  const report = await pipeline.aggregate(finished, failures, options.signal);
  await writeFile(join(options.out, REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(
    `${finished.length} of ${dialogues.length + errors.length} conversation(s) analysed → ${options.out}/ (${REPORT_FILE} has the roll-up)\n`,
  );
  if (failures.length > 0) {
    process.stderr.write(`${failures.length} failed:\n`);
    for (const failure of failures)
      process.stderr.write(`  ${failure.name}: ${describeError(failure.error).message}\n`);
  }
  return failures.length;
}
