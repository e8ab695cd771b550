#!/usr/bin/env node
// Mono recordings with known speaker timings, assembled from the single-speaker material of the dev
// data: the ASR utterances (one speaker each; a reader's clips share a voice), the stretches of the
// human-labelled AMI excerpts where the RTTM has one speaker only, and the separate agent and caller
// channels of the stereo call (their derived RTTM gives the turns). Three kinds:
//   one-speaker  a voice on its own, its pieces separated by pauses;
//   dominant     a voice holding > 90 % of the speech, with one or two short turns of another voice;
//   two-speaker  two voices taking turns (0.2–0.8 s gaps, an occasional 0.1–0.4 s overlap).
// Every recording is written wide-band (16 kHz) and as a telephone copy (bench/stt/phone-band.mjs:
// 300–3400 Hz, 8 kHz G.711 µ-law). Deterministic (fixed seed); rebuilt only when the version changes.
//   node bench/diarization/construct.mjs      (after `pnpm --filter @echolens/core build`)
// Bias to keep in mind: voices from different recordings also differ by room and microphone, which
// helps any diarizer; the pairs from one recording (AMI meeting, the call's two legs) do not have it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatRttm, parseRttm, prepareAudio } from '@echolens/core';
import { mulberry32 } from '@echolens/core/testing';
import * as setup from '../lib/setup.mjs';
import { phoneBandVersion } from '../stt/phone-band.mjs';
import { writeWav } from '../stt/wav.mjs';

export const CONSTRUCTION_VERSION = 2;
const RATE = 16_000;
/** Speech level of a voice before its own offset, and the spread of offsets between voices (dB). */
const VOICE_RMS_DBFS = -26;
const VOICE_SPREAD_DB = 4;
const NOISE_RMS_DBFS = -60;
/** Turns longer than this are cut at their quietest point, as people hand over mid-stretch. */
const MAX_TURN_SEC = 8;
/** One-speaker recordings and the dominant voice use at most this much of a voice's material. */
const MAX_VOICE_SEC = 60;
const SEED = 202_408;

/** Any audio file as 16 kHz float channels (the system ffmpeg resamples 8 kHz sources). */
function decode(path) {
  const channels = Number(
    execFileSync('ffprobe', [
      ...['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=channels'],
      ...['-of', 'csv=p=0', path],
    ])
      .toString()
      .trim(),
  );
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'f32le', '-ar', `${RATE}`, '-'], {
    maxBuffer: 1 << 30,
  });
  const interleaved = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const frames = interleaved.length / channels;
  return Array.from({ length: channels }, (_, channel) => {
    const samples = new Float32Array(frames);
    for (let i = 0; i < frames; i++) samples[i] = interleaved[i * channels + channel];
    return samples;
  });
}

const readLines = (path) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));

/** A piece of one voice: samples and where in them that voice speaks (seconds from the piece start). */
function piece(samples, speech) {
  return { samples, speech: speech.filter((span) => span.endSec > span.startSec) };
}

function cut(samples, startSec, endSec) {
  return samples.slice(Math.round(startSec * RATE), Math.round(endSec * RATE));
}

/**
 * The single-speaker material: voice id → { group, pieces }. Voices of one group are never paired,
 * because they may be the same person (the CMU test prompts, the English FLEURS clips).
 */
