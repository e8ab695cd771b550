// Child process: EchoLens (prepareAudio + transcribeAudio + createWhisper) over the files given as
// JSON in argv[2]; prints one JSON result on stdout. Peak RSS is this process's own.
// Job: { files, model, dtype, modelsDir, language, wordTimestamps, words?, diarize?, references? }
//   words       also return every word with its times (and speaker when diarized)
//   diarize     also run the default diarizer and build the conversation (timed apart)
//   references  per file, reference turns [{ speaker, startSec, endSec }]: the words are also
//               attributed to those turns as an oracle diarization (word timing and assignment only)
import {
  buildConversation,
  createDefaultDiarizer,
  measureSpeechCoverage,
  prepareAudio,
  transcribeAudio,
} from '@echolens/core';
import { createWhisper } from '@echolens/stt-whisper';

const job = JSON.parse(process.argv[2]);
const loadStarted = performance.now();
const whisper = createWhisper({ model: job.model, dtype: job.dtype, modelsDir: job.modelsDir });
await whisper.load();
const loadMs = performance.now() - loadStarted;
const diarizer = job.diarize ? createDefaultDiarizer({ modelsDir: job.modelsDir }) : undefined;

/** The diarization a perfect diarizer would give: one segment per reference turn. */
function oracleDiarization(turns, durationSec, channelCount) {
  const speakers = [...new Set(turns.map((turn) => turn.speaker))].sort();
  // A stereo conversation has one speaker per channel, in speaker order.
  const channelOf = (id) => (channelCount > 1 ? { channel: speakers.indexOf(id) } : {});
  return {
    durationSec,
    method: 'reference',
    speakers: speakers.map((id) => ({
      id,
      ...channelOf(id),
      speechSec: turns.filter((t) => t.speaker === id).reduce((sum, t) => sum + t.endSec - t.startSec, 0),
    })),
    segments: turns
      .map((turn) => ({
        startSec: turn.startSec,
        endSec: turn.endSec,
        speaker: turn.speaker,
        ...channelOf(turn.speaker),
      }))
      .sort((a, b) => a.startSec - b.startSec || a.endSec - b.endSec),
  };
}

const wordsOf = (turns) =>
  turns.flatMap((turn) =>
    (turn.words ?? []).map((word) => ({
      text: word.text,
      startSec: word.startSec,
      endSec: word.endSec,
      speaker: word.speaker ?? turn.speaker,
    })),
  );

const results = [];
for (const [index, file] of job.files.entries()) {
  const started = performance.now();
  const audio = await prepareAudio({ source: file });
  const prepareMs = performance.now() - started;
  const transcript = await transcribeAudio(audio, {
    model: whisper,
    language: job.language,
    wordTimestamps: job.wordTimestamps,
  });
  const ms = performance.now() - started;
  const coverage = measureSpeechCoverage(audio.speech, transcript);
  const entry = {
    file,
    audioSec: audio.durationSec,
    ms,
    prepareMs,
    speechSec: audio.speech.flat().reduce((sum, region) => sum + region.endSec - region.startSec, 0),
    segments: transcript.segments.length,
    text: transcript.segments.map((segment) => segment.text).join(' '),
    speechCoverage: coverage.coverage,
    voicedSec: coverage.voicedSec,
    coveredSec: coverage.coveredSec,
    unintelligible: transcript.unintelligible ?? [],
    speech: audio.speech,
  };
  if (job.words) {
    entry.words = transcript.segments.flatMap((segment) =>
      (segment.words ?? []).map((word) => ({
        text: word.text,
        startSec: word.startSec,
        endSec: word.endSec,
        ...(segment.channel === undefined ? {} : { channel: segment.channel }),
      })),
    );
  }
  if (diarizer) {
    const diarizeStarted = performance.now();
    const diarization = await diarizer.diarize({ audio, transcript, metadata: {} }, {});
    const conversation = buildConversation({
      callId: String(index),
      transcript,
      diarization,
      channelCount: audio.channelCount,
    });
    entry.diarizeMs = performance.now() - diarizeStarted;
    entry.diarizer = diarization.method;
    entry.speakers = conversation.speakers.length;
    entry.words = wordsOf(conversation.turns);
  }
  const reference = job.references?.[index];
  if (reference) {
    const conversation = buildConversation({
      callId: String(index),
      transcript,
      diarization: oracleDiarization(reference, audio.durationSec, audio.channelCount),
      channelCount: audio.channelCount,
    });
    entry.oracleWords = wordsOf(conversation.turns);
  }
  await audio.dispose();
  results.push(entry);
}
await whisper.dispose();
process.stdout.write(
  `${JSON.stringify({ system: 'echolens', loadMs, results, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
