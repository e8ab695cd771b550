#!/usr/bin/env node
// Conversations with references, built from the English dev utterances of ../shared/data/asr: each
// speaker is one voice (one recording source), turns follow each other with the gaps of real talk
// (quick 0.2-0.5 s exchanges, longer pauses, some overlap), every voice at its own telephone level
// over a faint noise floor. Per conversation: a 16 kHz mono mix, a stereo version (one speaker per
// channel) for two-party talks, an 8 kHz µ-law telephone version of the mix, and a reference with
// the text, speaker and speech span of every turn. Deterministic for a given seed; all constants are
// fixed here, before any measurement.
//   node bench/conversations/build.mjs --out bench/out/conversations/inputs
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareAudio } from '@echolens/core';
import { mulberry32 } from '@echolens/core/testing';
import * as setup from '../lib/setup.mjs';
import { phoneBandVersion } from '../stt/phone-band.mjs';
import { readWav, writeWavChannels } from '../stt/wav.mjs';

export const CONVERSATIONS_VERSION = 1;
const RATE = 16_000;

/**
 * Voices: the English dev utterances grouped by the person speaking (same source recording or
 * reader). The faster-whisper stereo clips are left out: their references are Whisper tiny's own
 * output, not a person's transcript.
 */
export const VOICES = {
  kennedy: ['jfk'],
  'librispeech-1089': ['librispeech-1089-134691-0000'],
  'librivox-reader': ['librivox-sense-and-sensibility-0880', 'librivox-sense-and-sensibility-0930'],
  'cards-speaker': ['cards-001', 'cards-004'],
  'goforward-speaker': ['goforward'],
  'fleurs-000': ['fleurs-en-000'],
  'fleurs-003': ['fleurs-en-003'],
  'fleurs-006': ['fleurs-en-006'],
  'azure-speaker': ['azure-whatstheweatherlike'],
};

/** Gaps between turns, seconds from the end of one turn's speech to the start of the next: [probability, min, max]; negative = overlap. */
const TURN_GAPS = [
  [0.35, 0.2, 0.5], // quick exchange
  [0.3, 0.5, 1.0], // ordinary turn-taking
  [0.15, 1.0, 2.5], // thinking, looking something up
  [0.2, -0.6, -0.1], // the next speaker starts before the last one has finished
];
/** An overlap never covers more than this share of the shorter of the two turns. */
const MAX_OVERLAP_SHARE = 0.4;
/** Pause inside a turn made of two utterances of one voice, seconds. */
const IN_TURN_PAUSE = [0.3, 0.8];
/** Share of turns made of two utterances (when the voice has two). */
const TWO_UTTERANCE_TURNS = 0.3;
/** Voice levels: telephone level, each voice of a conversation drawn once within ± this many dB. */
const VOICE_LEVEL_DBFS = -20;
const VOICE_LEVEL_SPREAD_DB = 4;
const MAX_PEAK_DBFS = -1;
const NOISE_RMS_DBFS = -60;
/** Real audio kept around each utterance's detected speech, seconds. */
const CLIP_MARGIN_SEC = 0.1;
/** The set: two-party dialogues and three speakers in sequence. */
const DIALOGUES = 14;
const SEQUENCES = 10;
const DIALOGUE_MIN_SEC = 25;
const DIALOGUE_MAX_TURNS = 12;
/** No utterance is heard more than this many times in one conversation (real talk never repeats a sentence). */
const MAX_CLIP_REPEATS = 2;

const dbToGain = (db) => 10 ** (db / 20);

function levels(samples) {
  let sum = 0;
  let peak = 0;
  for (const sample of samples) {
    sum += sample * sample;
    peak = Math.max(peak, Math.abs(sample));
  }
  return { rms: Math.sqrt(sum / Math.max(1, samples.length)), peak };
}

