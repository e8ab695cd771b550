import { readdirSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareAudio } from '../../src/audio/prepare.js';
import { PreparedAudioInfoSchema } from '../../src/schema/prepared-audio.js';
import { dataPath, readManifest } from '../helpers/data.js';
import { compareAligned, ffmpegDecode, readMono, readPcm16Wav } from './signals.js';

/**
 * Every real file in formats/ and asr/original/ decodes, and its 16 kHz output matches the 16 kHz
 * WAV made from the same recording (asr/audio/), after alignment.
 *
 * Bounds (measured values in docs/audio.md): the references were made by another resampler (and,
 * for lossy originals, another decoder), so they cannot match bit for bit:
 * - lossless at 16 kHz already (PCM WAV, FLAC, raw): essentially identical;
 * - lossless at another rate, G.711: differences are the resampler's 7.2–8 kHz transition band and
 *   companding noise;
 * - lossy (MP3, Opus, AAC): the codec's own noise, decoder differences, encoder delay.
 */
interface Expectation {
  minimumCorrelation: number;
  minimumSnrDb: number;
  /** |our duration − reference duration| in ms. */
  durationToleranceMs: number;
}

const LOSSLESS_SAME_RATE: Expectation = {
  minimumCorrelation: 0.9999,
  minimumSnrDb: 60,
  durationToleranceMs: 1,
};
const LOSSLESS_RESAMPLED: Expectation = {
  minimumCorrelation: 0.9999,
  minimumSnrDb: 40,
  durationToleranceMs: 1,
};
const COMPANDED: Expectation = { minimumCorrelation: 0.999, minimumSnrDb: 28, durationToleranceMs: 1 };
/** AAC in MP4 comes out 6.3 ms long (ffmpeg keeps the encoder's padding at the end; the start is aligned). */
const LOSSY: Expectation = { minimumCorrelation: 0.99, minimumSnrDb: 15, durationToleranceMs: 10 };

function expectationFor(codec: string | undefined, sampleRate: number): Expectation {
  if (codec === 'mulaw' || codec === 'alaw') return COMPANDED;
  if (codec && /^pcm_|^flac$/.test(codec))
    return sampleRate === 16_000 ? LOSSLESS_SAME_RATE : LOSSLESS_RESAMPLED;
  return LOSSY;
}

interface Case {
  file: string;
  reference?: string;
  rawFormat?: { sampleRate: number; encoding: 'pcm_s16le'; channels: number };
}

function cases(): Case[] {
  const audioByStem = new Map(
    readManifest<{ audio: string }>('asr', 'manifest.jsonl').map((row) => [
      basename(row.audio, '.wav'),
      row.audio,
    ]),
  );
  const originals = readdirSync(dataPath('asr', 'original')).map((file) => {
    // Variants of one recording share its stem: azure-whatstheweatherlike{,-mulaw}.{wav,mp3}.
    const stem = basename(file, extname(file)).replace(/-mulaw$/, '');
    const row: Case = { file: dataPath('asr', 'original', file), reference: audioByStem.get(stem) };
    // SOURCES.md and the manifest note: goforward's original is headerless 16 kHz s16le.
    if (extname(file) === '.raw') row.rawFormat = { sampleRate: 16_000, encoding: 'pcm_s16le', channels: 1 };
    return row;
  });
  const formats = readManifest<{ audio: string }>('formats', 'manifest.jsonl').map((row) => ({
    file: row.audio,
    // The formats/ jfk files are transcodes of asr/original/jfk.flac.
    reference: basename(row.audio).startsWith('jfk-') ? audioByStem.get('jfk') : undefined,
  }));
  return [...originals, ...formats];
}

const measured: Record<string, unknown>[] = [];
afterAll(() => {
  if (process.env.ECHOLENS_PRINT_AUDIO_MEASUREMENTS) console.table(measured);
});

describe('real recordings decode to the same 16 kHz signal as their reference WAV', () => {
  for (const testCase of cases()) {
    it(basename(testCase.file), async () => {
      const audio = await prepareAudio(
        { source: testCase.file, rawFormat: testCase.rawFormat },
        { vad: false, normalize: false },
      );
      try {
        expect(PreparedAudioInfoSchema.parse({ ...audio, pcm: undefined })).toBeTruthy();
        expect(audio.sampleRate).toBe(16_000);
        expect(audio.pcm.length).toBe(Math.round(audio.durationSec * 16_000));
        expect(audio.source.name).toBe(testCase.file);

        const output = await readMono(audio);
        let reference: Float32Array;
        let expectation: Expectation;
        if (testCase.reference) {
          const wav = readPcm16Wav(testCase.reference);
          expect(wav.sampleRate).toBe(16_000);
          reference = wav.channels[0]!;
          expectation = expectationFor(audio.source.codec, audio.source.sampleRate);
        } else {
          // No 16 kHz version in the data set: ffmpeg's own decode + resample is the reference.
          reference = ffmpegDecode(testCase.file, ['-ac', '1', '-ar', '16000'])[0]!;
          expectation = LOSSY;
        }
        const comparison = compareAligned(reference, output);
        const durationErrorMs = Math.abs(output.length - reference.length) / 16;
        measured.push({
          file: basename(testCase.file),
          codec: audio.source.codec,
          decoder: audio.source.decoder,
          lag: comparison.lag,
          correlation: comparison.correlation.toFixed(5),
          snrDb: comparison.snrDb.toFixed(1),
          durationErrorMs,
        });
        expect(durationErrorMs).toBeLessThanOrEqual(expectation.durationToleranceMs);
        expect(comparison.lag).toBe(0); // no delay added by decoding or resampling
        expect(comparison.correlation).toBeGreaterThanOrEqual(expectation.minimumCorrelation);
        expect(comparison.snrDb).toBeGreaterThanOrEqual(expectation.minimumSnrDb);
      } finally {
        await audio.dispose();
      }
    });
  }
});
