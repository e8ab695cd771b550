// Shared by bench/models/run.mjs and denoise.mjs: paths, one child run per model and input group, scoring.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wordErrorRate } from '../stt/word-error-rate.mjs';
import { pooledWer } from './statistics.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '..', '..');
export const dataRoot = process.env.ECHOLENS_TEST_DATA ?? resolve(root, '..', 'shared', 'data');
export const outDir = join(root, 'bench', 'out');
export const modelsDir =
  process.env.ECHOLENS_MODELS_DIR ||
  join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'echolens', 'models');

/** Runs one model over files in its own child process. */
export function runChild(model, files, options = {}) {
  const job = { files, model, dtype: 'q8', modelsDir, language: 'en', denoise: options.denoise ?? false };
  const load = loadavg()[0];
  const output = execFileSync(process.execPath, [join(here, 'transcribe-child.mjs'), JSON.stringify(job)], {
    env: { ...process.env, ECHOLENS_MODELS_DIR: modelsDir },
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const result = JSON.parse(output.toString().trim().split('\n').at(-1));
  result.loadAverageBefore = load;
  const audioSec = result.results.reduce((sum, entry) => sum + entry.audioSec, 0);
  result.audioSec = audioSec;
  result.realTimeFactor = result.results.reduce((sum, entry) => sum + entry.ms, 0) / 1000 / audioSec;
  result.cpuSecPerAudioSec = result.results.reduce((sum, entry) => sum + entry.cpuMs, 0) / 1000 / audioSec;
  const voiced = result.results.reduce((sum, entry) => sum + entry.coverage.voicedSec, 0);
  const covered = result.results.reduce((sum, entry) => sum + entry.coverage.coveredSec, 0);
  result.coverage = voiced > 0 ? covered / voiced : 1;
  return result;
}

/** Adds per-clip and pooled WER (with its interval) against `references`. */
export function score(result, references) {
  result.items = result.results.map((entry, index) => {
    const { errors, words } = wordErrorRate(references[index], entry.text);
    entry.errors = errors;
    entry.words = words;
    return { errors, words };
  });
  result.wer = pooledWer(result.items);
  return result;
}

export function englishRows() {
  return readFileSync(join(dataRoot, 'asr', 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line))
    .filter((row) => row.lang === 'en');
}
