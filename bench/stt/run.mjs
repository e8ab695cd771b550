#!/usr/bin/env node
// STT benchmark: EchoLens (prepareAudio + transcribeAudio + createWhisper) against a plain
// Transformers.js pipeline with 30 s chunks, same model and weights, each run in its own child
// process (peak RSS is the child's), on (a) the English ASR rows and (b) call-like recordings.
//   node bench/stt/run.mjs            (a) + 12-min call for both; EchoLens also on 30 and 60 min
//   node bench/stt/run.mjs --full     the peer on the 30 and 60 min calls too
//   node bench/stt/run.mjs --extra-model whisper-base   also (a) and the 12-min call with that model
//   node bench/stt/run.mjs --only a   only (a), for both systems, plus EchoLens with word timestamps (as
//                                     `analyze` runs it); writes a sub-block of the STT section and keeps
//                                     the full run's table (a cheap check that English WER did not move)
// Needs built packages (`pnpm build`). Writes bench/out/stt.json and the STT section of RESULTS.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrapInterval } from '../conversations/score.mjs';
import { argument, dataRoot, modelsDir, outDir, root } from '../lib/setup.mjs';
import { BUILDER_VERSION, buildCall } from './build-call.mjs';
import { phoneBandVersion } from './phone-band.mjs';
import { wordErrorRate } from './word-error-rate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const inputsDir = join(outDir, 'stt', 'inputs');
const full = process.argv.includes('--full');
const canonical = (name) => name.replace(/^whisper-/, 'Xenova/whisper-');
const models = [canonical(argument('model', 'whisper-tiny'))];
if (argument('extra-model')) models.push(canonical(argument('extra-model')));
const dtype = argument('dtype', 'q8');
const seed = Number(argument('seed', '7'));
const CALL_MINUTES = [12, 30, 60];
const onlyAsr = argument('only') === 'a';
if (argument('only') && !onlyAsr) {
  console.error('--only takes a (the English ASR rows)');
  process.exit(2);
}

for (const model of models) {
  if (!existsSync(join(modelsDir, model, 'config.json'))) {
    console.error(
      `${model} is not in ${modelsDir}; run node scripts/fetch-models.mjs ${model.replace('Xenova/', '')}`,
    );
    process.exit(2);
  }
}
mkdirSync(inputsDir, { recursive: true });

function callInput(minutes) {
  const path = join(inputsDir, `call-${minutes}min-seed${seed}.wav`);
  const layoutPath = `${path}.json`;
  const current =
    existsSync(layoutPath) && JSON.parse(readFileSync(layoutPath, 'utf8')).builderVersion === BUILDER_VERSION;
  const layout = current
    ? JSON.parse(readFileSync(layoutPath, 'utf8'))
    : buildCall({ minutes, seed, out: path, dataRoot });
  return { path, layout };
}

