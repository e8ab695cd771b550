// Child process: EchoLens (prepareAudio + transcribeAudio + createWhisper) over the files given as
// JSON in argv[2]; prints one JSON result on stdout. Peak RSS is this process's own.
import { prepareAudio, transcribeAudio } from '@echolens/core';
import { createWhisper } from '@echolens/stt-whisper';

const job = JSON.parse(process.argv[2]);
const loadStarted = performance.now();
const whisper = createWhisper({ model: job.model, dtype: job.dtype, modelsDir: job.modelsDir });
await whisper.load();
const loadMs = performance.now() - loadStarted;
const results = [];
for (const file of job.files) {
  const started = performance.now();
  const audio = await prepareAudio({ source: file });
  const prepareMs = performance.now() - started;
  const transcript = await transcribeAudio(audio, {
    model: whisper,
    language: job.language,
    wordTimestamps: job.wordTimestamps,
  });
  await audio.dispose();
  results.push({
    file,
    audioSec: audio.durationSec,
    ms: performance.now() - started,
    prepareMs,
    speechSec: audio.speech.flat().reduce((sum, region) => sum + region.endSec - region.startSec, 0),
    segments: transcript.segments.length,
    text: transcript.segments.map((segment) => segment.text).join(' '),
  });
}
await whisper.dispose();
process.stdout.write(
  `${JSON.stringify({ system: 'echolens', loadMs, results, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
