#!/usr/bin/env node
// Noise reduction, measured: Whisper's WER on the English dev clips mixed with real noise
// (bench/models/noisy-speech.mjs: room, babble, caller background) at 0, 5, 10 and 20 dB SNR, and clean,
// with `prepareAudio({ denoise: true })` (RNNoise) and without, same models, same run. The difference is
// paired by clip, with a 95 % bootstrap interval.
//   node bench/models/denoise.mjs [--models whisper-base,whisper-tiny] [--render]   (the default model first)
// Writes bench/out/denoise.json and the "Noise reduction" section of bench/RESULTS.md.
// Decision rule, fixed before the first measurement: denoise becomes the default only if, for the default
// model, pooled over the noises, the paired difference (denoised − plain) has a 95 % interval entirely
// below zero at one SNR or more and a point estimate ≤ 0 at every SNR and on clean speech.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { wordErrorRate } from '../stt/word-error-rate.mjs';
import { dataRoot, englishRows, joinRuns, modelsDir, outDir, runAll, runChild } from './harness.mjs';
import { loadNoises, noisySession, textPerClip } from './noisy-speech.mjs';
import { replaceSection } from './results-section.mjs';
import { pooledWer } from './statistics.mjs';

const SNRS_DB = [0, 5, 10, 20];
const SESSIONS_PER_CHILD = 3;
const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
/** `caller` (the 4.4 s telephone background loop) is available with --noises room,babble,caller. */
const NOISES = argument('noises', 'room,babble').split(',');
const models = (argument('models', 'whisper-base,whisper-tiny') || '')
  .split(',')
  .map((name) => name.replace(/^whisper-/, 'Xenova/whisper-'))
  .filter((model) => existsSync(join(modelsDir, model, 'config.json')));

async function measure() {
  const rows = englishRows();
  const clips = rows.map((row) => join(dataRoot, 'asr', row.audio));
  const noises = loadNoises(dataRoot);
  const sessionsDir = join(outDir, 'models', 'inputs', 'noisy');
  /** One session recording per condition: clean, then each noise at each SNR. */
  const conditions = [
    { noise: 'clean', snrDb: null, ...noisySession(clips, 'clean', null, null, sessionsDir) },
  ];
  for (const [noiseName, noise] of Object.entries(noises).filter(([name]) => NOISES.includes(name))) {
    for (const snrDb of SNRS_DB) {
      conditions.push({
        noise: noiseName,
        snrDb,
        ...noisySession(clips, noiseName, noise.samples, snrDb, sessionsDir),
      });
    }
  }
  const files = conditions.map((condition) => condition.path);
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    snrsDb: SNRS_DB,
    noises: Object.fromEntries(
      Object.entries(noises)
        .filter(([name]) => NOISES.includes(name))
        .map(([name, noise]) => [name, noise.source]),
    ),
    clips: rows.length,
    runs: {},
  };
  for (const model of models) {
    report.runs[model] = {};
    // Plain and denoised, each over the sessions in parts, every part in its own child.
    const parts = [];
    for (const denoise of [false, true]) {
      for (let start = 0; start < files.length; start += SESSIONS_PER_CHILD) {
        parts.push({ denoise, files: files.slice(start, start + SESSIONS_PER_CHILD) });
      }
    }
    console.log(
      `${model}: ${files.length} sessions of ${rows.length} clips, plain and denoised, ${parts.length} children`,
    );
    const runs = await runAll(
      parts.map((part) => () => runChild(model, part.files, { denoise: part.denoise })),
    );
    for (const denoise of [false, true]) {
      const result = joinRuns(runs.filter((_, index) => parts[index].denoise === denoise));
      // Per clip, by word time, so that the comparison can be paired clip by clip.
      result.items = result.results.flatMap((entry, index) =>
        textPerClip(entry.segments, conditions[index].spans).map((text, clip) =>
          wordErrorRate(rows[clip].text, text),
        ),
      );
      result.clipTexts = result.results.map((entry, index) =>
        textPerClip(entry.segments, conditions[index].spans),
      );
      result.wer = pooledWer(result.items);
      result.prepareSecPerAudioSec =
        result.results.reduce((sum, entry) => sum + entry.prepareMs, 0) / 1000 / result.audioSec;
      for (const entry of result.results) delete entry.segments;
      report.runs[model][denoise ? 'on' : 'off'] = result;
    }
    // Written after each model, so a long run leaves its finished models on disk.
    summarise(report, conditions, rows.length);
    writeFileSync(join(outDir, 'denoise.json'), `${JSON.stringify(report, null, 2)}\n`);
    replaceSection('denoise', render(report));
  }
  return report;
}