function runChild(system, model, files, wordTimestamps = false) {
  const job = { files, model, dtype, modelsDir, language: 'en', wordTimestamps };
  const load = loadavg()[0];
  const started = Date.now();
  const output = execFileSync(process.execPath, [join(here, `system-${system}.mjs`), JSON.stringify(job)], {
    env: { ...process.env, ECHOLENS_MODELS_DIR: modelsDir },
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const result = JSON.parse(output.toString().trim().split('\n').at(-1));
  result.loadAverageBefore = load;
  result.loadAverageAfter = loadavg()[0];
  result.wallMs = Date.now() - started;
  const audioSec = result.results.reduce((sum, entry) => sum + entry.audioSec, 0);
  const ms = result.results.reduce((sum, entry) => sum + entry.ms, 0);
  result.audioSec = audioSec;
  result.realTimeFactor = ms / 1000 / audioSec;
  console.log(
    `  ${system.padEnd(8)} ${files.length} file(s), ${(audioSec / 60).toFixed(1)} min: RTF ${result.realTimeFactor.toFixed(3)}, peak RSS ${result.maxRssMb.toFixed(0)} MB (load avg ${load.toFixed(1)})`,
  );
  return result;
}

function score(result, references) {
  let errors = 0;
  let words = 0;
  for (const [index, entry] of result.results.entries()) {
    const { errors: e, words: w } = wordErrorRate(references[index], entry.text);
    entry.wer = w ? e / w : 0;
    Object.assign(entry, { errors: e, referenceWords: w });
    errors += e;
    words += w;
  }
  result.wer = errors / words;
  // 95 % bootstrap interval of the pooled WER, resampling the items.
  const pooledWer = (sample) =>
    sample.reduce((sum, entry) => sum + entry.errors, 0) /
    sample.reduce((sum, entry) => sum + entry.referenceWords, 0);
  result.werInterval = bootstrapInterval(result.results, pooledWer);
  return result;
}

const asrRows = readFileSync(join(dataRoot, 'asr', 'manifest.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line))
  .filter((row) => row.lang === 'en');
const asrFiles = asrRows.map((row) => join(dataRoot, 'asr', row.audio));
const asrReferences = asrRows.map((row) => row.text);

/** Runs every system on every input; each run in its own child process. */
function measure() {
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    models,
    dtype,
    seed,
    runs: [],
  };

  for (const [index, model] of models.entries()) {
    console.log(`${model}: (a) English ASR rows (${asrFiles.length})`);
    report.runs.push({
      input: '(a) English ASR rows',
      model,
      echolens: score(runChild('echolens', model, asrFiles), asrReferences),
      peer: score(runChild('peer', model, asrFiles), asrReferences),
    });
    if (onlyAsr) {
      console.log(`${model}: (a) English ASR rows, EchoLens with word timestamps`);
      report.runs.push({
        input: '(a) same, EchoLens with word timestamps',
        model,
        echolens: score(runChild('echolens', model, asrFiles, true), asrReferences),
      });
      continue;
    }
    if (index === 0) {
      // What a contact centre records: the same rows through a telephone channel (8 kHz µ-law).
      const phone = asrFiles.map((file) => phoneBandVersion(file, join(inputsDir, 'phone')));
      console.log(`${model}: (a′) English ASR rows, phone band`);
      report.runs.push({
        input: '(a′) same, phone band',
        model,
        echolens: score(
          runChild(
            'echolens',
            model,
            phone.map((entry) => entry.phone),
          ),
          asrReferences,
        ),
        peer: score(
          runChild(
            'peer',
            model,
            phone.map((entry) => entry.peer),
          ),
          asrReferences,
        ),
      });
    }
    for (const minutes of index === 0 ? CALL_MINUTES : CALL_MINUTES.slice(0, 1)) {
      const { path, layout } = callInput(minutes);
      console.log(
        `${model}: (b) call-like recording, ${minutes} min, speech ${(100 * layout.speechShare).toFixed(0)} %`,
      );
      const run = {
        input: `(b) call, ${minutes} min`,
        model,
        layout: { durationSec: layout.durationSec, speechShare: layout.speechShare, turns: layout.turns },
      };
      run.echolens = score(runChild('echolens', model, [path]), [layout.reference]);
      if (minutes === CALL_MINUTES[0] || full)
        run.peer = score(runChild('peer', model, [path]), [layout.reference]);
      report.runs.push(run);
    }
  }

  for (const run of report.runs) {
    for (const result of [run.echolens, run.peer])
      for (const entry of result?.results ?? []) if (!onlyAsr) delete entry.text;
  }
  report.onlyAsr = onlyAsr;
  writeFileSync(join(outDir, onlyAsr ? 'stt-asr.json' : 'stt.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

// `--render` rewrites the RESULTS.md section from the last bench/out/stt.json (stt-asr.json with
// `--only a`) without measuring again.
const report = process.argv.includes('--render')
  ? JSON.parse(readFileSync(join(outDir, onlyAsr ? 'stt-asr.json' : 'stt.json'), 'utf8'))
  : measure();

const percent = (value) => `${(100 * value).toFixed(1)} %`;
const speedUp = (run) =>
  run.peer ? `${(run.peer.realTimeFactor / run.echolens.realTimeFactor).toFixed(2)}×` : '–';
const line = (run, system) => {
  const result = run[system];
  const label = `| ${run.input} | ${run.model.replace('Xenova/', '')} | ${system} |`;
  if (!result) return `${label} not run | | | |`;
  return `${label} ${percent(result.wer)} | ${result.realTimeFactor.toFixed(3)} | ${result.maxRssMb.toFixed(0)} MB | ${system === 'echolens' ? speedUp(run) : ''} |`;
};
const loads = report.runs.flatMap((run) =>
  [run.echolens, run.peer].filter(Boolean).map((result) => result.loadAverageBefore),
);
const resultsPath = join(root, 'bench', 'RESULTS.md');
const existing = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '# Benchmark results\n';
if (report.onlyAsr) {
  // The check of (a) alone: a sub-block at the end of the STT section; the full run's table stays.
  const block = `<!-- stt-asr:start -->
### Check of (a) only (\`node bench/stt/run.mjs --only a\`)

Run ${report.date.slice(0, 10)} on ${report.machine.cpus} × ${report.machine.cpu}, Node ${report.machine.node}, ${report.dtype} weights, the same
setup as above (1-min load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} at the start of runs); the rows above are the last full run.
WER is pooled over the ${asrFiles.length} English rows; 95 % interval from a bootstrap over the rows
(\`bench/conversations/score.mjs\`). RTF and speed-up vary with the load.

| input | model | system | WER [95 % CI] | RTF | peak RSS | speed-up |
|---|---|---|---:|---:|---:|---:|
${report.runs
  .flatMap((run) => [run.echolens && ['echolens', run], run.peer && ['peer', run]].filter(Boolean))
  .map(
    ([system, run]) =>
      `| ${run.input} | ${run.model.replace('Xenova/', '')} | ${system} | ${percent(run[system].wer)} [${percent(run[system].werInterval[0])}, ${percent(run[system].werInterval[1])}] | ${run[system].realTimeFactor.toFixed(3)} | ${run[system].maxRssMb.toFixed(0)} MB | ${system === 'echolens' && run.peer ? speedUp(run) : ''} |`,
  )
  .join('\n')}
<!-- stt-asr:end -->`;
  const blockPattern = /<!-- stt-asr:start -->[\s\S]*<!-- stt-asr:end -->\n?/;
  const withoutBlock = existing.replace(blockPattern, '');
  if (!withoutBlock.includes('<!-- stt:end -->')) throw new Error('RESULTS.md has no STT section to add to');
  writeFileSync(resultsPath, withoutBlock.replace('<!-- stt:end -->', `${block}\n<!-- stt:end -->`));
  console.log(block);
  process.exit(0);
}
const callShare = report.runs.find((run) => run.layout)?.layout.speechShare ?? 0;
const peerOnLongCalls = report.runs.some(
  (run) => run.peer && run.layout && run.layout.durationSec > CALL_MINUTES[0] * 60 + 1,
);
const command = `node bench/stt/run.mjs${peerOnLongCalls ? ' --full' : ''}${report.models[1] ? ` --extra-model ${report.models[1].replace('Xenova/', '')}` : ''}`;
const tinyRuns = report.runs.filter((run) => run.model === report.models[0]);
const asrRun = tinyRuns.find((run) => run.input.startsWith('(a)'));
const firstCall = tinyRuns.find((run) => run.peer && run.layout);
const callRss = tinyRuns.filter((run) => run.layout).map((run) => `${run.echolens.maxRssMb.toFixed(0)} MB`);
const targets = `Targets for ${report.models[0].replace('Xenova/', '')} ${report.dtype}: WER no worse than the peer — (a) ${percent(asrRun.echolens.wer)} vs ${percent(asrRun.peer.wer)}, (b) ${percent(firstCall.echolens.wer)} vs ${percent(firstCall.peer.wer)}; ≥ 2× the peer's speed on (b) — measured ${speedUp(firstCall)}; peak RSS under 1 GB at 60 min and flat — ${CALL_MINUTES.join('/')} min: ${callRss.join(' / ')}.`;
const section = `<!-- stt:start -->
## Speech to text (bench/stt)

Reproduce: \`pnpm build && ${command}\` (JSON: \`bench/out/stt.json\`; the call-like inputs are rebuilt
deterministically by \`bench/stt/build-call.mjs\`, seed ${report.seed}).
Run ${report.date.slice(0, 10)} on ${report.machine.cpus} × ${report.machine.cpu}, Node ${report.machine.node}, ${report.dtype} weights,
language forced to English, segment timestamps; the machine was shared (1-min load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} at the start of runs).
**EchoLens** = \`prepareAudio\` (decode, loudness, Silero VAD) + \`transcribeAudio\` (VAD windows ≤ 30 s, guards) + \`createWhisper\`;
**peer** = \`pipeline('automatic-speech-recognition', …, { chunk_length_s: 30, return_timestamps: true })\` on the same
weights, fed the decoded samples. Each system runs in its own child process; RTF = processing time / audio duration
(model load excluded); peak RSS = the child's \`process.resourceUsage().maxRSS\`; speed-up = peer time / EchoLens time.
WER uses \`bench/stt/word-error-rate.mjs\` (lower case, punctuation, contractions, number words). The call-like
recordings join the English ASR utterances at telephone level with the pauses of a real call (75 % turn gaps 0.3–1.5 s,
20 % pauses 2–6 s, 5 % holds 15–45 s) over a −62 dBFS noise floor; speech share ${percent(callShare)}.
(a′) are the rows of (a) through a telephone channel by \`bench/stt/phone-band.mjs\`: −20 dBFS, a −55 dBFS noise
floor, 300–3400 Hz band, 8 kHz G.711 µ-law (EchoLens reads the µ-law file; the peer, which takes 16 kHz PCM, gets
ffmpeg's 16 kHz decode of it).

${targets}

Where the figures come from: on (a) every clip is one window for both systems, so EchoLens cannot skip anything and
pays for \`prepareAudio\` (decode, Silero VAD) and an encoder run without onnxruntime's memory arena (measured 0.53 s
against 0.38 s per 30 s window with the arena, which would add about 350 MB and break the 1 GB bound). On (b)
EchoLens decodes speech only: on the 12-min call 19 windows (482 s of audio, two of them second tries for speech a
window left without text) against the peer's 36 overlapping chunks. A profile of the EchoLens run on that call puts
56 % of its time in 1482 decoder token steps (18.8 ms each, the same per-step cost as the peer's), 23 % in the 19
encoder runs, 8 % in Silero VAD and 7 % in log-mel features and logit processing in JavaScript. Token steps grow
with the speech, which both systems must decode, so packing can only save the peer's encoder runs on silence and the
loops it writes there: that is why the 2× target is missed. Tried without gain on 2 cores: two decoder instances of
one thread each (6 windows: 18.9 s against 14.0 s for one two-thread instance) and fetching only the decoder outputs
that are used (no change). The second tries cost about two windows on the 12-min call and, in a separate profiling
run, cut its WER from 20.2 % to 18.1 %. Shared-machine timings vary by ±20 % between runs.

| input | model | system | WER | RTF | peak RSS | speed-up |
|---|---|---|---:|---:|---:|---:|
${report.runs.flatMap((run) => [line(run, 'echolens'), line(run, 'peer')]).join('\n')}
<!-- stt:end -->`;
const pattern = /<!-- stt:start -->[\s\S]*<!-- stt:end -->/;
writeFileSync(
  resultsPath,
  pattern.test(existing) ? existing.replace(pattern, section) : `${existing.trimEnd()}\n\n${section}\n`,
);
console.log(section);
