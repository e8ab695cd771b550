#!/usr/bin/env node
import { Command } from 'commander';
import { ECHOLENS_VERSION } from '../version.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerDiarize } from './commands/diarize.js';
import { registerReport } from './commands/report.js';
import { registerTranscribe } from './commands/transcribe.js';

const program = new Command('echolens')
  .version(ECHOLENS_VERSION)
  .description('Turn customer-service call recordings into transcripts and analytics, offline.')
  .showHelpAfterError('(run with --help for usage)');

registerTranscribe(program);
registerAnalyze(program);
registerDiarize(program);
registerReport(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`echolens: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
