// Child process of bench/long-audio: transcribes one recording through the pipeline (preprocess +
// transcribe) with whisper-tiny, either in checkpointed chunks (`chunked`) or in one piece (`whole`,
// the same pipeline with longAudio off). Prints one JSON line per chunk event and a final result line;
// peak RSS is this process's own. The model is loaded before the clock starts.
import { createWhisper } from '@echolens/stt-whisper';

// ECHOLENS_BENCH_CORE points at a copy of core's build, so rebuilding during a long run changes nothing.
const { createLocalStorage, createPipeline } = await import(
  process.env.ECHOLENS_BENCH_CORE || '@echolens/core'
);

const job = JSON.parse(process.argv[2]);
const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const whisper = createWhisper({ model: job.model, dtype: 'q8', modelsDir: job.modelsDir });
await whisper.load();
const started = performance.now();
const pipeline = createPipeline({
  speechToText: whisper,
  language: 'en',
  wordTimestamps: job.wordTimestamps,
  cache: false,
  longAudio:
    job.mode === 'whole'
      ? false
      : {
          storage: createLocalStorage({ root: job.storageRoot }),
          chunkSec: job.chunkSec,
          resume: true,
          onChunk: (event) => print({ event, ms: performance.now() - started }),
        },
});
let prepareMs = 0;
pipeline.on('stage-end', ({ stage, durationMs }) => {
  if (stage === 'preprocess') prepareMs = durationMs;
});
const { transcript, audio } = await pipeline.transcribe({
  source: job.file,
  metadata: { callId: job.callId },
});
const ms = performance.now() - started;
print({
  done: true,
  ms,
  prepareMs,
  audioSec: audio.durationSec,
  segments: transcript.segments.length,
  text: transcript.segments.map((segment) => segment.text).join(' '),
  maxRssMb: process.resourceUsage().maxRSS / 1024,
});
await whisper.dispose();
