/**
 * `pnpm example:script <folder> [out-folder]`: every recording in a folder analysed into one report
 * (report.json, report.csv, report.html and a page per call), with nothing but @echolens/core's public API.
 * With ECHOLENS_LLM (e.g. `openai:gpt-4o-mini`) a language model analyses; without it the offline analyzer does.
 */
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { createPipeline, loadLanguageModel, writeReports } from '@echolens/core';

const [folder, outDir = 'echolens-report'] = process.argv.slice(2);
if (!folder) {
  console.error('usage: pnpm example:script <folder> [out-folder]');
  process.exit(2);
}
const AUDIO = new Set(['.wav', '.mp3', '.m4a', '.ogg', '.opus', '.flac', '.webm', '.mp4']);
const files = (await readdir(folder))
  .filter((name) => AUDIO.has(extname(name).toLowerCase()))
  .sort()
  .map((name) => join(folder, name));

const { ECHOLENS_LLM, ECHOLENS_WHISPER_MODEL, ECHOLENS_LANGUAGE } = process.env;
const pipeline = createPipeline({
  ...(ECHOLENS_LLM ? { languageModel: await loadLanguageModel(ECHOLENS_LLM) } : {}),
  ...(ECHOLENS_WHISPER_MODEL ? { whisper: { model: ECHOLENS_WHISPER_MODEL } } : {}),
  ...(ECHOLENS_LANGUAGE ? { language: ECHOLENS_LANGUAGE } : {}),
});
try {
  // One bad recording does not stop the others: it is listed, and the exit code says so.
  const { results, failures, report } = await pipeline.runMany(files);
  for (const failure of failures) console.error(`failed\t${failure.name}\t${failure.error.message}`);
  const written = await writeReports(report, results, outDir, { recordingFolders: [folder] });
  console.log(`${results.length} analysed, ${failures.length} failed: ${written.html}`);
  process.exitCode = failures.length > 0 ? 1 : 0;
} finally {
  await pipeline.dispose();
}