async function collectVoices(dataRoot) {
  const voices = new Map();
  // source: the recording a voice was cut from; voices of one source share room and microphone.
  const add = (id, group, source, pieces) => {
    const voice = voices.get(id) ?? { id, group, source, pieces: [] };
    voice.pieces.push(...pieces);
    voices.set(id, voice);
  };

  // ASR utterances: where each speaks comes from Silero on the clip alone.
  const asrVoice = {
    'jfk.wav': ['jfk', 'jfk'],
    'librispeech-1089-134691-0000.wav': ['librispeech-1089', 'librispeech-1089'],
    'librivox-sense-and-sensibility-0880.wav': ['librivox-reader', 'librivox-reader'],
    'librivox-sense-and-sensibility-0930.wav': ['librivox-reader', 'librivox-reader'],
    'cards-001.wav': ['cmu-cards', 'cmu'],
    'cards-004.wav': ['cmu-cards', 'cmu'],
    'goforward.wav': ['cmu-goforward', 'cmu'],
    'azure-whatstheweatherlike.wav': ['azure-weather', 'azure-weather'],
    'stereo-diarization-left.wav': ['fw-left', 'fw-left'],
    'stereo-diarization-right.wav': ['fw-right', 'fw-right'],
  };
  for (const row of readLines(join(dataRoot, 'asr', 'manifest.jsonl'))) {
    const file = row.audio.replace(/^audio\//, '');
    const [id, group] = asrVoice[file] ?? [
      file.replace(/\.wav$/, ''),
      file.startsWith('fleurs-en') ? 'fleurs-en' : file.replace(/\.wav$/, ''),
    ];
    const path = join(dataRoot, 'asr', row.audio);
    const audio = await prepareAudio({ source: path });
    const speech = audio.speech[0] ?? [];
    await audio.dispose();
    add(id, group, group, [piece(decode(path)[0], speech)]);
  }

  // Human-labelled AMI excerpts: every stretch of ≥ 1 s in which the RTTM has one speaker only.
  for (const row of readLines(join(dataRoot, 'diarization', 'manifest.jsonl'))) {
    if (!row.reference.startsWith('human')) continue;
    const reference = parseRttm(readFileSync(join(dataRoot, 'diarization', row.rttm), 'utf8'));
    const samples = decode(join(dataRoot, 'diarization', row.audio))[0];
    for (const speaker of new Set(reference.map((segment) => segment.speaker))) {
      const others = reference.filter((segment) => segment.speaker !== speaker);
      for (const segment of reference.filter((s) => s.speaker === speaker)) {
        let stretches = [{ startSec: segment.startSec, endSec: segment.endSec }];
        for (const other of others)
          stretches = stretches.flatMap((span) =>
            other.endSec <= span.startSec || other.startSec >= span.endSec
              ? [span]
              : [
                  { startSec: span.startSec, endSec: other.startSec },
                  { startSec: other.endSec, endSec: span.endSec },
                ].filter((part) => part.endSec - part.startSec > 0),
          );
        for (const span of stretches.filter((s) => s.endSec - s.startSec >= 1))
          add(speaker, speaker, row.audio, [
            piece(cut(samples, span.startSec, span.endSec), [
              { startSec: 0, endSec: span.endSec - span.startSec },
            ]),
          ]);
      }
    }
  }

  // The stereo calls' legs: each channel is one speaker; their derived RTTM marks the turns.
  for (const row of readLines(join(dataRoot, 'diarization', 'manifest.jsonl'))) {
    if (!row.stereo || !row.channels) continue;
    const reference = parseRttm(readFileSync(join(dataRoot, 'diarization', row.rttm), 'utf8'));
    const channels = decode(join(dataRoot, 'diarization', row.stereo));
    const call = row.rttm.replace(/^rttm\/|\.rttm$/g, '');
    for (const [channel, speaker] of Object.entries(row.channels)) {
      const pieces = reference
        .filter((segment) => segment.speaker === speaker)
        .map((segment) =>
          piece(cut(channels[Number(channel)], segment.startSec, segment.endSec), [
            { startSec: 0, endSec: segment.endSec - segment.startSec },
          ]),
        );
      add(`${call}-${speaker}`, `${call}-${speaker}`, call, pieces);
    }
  }
  // The faster-whisper legs are the same recordings as the fw-left / fw-right ASR clips.
  voices.delete('fw-stereo-diarization-left');
  voices.delete('fw-stereo-diarization-right');
  return voices;
}

const speechSec = (pieces) =>
  pieces.reduce((sum, p) => sum + p.speech.reduce((s, span) => s + span.endSec - span.startSec, 0), 0);

/** Cuts a piece longer than MAX_TURN_SEC at its quietest 50 ms inside the middle half, recursively. */
function turnsOf(p) {
  const seconds = p.samples.length / RATE;
  if (seconds <= MAX_TURN_SEC) return [p];
  const hop = RATE / 20;
  let best = Math.round(seconds / 2) * RATE;
  let quietest = Number.POSITIVE_INFINITY;
  for (let start = Math.round(seconds * 0.25 * RATE); start < seconds * 0.75 * RATE; start += hop) {
    let energy = 0;
    for (let i = start; i < start + hop; i++) energy += p.samples[i] ** 2;
    if (energy < quietest) {
      quietest = energy;
      best = start + hop / 2;
    }
  }
  const at = best / RATE;
  const clip = (from, to) =>
    p.speech
      .map((span) => ({
        startSec: Math.max(span.startSec, from) - from,
        endSec: Math.min(span.endSec, to) - from,
      }))
      .filter((span) => span.endSec > span.startSec);
  return [
    ...turnsOf(piece(p.samples.slice(0, best), clip(0, at))),
    ...turnsOf(piece(p.samples.slice(best), clip(at, seconds))),
  ];
}

/** The voice's turns, in order, up to `limitSec` of speech. */
function turnsUpTo(voice, limitSec) {
  const turns = [];
  let total = 0;
  for (const turn of voice.pieces.flatMap(turnsOf)) {
    if (total >= limitSec) break;
    turns.push(turn);
    total += speechSec([turn]);
  }
  return turns;
}

/** Gain that brings a voice's speech to its level (speech samples only, so pauses do not count). */
function voiceGain(voice, levelDb) {
  let sum = 0;
  let count = 0;
  for (const p of voice.pieces)
    for (const span of p.speech)
      for (
        let i = Math.round(span.startSec * RATE);
        i < Math.min(p.samples.length, span.endSec * RATE);
        i++
      ) {
        sum += p.samples[i] ** 2;
        count++;
      }
  return 10 ** (levelDb / 20) / Math.sqrt(sum / Math.max(1, count) + 1e-12);
}

/**
 * Lays out turns `[{ voice, turn, gapSec }]` (gapSec < 0 is overlap with the previous turn) over a faint
 * noise floor; returns the samples and the reference segments.
 */
function render(layout, gains, random) {
  let cursor = 0.5;
  let end = 0;
  const placed = layout.map(({ voice, turn, gapSec }, index) => {
    const start = index === 0 ? cursor : Math.max(0, end + gapSec);
    end = Math.max(end, start + turn.samples.length / RATE);
    cursor = end;
    return { voice, turn, start };
  });
  const samples = new Float32Array(Math.ceil((end + 0.5) * RATE));
  const noise = 10 ** (NOISE_RMS_DBFS / 20) * Math.sqrt(3);
  for (let i = 0; i < samples.length; i++) samples[i] = noise * (2 * random() - 1);
  const segments = [];
  for (const { voice, turn, start } of placed) {
    const offset = Math.round(start * RATE);
    const gain = gains.get(voice.id);
    for (let i = 0; i < turn.samples.length; i++) samples[offset + i] += gain * turn.samples[i];
    for (const span of turn.speech)
      segments.push({ startSec: start + span.startSec, endSec: start + span.endSec, speaker: voice.id });
  }
  let peak = 0;
  for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
  if (peak > 0.99) for (let i = 0; i < samples.length; i++) samples[i] *= 0.99 / peak;
  return { samples, segments: segments.sort((a, b) => a.startSec - b.startSec) };
}

function shuffled(items, random) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** The recordings to build: which voices, and how their turns follow each other. */
function designs(voices, random) {
  const gap = () => 0.2 + 0.6 * random();
  // Overlap in about one hand-over in seven, as in calls.
  const handOver = () => (random() < 0.15 ? -(0.1 + 0.3 * random()) : gap());
  const all = [...voices.values()];
  const long = all.filter((voice) => speechSec(voice.pieces) >= 5);
  const designs = [];

  for (const voice of long)
    designs.push({
      name: `one-${voice.id}`,
      layout: turnsUpTo(voice, MAX_VOICE_SEC).map((turn) => ({ voice, turn, gapSec: gap() })),
    });

  // Dominant: the long voice's turns with one or two short turns (0.5–3 s) of another voice, that
  // voice under 10 % of the speech; preferably the other voice of the same recording (same room or
  // line: the realistic, harder case).
  for (const voice of long) {
    const turns = turnsUpTo(voice, MAX_VOICE_SEC);
    const total = speechSec(turns);
    const fits = (turn) =>
      speechSec([turn]) >= 0.5 && speechSec([turn]) <= 3 && speechSec([turn]) < total / 9;
    const others = all.filter(
      (other) => other.group !== voice.group && other.pieces.flatMap(turnsOf).some(fits),
    );
    const sameSource = others.filter((other) => other.source === voice.source);
    const pool = sameSource.length > 0 ? sameSource : others;
    if (pool.length === 0) continue;
    const other = pool[Math.floor(random() * pool.length)];
    const interjections = [];
    for (const turn of shuffled(other.pieces.flatMap(turnsOf).filter(fits), random)) {
      const seconds = speechSec([turn]);
      const taken = speechSec(interjections);
      if ((taken + seconds) / (total + taken + seconds) >= 0.1) continue;
      interjections.push(turn);
      if (interjections.length === 2) break;
    }
    if (interjections.length === 0 || turns.length < 2) continue;
    const layout = turns.map((turn) => ({ voice, turn, gapSec: gap() }));
    interjections.forEach((turn, index) => {
      const at = Math.max(1, Math.round(((index + 1) * turns.length) / (interjections.length + 1)));
      layout.splice(at + index, 0, { voice: other, turn, gapSec: handOver() });
      layout[at + index + 1].gapSec = handOver();
    });
    designs.push({ name: `dominant-${voice.id}+${other.id}`, layout });
  }

  // Two speakers taking turns until the shorter runs out: the voices of one recording with ≥ 2 s
  // each, and two rounds of random pairs of long voices from different recordings.
  const pairs = [];
  const speaking = all.filter((voice) => speechSec(voice.pieces) >= 2);
  for (const a of speaking)
    for (const b of speaking)
      if (a.id < b.id && a.group !== b.group && a.source === b.source) pairs.push([a, b]);
  for (let round = 0; round < 2; round++) {
    const order = shuffled(long, random);
    for (let i = 0; i + 1 < order.length; i += 2)
      if (order[i].group !== order[i + 1].group && order[i].source !== order[i + 1].source)
        pairs.push([order[i], order[i + 1]]);
  }
  for (const [a, b] of pairs) {
    const turnsA = turnsUpTo(a, MAX_VOICE_SEC / 2);
    const turnsB = turnsUpTo(b, MAX_VOICE_SEC / 2);
    const layout = [];
    for (let i = 0; i < Math.max(turnsA.length, turnsB.length); i++) {
      if (turnsA[i]) layout.push({ voice: a, turn: turnsA[i], gapSec: handOver() });
      if (turnsB[i]) layout.push({ voice: b, turn: turnsB[i], gapSec: handOver() });
    }
    const name = `two-${[a.id, b.id].sort().join('+')}`;
    if (!designs.some((design) => design.name === name)) designs.push({ name, layout });
  }
  return designs;
}

/**
 * Builds (or reuses) the constructed set under `outDir` and returns its rows:
 * `{ name, kind, band, path, rttm, speakers, dominantShare }`.
 */
export async function constructedSet({ dataRoot, outDir }) {
  const manifestPath = join(outDir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.version === CONSTRUCTION_VERSION) return manifest.rows;
  }
  mkdirSync(outDir, { recursive: true });
  const voices = await collectVoices(dataRoot);
  const random = mulberry32(SEED);
  const gains = new Map(
    [...voices.values()].map((voice) => [
      voice.id,
      voiceGain(voice, VOICE_RMS_DBFS + VOICE_SPREAD_DB * (2 * random() - 1)),
    ]),
  );
  const rows = [];
  for (const design of designs(voices, random)) {
    const { samples, segments } = render(design.layout, gains, random);
    const path = join(outDir, `${design.name}.wav`);
    writeWav(path, samples, RATE);
    const rttm = join(outDir, `${design.name}.rttm`);
    writeFileSync(rttm, formatRttm(design.name, segments));
    const bySpeaker = new Map();
    for (const s of segments)
      bySpeaker.set(s.speaker, (bySpeaker.get(s.speaker) ?? 0) + s.endSec - s.startSec);
    const total = [...bySpeaker.values()].reduce((a, b) => a + b, 0);
    const dominantShare = Math.max(...bySpeaker.values()) / total;
    const kind = bySpeaker.size === 1 ? 'one-speaker' : dominantShare > 0.9 ? 'dominant' : 'two-speaker';
    const common = { kind, rttm, speakers: bySpeaker.size, dominantShare };
    rows.push({ name: design.name, band: 'wide', path, ...common });
    rows.push({
      name: `${design.name} (phone)`,
      band: 'telephone',
      path: phoneBandVersion(path, join(outDir, 'phone')).phone,
      ...common,
    });
  }
  writeFileSync(manifestPath, `${JSON.stringify({ version: CONSTRUCTION_VERSION, rows }, null, 1)}\n`);
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.env.ECHOLENS_MODELS_DIR ??= resolve(setup.root, '..', 'shared', 'models');
  const rows = await constructedSet({
    dataRoot: setup.dataRoot,
    outDir: join(setup.outDir, 'diarization-constructed'),
  });
  for (const row of rows)
    console.log(
      `${row.kind.padEnd(12)} ${row.band.padEnd(9)} ${row.name}  speakers ${row.speakers}  top share ${row.dominantShare.toFixed(3)}`,
    );
}
