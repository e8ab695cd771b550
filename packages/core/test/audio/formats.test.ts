import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAudio } from '../../src/audio/prepare.js';
import { dataPath } from '../helpers/data.js';
import { compareAligned, ffmpegDecode, ffmpegTranscode, readMono, readPcm16Wav } from './signals.js';

/**
 * Containers and codecs beyond the shared data set, made here with ffmpeg from the same recording
 * (asr/audio/jfk.wav), so each must decode back to it. Detection is from the bytes: every file gets a
 * misleading `.bin` name.
 */
const scratch = mkdtempSync(join(tmpdir(), 'echolens-formats-'));
const measured: Record<string, unknown>[] = [];
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  if (process.env.ECHOLENS_PRINT_AUDIO_MEASUREMENTS) console.table(measured);
});

const referencePath = dataPath('asr', 'audio', 'jfk.wav');
let reference: Float32Array;
beforeAll(() => {
  reference = readPcm16Wav(referencePath).channels[0]!;
});

interface FormatCase {
  label: string;
  args: string[];
  format: string;
  codec: string;
  decoder: 'builtin' | 'ffmpeg';
  channels?: number;
  /** Encoder delay some codecs add at the start (ms) and do not signal for removal. */
  allowedLagMs?: number;
  minimumCorrelation?: number;
  /** Against ffmpeg's decode of the same file; lower only where the two decoders legitimately differ. */
  minimumCorrelationWithFfmpeg?: number;
}

const cases: FormatCase[] = [
  {
    label: 'Ogg Vorbis 22.05 kHz',
    args: ['-ar', '22050', '-c:a', 'libvorbis', '-f', 'ogg'],
    format: 'ogg',
    codec: 'vorbis',
    decoder: 'builtin',
  },
  // libopus (decoding straight to 16 kHz) and ffmpeg's own Opus decoder are not bit-exact: Opus
  // only specifies decoder output within a tolerance. Ours is the closer one to the original.
  {
    label: 'Ogg Opus stereo',
    args: ['-ac', '2', '-c:a', 'libopus', '-b:a', '32k', '-f', 'ogg'],
    format: 'ogg',
    codec: 'opus',
    decoder: 'builtin',
    channels: 2,
    minimumCorrelationWithFfmpeg: 0.98,
  },
  {
    label: 'MP3 mono with ID3 tag',
    args: [
      '-c:a',
      'libmp3lame',
      '-b:a',
      '48k',
      '-metadata',
      'title=call',
      '-id3v2_version',
      '3',
      '-f',
      'mp3',
    ],
    format: 'mp3',
    codec: 'mp3',
    decoder: 'builtin',
    channels: 1,
  },
  // MP2 has no gapless header: its decoder delay (481 samples at 44.1 kHz) stays in the output.
  // (and ffmpeg's MP2 encoder is noisy: correlation with the original 0.98, with ffmpeg's decode > 0.999).
  {
    label: 'MPEG layer 2',
    args: ['-ar', '44100', '-c:a', 'mp2', '-b:a', '128k', '-f', 'mp2'],
    format: 'mp3',
    codec: 'mp2',
    decoder: 'builtin',
    allowedLagMs: 15,
    minimumCorrelation: 0.97,
  },
  {
    label: 'FLAC 48 kHz',
    args: ['-ar', '48000', '-c:a', 'flac', '-f', 'flac'],
    format: 'flac',
    codec: 'flac',
    decoder: 'builtin',
    minimumCorrelation: 0.9999,
  },
  {
    label: 'WebM Opus',
    args: ['-c:a', 'libopus', '-f', 'webm'],
    format: 'webm',
    codec: 'opus',
    decoder: 'ffmpeg',
  },
  {
    label: 'Matroska FLAC',
    args: ['-c:a', 'flac', '-f', 'matroska'],
    format: 'webm',
    codec: 'flac',
    decoder: 'ffmpeg',
    minimumCorrelation: 0.9999,
  },
  // Raw ADTS keeps AAC's 1024-sample priming: nothing in the stream says to drop it.
  {
    label: 'ADTS AAC',
    args: ['-c:a', 'aac', '-f', 'adts'],
    format: 'aac',
    codec: 'aac',
    decoder: 'ffmpeg',
    allowedLagMs: 70,
  },
  {
    label: 'M4A (AAC, index first)',
    args: ['-c:a', 'aac', '-movflags', '+faststart', '-f', 'mp4'],
    format: 'mp4',
    codec: 'aac',
    decoder: 'ffmpeg',
  },
  {
    label: 'Ogg FLAC',
    args: ['-c:a', 'flac', '-f', 'ogg'],
    format: 'ogg',
    codec: 'flac',
    decoder: 'ffmpeg',
    minimumCorrelation: 0.9999,
  },
  {
    label: 'AIFF',
    args: ['-c:a', 'pcm_s16be', '-f', 'aiff'],
    format: 'other',
    codec: 'pcm_s16be',
    decoder: 'ffmpeg',
    minimumCorrelation: 0.9999,
  },
  {
    label: 'IMA ADPCM in WAV',
    args: ['-c:a', 'adpcm_ima_wav', '-f', 'wav'],
    format: 'wav',
    codec: 'adpcm_ima_wav',
    decoder: 'ffmpeg',
  },
  {
    label: 'GSM 6.10 in WAV (8 kHz)',
    args: ['-ar', '8000', '-c:a', 'libgsm_ms', '-f', 'wav'],
    format: 'wav',
    codec: 'gsm_ms',
    decoder: 'ffmpeg',
    minimumCorrelation: 0.9,
  },
  {
    label: 'Sun AU µ-law',
    args: ['-c:a', 'pcm_mulaw', '-f', 'au'],
    format: 'other',
    codec: 'pcm_mulaw',
    decoder: 'ffmpeg',
    minimumCorrelation: 0.999,
  },
  {
    label: 'WavPack',
    args: ['-c:a', 'wavpack', '-f', 'wv'],
    format: 'other',
    codec: 'wavpack',
    decoder: 'ffmpeg',
    minimumCorrelation: 0.9999,
  },
  {
    label: 'True Audio (no signature we check: ffmpeg probes it)',
    args: ['-c:a', 'tta', '-f', 'tta'],
    format: 'other',
    codec: 'tta',
    decoder: 'ffmpeg',
    minimumCorrelation: 0.9999,
  },
];

