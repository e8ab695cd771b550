#!/usr/bin/env node
import { describeError } from '@echolens/provider';
import { Command } from 'commander';
import { ECHOLENS_VERSION } from '../version.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerDiarize } from './commands/diarize.js';
import { registerReport } from './commands/report.js';
import { registerTranscribe } from './commands/transcribe.js';
import { EXIT_CODES } from './exit-codes.js';

const program = new Command('echolens')
  .version(ECHOLENS_VERSION)
  .description('Turn customer-service call recordings into transcripts and analytics, offline.')
  .addHelpText(
    'after',
    `
Exit codes: ${EXIT_CODES.ok} all done; ${EXIT_CODES.someFailed} some inputs failed (the rest were written); ${EXIT_CODES.unusable} nothing was run (usage or configuration);
${EXIT_CODES.degraded} all done, some with a fallback (e.g. the offline analyzer when --llm failed); ${EXIT_CODES.interrupted} interrupted.`,
  )
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride((error) => {
    // Usage errors (unknown flag, missing argument) exit like any other problem found before work.
    process.exit(error.exitCode === 0 ? 0 : EXIT_CODES.unusable);
  });

registerTranscribe(program);
registerAnalyze(program);
registerDiarize(program);
registerReport(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  // Problems found before any work (preflight) land here: one line, no stack trace.
  process.stderr.write(`echolens: ${describeError(error).message}\n`);
  process.exitCode = EXIT_CODES.unusable;
});