/** Per condition and per SNR (pooled over the noises): WER off, WER on, and on − off paired by clip. */
function summarise(report, conditions, clipCount) {
  const finished = Object.keys(report.runs);
  const compare = (pick) =>
    Object.fromEntries(
      finished.map((model) => {
        const off = pick(report.runs[model].off.items);
        const on = pick(report.runs[model].on.items);
        return [model, { off: pooledWer(off), on: pooledWer(on), difference: pooledWer(on, off) }];
      }),
    );
  const block = (items, index) => items.slice(index * clipCount, (index + 1) * clipCount);
  report.conditions = conditions.map((condition, index) => ({
    noise: condition.noise,
    snrDb: condition.snrDb,
    models: compare((items) => block(items, index)),
  }));
  report.bySnr = [null, ...SNRS_DB].map((snrDb) => {
    const indices = conditions.flatMap((condition, index) => (condition.snrDb === snrDb ? [index] : []));
    return { snrDb, models: compare((items) => indices.flatMap((index) => block(items, index))) };
  });
}

const percent = (value) => `${(100 * value).toFixed(1)} %`;
const points = (wer) =>
  `${wer.value >= 0 ? '+' : ''}${(100 * wer.value).toFixed(1)} (${(100 * wer.low).toFixed(1)} to ${(100 * wer.high).toFixed(1)})`;

function render(report) {
  const names = Object.keys(report.runs);
  const short = (model) => model.replace('Xenova/', '');
  const label = (snrDb) => (snrDb === null ? 'clean' : `${snrDb} dB`);
  const pooled = report.bySnr
    .flatMap((row) =>
      names.map(
        (model) =>
          `| ${label(row.snrDb)} | ${short(model)} | ${percent(row.models[model].off.value)} | ${percent(row.models[model].on.value)} | ${points(row.models[model].difference)} |`,
      ),
    )
    .join('\n');
  const detail = report.conditions
    .filter((condition) => condition.snrDb !== null)
    .map(
      (condition) =>
        `| ${condition.noise} | ${label(condition.snrDb)} | ${names
          .map(
            (model) =>
              `${percent(condition.models[model].off.value)} → ${percent(condition.models[model].on.value)}`,
          )
          .join(' | ')} |`,
    )
    .join('\n');
  const cost = names
    .map((model) => {
      const { off, on } = report.runs[model];
      return `${short(model)}: preprocessing ${off.prepareSecPerAudioSec.toFixed(3)} → ${on.prepareSecPerAudioSec.toFixed(3)} s per audio second, whole path RTF ${off.realTimeFactor.toFixed(3)} → ${on.realTimeFactor.toFixed(3)}`;
    })
    .join('; ');
  return `## Noise reduction (bench/models/denoise.mjs)

Reproduce: \`pnpm build && node bench/models/denoise.mjs\` (JSON: \`bench/out/denoise.json\`). Run ${report.date.slice(0, 10)} on
${report.machine.cpus} × ${report.machine.cpu}, Node ${report.machine.node}; q8 weights, English forced, word timings on.
The ${report.clips} English dev clips, each brought to −20 dBFS active level, joined into one session per condition with 1.5 s
gaps and real noise underneath the whole way at ${report.snrsDb.join(', ')} dB SNR (active speech power / noise power;
\`bench/models/noisy-speech.mjs\`). Each session is transcribed by the EchoLens path with \`prepareAudio({ denoise: true })\`
(RNNoise through \`@echogarden/rnnoise-wasm\`, so the VAD sees the denoised audio too) and without, same run; words go
back to their clip by time, so WER is per clip and the comparison is paired by clip. Noises, all real recordings:
${Object.entries(report.noises)
  .map(([name, source]) => `- ${name}: ${source}`)
  .join('\n')}

WER pooled over the noises (${Object.keys(report.noises).length * report.clips} clips per SNR; clean: ${report.clips}); the difference is denoise − plain in WER
points, paired by clip, with its 95 % bootstrap interval:

| SNR | model | WER plain | WER denoised | difference (95 % interval) |
|---|---|---:|---:|---:|
${pooled}

Per noise (plain → denoised):

| noise | SNR | ${names.map(short).join(' | ')} |
|---|---|${names.map(() => '---:').join('|')}|
${detail}

Cost: ${cost}.
`;
}

const report = process.argv.includes('--render')
  ? JSON.parse(readFileSync(join(outDir, 'denoise.json'), 'utf8'))
  : await measure();
const section = render(report);
replaceSection('denoise', section);
console.log(section);
