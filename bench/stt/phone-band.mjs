#!/usr/bin/env node
// Phone-band versions of the English ASR rows: what a contact centre records. Each clip is brought
// to a telephone level (-20 dBFS RMS, peaks kept under -1 dBFS), a faint white-noise floor is added
// (-55 dBFS RMS), then the system ffmpeg band-limits it to 300-3400 Hz (two 2-pole high-passes and
// low-passes: a 4th-order band like G.712's), resamples to 8 kHz and encodes G.711 µ-law.
// Deterministic: fixed gains from the samples, ffmpeg's noise source with a fixed seed.
//   node bench/stt/phone-band.mjs --out bench/out/stt/inputs/phone
// Writes <name>.phone.wav (8 kHz µ-law, what EchoLens reads) and <name>.phone-16k.wav (the same
// audio decoded by ffmpeg to 16 kHz 16-bit PCM, for the peer, which takes 16 kHz PCM only).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as setup from '../lib/setup.mjs';
import { readWav } from './wav.mjs';

export const PHONE_BAND_VERSION = 1;
const LINE_RMS_DBFS = -20;
const MAX_PEAK_DBFS = -1;
const NOISE_RMS_DBFS = -55;
const NOISE_SEED = 7;

function levels(samples) {
  let sum = 0;
  let peak = 0;
  for (const sample of samples) {
    sum += sample * sample;
    peak = Math.max(peak, Math.abs(sample));
  }
  return { rms: Math.sqrt(sum / Math.max(1, samples.length)), peak };
}

/**
 * Makes the phone-band version of one 16 kHz mono WAV, unless an up-to-date one exists.
 * @param {string} source
 * @param {string} outDir
 * @returns {{ phone: string, peer: string }}
 */
export function phoneBandVersion(source, outDir) {
  mkdirSync(outDir, { recursive: true });
  const stem = basename(source).replace(/\.wav$/, '');
  const phone = join(outDir, `${stem}.phone.wav`);
  const peer = join(outDir, `${stem}.phone-16k.wav`);
  const stamp = join(outDir, `${stem}.phone.json`);
  const current = existsSync(stamp) && JSON.parse(readFileSync(stamp, 'utf8')).version === PHONE_BAND_VERSION;
  if (current && existsSync(phone) && existsSync(peer)) return { phone, peer };

  const { rms, peak } = levels(readWav(source).channels[0]);
  const gainDb = Math.min(
    LINE_RMS_DBFS - 20 * Math.log10(Math.max(rms, 1e-9)),
    MAX_PEAK_DBFS - 20 * Math.log10(Math.max(peak, 1e-9)),
  );
  // Uniform white noise of amplitude a has an RMS of a / sqrt(3).
  const noiseAmplitude = 10 ** (NOISE_RMS_DBFS / 20) * Math.sqrt(3);
  const graph =
    `[0:a]volume=${gainDb.toFixed(3)}dB[speech];` +
    `anoisesrc=color=white:amplitude=${noiseAmplitude.toFixed(6)}:seed=${NOISE_SEED}:sample_rate=16000[noise];` +
    '[speech][noise]amix=inputs=2:duration=first:normalize=0,' +
    'highpass=f=300,highpass=f=300,lowpass=f=3400,lowpass=f=3400[line]';
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-i', source, '-filter_complex', graph, '-map', '[line]'],
    ...[
      '-ar',
      '8000',
      '-ac',
      '1',
      '-c:a',
      'pcm_mulaw',
      '-fflags',
      '+bitexact',
      '-flags:a',
      '+bitexact',
      phone,
    ],
  ]);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', phone, '-ar', '16000', '-c:a', 'pcm_s16le', peer]);
  writeFileSync(stamp, `${JSON.stringify({ version: PHONE_BAND_VERSION, source, gainDb })}\n`);
  return { phone, peer };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const phoneDir = setup.argument('out', join(setup.outDir, 'stt', 'inputs', 'phone'));
  const rows = readFileSync(join(setup.dataRoot, 'asr', 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line))
    .filter((row) => row.lang === 'en');
  for (const row of rows)
    console.log(phoneBandVersion(join(setup.dataRoot, 'asr', row.audio), phoneDir).phone);
}
