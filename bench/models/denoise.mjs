#!/usr/bin/env node
// Noise reduction, measured: Whisper's WER on the English dev clips mixed with real noise
// (bench/models/noisy-speech.mjs: room, babble, caller background) at 0, 5, 10 and 20 dB SNR, and clean,
// with `prepareAudio({ denoise: true })` (RNNoise) and without, same models, same run. The difference is
// paired by clip, with a 95 % bootstrap interval.
//   node bench/models/denoise.mjs [--models whisper-base,whisper-tiny] [--noises room,babble,caller]
//   node bench/models/denoise.mjs --render    the section from the runs finished so far (each run is kept
//                                             in bench/out/denoise-parts/, and a new run resumes from them)
// Writes bench/out/denoise.json and the "Noise reduction" section of bench/RESULTS.md.
// Decision rule, fixed before the first measurement: denoise becomes the default only if, for the default
// model, pooled over the noises, the paired difference (denoised − plain) has a 95 % interval entirely
// below zero at one SNR or more and a point estimate ≤ 0 at every SNR and on clean speech.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join } from 'node:path';
import { replaceSection } from '../lib/results-section.mjs';
import { argument, dataRoot, modelsDir, outDir } from '../lib/setup.mjs';
import { wordErrorRate } from '../stt/word-error-rate.mjs';
import { englishRows, joinRuns, runAll, runChild } from './harness.mjs';
import { loadNoises, NOISY_SPEECH_VERSION, noisySession, textPerClip } from './noisy-speech.mjs';
import { pooledWer } from './statistics.mjs';

const SNRS_DB = [0, 5, 10, 20];
const partsDir = join(outDir, 'denoise-parts');
/** `caller` (the 4.4 s telephone background loop) is available with --noises room,babble,caller. */
const NOISES = argument('noises', 'room,babble').split(',');
const models = (argument('models', 'whisper-base,whisper-tiny') || '')
  .split(',')
  .map((name) => name.replace(/^whisper-/, 'Xenova/whisper-'))
  .filter((model) => existsSync(join(modelsDir, model, 'config.json')));

/** The session recordings, clean first, then each noise at each SNR. */
function buildConditions(rows) {
  const clips = rows.map((row) => join(dataRoot, 'asr', row.audio));
  const noises = loadNoises(dataRoot);
  const sessionsDir = join(outDir, 'models', 'inputs', 'noisy');
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
  const sources = Object.fromEntries(
    Object.entries(noises)
      .filter(([name]) => NOISES.includes(name))
      .map(([name, noise]) => [name, noise.source]),
  );
  return { conditions, sources };
}

/** Each child's result is kept on disk, so an interrupted run resumes and `--render` shows what is done. */
const partPath = (model, condition, denoise) =>
  join(
    partsDir,
    `${model.replace('/', '_')}.${basename(condition.path, '.wav')}.v${NOISY_SPEECH_VERSION}.${denoise ? 'on' : 'off'}.json`,
  );

async function measure(conditions) {
  mkdirSync(partsDir, { recursive: true });
  // Lowest SNR first (where a denoiser should help most), clean early: a partial run still answers.
  const order = [...conditions].sort((a, b) => (a.snrDb ?? 2.5) - (b.snrDb ?? 2.5));
  const tasks = models.flatMap((model) =>
    order.flatMap((condition) =>
      [false, true]
        .filter((denoise) => !existsSync(partPath(model, condition, denoise)))
        .map((denoise) => async () => {
          console.log(`${model}, ${basename(condition.path)}, denoise ${denoise ? 'on' : 'off'}`);
          const result = await runChild(model, [condition.path], { denoise });
          writeFileSync(partPath(model, condition, denoise), `${JSON.stringify(result)}\n`);
        }),
    ),
  );
  await runAll(tasks);
}

/** The report from the parts on disk: conditions that have both a plain and a denoised run for every model. */
function assemble(rows, conditions, sources) {
  const complete = conditions.filter((condition) =>
    models.every((model) =>
      [false, true].every((denoise) => existsSync(partPath(model, condition, denoise))),
    ),
  );
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    snrsDb: SNRS_DB,
    noises: sources,
    clips: rows.length,
    conditionsMeasured: complete.length,
    conditionsPlanned: conditions.length,
    runs: {},
  };
  for (const model of models) {
    report.runs[model] = {};
    for (const denoise of [false, true]) {
      const result = joinRuns(
        complete.map((condition) => JSON.parse(readFileSync(partPath(model, condition, denoise), 'utf8'))),
      );
      // Per clip, by word time, so that the comparison can be paired clip by clip.
      result.clipTexts = result.results.map((entry, index) =>
        textPerClip(entry.segments, complete[index].spans),
      );
      result.items = result.clipTexts.flatMap((texts) =>
        texts.map((text, clip) => wordErrorRate(rows[clip].text, text)),
      );
      result.wer = pooledWer(result.items);
      result.prepareSecPerAudioSec =
        result.results.reduce((sum, entry) => sum + entry.prepareMs, 0) / 1000 / result.audioSec;
      for (const entry of result.results) delete entry.segments;
      report.runs[model][denoise ? 'on' : 'off'] = result;
    }
  }
  summarise(report, complete, rows.length);
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
  report.bySnr = [null, ...SNRS_DB]
    .map((snrDb) => ({
      snrDb,
      indices: conditions.flatMap((condition, index) => (condition.snrDb === snrDb ? [index] : [])),
    }))
    .filter(({ indices }) => indices.length > 0)
    .map(({ snrDb, indices }) => ({
      snrDb,
      noises: indices.map((index) => conditions[index].noise),
      models: compare((items) => indices.flatMap((index) => block(items, index))),
    }));
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
          `| ${label(row.snrDb)} | ${row.noises.join(', ')} | ${short(model)} | ${percent(row.models[model].off.value)} | ${percent(row.models[model].on.value)} | ${points(row.models[model].difference)} |`,
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

${report.conditionsMeasured < report.conditionsPlanned ? `**Partial run: ${report.conditionsMeasured} of ${report.conditionsPlanned} conditions measured** (lowest SNR first; the rest did not finish on the shared machine). ` : ''}WER pooled over the noises at each SNR (${report.clips} clips per noise); the difference is denoise − plain in WER
points, paired by clip, with its 95 % bootstrap interval:

| SNR | noises | model | WER plain | WER denoised | difference (95 % interval) |
|---|---|---|---:|---:|---:|
${pooled}

Per noise (plain → denoised):

| noise | SNR | ${names.map(short).join(' | ')} |
|---|---|${names.map(() => '---:').join('|')}|
${detail}

Cost: ${cost}.
`;
}

const rows = englishRows();
const { conditions, sources } = buildConditions(rows);
if (!process.argv.includes('--render')) await measure(conditions);
const report = assemble(rows, conditions, sources);
writeFileSync(join(outDir, 'denoise.json'), `${JSON.stringify(report, null, 2)}\n`);
const section = render(report);
replaceSection('denoise', section);
console.log(section);
