import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError, describeError } from '@echolens/provider';
import type { Command } from 'commander';
import type { PipelineOptions } from '../../pipeline/create-pipeline.js';
import type { CallResult } from '../../schema/call-result.js';
import { analyzeDialoguesFile } from '../analyze-dialogues.js';
import { collectRecordings, createOutputNamer } from '../inputs.js';
import { loadLanguageModel, readJsonOption } from '../language-model-option.js';
import { trackProgress } from '../progress.js';
import {
  abortOnInterrupt,
  addSharedOptions,
  pipelineFromCli,
  type SharedCliOptions,
} from '../shared-options.js';

interface AnalyzeCliOptions extends SharedCliOptions {
  out: string;
  dialogues?: string;
  llm?: string;
  llmBaseUrl?: string;
  taxonomy?: string;
  rules?: string;
  redactTranscripts?: boolean;
}

/** Analysis options from the command line: language model, taxonomy, rules, stored-transcript redaction. */
async function analysisOptions(options: AnalyzeCliOptions): Promise<PipelineOptions> {
  return {
    ...(options.llm
      ? {
          languageModel: await loadLanguageModel(
            options.llm,
            options.llmBaseUrl ? { baseURL: options.llmBaseUrl } : {},
          ),
        }
      : {}),
    ...(options.taxonomy
      ? { taxonomy: (await readJsonOption(options.taxonomy, 'taxonomy')) as PipelineOptions['taxonomy'] }
      : {}),
    ...(options.rules
      ? {
          complianceRules: (await readJsonOption(
            options.rules,
            'compliance rules',
          )) as PipelineOptions['complianceRules'],
        }
      : {}),
    ...(options.redactTranscripts ? { redaction: { storedTranscripts: true } } : {}),
  };
}

const REPORT_FILE = 'report.json';

/** One line per call in the final summary: what a supervisor would glance at first. */
function describeResult(result: CallResult): string {
  const metrics = result.analysis.metrics;
  const minutes = (metrics.durationSec / 60).toFixed(1);
  const speakers = metrics.speakers
    .map((speaker) => `${speaker.speaker} ${Math.round(speaker.talkRatio * 100)}%`)
    .join(', ');
  const cached = result.analysis.provenance.cache.transcript === 'hit' ? ' (cached)' : '';
  return `${minutes} min, ${result.transcript?.segments.length ?? 0} segments, talk: ${speakers || 'none'}, silence ${Math.round(metrics.nonTalkRatio * 100)}%${cached}`;
}

export function registerAnalyze(program: Command): void {
  addSharedOptions(
    program
      .command('analyze')
      .description('transcribe, attribute and analyse recordings; one <name>.json per call plus report.json')
      .argument('[paths...]', 'recordings or folders of recordings')
      .option('--out <dir>', 'where results go', 'echolens-output')
      .option(
        '--dialogues <file.jsonl>',
        'analyse text conversations instead of audio: JSON lines {"id", "turns": [{"speaker": "agent"|"customer", "text"}]}',
      )
      .option(
        '--llm <provider:model>',
        'insights from a language model, e.g. openai:gpt-4o-mini, groq:llama-3.3-70b-versatile, ollama:llama3.2 (default: offline analyzer)',
      )
      .option('--llm-base-url <url>', 'endpoint for --llm (any OpenAI-compatible server for openai:)')
      .option(
        '--taxonomy <file.json>',
        'topics to classify calls into: [{"id", "label"?, "description"?, "keywords"?}]',
      )
      .option('--rules <file.json>', 'compliance rules: [{"id", "description", "kind", "phrases"?, …}]')
      .option(
        '--redact-transcripts',
        'also redact personal data from the stored transcript and conversation',
      ),
  ).action(async (paths: string[], options: AnalyzeCliOptions) => {
    const pipeline = pipelineFromCli(options, await analysisOptions(options));
    const controller = abortOnInterrupt();
    if (options.dialogues) {
      if (paths.length > 0) throw new ConfigurationError('give either recordings or --dialogues, not both');
      const failed = await analyzeDialoguesFile(pipeline, options.dialogues, {
        out: options.out,
        concurrency: options.concurrency,
        quiet: options.quiet,
        signal: controller.signal,
      });
      if (controller.signal.aborted) process.exitCode = 130;
      else if (failed > 0) process.exitCode = 1;
      return;
    }
    if (paths.length === 0)
      throw new ConfigurationError('give recordings or folders to analyse, or --dialogues <file.jsonl>');
    const files = await collectRecordings(paths);
    const total = files.length;
    const progress = trackProgress(pipeline, { total, verb: 'analyzing', quiet: options.quiet });
    const outputName = createOutputNamer([REPORT_FILE]);
    await mkdir(options.out, { recursive: true });

    // Each result is written the moment its call finishes, so an interruption keeps finished work.
    const writes: Promise<void>[] = [];
    pipeline.on('call-done', ({ name, result }) => {
      const target = join(options.out, outputName(name, 'json'));
      writes.push(
        writeFile(target, `${JSON.stringify(result, null, 2)}\n`).then(() =>
          progress.finish(name, { ok: true, detail: `→ ${target}  ${describeResult(result)}` }),
        ),
      );
    });
    pipeline.on('call-failed', ({ name, error }) => {
      progress.finish(name, { ok: false, reason: describeError(error).message.replace(`${name}: `, '') });
    });

    const batch = await pipeline
      .runMany(files, { concurrency: options.concurrency, signal: controller.signal })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return undefined;
        throw error;
      });
    await Promise.all(writes);
    progress.stop();
    await pipeline.dispose();
    if (!batch) {
      process.exitCode = 130;
      return;
    }

    const { failures, report } = batch;
    await writeFile(join(options.out, REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(
      `${batch.results.length} of ${total} call(s) analysed → ${options.out}/ (${REPORT_FILE} has the roll-up)\n`,
    );
    if (failures.length > 0) {
      process.stderr.write(`${failures.length} failed:\n`);
      for (const failure of failures) process.stderr.write(`  ${describeError(failure.error).message}\n`);
      process.exitCode = 1;
    }
  });
}
