// Child process for bench/models: prepareAudio (+ optional denoise) + transcribeAudio + createWhisper
// over the files given as JSON in argv[2]; prints one JSON line on stdout. Each run is its own
// process so peak RSS (process.resourceUsage().maxRSS) belongs to one model and one input group.
import { prepareAudio, transcribeAudio } from '@echolens/core';
import { createWhisper } from '@echolens/stt-whisper';
import { speechCoverage } from './coverage.mjs';

const job = JSON.parse(process.argv[2]);
const loadStarted = performance.now();
const whisper = createWhisper({ model: job.model, dtype: job.dtype, modelsDir: job.modelsDir });
await whisper.load();
const loadMs = performance.now() - loadStarted;
const results = [];
for (const file of job.files) {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const audio = await prepareAudio({ source: file }, { denoise: job.denoise });
  const prepareMs = performance.now() - started;
  const transcript = await transcribeAudio(audio, {
    model: whisper,
    language: job.language,
    wordTimestamps: true,
  });
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await audio.dispose();
  results.push({
    file,
    audioSec: audio.durationSec,
    ms,
    // CPU time of this process (all its threads): less sensitive than wall time to other load on a shared machine.
    cpuMs: (cpu.user + cpu.system) / 1000,
    prepareMs,
    coverage: speechCoverage(audio.speech, transcript.segments),
    segments: transcript.segments.map((segment) => ({
      startSec: segment.startSec,
      endSec: segment.endSec,
      channel: segment.channel ?? 0,
      text: segment.text,
      words: segment.words?.map((word) => ({
        startSec: word.startSec,
        endSec: word.endSec,
        text: word.text,
      })),
    })),
    text: transcript.segments.map((segment) => segment.text.trim()).join(' '),
  });
}
await whisper.dispose();
process.stdout.write(
  `${JSON.stringify({ model: job.model, loadMs, results, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
