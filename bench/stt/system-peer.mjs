// Child process: the peer a user would otherwise write — a plain Transformers.js ASR pipeline with
// 30 s chunking on the same model and weights — over the files given as JSON in argv[2].
import { env, pipeline } from '@huggingface/transformers';
import { readWav } from './wav.mjs';

const job = JSON.parse(process.argv[2]);
env.allowRemoteModels = false;
env.localModelPath = job.modelsDir;
const loadStarted = performance.now();
const transcriber = await pipeline('automatic-speech-recognition', job.model, {
  dtype: job.dtype,
  device: 'cpu',
});
const loadMs = performance.now() - loadStarted;
const results = [];
for (const file of job.files) {
  const started = performance.now();
  const wav = readWav(file);
  if (wav.sampleRate !== 16_000 || wav.channels.length !== 1)
    throw new Error(`${file}: the peer needs 16 kHz mono`);
  const output = await transcriber(wav.channels[0], {
    chunk_length_s: 30,
    language: job.language,
    task: 'transcribe',
    return_timestamps: job.wordTimestamps ? 'word' : true,
  });
  results.push({
    file,
    audioSec: wav.channels[0].length / 16_000,
    ms: performance.now() - started,
    segments: output.chunks?.length ?? 0,
    text: output.text.trim(),
    ...(job.chunks
      ? {
          chunks: (output.chunks ?? []).map((chunk) => ({
            startSec: chunk.timestamp[0],
            endSec: chunk.timestamp[1] ?? wav.channels[0].length / 16_000,
            text: chunk.text,
          })),
        }
      : {}),
  });
}
await transcriber.dispose();
process.stdout.write(
  `${JSON.stringify({ system: 'peer', loadMs, results, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
