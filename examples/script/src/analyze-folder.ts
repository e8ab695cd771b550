/**
 * `pnpm example:script <folder | archive.zip | s3://bucket/prefix/> [out-folder]`: every recording found there
 * analysed into one report (report.json, report.csv, report.html and a page per call), with nothing but
 * @echolens/core's public API. With ECHOLENS_LLM (e.g. `openai:gpt-4o-mini`) a language model analyses;
 * without it the offline analyzer does. S3 needs @echolens/storage-s3 and the usual AWS settings.
 */
import {
  collectInputs,
  createPipeline,
  type IngestedInput,
  loadLanguageModel,
  writeReports,
} from '@echolens/core';

const [source, outDir = 'echolens-report'] = process.argv.slice(2);
if (!source) {
  console.error('usage: pnpm example:script <folder | archive.zip | s3://bucket/prefix/> [out-folder]');
  process.exit(2);
}
// Recordings are opened lazily, one at a time; what is not a recording is reported, not fatal.
const recordings: IngestedInput[] = [];
for await (const item of collectInputs([source])) {
  if (item.kind === 'input') recordings.push(item);
  else console.error(`${item.severity}\t${item.name}\t${item.reason}`);
}

const { ECHOLENS_LLM, ECHOLENS_WHISPER_MODEL, ECHOLENS_LANGUAGE } = process.env;
const pipeline = createPipeline({
  ...(ECHOLENS_LLM ? { languageModel: await loadLanguageModel(ECHOLENS_LLM) } : {}),
  ...(ECHOLENS_WHISPER_MODEL ? { whisper: { model: ECHOLENS_WHISPER_MODEL } } : {}),
  ...(ECHOLENS_LANGUAGE ? { language: ECHOLENS_LANGUAGE } : {}),
});
try {
  // One bad recording does not stop the others: it is listed, and the exit code says so.
  const { results, failures, report } = await pipeline.runMany(recordings);
  for (const failure of failures) console.error(`failed\t${failure.name}\t${failure.error.message}`);
  const written = await writeReports(report, results, outDir, { recordingFolders: [source] });
  console.log(`${results.length} analysed, ${failures.length} failed: ${written.html}`);
  process.exitCode = failures.length > 0 ? 1 : 0;
} finally {
  await pipeline.dispose();
}
