// Shared by bench/models/run.mjs and denoise.mjs: one child run per model and input group, scoring.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataRoot, modelsDir } from '../lib/setup.mjs';
import { wordErrorRate } from '../stt/word-error-rate.mjs';
import { pooledWer } from './statistics.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** How many children run at once (each loads its own model; base peaks near 1.4 GB). */
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 3);

/** Runs one model over files in its own child process (peak RSS and CPU time are that child's). */
export function runChild(model, files, options = {}) {
  const job = { files, model, dtype: 'q8', modelsDir, language: 'en', denoise: options.denoise ?? false };
  const load = loadavg()[0];
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(here, 'transcribe-child.mjs'), JSON.stringify(job)], {
      env: { ...process.env, ECHOLENS_MODELS_DIR: modelsDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0)
        return reject(new Error(`${model} on ${files.length} file(s): child exited with ${code}`));
      const result = JSON.parse(Buffer.concat(chunks).toString().trim().split('\n').at(-1));
      result.loadAverageBefore = load;
      resolveRun(result);
    });
  });
}

/** Joins the runs of one model over consecutive parts of an input list, and derives the totals. */
export function joinRuns(runs) {
  const results = runs.flatMap((run) => run.results);
  const sum = (field) => results.reduce((total, entry) => total + field(entry), 0);
  const audioSec = sum((entry) => entry.audioSec);
  const voiced = sum((entry) => entry.coverage.voicedSec);
  return {
    model: runs[0].model,
    results,
    loadMs: Math.max(...runs.map((run) => run.loadMs)),
    maxRssMb: Math.max(...runs.map((run) => run.maxRssMb)),
    loadAverageBefore: Math.min(...runs.map((run) => run.loadAverageBefore)),
    audioSec,
    realTimeFactor: sum((entry) => entry.ms) / 1000 / audioSec,
    cpuSecPerAudioSec: sum((entry) => entry.cpuMs) / 1000 / audioSec,
    coverage: voiced > 0 ? sum((entry) => entry.coverage.coveredSec) / voiced : 1,
  };
}

/** Runs `tasks` (functions returning promises) CONCURRENCY at a time; results in task order. */
export async function runAll(tasks) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, tasks.length) }, worker));
  return results;
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
