import { describeError } from '@echolens/provider';
import { type Command, InvalidArgumentError } from 'commander';
import { parseCategoryRules } from '../../analyze/categories/category-rules.js';
import { FileCache } from '../../cache/file-cache.js';
import { reportStoredResults } from '../../report/report-folder.js';
import { REPORT_FILES } from '../../report/write-reports.js';
import { loadLanguageModel, readJsonOption } from '../language-model-option.js';
import { abortOnInterrupt } from '../shared-options.js';

interface ReportCliOptions {
  out?: string;
  categories?: string;
  alerts?: string;
  asOf?: Date;
  llm?: string;
  llmBaseUrl?: string;
  recordings?: string[];
  callPages: boolean;
  title?: string;
  cache: boolean;
  quiet?: boolean;
}

function parseDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected a date such as 2025-03-31');
  return date;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'roll up stored per-call results (<name>.json from analyze) into report.json, report.csv, report.html and a page per call',
    )
    .argument('<results>', 'folder of per-call results written by echolens analyze')
    .option('--out <dir>', 'where the reports go (default: the results folder)')
    .option(
      '--categories <file.json>',
      'category rules to (re-)apply to every stored call: [{"id", "conditions": […]}]',
    )
    .option(
      '--alerts <file.json>',
      'alert thresholds, e.g. {"topicGrowth": {"minGrowth": 0.5}, "category": false}',
    )
    .option('--as-of <date>', 'promises are due or overdue relative to this date (default now)', parseDate)
    .option(
      '--llm <provider:model>',
      'executive summary from one language-model request fed only the metrics',
    )
    .option('--llm-base-url <url>', 'endpoint for --llm')
    .option(
      '--recordings <dir>',
      'folder of the recordings, for playback on call pages (repeatable)',
      collect,
    )
    .option('--no-call-pages', 'write no per-call pages')
    .option('--title <text>', 'title of the HTML report', 'EchoLens report')
    .option('--no-cache', 'ask the language model again even for metrics summarised before')
    .option('-q, --quiet', 'print only failures and the summary')
    .action(async (folder: string, options: ReportCliOptions) => {
      const controller = abortOnInterrupt();
      const out = options.out ?? folder;
      const categories = options.categories
        ? parseCategoryRules(await readJsonOption(options.categories, 'category rules'))
        : undefined;
      const alerts = options.alerts
        ? ((await readJsonOption(options.alerts, 'alert thresholds')) as object)
        : undefined;
      const languageModel = options.llm
        ? await loadLanguageModel(options.llm, options.llmBaseUrl ? { baseURL: options.llmBaseUrl } : {})
        : undefined;
      let failed = 0;
      const { report, written } = await reportStoredResults(folder, out, {
        ...(categories ? { categories } : {}),
        ...(alerts ? { alerts } : {}),
        ...(options.asOf ? { asOf: options.asOf } : {}),
        ...(languageModel ? { languageModel, ...(options.cache ? { cache: new FileCache() } : {}) } : {}),
        ...(options.recordings ? { recordingFolders: [...options.recordings, process.cwd(), folder] } : {}),
        callPages: options.callPages,
        ...(options.title ? { title: options.title } : {}),
        signal: controller.signal,
        onEntry: (entry) => {
          if (entry.ok) return;
          failed++;
          process.stderr.write(`✗ ${describeError(entry.error).message}\n`);
        },
      });
      const audio = written.callPages > 0 ? `, ${written.withAudio} with playable audio` : '';
      process.stderr.write(
        `${report.callCount} call(s) reported → ${out}/${REPORT_FILES.html}, ${REPORT_FILES.csv}, ${REPORT_FILES.json} (${written.callPages} call pages${audio}); ${report.alerts.length} alert(s)\n`,
      );
      if (!options.quiet)
        for (const alert of report.alerts) process.stderr.write(`  [${alert.severity}] ${alert.message}\n`);
      if (failed > 0) process.exitCode = 1;
    });
}
