#!/usr/bin/env node
// Builds a call-like mono recording from the English utterances of ../shared/data/asr: turns at a
// common telephone level, separated by the pauses of a real call (short turn gaps, thinking pauses,
// the occasional hold), over a faint line-noise floor. Deterministic for a given seed, and a shorter
// recording is a prefix of a longer one with the same seed.
//   node bench/stt/build-call.mjs --minutes 12 --seed 7 --out bench/out/stt/inputs/call-12min.wav
// Writes <out> (16 kHz 16-bit mono WAV) and <out>.json (reference text and the layout).
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '@echolens/core/testing';
import * as setup from '../lib/setup.mjs';
import { readWav, wavHeader } from './wav.mjs';

export const BUILDER_VERSION = 1;
const RATE = 16_000;
const TARGET_RMS_DBFS = -20;
const NOISE_RMS_DBFS = -62;

/** Pauses between turns, seconds: [probability, min, max]. */
const PAUSES = [
  [0.75, 0.3, 1.5], // turn-taking gap
  [0.2, 2, 6], // thinking, typing, looking something up
  [0.05, 15, 45], // "let me check that for you" hold
];

function rms(samples) {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** English utterances with their reference text, from the ASR manifest. */
export function loadUtterances(dataRoot) {
  const manifest = join(dataRoot, 'asr', 'manifest.jsonl');
  return readFileSync(manifest, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line))
    .filter((row) => row.lang === 'en')
    .map((row) => {
      const wav = readWav(join(dataRoot, 'asr', row.audio));
      if (wav.sampleRate !== RATE) throw new Error(`${row.audio}: expected 16 kHz`);
      return { name: row.audio, text: row.text, samples: wav.channels[0] };
    });
}

/**
 * Writes the recording and returns its layout.
 * @param {{ minutes: number, seed: number, out: string, dataRoot: string }} options
 */
export function buildCall({ minutes, seed, out, dataRoot }) {
  const utterances = loadUtterances(dataRoot);
  const random = mulberry32(seed);
  const noiseAmplitude = 10 ** (NOISE_RMS_DBFS / 20) * Math.sqrt(3); // uniform noise with that RMS
  const totalSamples = Math.round(minutes * 60 * RATE);
  const file = openSync(out, 'w');
  writeSync(file, Buffer.alloc(44)); // header written at the end
  let written = 0;
  const write = (samples) => {
    const bytes = Buffer.alloc(samples.length * 2);
    for (let i = 0; i < samples.length; i++) {
      const noisy = samples[i] + noiseAmplitude * (2 * random() - 1);
      bytes.writeInt16LE(Math.round(Math.max(-1, Math.min(1, noisy)) * 32767), i * 2);
    }
    writeSync(file, bytes);
    written += samples.length;
  };
  const turns = [];
  let speechSec = 0;
  while (written < totalSamples) {
    const utterance = utterances[Math.floor(random() * utterances.length)];
    const levelDb = TARGET_RMS_DBFS - 4 + 6 * random();
    let gain = 10 ** (levelDb / 20) / Math.max(1e-9, rms(utterance.samples));
    let peak = 0;
    for (const sample of utterance.samples) peak = Math.max(peak, Math.abs(sample));
    gain = Math.min(gain, 0.95 / Math.max(1e-9, peak));
    const room = totalSamples - written;
    if (utterance.samples.length > room) break;
    turns.push({
      name: utterance.name,
      startSec: written / RATE,
      endSec: (written + utterance.samples.length) / RATE,
    });
    write(utterance.samples.map((sample) => sample * gain));
    speechSec += utterance.samples.length / RATE;
    const draw = random();
    let cumulative = 0;
    let pause = PAUSES[0];
    for (const candidate of PAUSES) {
      cumulative += candidate[0];
      if (draw < cumulative) {
        pause = candidate;
        break;
      }
    }
    const pauseSamples = Math.min(
      Math.round((pause[1] + (pause[2] - pause[1]) * random()) * RATE),
      totalSamples - written,
    );
    for (let done = 0; done < pauseSamples; done += RATE)
      write(new Float32Array(Math.min(RATE, pauseSamples - done)));
  }
  const remainder = totalSamples - written;
  if (remainder > 0) write(new Float32Array(remainder));
  const header = wavHeader(written, RATE);
  writeSync(file, header, 0, 44, 0);
  closeSync(file);
  const layout = {
    builderVersion: BUILDER_VERSION,
    seed,
    durationSec: written / RATE,
    speechSec,
    speechShare: speechSec / (written / RATE),
    turns: turns.length,
    reference: turns.map((turn) => utterances.find((u) => u.name === turn.name).text).join(' '),
    layout: turns,
  };
  writeFileSync(`${out}.json`, `${JSON.stringify(layout, null, 2)}\n`);
  return layout;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const layout = buildCall({
    minutes: Number(setup.argument('minutes', '12')),
    seed: Number(setup.argument('seed', '7')),
    out: setup.argument('out', 'call.wav'),
    dataRoot: setup.dataRoot,
  });
  console.log(
    `${layout.turns} turns, ${(layout.durationSec / 60).toFixed(1)} min, speech ${(100 * layout.speechShare).toFixed(0)} %`,
  );
}
