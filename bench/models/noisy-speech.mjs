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
// SNR = active speech power / noise power. Active speech power is the mean power of the clip's 20 ms
// frames within 40 dB of its loudest frame (a simple stand-in for ITU-T P.56's active level); noise
// power is measured over the whole noise loop. Each clip gets 0.5 s of noise alone before and after
// it, at a seeded offset into the loop. Constants fixed before measuring.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { mulberry32 } from '../stt/build-call.mjs';
import { readWav, writeWav } from '../stt/wav.mjs';

export const NOISY_SPEECH_VERSION = 1;
const RATE = 16_000;
const FRAME = 320;
const ACTIVE_RANGE_DB = 40;
const LEAD_SEC = 0.5;
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
 * Writes `<clip>.<noise>.<snr>dB.wav` (16 kHz mono) unless an up-to-date one exists; returns its path.
 */
export function noisyVersion(clipPath, noiseName, noise, snrDb, outDir, clipIndex) {
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `${basename(clipPath, '.wav')}.${noiseName}.${snrDb}dB.wav`);
  const stamp = `${out}.json`;
  if (
    existsSync(out) &&
    existsSync(stamp) &&
    JSON.parse(readFileSync(stamp, 'utf8')).version === NOISY_SPEECH_VERSION
  )
    return out;
  const speech = readWav(clipPath).channels[0];
  const lead = Math.round(LEAD_SEC * RATE);
  const length = speech.length + 2 * lead;
  const next = mulberry32(SEED + 1000 * clipIndex + snrDb);
  const offset = Math.floor(next() * noise.length);
  const noiseGain = Math.sqrt(activePower(speech) / (power(noise) * 10 ** (snrDb / 10)));
  const mixed = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const voice = i >= lead && i < lead + speech.length ? speech[i - lead] : 0;
    mixed[i] = voice + noise[(offset + i) % noise.length] * noiseGain;
  }
  // One gain for both keeps the SNR and avoids clipping.
  const peak = mixed.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
  if (peak > 0.99) for (let i = 0; i < length; i++) mixed[i] *= 0.99 / peak;
  writeWav(out, mixed, RATE);
  writeFileSync(
    stamp,
    `${JSON.stringify({ version: NOISY_SPEECH_VERSION, clipPath, noiseName, snrDb, offset, noiseGain })}\n`,
  );
  return out;
}
