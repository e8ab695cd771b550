// Noisy speech from real recordings, deterministic: the English dev ASR clips with real noise added at
// a fixed signal-to-noise ratio. Three noises, all cut from recordings in ../shared/data (provenance and
// licences in its SOURCES.md), none of them synthetic:
//   room     meeting-room ambience: ami-excerpt-trn02, 0–20.5 s, where the human annotation marks no
//            speech (AMI Meeting Corpus, CC BY 4.0);
//   babble   four real conversations summed at equal level, so that no single talker dominates: the
//            speech of ami-excerpt-dev00 and -trn03 (CC BY 4.0) and the Azure samples katiesteve and
//            call-center (MIT); a contact-centre floor is talk in the background;
//   caller   the caller leg of aws-lca-auto-repairs-49 (8 kHz, Apache-2.0) where neither party speaks
//            (derived annotation, 0.2 s inside each gap longer than 1 s): real telephone background.
// SNR = active speech power / noise power. Active speech power is the mean power of a clip's 20 ms
// frames within 40 dB of its loudest frame (a simple stand-in for ITU-T P.56's active level); noise
// power is measured over the whole noise loop, which starts at a seeded offset. Constants fixed before
// measuring.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { mulberry32 } from '@echolens/core/testing';
import { readWav, writeWav } from '../stt/wav.mjs';

export const NOISY_SPEECH_VERSION = 2;
const RATE = 16_000;
const FRAME = 320;
const ACTIVE_RANGE_DB = 40;
/** Noise alone before, between and after the clips. */
const GAP_SEC = 1.5;
/** Every clip is brought to this active speech level (−20 dBFS, a telephone level) before noise is added. */
const SPEECH_ACTIVE_POWER = 10 ** (-20 / 10);
const SEED = 2024;

const power = (samples) =>
  samples.reduce((sum, value) => sum + value * value, 0) / Math.max(1, samples.length);

/** Mean power of the frames within ACTIVE_RANGE_DB of the loudest one. */
export function activePower(samples) {
  const frames = [];
  for (let start = 0; start + FRAME <= samples.length; start += FRAME)
    frames.push(power(samples.subarray(start, start + FRAME)));
  const loudest = Math.max(...frames);
  const active = frames.filter((value) => value >= loudest * 10 ** (-ACTIVE_RANGE_DB / 10));
  return active.reduce((sum, value) => sum + value, 0) / active.length;
}

/** 16 kHz mono samples of one channel of any WAV the system ffmpeg reads. */
function read16k(path, channel = 0) {
  const out = join('/tmp', `echolens-noise-${process.pid}-${basename(path)}-${channel}.wav`);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    path,
    '-af',
    `pan=mono|c0=c${channel}`,
    '-ar',
    String(RATE),
    '-c:a',
    'pcm_s16le',
    out,
  ]);
  const samples = readWav(out).channels[0];
  execFileSync('rm', ['-f', out]);
  return samples;
}

const slice = (samples, startSec, endSec) =>
  samples.subarray(Math.round(startSec * RATE), Math.round(endSec * RATE));

function concatenate(parts) {
  const joined = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

function rttmSpans(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('SPEAKER'))
    .map((line) => line.split(/\s+/))
    .map((fields) => ({ startSec: Number(fields[3]), endSec: Number(fields[3]) + Number(fields[4]) }))
    .sort((a, b) => a.startSec - b.startSec);
}

