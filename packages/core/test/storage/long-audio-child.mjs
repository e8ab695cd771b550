// Child process of long-audio-crash.test.ts: transcribes (or analyses) one long recording through the
// built pipeline with whisper-tiny in checkpointed chunks, and appends to a log, synchronously, one
// line per chunk event ("processing 2", "completed 2", "resumed 0") and one per model call with the
// chunk it belongs to ("call 2"), so a SIGKILL at any moment leaves an exact record.
import { appendFileSync } from 'node:fs';
import { createWhisper } from '@echolens/stt-whisper';
import { createLocalStorage, createPipeline } from '../../dist/index.js';

const job = JSON.parse(process.argv[2]);
const whisper = createWhisper({ model: 'Xenova/whisper-tiny' });
let chunk = -1;
const counting = {
  specificationVersion: whisper.specificationVersion,
  provider: whisper.provider,
  modelId: whisper.modelId,
  maxWindowSec: whisper.maxWindowSec,
  cacheKey: whisper.cacheKey,
  transcribe(audio, options) {
    appendFileSync(job.log, `call ${chunk}\n`);
    return whisper.transcribe(audio, options);
  },
  dispose: () => whisper.dispose(),
};
const pipeline = createPipeline({
  speechToText: counting,
  language: 'en',
  cache: false,
  longAudio: {
    storage: createLocalStorage({ root: job.storageRoot }),
    chunkSec: job.chunkSec,
    resume: true,
    onChunk: (event) => {
      if (event.status === 'processing') chunk = event.index;
      appendFileSync(job.log, `${event.status} ${event.index}\n`);
    },
  },
});
const input = { source: job.audio, metadata: { callId: job.callId } };
if (job.analyze) {
  const result = await pipeline.run(input);
  process.stdout.write(
    JSON.stringify({ transcript: result.transcript, provenance: result.analysis.provenance }),
  );
} else {
  const { transcript } = await pipeline.transcribe(input);
  process.stdout.write(JSON.stringify({ transcript }));
}
await pipeline.dispose();
