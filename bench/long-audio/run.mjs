#!/usr/bin/env node
// Long-audio benchmark: a call-like recording of 30 min, 1 h and 2 h (built from the dev ASR
// utterances by bench/stt/build-call.mjs; shorter ones are prefixes of the 2 h one), transcribed by
// the pipeline with whisper-tiny in checkpointed 5-minute chunks, against the same pipeline in one
// piece (longAudio off: what runs without checkpoints), each run in its own child process. Then the
// 2 h recording again, killed with SIGKILL in the middle of the chunk that holds the half-way mark and
// restarted: the time lost is (killed run + rerun) − the uninterrupted chunked run.
//   nice -n 10 node bench/long-audio/run.mjs            all of it (about an hour on 2 shared cores)
//   node bench/long-audio/run.mjs --render              RESULTS.md section from bench/out/long-audio.json
//   node bench/long-audio/run.mjs --again 30,crash      measure the 30-min runs (both modes) and the crash again,
//                                                       keep the rest (what was measured while the machine was busy)
// Needs built packages (`pnpm build`). Writes bench/out/long-audio.json and the long-audio section of RESULTS.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { replaceSection } from '../lib/results-section.mjs';
import { BUILDER_VERSION, buildCall } from '../stt/build-call.mjs';
import { wordErrorRate } from '../stt/word-error-rate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const dataRoot = process.env.ECHOLENS_TEST_DATA ?? resolve(root, '..', 'shared', 'data');
const outDir = join(root, 'bench', 'out');
const inputsDir = join(outDir, 'long-audio', 'inputs');
const jsonPath = join(outDir, 'long-audio.json');
const modelsDir =
  process.env.ECHOLENS_MODELS_DIR ||
  join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'echolens', 'models');
const MODEL = 'Xenova/whisper-tiny';
const SEED = 7;
const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
// `--minutes 6 --chunk-sec 60` makes a quick trial run; only the defaults update RESULTS.md.
const MINUTES = argument('minutes', '30,60,120').split(',').map(Number);
const CHUNK_SEC = Number(argument('chunk-sec', '300'));
const CRASH_MINUTES = Number(argument('crash-minutes', String(Math.max(...MINUTES))));
const trial = MINUTES.join(',') !== '30,60,120' || CHUNK_SEC !== 300;

function callInput(minutes) {
  mkdirSync(inputsDir, { recursive: true });
  const path = join(inputsDir, `call-${minutes}min-seed${SEED}.wav`);
  const layoutPath = `${path}.json`;
  const current =
    existsSync(layoutPath) && JSON.parse(readFileSync(layoutPath, 'utf8')).builderVersion === BUILDER_VERSION;
  const layout = current
    ? JSON.parse(readFileSync(layoutPath, 'utf8'))
    : buildCall({ minutes, seed: SEED, out: path, dataRoot });
  return { path, layout };
}

/**
 * Runs the child; `killWhen(line, elapsedMs)` may return a delay in ms after which the child gets
 * SIGKILL. Resolves with the child's JSON lines, its result (undefined when killed) and wall time.
 */
function runChild(job, killWhen) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(here, 'transcribe-child.mjs'), JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ECHOLENS_MODELS_DIR: modelsDir },
    });
    const lines = [];
    let killTimer;
    createInterface({ input: child.stdout }).on('line', (text) => {
      const line = JSON.parse(text);
      lines.push(line);
      const delay = killWhen?.(line, lines);
      if (delay !== undefined && !killTimer) killTimer = setTimeout(() => child.kill('SIGKILL'), delay);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(killTimer);
      const wallMs = performance.now() - started;
      const result = lines.find((line) => line.done);
      if (!result && signal !== 'SIGKILL') reject(new Error(`child failed (${code ?? signal})`));
      else resolvePromise({ lines, result, wallMs, killed: signal === 'SIGKILL' });
    });
  });
}

function summarise(run, input) {
  const { result } = run;
  return {
    // The 1-min load average when the run ended: on a shared machine, what the wall time must be read with.
    loadAverage: Math.round(loadavg()[0] * 10) / 10,
    ms: Math.round(result.ms),
    prepareMs: Math.round(result.prepareMs),
    rtf: result.ms / 1000 / result.audioSec,
    maxRssMb: Math.round(result.maxRssMb),
    wer: wordErrorRate(input.layout.reference, result.text).wer,
    chunks: run.lines.filter((line) => line.event?.status === 'completed').length,
    resumed: run.lines.filter((line) => line.event?.status === 'resumed').length,
    text: result.text,
  };
}

