import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { throwIfAborted } from '@echolens/provider';
import type { AggregateReport } from '../schema/aggregate.js';
import type { CallResult } from '../schema/call-result.js';
import { CSV_BOM, csvColumns, csvHeader, csvLine } from './csv.js';
import { renderCallPage } from './html/call-page.js';
import { renderReportPage } from './html/report-page.js';

export const REPORT_FILES = {
  json: 'report.json',
  csv: 'report.csv',
  html: 'report.html',
  /** Folder of the per-call pages. */
  calls: 'calls',
} as const;

export interface WriteReportsOptions {
  /**
   * Where a call's recording is (a path or http(s) URL), for playback on its page. By default the result's
   * `name` is looked up as given, then under each of `recordingFolders` (also by its base name).
   */
  recordingFor?: (result: CallResult) => string | undefined;
  /** Folders to look for recordings in (default: the current directory). */
  recordingFolders?: readonly string[];
  /** One HTML page per call (default true). */
  callPages?: boolean;
  title?: string;
  signal?: AbortSignal;
}

export interface WrittenReports {
  json: string;
  csv: string;
  html: string;
  /** Call pages written, and how many of them can play their recording. */
  callPages: number;
  withAudio: number;
}

/** A file name for a call's page: the id when it is a safe file name, else a cleaned id plus a short hash. */
export function callPageFile(callId: string): string {
  const safe = callId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  if (safe === callId && !safe.startsWith('.')) return `${safe}.html`;
  return `${safe}-${createHash('sha256').update(callId).digest('hex').slice(0, 8)}.html`;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function findRecording(result: CallResult, folders: readonly string[]): Promise<string | undefined> {
  if (!result.audio) return undefined;
  const name = result.name;
  if (/^https?:\/\//i.test(name)) return name;
  const candidates = isAbsolute(name)
    ? [name, ...folders.map((folder) => join(folder, basename(name)))]
    : folders.flatMap((folder) => [resolve(folder, name), join(folder, basename(name))]);
  for (const candidate of candidates) if (await isFile(candidate)) return resolve(candidate);
  return undefined;
}

/** A path relative to the page, as a URL (each segment encoded), so the folder can move with its recordings. */
function relativeUrl(fromFolder: string, target: string): string {
  if (/^https?:\/\//i.test(target)) return target;
  return relative(fromFolder, resolve(target))
    .split(sep)
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

async function write(stream: WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

/** The report as JSON: figures indented for reading, then one call row per line (compact for 100,000 calls). */
async function writeReportJson(report: AggregateReport, path: string): Promise<void> {
  const { calls, ...rest } = report;
  const stream = createWriteStream(path);
  const head = JSON.stringify(rest, null, 2);
  await write(stream, `${head.slice(0, -2)},\n  "calls": [`);
  for (let index = 0; index < calls.length; index++)
    await write(stream, `${index === 0 ? '\n' : ',\n'}    ${JSON.stringify(calls[index])}`);
  await write(stream, `${calls.length ? '\n  ' : ''}]\n}\n`);
  await close(stream);
}

/**
 * Writes `report.json`, `report.csv` (one row per call), `report.html` and `calls/<call>.html` into
 * `outDir`. `results` are the calls' stored results, read once, one at a time (an array, or an async
 * stream such as `readStoredResults`), so memory does not grow with their number.
 */
export async function writeReports(
  report: AggregateReport,
  results: Iterable<CallResult> | AsyncIterable<CallResult>,
  outDir: string,
  options: WriteReportsOptions = {},
): Promise<WrittenReports> {
  const callPages = options.callPages ?? true;
  const folders = options.recordingFolders ?? [process.cwd()];
  const pagesFolder = join(outDir, REPORT_FILES.calls);
  await mkdir(callPages ? pagesFolder : outDir, { recursive: true });
  const files = {
    json: join(outDir, REPORT_FILES.json),
    csv: join(outDir, REPORT_FILES.csv),
    html: join(outDir, REPORT_FILES.html),
  };
  await writeReportJson(report, files.json);

  const columns = csvColumns(report);
  const csv = createWriteStream(files.csv);
  await write(csv, CSV_BOM + csvHeader(columns));
  const pages = new Map<string, string>();
  let withAudio = 0;
  try {
    for await (const result of results) {
      throwIfAborted(options.signal);
      await write(csv, csvLine(columns, result));
      if (!callPages) continue;
      const file = callPageFile(result.callId);
      const recording = options.recordingFor
        ? options.recordingFor(result)
        : await findRecording(result, folders);
      if (recording) withAudio++;
      const page = renderCallPage(result, {
        ...(recording ? { audioSrc: relativeUrl(resolve(pagesFolder), recording) } : {}),
        reportHref: `../${REPORT_FILES.html}`,
      });
      await writeFile(join(pagesFolder, file), page);
      pages.set(result.callId, `${REPORT_FILES.calls}/${file}`);
    }
  } finally {
    await close(csv);
  }
  await writeFile(files.html, renderReportPage(report, pages, options.title));
  return { ...files, callPages: pages.size, withAudio };
}