/** Each English dev utterance, trimmed to its detected speech (plus a margin), with its text. */
async function loadClips(dataRoot) {
  const rows = readFileSync(join(dataRoot, 'asr', 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
  const clips = new Map();
  for (const [voice, names] of Object.entries(VOICES)) {
    for (const name of names) {
      const row = rows.find((candidate) => candidate.audio === `audio/${name}.wav`);
      if (!row) throw new Error(`${name} is not in the ASR manifest`);
      const path = join(dataRoot, 'asr', row.audio);
      const audio = await prepareAudio({ source: path });
      const speech = audio.speech[0] ?? [];
      await audio.dispose();
      const samples = readWav(path).channels[0];
      if (speech.length === 0) throw new Error(`${name}: no speech detected`);
      const from = Math.max(0, Math.round((speech[0].startSec - CLIP_MARGIN_SEC) * RATE));
      const to = Math.min(samples.length, Math.round((speech.at(-1).endSec + CLIP_MARGIN_SEC) * RATE));
      const trimmed = samples.slice(from, to);
      const { rms, peak } = levels(trimmed);
      clips.set(name, {
        name,
        voice,
        text: row.text,
        samples: trimmed,
        rms,
        peak,
        speechStartSec: speech[0].startSec - from / RATE,
        speechEndSec: speech.at(-1).endSec - from / RATE,
      });
    }
  }
  return clips;
}

function drawGap(random) {
  const draw = random();
  let cumulative = 0;
  for (const [probability, min, max] of TURN_GAPS) {
    cumulative += probability;
    if (draw < cumulative) return min + (max - min) * random();
  }
  const [, min, max] = TURN_GAPS.at(-1);
  return min + (max - min) * random();
}

function pick(random, items) {
  return items[Math.floor(random() * items.length)];
}

/** Picks `count` different voices. */
function pickVoices(random, count) {
  const names = Object.keys(VOICES);
  const chosen = [];
  while (chosen.length < count) {
    const name = pick(random, names);
    if (!chosen.includes(name)) chosen.push(name);
  }
  return chosen;
}

/** The utterances of one turn: one, or two of the same voice (never the same clip twice in a row). */
function turnClips(random, voice, previousClip) {
  const names = VOICES[voice];
  const fresh = names.filter((name) => name !== previousClip);
  const first = pick(random, fresh.length ? fresh : names);
  const others = names.filter((name) => name !== first);
  if (others.length > 0 && random() < TWO_UTTERANCE_TURNS) return [first, pick(random, others)];
  return [first];
}

/**
 * Lays out one conversation: a list of turns, each a speaker (A, B, C) and its utterances, placed so
 * that the gap between one turn's speech and the next's is drawn from TURN_GAPS.
 */
function layOut(random, kind, clips) {
  const speakerCount = kind === 'dialogue' ? 2 : 3;
  const voices = pickVoices(random, speakerCount);
  const labels = ['A', 'B', 'C'].slice(0, speakerCount);
  const gains = voices.map(() => VOICE_LEVEL_DBFS + VOICE_LEVEL_SPREAD_DB * (2 * random() - 1));
  const plan = [];
  const lastClip = new Map();
  if (kind === 'dialogue') {
    let speechSec = 0;
    const heard = new Map();
    for (let turn = 0; turn < DIALOGUE_MAX_TURNS && speechSec < DIALOGUE_MIN_SEC; turn++) {
      const speaker = turn % 2;
      const names = turnClips(random, voices[speaker], lastClip.get(speaker));
      if (names.some((name) => (heard.get(name) ?? 0) >= MAX_CLIP_REPEATS)) break;
      for (const name of names) heard.set(name, (heard.get(name) ?? 0) + 1);
      lastClip.set(speaker, names.at(-1));
      plan.push({ speaker, names });
      speechSec += names.reduce((sum, name) => sum + clips.get(name).samples.length / RATE, 0);
    }
  } else {
    for (let speaker = 0; speaker < 3; speaker++)
      plan.push({ speaker, names: turnClips(random, voices[speaker]) });
  }

  const turns = [];
  let cursor = 0; // where the next turn's speech may start, seconds
  for (const [index, entry] of plan.entries()) {
    const utterances = [];
    let start = cursor;
    if (index > 0) {
      const previous = turns.at(-1);
      let gap = drawGap(random);
      if (gap < 0) {
        const first = clips.get(entry.names[0]);
        const shorter = Math.min(
          previous.speechEndSec - previous.speechStartSec,
          first.speechEndSec - first.speechStartSec,
        );
        gap = -Math.min(-gap, MAX_OVERLAP_SHARE * shorter);
      }
      start = previous.speechEndSec + gap;
    }
    let at = start;
    for (const [position, name] of entry.names.entries()) {
      const clip = clips.get(name);
      if (position > 0) at += IN_TURN_PAUSE[0] + (IN_TURN_PAUSE[1] - IN_TURN_PAUSE[0]) * random();
      // `at` is where this utterance's speech starts; the clip begins its margin earlier.
      utterances.push({ name, clipStartSec: at - clip.speechStartSec });
      at += clip.speechEndSec - clip.speechStartSec;
    }
    const first = clips.get(entry.names[0]);
    const last = clips.get(entry.names.at(-1));
    turns.push({
      speaker: labels[entry.speaker],
      voice: voices[entry.speaker],
      gainDb: gains[entry.speaker],
      utterances,
      speechStartSec: utterances[0].clipStartSec + first.speechStartSec,
      speechEndSec: utterances.at(-1).clipStartSec + last.speechEndSec,
      text: entry.names.map((name) => clips.get(name).text).join(' '),
    });
    cursor = turns.at(-1).speechEndSec;
  }
  // Shift so the first clip starts after half a second of line noise.
  const offset = 0.5 - Math.min(...turns.flatMap((turn) => turn.utterances.map((u) => u.clipStartSec)));
  for (const turn of turns) {
    turn.speechStartSec += offset;
    turn.speechEndSec += offset;
    for (const utterance of turn.utterances) utterance.clipStartSec += offset;
  }
  return { speakers: labels.map((label, index) => ({ id: label, voice: voices[index] })), turns };
}

/** Mixes the turns into one channel per speaker (stereo) and their sum (mono), with line noise. */
function render(layout, clips, random) {
  const end = Math.max(
    ...layout.turns.flatMap((turn) =>
      turn.utterances.map((u) => u.clipStartSec + clips.get(u.name).samples.length / RATE),
    ),
  );
  const length = Math.ceil((end + 0.5) * RATE);
  const perSpeaker = layout.speakers.map(() => new Float32Array(length));
  for (const turn of layout.turns) {
    const channel = perSpeaker[layout.speakers.findIndex((speaker) => speaker.id === turn.speaker)];
    for (const utterance of turn.utterances) {
      const clip = clips.get(utterance.name);
      const gain = Math.min(dbToGain(turn.gainDb) / clip.rms, dbToGain(MAX_PEAK_DBFS) / clip.peak);
      const at = Math.round(utterance.clipStartSec * RATE);
      for (let i = 0; i < clip.samples.length && at + i < length; i++)
        channel[at + i] += gain * clip.samples[i];
    }
  }
  const noise = () => dbToGain(NOISE_RMS_DBFS) * Math.sqrt(3) * (2 * random() - 1);
  const mono = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (const channel of perSpeaker) sum += channel[i];
    mono[i] = sum + noise();
  }
  for (const channel of perSpeaker) for (let i = 0; i < length; i++) channel[i] += noise();
  return { mono, perSpeaker, durationSec: length / RATE };
}

/**
 * Builds the whole set into `outDir` unless an up-to-date one is there; returns its index.
 * @param {{ outDir: string, dataRoot: string, seed?: number }} options
 */
export async function buildConversations({ outDir, dataRoot, seed = 11 }) {
  mkdirSync(outDir, { recursive: true });
  const indexPath = join(outDir, 'index.json');
  if (existsSync(indexPath)) {
    const index = JSON.parse(readFileSync(indexPath, 'utf8'));
    if (index.version === CONVERSATIONS_VERSION && index.seed === seed) return index;
  }
  const clips = await loadClips(dataRoot);
  const random = mulberry32(seed);
  const conversations = [];
  const kinds = [...Array(DIALOGUES).fill('dialogue'), ...Array(SEQUENCES).fill('sequence')];
  for (const [number, kind] of kinds.entries()) {
    const id = `${kind}-${String(number + 1).padStart(2, '0')}`;
    const layout = layOut(random, kind, clips);
    const { mono, perSpeaker, durationSec } = render(layout, clips, random);
    const files = { mono: join(outDir, `${id}.wav`) };
    writeWavChannels(files.mono, [mono], RATE);
    if (perSpeaker.length === 2) {
      files.stereo = join(outDir, `${id}.stereo.wav`);
      writeWavChannels(files.stereo, perSpeaker, RATE);
    }
    const phone = phoneBandVersion(files.mono, join(outDir, 'phone'));
    files.phone = phone.phone;
    files.phone16k = phone.peer;
    const ordered = [...layout.turns].sort((a, b) => a.speechStartSec - b.speechStartSec);
    conversations.push({
      id,
      kind,
      durationSec,
      speakers: layout.speakers,
      files,
      reference: ordered.map((turn) => turn.text).join(' '),
      turns: ordered.map((turn) => ({
        speaker: turn.speaker,
        startSec: Math.round(turn.speechStartSec * 1000) / 1000,
        endSec: Math.round(turn.speechEndSec * 1000) / 1000,
        text: turn.text,
        clips: turn.utterances.map((u) => u.name),
      })),
    });
  }
  const index = { version: CONVERSATIONS_VERSION, seed, conversations };
  writeFileSync(indexPath, `${JSON.stringify(index, null, 2)}\n`);
  return index;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const index = await buildConversations({
    outDir: setup.argument('out', join(setup.outDir, 'conversations', 'inputs')),
    dataRoot: setup.dataRoot,
    seed: Number(setup.argument('seed', '11')),
  });
  for (const conversation of index.conversations) {
    console.log(
      `${conversation.id}: ${conversation.durationSec.toFixed(1)} s, ${conversation.turns.length} turns, ${conversation.speakers.map((s) => s.voice).join(' / ')}`,
    );
  }
}