async function measure(again) {
  const report = again
    ? JSON.parse(readFileSync(jsonPath, 'utf8'))
    : {
        date: new Date().toISOString().slice(0, 10),
        machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`,
        node: process.version,
        loadAverageAtStart: loadavg()[0],
        model: MODEL,
        chunkSec: CHUNK_SEC,
        runs: [],
      };
  const save = () => {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  };
  const job = (input, mode, storageRoot, callId) => ({
    wordTimestamps: false,
    file: input.path,
    mode,
    model: MODEL,
    modelsDir,
    storageRoot,
    chunkSec: CHUNK_SEC,
    callId,
  });
  const lengths = again ? again.map((step) => (step === 'crash' ? CRASH_MINUTES : step)) : MINUTES;
  const inputs = Object.fromEntries(lengths.map((minutes) => [minutes, callInput(minutes)]));
  const scratch = mkdtempSync(join(tmpdir(), 'echolens-long-audio-'));
  // The shortest length in both modes and the crash first, so an interrupted session still has every
  // kind of figure; then the longer lengths, chunked before one piece.
  const [shortest, ...longer] = [...MINUTES].sort((a, b) => a - b);
  const steps = again
    ? again.flatMap((minutes) =>
        minutes === 'crash'
          ? [['crash', CRASH_MINUTES]]
          : [
              ['chunked', minutes],
              ['whole', minutes],
            ],
      )
    : [
        ['chunked', shortest],
        ['whole', shortest],
        ['crash', CRASH_MINUTES],
        ...longer.map((minutes) => ['chunked', minutes]),
        ...longer.map((minutes) => ['whole', minutes]),
      ];
  if (again) report.runs = report.runs.filter((run) => !again.includes(run.minutes));
  try {
    for (const [mode, minutes] of steps) {
      const input = inputs[minutes];
      if (mode !== 'crash') {
        console.log(`${minutes} min, ${mode}…`);
        const run = await runChild(job(input, mode, join(scratch, `${minutes}-${mode}`), `call-${minutes}`));
        const measured = { minutes, mode, ...summarise(run, input) };
        report.runs.push(measured);
        report.runs.sort((a, b) => a.minutes - b.minutes || a.mode.localeCompare(b.mode));
        save();
        console.log(measured);
        continue;
      }
      // Crash at the half-way mark: SIGKILL half-way through the chunk that holds the middle.
      const storageRoot = join(scratch, 'crash');
      const halfSec = input.layout.durationSec / 2;
      console.log(`${minutes} min, chunked, killed half-way…`);
      const killed = await runChild(job(input, 'chunked', storageRoot, 'call-crash'), (line, lines) => {
        if (line.event?.status !== 'processing' || line.event.endSec <= halfSec) return undefined;
        const completed = lines.filter((entry) => entry.event?.status === 'completed');
        const firstEventMs = lines.find((entry) => entry.event)?.ms ?? 0;
        const perChunkMs = completed.length ? (completed.at(-1).ms - firstEventMs) / completed.length : 0;
        return Math.round(perChunkMs / 2);
      });
      console.log('restarting…');
      const rerun = await runChild(job(input, 'chunked', storageRoot, 'call-crash'));
      const rerunSummary = summarise(rerun, input);
      report.crash = {
        minutes,
        loadAverage: Math.round(loadavg()[0] * 10) / 10,
        killedAtMs: Math.round(killed.wallMs),
        chunksCompletedBeforeKill: killed.lines.filter((line) => line.event?.status === 'completed').length,
        rerunMs: Math.round(rerun.result.ms),
        rerunPrepareMs: Math.round(rerun.result.prepareMs),
        rerunChunksResumed: rerunSummary.resumed,
        rerunChunksTranscribed: rerunSummary.chunks,
        rerunWer: rerunSummary.wer,
        rerunText: rerun.result.text,
      };
      save();
      console.log({ ...report.crash, rerunText: undefined });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return report;
}

const again = argument('again')
  ?.split(',')
  .map((step) => (step === 'crash' ? step : Number(step)));
const report = process.argv.includes('--render')
  ? JSON.parse(readFileSync(jsonPath, 'utf8'))
  : await measure(again);
// `--render --note "…"` keeps a remark about the run (e.g. what could not be measured) in the JSON and the section.
if (argument('note')) {
  report.note = argument('note');
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
}
if (trial) {
  console.log('trial settings: RESULTS.md left alone');
  process.exit(0);
}

const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;
const rows = report.runs.map(
  (run) =>
    `| ${run.minutes} min | ${run.mode === 'chunked' ? `chunks of ${report.chunkSec / 60} min (${run.chunks})` : 'one piece'} | ${seconds(run.ms)} | ${seconds(run.prepareMs)} | ${run.rtf.toFixed(3)} | ${run.maxRssMb} MB | ${(run.wer * 100).toFixed(1)} % | ${run.loadAverage ?? '–'} |`,
);
const ratio = (minutes) => {
  const chunked = report.runs.find((run) => run.minutes === minutes && run.mode === 'chunked');
  const whole = report.runs.find((run) => run.minutes === minutes && run.mode === 'whole');
  return chunked && whole ? `${(whole.ms / chunked.ms).toFixed(2)}×` : '–';
};
const crash = report.crash;
const baseline = crash && report.runs.find((run) => run.minutes === crash.minutes && run.mode === 'chunked');
const onePiece = crash && report.runs.find((run) => run.minutes === crash.minutes && run.mode === 'whole');
if (crash && baseline) {
  // Work lost = what the two runs took beyond the uninterrupted run (model loads excluded in both).
  crash.lostMs = crash.killedAtMs + crash.rerunMs - baseline.ms;
  crash.meanChunkMs = (baseline.ms - baseline.prepareMs) / baseline.chunks;
}
const crashText =
  crash && baseline
    ? `Crash at the half-way mark (${crash.minutes} min recording, SIGKILL half-way through the chunk holding minute ${crash.minutes / 2}, then a restart):
${crash.chunksCompletedBeforeKill} chunks were complete and ${crash.rerunChunksResumed} were resumed from their checkpoints, ${crash.rerunChunksTranscribed} transcribed by the
rerun${crash.loadAverage !== undefined ? ` (1-min load average ${crash.loadAverage} at the end)` : ''}. Time lost = killed run ${seconds(crash.killedAtMs)} + rerun ${seconds(crash.rerunMs)} − uninterrupted ${seconds(crash.killedAtMs + crash.rerunMs - crash.lostMs)} = **${seconds(crash.lostMs)}**,
of which ${seconds(crash.rerunPrepareMs)} is the rerun's decoding and voice detection of the whole file again; a mean chunk takes
${seconds(crash.meanChunkMs)}. Without checkpoints the same crash loses everything before it: about ${onePiece ? seconds(onePiece.ms / 2) : '–'} (half the one-piece run).
WER of the resumed transcript: ${(crash.rerunWer * 100).toFixed(1)} %; its text is ${crash.rerunText === baseline.text ? 'identical to' : 'NOT identical to'} the uninterrupted run's.`
    : 'Crash run: not measured.';
const section = `## Long audio: checkpointed chunks (bench/long-audio)

Run ${report.date} on ${report.machine}, Node ${report.node}, ${report.model.replace('Xenova/', '')} q8, language forced to English, segment
timestamps (no word timing), 1-min load
average ${report.loadAverageAtStart.toFixed(1)} at the start (shared machine: timings vary by ±20 %). Input: the call-like recording of
bench/stt/build-call.mjs (seed ${SEED}), 2 h, with its 30 min and 1 h prefixes. Each run is the pipeline's preprocess +
transcribe in its own child process, model loaded before the clock starts; **chunks** = long-audio mode (chunks of
${report.chunkSec / 60} min cut at silences, each checkpointed in a local store), **one piece** = the same pipeline with
\`longAudio: false\`. Wall time includes decoding and VAD (column "prepare"); RTF = wall time / audio duration; peak RSS
= the child's \`maxRSS\`. Speed of chunks against one piece (one-piece time / chunked time): 30 min ${ratio(30)}, 1 h ${ratio(60)}, 2 h ${ratio(120)}.

| audio | transcription | wall time | prepare | RTF | peak RSS | WER | load at end |
|---|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

${crashText}
${report.note ? `\n${report.note}\n` : ''}
Reproduce: \`nice -n 10 node bench/long-audio/run.mjs\` (JSON in bench/out/long-audio.json).`;

replaceSection('long-audio', section);
console.log(section);