/** Each noise as a loop of 16 kHz samples, with where it came from. */
export function loadNoises(dataRoot) {
  const diarization = join(dataRoot, 'diarization');
  const room = slice(read16k(join(diarization, 'audio', 'ami-excerpt-trn02.wav')), 0, 20.5);

  const talkers = [
    read16k(join(diarization, 'audio', 'ami-excerpt-dev00.wav')),
    read16k(join(diarization, 'audio', 'ami-excerpt-trn03.wav')),
    read16k(join(dataRoot, 'calls', 'azure-katiesteve-two-speakers.wav')),
    read16k(join(dataRoot, 'calls', 'azure-call-center-sample.wav')),
  ];
  const babbleLength = 20 * RATE;
  const babble = new Float32Array(babbleLength);
  for (const talker of talkers) {
    const gain = 1 / Math.sqrt(activePower(talker));
    for (let i = 0; i < babbleLength; i++) babble[i] += talker[i % talker.length] * gain;
  }

  const callerLeg = read16k(join(diarization, 'stereo', 'aws-lca-auto-repairs-49.wav'), 1);
  const gaps = [];
  let lastEnd = 0;
  for (const span of rttmSpans(join(diarization, 'rttm', 'aws-lca-auto-repairs-49.rttm'))) {
    if (span.startSec - lastEnd > 1) gaps.push(slice(callerLeg, lastEnd + 0.2, span.startSec - 0.2));
    lastEnd = Math.max(lastEnd, span.endSec);
  }
  const caller = concatenate(gaps);
  return {
    room: { samples: room, source: 'ami-excerpt-trn02 0–20.5 s (no speech annotated), CC BY 4.0' },
    babble: {
      samples: babble,
      source:
        'ami-excerpt-dev00 + ami-excerpt-trn03 (CC BY 4.0) + azure katiesteve + azure call-center (MIT), equal level, 20 s',
    },
    caller: {
      samples: caller,
      source: `aws-lca-auto-repairs-49 caller leg between turns, ${(caller.length / RATE).toFixed(1)} s (Apache-2.0)`,
    },
  };
}

/**
 * One recording per condition: every clip in turn, each brought to the same active level, with
 * GAP_SEC of noise alone before, between and after them, over one continuous noise at the level that
 * gives `snrDb` (a noisy line the whole way through, as on a call; the VAD has to cope with it too, and
 * EchoLens packs the speech into few windows). Returns the path and each clip's span in seconds.
 * Written once; an up-to-date file is reused.
 */
export function noisySession(clipPaths, noiseName, noise, snrDb, outDir) {
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `session.${noiseName}.${snrDb === null ? 'clean' : `${snrDb}dB`}.wav`);
  const stamp = `${out}.json`;
  if (existsSync(out) && existsSync(stamp)) {
    const saved = JSON.parse(readFileSync(stamp, 'utf8'));
    if (saved.version === NOISY_SPEECH_VERSION) return { path: out, spans: saved.spans };
  }
  const gap = Math.round(GAP_SEC * RATE);
  const clips = clipPaths.map((path) => {
    const samples = readWav(path).channels[0];
    const gain = Math.sqrt(SPEECH_ACTIVE_POWER / activePower(samples));
    return samples.map((value) => value * gain);
  });
  const length = clips.reduce((sum, clip) => sum + clip.length + gap, gap);
  const mixed = new Float32Array(length);
  const spans = [];
  let at = gap;
  for (const clip of clips) {
    mixed.set(clip, at);
    spans.push({ startSec: at / RATE, endSec: (at + clip.length) / RATE });
    at += clip.length + gap;
  }
  if (snrDb !== null) {
    const next = mulberry32(SEED + snrDb);
    const offset = Math.floor(next() * noise.length);
    const noiseGain = Math.sqrt(SPEECH_ACTIVE_POWER / (power(noise) * 10 ** (snrDb / 10)));
    for (let i = 0; i < length; i++) mixed[i] += noise[(offset + i) % noise.length] * noiseGain;
  }
  // One gain for all keeps the SNR and avoids clipping.
  const peak = mixed.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
  if (peak > 0.99) for (let i = 0; i < length; i++) mixed[i] *= 0.99 / peak;
  writeWav(out, mixed, RATE);
  writeFileSync(stamp, `${JSON.stringify({ version: NOISY_SPEECH_VERSION, noiseName, snrDb, spans })}\n`);
  return { path: out, spans };
}

/**
 * Splits a session's transcript back into one text per clip: each word goes to the clip whose span,
 * widened to the middle of the gaps around it, holds the word's midpoint.
 */
export function textPerClip(segments, spans) {
  const texts = spans.map(() => []);
  const words = segments.flatMap((segment) => segment.words ?? [segment]);
  for (const word of words) {
    const middle = (word.startSec + word.endSec) / 2;
    let index = spans.findIndex((span) => middle < span.endSec + GAP_SEC / 2);
    if (index < 0) index = spans.length - 1;
    texts[index].push(word.text.trim());
  }
  return texts.map((parts) => parts.join(' '));
}
