#!/usr/bin/env node
// Conversational STT benchmark: EchoLens (prepareAudio + transcribeAudio + createWhisper, word
// timestamps on, as `analyze` runs it) against the plain Transformers.js pipeline
// (`pipeline('automatic-speech-recognition', …, { chunk_length_s: 30 })`, same weights), each in its
// own child process, in the same run, on
//   (c) conversations built from dev utterances (bench/conversations/build.mjs): 16 kHz mono,
//   (c′) the same through an 8 kHz µ-law telephone channel, (c″) the two-party ones in stereo,
//   (d) the dev call recordings (dense speech), (e) a 12-min call-like recording with realistic silence.
// Scores: WER (with the peer's, as a ratio, paired bootstrap CI), coverage of voiced seconds, speed,
// peak RSS; word-level speaker accuracy with a reference (oracle) diarization and with EchoLens's own.
//   node bench/conversations/run.mjs [--model whisper-tiny] [--extra-model whisper-base] [--render] [--reuse]
// (--reuse scores the children's saved results again, --render rewrites RESULTS.md from the last JSON,
// --sets c,d runs only those sets: c, c-phone, c-stereo, d, e).
// Needs built packages (`pnpm build`). Writes bench/out/conversations.json and its RESULTS.md section.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { measureSpeechCoverage } from '@echolens/core';
import { replaceSection } from '../lib/results-section.mjs';
import { argument, dataRoot, modelsDir, outDir, root } from '../lib/setup.mjs';
import { BUILDER_VERSION, buildCall } from '../stt/build-call.mjs';
import { wordErrorRate } from '../stt/word-error-rate.mjs';
import { buildConversations } from './build.mjs';
import { bootstrapInterval, speakerAgreement } from './score.mjs';

const sttDir = join(root, 'bench', 'stt');
const inputsDir = join(outDir, 'conversations', 'inputs');
const canonical = (name) => name.replace(/^whisper-/, 'Xenova/whisper-');
const models = [canonical(argument('model', 'whisper-tiny'))];
if (argument('extra-model')) models.push(canonical(argument('extra-model')));
const dtype = argument('dtype', 'q8');
const CALL_MINUTES = 12;
const CALL_SEED = 7;

const reuse = process.argv.includes('--reuse');
const runsDir = join(outDir, 'conversations', 'runs');

/**
 * Runs one system on a set in its own child process. Each child's raw result is kept in
 * bench/out/conversations/runs/; `--reuse` scores those again without running the models.
 */
function runChild(system, model, files, extra = {}, key = '') {
  const saved = join(runsDir, `${model.replace('/', '_')}-${key}-${system}.json`);
  if (reuse && existsSync(saved)) return JSON.parse(readFileSync(saved, 'utf8'));
  const result = runChildProcess(system, model, files, extra);
  mkdirSync(runsDir, { recursive: true });
  writeFileSync(saved, JSON.stringify(result));
  return result;
}