describe('formats are told apart by their bytes and decode to the same recording', () => {
  for (const [index, testCase] of cases.entries()) {
    it(testCase.label, async () => {
      const path = join(scratch, `case-${index}.bin`);
      ffmpegTranscode(referencePath, path, testCase.args);
      const audio = await prepareAudio({ source: path }, { vad: false, normalize: false });
      try {
        expect(audio.source).toMatchObject({
          format: testCase.format,
          codec: testCase.codec,
          decoder: testCase.decoder,
          channelCount: testCase.channels ?? 1,
        });
        expect(audio.channelCount).toBe(testCase.channels ?? 1);
        const comparison = compareAligned(reference, await readMono(audio), 1100);
        expect(Math.abs(comparison.lag) / 16).toBeLessThanOrEqual(testCase.allowedLagMs ?? 1);
        expect(comparison.correlation).toBeGreaterThanOrEqual(testCase.minimumCorrelation ?? 0.99);
        expect(Math.abs(audio.durationSec - 11)).toBeLessThan(0.1);
        // Against an independent decoder of the very same file, only resampler differences remain.
        const independent = ffmpegDecode(path, ['-ac', '1', '-ar', '16000'])[0]!;
        const sameFile = compareAligned(independent, await readMono(audio), 160);
        measured.push({
          format: testCase.label,
          lag: comparison.lag,
          correlation: comparison.correlation.toFixed(4),
          versusFfmpeg: sameFile.correlation.toFixed(5),
        });
        expect(Math.abs(sameFile.lag)).toBeLessThanOrEqual(1);
        expect(sameFile.correlation).toBeGreaterThan(testCase.minimumCorrelationWithFfmpeg ?? 0.999);
      } finally {
        await audio.dispose();
      }
    });
  }

  it('an MP4 arriving as a stream (not seekable) is copied aside for ffmpeg and still decodes', async () => {
    const path = join(scratch, 'streamed.m4a');
    ffmpegTranscode(referencePath, path, ['-c:a', 'aac', '-f', 'mp4']); // index at the end
    const temp = mkdtempSync(join(scratch, 'temp-'));
    const audio = await prepareAudio(
      { source: createReadStream(path), name: 'upload' },
      { vad: false, normalize: false, tempDirectory: temp },
    );
    try {
      expect(audio.source.decoder).toBe('ffmpeg');
      expect(compareAligned(reference, await readMono(audio)).correlation).toBeGreaterThan(0.99);
    } finally {
      await audio.dispose();
    }
  });
});
