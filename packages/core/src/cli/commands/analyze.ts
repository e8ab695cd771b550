import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describeError } from '../../errors/index.js';
import type { CallResult } from '../../schema/call-result.js';
import { collectRecordings, createOutputNamer } from '../inputs.js';
import { trackProgress } from '../progress.js';
import {
  abortOnInterrupt,
  addSharedOptions,
  pipelineFromCli,
  type SharedCliOptions,
} from '../shared-options.js';

interface AnalyzeCliOptions extends SharedCliOptions {
  out: string;
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
      .argument('<paths...>', 'recordings or folders of recordings')
      .option('--out <dir>', 'where results go', 'echolens-output'),
  ).action(async (paths: string[], options: AnalyzeCliOptions) => {
    const files = await collectRecordings(paths);
    const pipeline = pipelineFromCli(options);
    const controller = abortOnInterrupt();
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