function runChildProcess(system, model, files, extra) {
  const job = { files, model, dtype, modelsDir, language: 'en', ...extra };
  const load = loadavg()[0];
  const output = execFileSync(process.execPath, [join(sttDir, `system-${system}.mjs`), JSON.stringify(job)], {
    env: { ...process.env, ECHOLENS_MODELS_DIR: modelsDir },
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const result = JSON.parse(output.toString().trim().split('\n').at(-1));
  result.loadAverageBefore = load;
  result.audioSec = result.results.reduce((sum, entry) => sum + entry.audioSec, 0);
  result.ms = result.results.reduce((sum, entry) => sum + entry.ms, 0);
  result.realTimeFactor = result.ms / 1000 / result.audioSec;
  console.log(
    `  ${system.padEnd(8)} ${files.length} file(s), ${(result.audioSec / 60).toFixed(1)} min: RTF ${result.realTimeFactor.toFixed(3)}, peak RSS ${result.maxRssMb.toFixed(0)} MB (load avg ${load.toFixed(1)})`,
  );
  return result;
}

/** Pooled WER of a system over the set, per-item errors kept for the bootstrap. */
function scoreText(result, references) {
  result.results.forEach((entry, index) => {
    const { errors, words } = wordErrorRate(references[index], entry.text);
    Object.assign(entry, { errors, referenceWords: words, wer: words ? errors / words : 0 });
  });
  result.wer = pooled(
    result.results,
    (entry) => entry.errors,
    (entry) => entry.referenceWords,
  );
}

function pooled(entries, numerator, denominator) {
  const total = entries.reduce((sum, entry) => sum + denominator(entry), 0);
  return total > 0 ? entries.reduce((sum, entry) => sum + numerator(entry), 0) / total : Number.NaN;
}

/** Coverage of the peer's chunks over the voiced seconds EchoLens's VAD found in the same file. */
function peerCoverage(peer, echolens) {
  peer.results.forEach((entry, index) => {
    const speech = echolens.results[index].speech;
    const transcript = {
      language: 'en',
      durationSec: entry.audioSec,
      segments: (entry.chunks ?? []).map((chunk, k) => ({ id: String(k), ...chunk })),
    };
    const coverage = measureSpeechCoverage(speech.slice(0, 1), transcript);
    Object.assign(entry, { voicedSec: coverage.voicedSec, coveredSec: coverage.coveredSec });
  });
  peer.speechCoverage = pooled(
    peer.results,
    (e) => e.coveredSec,
    (e) => e.voicedSec,
  );
}

function scoreSpeakers(echolens, turnsPerFile, references) {
  for (const [field, key] of [
    ['words', 'diarized'],
    ['oracleWords', 'oracle'],
  ]) {
    const perFile = echolens.results.map((entry, index) =>
      entry[field] ? speakerAgreement(turnsPerFile[index], entry[field]) : undefined,
    );
    if (perFile.some((score) => !score)) continue;
    echolens.results.forEach((entry, index) => {
      entry[`${key}Speakers`] = perFile[index];
      // WER of the words in the order the conversation's turns read: a reply placed after the
      // sentence it interrupted costs here, not in the transcript's own (time-sorted) WER.
      const reading = wordErrorRate(references[index], entry[field].map((word) => word.text).join(' '));
      entry[`${key}ReadingErrors`] = reading.errors;
    });
    echolens[`${key}ReadingWer`] = pooled(
      echolens.results,
      (e) => e[`${key}ReadingErrors`],
      (e) => e.referenceWords,
    );
    const accuracy = (sample) =>
      pooled(
        sample,
        (s) => s.correct,
        (s) => s.aligned,
      );
    const edges = (sample) =>
      pooled(
        sample,
        (s) => s.edgeCorrect,
        (s) => s.edgeWords,
      );
    echolens[`${key}SpeakerAccuracy`] = {
      value: accuracy(perFile),
      interval: bootstrapInterval(perFile, accuracy),
    };
    echolens[`${key}EdgeAccuracy`] = { value: edges(perFile), interval: bootstrapInterval(perFile, edges) };
  }
}

async function measure() {
  const index = await buildConversations({ outDir: inputsDir, dataRoot });
  const conversations = index.conversations;
  const dialogues = conversations.filter((conversation) => conversation.files.stereo);
  const callPath = join(outDir, 'stt', 'inputs', `call-${CALL_MINUTES}min-seed${CALL_SEED}.wav`);
  mkdirSync(dirname(callPath), { recursive: true });
  const layoutPath = `${callPath}.json`;
  const layout =
    existsSync(layoutPath) && JSON.parse(readFileSync(layoutPath, 'utf8')).builderVersion === BUILDER_VERSION
      ? JSON.parse(readFileSync(layoutPath, 'utf8'))
      : buildCall({ minutes: CALL_MINUTES, seed: CALL_SEED, out: callPath, dataRoot });
  const callFiles = [
    join(dataRoot, 'diarization', 'audio', 'aws-lca-auto-repairs-49.wav'),
    join(dataRoot, 'calls', 'azure-katiesteve-two-speakers.wav'),
    join(dataRoot, 'calls', 'azure-call-center-sample.wav'),
  ];
  const conversationTurns = conversations.map((conversation) => conversation.turns);
  const sets = [
    {
      id: 'c',
      input: '(c) conversations, 16 kHz',
      files: conversations.map((c) => c.files.mono),
      peerFiles: conversations.map((c) => c.files.mono),
      references: conversations.map((c) => c.reference),
      turns: conversationTurns,
      diarize: true,
    },
    {
      id: 'c-phone',
      input: '(c′) same, phone band',
      files: conversations.map((c) => c.files.phone),
      peerFiles: conversations.map((c) => c.files.phone16k),
      references: conversations.map((c) => c.reference),
      turns: conversationTurns,
      diarize: true,
    },
    {
      id: 'c-stereo',
      input: '(c″) two-party ones, stereo',
      files: dialogues.map((c) => c.files.stereo),
      references: dialogues.map((c) => c.reference),
      turns: dialogues.map((c) => c.turns),
      diarize: true,
    },
    { id: 'd', input: '(d) dev call recordings, dense speech', files: callFiles, peerFiles: callFiles },
    {
      id: 'e',
      input: `(e) call-like recording, ${CALL_MINUTES} min, ${Math.round(100 * layout.speechShare)} % speech`,
      files: [callPath],
      peerFiles: [callPath],
      references: [layout.reference],
    },
  ];

  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    models,
    dtype,
    conversationsSeed: index.seed,
    conversations: conversations.map((c) => ({
      id: c.id,
      kind: c.kind,
      durationSec: c.durationSec,
      voices: c.speakers.map((s) => s.voice),
      turns: c.turns.length,
    })),
    runs: [],
  };
  const only = argument('sets')?.split(',');
  report.sets = (only ? sets.filter((set) => only.includes(set.id)) : sets).map((set) => set.id);
  report.setsNotRun = sets.filter((set) => !report.sets.includes(set.id)).map((set) => set.input);
  for (const model of models) {
    for (const set of sets.filter((candidate) => !only || only.includes(candidate.id))) {
      console.log(`${model}: ${set.input} (${set.files.length} files)`);
      const echolens = runChild(
        'echolens',
        model,
        set.files,
        {
          wordTimestamps: true,
          words: true,
          diarize: set.diarize ?? false,
          ...(set.turns ? { references: set.turns } : {}),
        },
        set.id,
      );
      const peer = set.peerFiles
        ? runChild('peer', model, set.peerFiles, { chunks: true }, set.id)
        : undefined;
      if (set.references) {
        scoreText(echolens, set.references);
        if (peer) scoreText(peer, set.references);
      }
      echolens.speechCoverage = pooled(
        echolens.results,
        (e) => e.coveredSec,
        (e) => e.voicedSec,
      );
      if (peer) peerCoverage(peer, echolens);
      if (set.turns) scoreSpeakers(echolens, set.turns, set.references);
      const run = { id: set.id, input: set.input, model, echolens, ...(peer ? { peer } : {}) };
      if (peer && set.references) {
        const pairs = echolens.results.map((entry, k) => ({ e: entry, p: peer.results[k] }));
        const ratio = (sample) =>
          pooled(
            sample,
            (x) => x.e.errors,
            (x) => x.e.referenceWords,
          ) /
          pooled(
            sample,
            (x) => x.p.errors,
            (x) => x.p.referenceWords,
          );
        run.werRatio = { value: echolens.wer / peer.wer, interval: bootstrapInterval(pairs, ratio) };
        run.worstClipExcess = Math.max(...pairs.map((x) => x.e.wer - x.p.wer));
        run.worstClip = pairs.reduce((worst, x) =>
          x.e.wer - x.p.wer > worst.e.wer - worst.p.wer ? x : worst,
        ).e.file;
      }
      if (peer) run.speedUp = peer.ms / echolens.ms;
      report.runs.push(run);
    }
  }
  writeFileSync(join(outDir, 'conversations.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

const report = process.argv.includes('--render')
  ? JSON.parse(readFileSync(join(outDir, 'conversations.json'), 'utf8'))
  : await measure();

const percent = (value) => (Number.isFinite(value) ? `${(100 * value).toFixed(1)} %` : '–');
const interval = (entry) =>
  entry ? `${percent(entry.value)} [${percent(entry.interval[0])}, ${percent(entry.interval[1])}]` : '–';
const short = (model) => model.replace('Xenova/', '');
const rows = report.runs.map((run) => {
  const e = run.echolens;
  const p = run.peer;
  const wer = e.wer === undefined ? '–' : `${percent(e.wer)} / ${p ? percent(p.wer) : '–'}`;
  // One item has no interval to resample.
  const ratio = !run.werRatio
    ? '–'
    : e.results.length < 2
      ? `${run.werRatio.value.toFixed(2)} (one item)`
      : `${run.werRatio.value.toFixed(2)} [${run.werRatio.interval[0].toFixed(2)}, ${run.werRatio.interval[1].toFixed(2)}]`;
  const worst = run.worstClipExcess === undefined ? '–' : `${(100 * run.worstClipExcess).toFixed(1)}`;
  const coverage = `${e.speechCoverage.toFixed(3)} / ${p ? p.speechCoverage.toFixed(3) : '–'}`;
  const speed = run.speedUp ? `${run.speedUp.toFixed(2)}×` : '–';
  const rss = `${e.maxRssMb.toFixed(0)} / ${p ? p.maxRssMb.toFixed(0) : '–'} MB`;
  return `| ${run.input} | ${short(run.model)} | ${wer} | ${ratio} | ${worst} | ${coverage} | ${e.realTimeFactor.toFixed(3)} / ${p ? p.realTimeFactor.toFixed(3) : '–'} | ${speed} | ${rss} |`;
});
const speakerRows = report.runs
  .filter((run) => run.echolens.oracleSpeakerAccuracy)
  .map(
    (run) =>
      `| ${run.input} | ${short(run.model)} | ${interval(run.echolens.oracleSpeakerAccuracy)} | ${interval(run.echolens.oracleEdgeAccuracy)} | ${percent(run.echolens.oracleReadingWer)} | ${interval(run.echolens.diarizedSpeakerAccuracy)} | ${interval(run.echolens.diarizedEdgeAccuracy)} | ${percent(run.echolens.diarizedReadingWer)} | ${run.echolens.results[0]?.diarizer ?? '–'} |`,
  );
const loads = report.runs.flatMap((run) =>
  [run.echolens, run.peer].filter(Boolean).map((result) => result.loadAverageBefore),
);
const command = `node bench/conversations/run.mjs --model ${short(report.models[0])}${report.models[1] ? ` --extra-model ${short(report.models[1])}` : ''}${report.setsNotRun?.length ? ` --sets ${report.sets.join(',')}` : ''}`;
const notRun = report.setsNotRun?.length ? `\nNot run this time: ${report.setsNotRun.join('; ')}.\n` : '';
const section = `## Speech to text on conversations (bench/conversations)

Reproduce: \`pnpm build && ${command}\` (JSON: \`bench/out/conversations.json\`; inputs rebuilt
deterministically by \`bench/conversations/build.mjs\`, seed ${report.conversationsSeed}).
Run ${report.date.slice(0, 10)} on ${report.machine.cpus} × ${report.machine.cpu}, Node ${report.machine.node}, ${report.dtype} weights, language
forced to English; the machine was shared (1-min load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} at the start of runs).
**EchoLens** = \`prepareAudio\` + \`transcribeAudio\` with word timestamps (as \`analyze\` runs it) + \`createWhisper\`;
**peer** = \`pipeline('automatic-speech-recognition', …, { chunk_length_s: 30, return_timestamps: true })\`, same weights,
fed the same samples (the 16 kHz ffmpeg decode of the telephone files). Each system runs in its own child process;
RTF = processing time / audio duration (model load excluded; EchoLens includes decoding and VAD, not diarization);
speed-up = peer time / EchoLens time; peak RSS = the child's maxRSS.

Inputs: (c) ${report.conversations.length} conversations assembled from the English dev utterances, one voice per speaker
(${report.conversations.filter((c) => c.kind === 'dialogue').length} two-party dialogues, ${report.conversations.filter((c) => c.kind === 'sequence').length} three speakers in sequence; ${(report.conversations.reduce((s, c) => s + c.durationSec, 0) / 60).toFixed(1)} min), turn gaps drawn from
35 % 0.2–0.5 s, 30 % 0.5–1 s, 15 % 1–2.5 s, 20 % overlap of 0.1–0.6 s, every voice at −20 ± 4 dBFS over −60 dBFS
noise; (c′) the same through \`bench/stt/phone-band.mjs\` (300–3400 Hz, 8 kHz G.711 µ-law); (c″) the two-party
ones with one speaker per channel; (d) the dev call recordings (aws-lca-auto-repairs-49 mono mix, 8 kHz
content; the two Azure samples), no references; (e) the 12-min call of \`bench/stt/build-call.mjs\` (seed 7).
Coverage = voiced seconds (EchoLens's Silero VAD) inside the stretches the words span / voiced seconds
(\`measureSpeechCoverage\`; for the peer, its chunks' spans on the same VAD regions — a chunk counts whatever it
says, repetition loops and invented text included, so the peer's coverage is an upper bound; read the texts in
\`bench/out/conversations/runs/\` before comparing, (d) has no references). WER ratio with a paired
bootstrap 95 % interval over the items; "worst clip" = the largest WER excess of EchoLens over the peer on one item, points.
${notRun}${report.note ? `\n${report.note}\n` : ''}
| input | model | WER EchoLens / peer | WER ratio [95 % CI] | worst clip | coverage EchoLens / peer | RTF EchoLens / peer | speed-up | peak RSS EchoLens / peer |
|---|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

Word-level speaker accuracy: reference words aligned to EchoLens's words (edit distance after normalisation), share
whose speaker is right under the best one-to-one speaker mapping, 95 % bootstrap interval over conversations.
"Turn edges" = the first and last word of every reference turn (where a word lands on the wrong side of a turn
change). "Reference diarization" attributes EchoLens's words to the known speaker turns (isolates word timings and
word→speaker assignment); "own diarizer" is EchoLens's default (channel diarizer on stereo, spectral on mono).
"WER in turn order" scores the words in the order the conversation's turns present them (a reply read after the
sentence it came in the middle of costs there), against the transcript's own WER in the first table.

| input | model | reference diarization: all words | turn edges | WER in turn order | own diarizer: all words | turn edges | WER in turn order | diarizer |
|---|---|---:|---:|---:|---:|---:|---:|---|
${speakerRows.join('\n')}`;
replaceSection('conversations', section);
console.log(section);
