#!/usr/bin/env node
// Where the time of speech to text goes, EchoLens against the peer, by counting and by CPU time
// (process.cpuUsage(): user + system of every thread of the process, so other work on a shared
// machine does not count, and onnxruntime's worker threads do).
//   node bench/conversations/profile.mjs [--system echolens|peer] [--model whisper-tiny] [--no-words] [files…]
// Default files: the (d) set of bench/conversations (the dev call recordings, dense speech).
// Every onnxruntime session.run is counted and timed by session (encoder, decoder with and without
// the cache, VAD); EchoLens's stages (prepareAudio, model calls, the rest of transcribeAudio) are
// timed around them; `--cpu-prof` on the node command line gives the JS side in detail.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { dataRoot, modelsDir } from '../lib/setup.mjs';

const require = createRequire(import.meta.url);
const transformersPath = require.resolve('@huggingface/transformers');
const ort = createRequire(transformersPath)('onnxruntime-node');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args.splice(index, 2)[1] : fallback;
};
const system = option('system', 'echolens');
const model = option('model', 'whisper-tiny').replace(/^whisper-/, 'Xenova/whisper-');
const words = !args.includes('--no-words');
const files = args.filter((arg) => !arg.startsWith('--'));
if (files.length === 0) {
  files.push(
    join(dataRoot, 'diarization', 'audio', 'aws-lca-auto-repairs-49.wav'),
    join(dataRoot, 'calls', 'azure-katiesteve-two-speakers.wav'),
    join(dataRoot, 'calls', 'azure-call-center-sample.wav'),
  );
}

const cpuMs = (start) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

/** Per-kind counters: calls, CPU ms, wall ms. */
const counters = new Map();
function count(kind, cpu, wall, extra = 0) {
  const entry = counters.get(kind) ?? { calls: 0, cpuMs: 0, wallMs: 0, extra: 0 };
  entry.calls++;
  entry.cpuMs += cpu;
  entry.wallMs += wall;
  entry.extra += extra;
  counters.set(kind, entry);
}

function kindOf(session, feeds) {
  const names = session.inputNames;
  if (names.includes('input_features')) return 'encoder';
  if (names.includes('encoder_hidden_states') || names.some((name) => name.startsWith('past_key_values'))) {
    const branch = feeds.use_cache_branch?.data?.[0];
    const rows = feeds.input_ids?.dims?.[1] ?? 0;
    return branch ? 'decoder step (cached)' : `decoder, no cache (${rows} row${rows === 1 ? '' : 's'})`;
  }
  return `other session (${names.join(',')})`;
}

const originalRun = ort.InferenceSession.prototype.run;
ort.InferenceSession.prototype.run = async function run(feeds, ...rest) {
  const kind = kindOf(this, feeds);
  // Silero VAD runs thousands of times for under a millisecond on one thread: its wall time stands
  // for its CPU time, as two process.cpuUsage() calls per run would cost a tenth of the run.
  const singleThreaded = this.inputNames.includes('state');
  const cpu = singleThreaded ? undefined : process.cpuUsage();
  const wall = performance.now();
  const output = await originalRun.call(this, feeds, ...rest);
  const wallMs = performance.now() - wall;
  let bytes = 0;
  for (const value of Object.values(output)) bytes += value?.data?.byteLength ?? 0;
  count(kind, cpu ? cpuMs(cpu) : wallMs, wallMs, bytes);
  return output;
};

const onnxCpu = () => [...counters.values()].reduce((sum, entry) => sum + entry.cpuMs, 0);
const stages = new Map();
async function timed(stage, run) {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const onnxBefore = onnxCpu();
  const result = await run();
  const entry = stages.get(stage) ?? { calls: 0, cpuMs: 0, wallMs: 0, onnxCpuMs: 0 };
  entry.calls++;
  entry.cpuMs += cpuMs(cpu);
  entry.wallMs += performance.now() - wall;
  entry.onnxCpuMs += onnxCpu() - onnxBefore;
  stages.set(stage, entry);
  return result;
}

let audioSec = 0;
const texts = [];
const total = process.cpuUsage();
const totalWall = performance.now();
if (system === 'echolens') {
  const { prepareAudio, transcribeAudio } = await import('@echolens/core');
  const { createWhisper } = await import('@echolens/stt-whisper');
  const whisper = createWhisper({ model, dtype: 'q8', modelsDir });
  await whisper.load();
  counters.clear();
  const transcribe = whisper.transcribe.bind(whisper);
  const windows = [];
  const modelCalls = {
    ...whisper,
    transcribe: (audio, callOptions) =>
      timed('model.transcribe (one window)', async () => {
        const result = await transcribe(audio, callOptions);
        windows.push(audio.samples.length / 16_000);
        return result;
      }),
  };
  for (const file of files) {
    const audio = await timed('prepareAudio (decode, resample, loudness, VAD)', () =>
      prepareAudio({ source: file }),
    );
    audioSec += audio.durationSec;
    const transcript = await timed('transcribeAudio (all)', () =>
      transcribeAudio(audio, { model: modelCalls, language: 'en', wordTimestamps: words }),
    );
    texts.push(transcript.segments.map((segment) => segment.text).join(' '));
    await audio.dispose();
  }
  console.log(
    `windows: ${windows.length}, mean ${(windows.reduce((a, b) => a + b, 0) / windows.length).toFixed(1)} s, lengths ${windows.map((w) => w.toFixed(1)).join(' ')}`,
  );
  await whisper.dispose();
} else {
  const { env, pipeline } = await import('@huggingface/transformers');
  const { readWav } = await import('../stt/wav.mjs');
  env.allowRemoteModels = false;
  env.localModelPath = modelsDir;
  const transcriber = await pipeline('automatic-speech-recognition', model, { dtype: 'q8', device: 'cpu' });
  counters.clear();
  for (const file of files) {
    const wav = readWav(file);
    audioSec += wav.channels[0].length / 16_000;
    const output = await timed('pipeline (all)', () =>
      transcriber(wav.channels[0], {
        chunk_length_s: 30,
        language: 'en',
        task: 'transcribe',
        return_timestamps: true,
      }),
    );
    texts.push(output.text.trim());
  }
  await transcriber.dispose();
}
const totalCpu = cpuMs(total);
console.log(
  `${system} on ${files.length} file(s), ${audioSec.toFixed(1)} s of audio, model ${model}, words ${words}`,
);
console.log(
  `total: CPU ${totalCpu.toFixed(0)} ms, wall ${(performance.now() - totalWall).toFixed(0)} ms, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
console.log('onnxruntime sessions:');
for (const [kind, entry] of counters) {
  console.log(
    `  ${kind.padEnd(34)} ${String(entry.calls).padStart(6)} runs  CPU ${entry.cpuMs.toFixed(0).padStart(7)} ms (${(entry.cpuMs / entry.calls).toFixed(2)} per run)  wall ${entry.wallMs.toFixed(0).padStart(7)} ms  output ${(entry.extra / entry.calls / 1e6).toFixed(2)} MB per run`,
  );
}
console.log('stages:');
for (const [stage, entry] of stages) {
  console.log(
    `  ${stage.padEnd(48)} ${String(entry.calls).padStart(4)} calls  CPU ${entry.cpuMs.toFixed(0).padStart(7)} ms (onnxruntime ${entry.onnxCpuMs.toFixed(0)}, other ${(entry.cpuMs - entry.onnxCpuMs).toFixed(0)})  wall ${entry.wallMs.toFixed(0)} ms`,
  );
}
if (process.env.PROFILE_TEXT) for (const text of texts) console.log(`TEXT ${text}`);
