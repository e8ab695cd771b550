import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPipeline, type Transcript } from '@echolens/core';
import { AudioDecodeError, InvalidInputError } from '@echolens/provider';
import { describe, expect, it } from 'vitest';
import { prepareAudio } from '../../src/audio/prepare.js';
import { encodeWav, tone } from '../audio/signals.js';
import { dataPath } from '../helpers/data.js';
import { failure, scratchFolder } from '../helpers/scratch.js';

/**
 * Headers that lie about the audio, streams that decode to far more than their bytes can hold, and data
 * the decoder has to skip or zero: each is refused before it costs hours, or reported in the result.
 */
const { root: scratch, tempFolder, write } = scratchFolder('echolens-hardening-audio-');

/** A 16-bit mono WAV of `seconds` of a tone, then its header patched (offsets of the canonical layout). */
function wavWithHeader(seconds: number, patch: (view: DataView) => void): Buffer {
  const wav = encodeWav([tone(300, 8000, seconds, 0.3)], 8000, 's16');
  patch(new DataView(wav.buffer, wav.byteOffset, wav.byteLength));
  return wav;
}

describe('implausible headers are refused before any decoding', () => {
  it('a 32 KB WAV declaring 1 Hz (4.4 hours) is an AudioDecodeError naming the rate', async () => {
    const wav = wavWithHeader(2, (view) => {
      view.setUint32(24, 1, true); // sample rate
      view.setUint32(28, 2, true); // byte rate
    });
    expect(wav.length).toBeGreaterThan(32_000);
    const temp = tempFolder();
    const error = await failure(
      prepareAudio({ source: write('one-hertz.wav', wav) }, { tempDirectory: temp }),
    );
    expect(AudioDecodeError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/declares 1 Hz; recordings are 2,000–384,000 Hz/);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('rates above 384 kHz and more than 32 channels are refused; the bounds themselves are accepted', async () => {
    const fast = wavWithHeader(1, (view) => view.setUint32(24, 1_000_000, true));
    const error = await failure(
      prepareAudio({ source: write('fast.wav', fast) }, { tempDirectory: tempFolder() }),
    );
    expect(error.message).toMatch(/declares 1,000,000 Hz/);

    const many = encodeWav(
      Array.from({ length: 33 }, () => tone(300, 8000, 0.1, 0.1)),
      8000,
      'u8',
    );
    const tooMany = await failure(
      prepareAudio({ source: write('many.wav', many) }, { tempDirectory: tempFolder(), vad: false }),
    );
    expect(AudioDecodeError.isInstance(tooMany)).toBe(true);
    expect(tooMany.message).toMatch(/declares 33 channels; at most 32/);

    const atBounds = [
      encodeWav([tone(300, 2000, 0.5, 0.3)], 2000, 's16'),
      encodeWav(
        Array.from({ length: 32 }, () => tone(300, 8000, 0.2, 0.1)),
        8000,
        'u8',
      ),
    ];
    for (const [index, bytes] of atBounds.entries()) {
      const audio = await prepareAudio(
        { source: write(`bound-${index}.wav`, bytes) },
        { tempDirectory: tempFolder(), vad: false },
      );
      expect(audio.durationSec).toBeGreaterThan(0.1);
      await audio.dispose();
    }
  });

  it('headerless PCM described at 1 kHz is refused by the same bounds', async () => {
    const error = await failure(
      prepareAudio(
        { source: new Uint8Array(4000), rawFormat: { encoding: 'pcm_u8', sampleRate: 1000 } },
        { tempDirectory: tempFolder() },
      ),
    );
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/rawFormat.*sampleRate/);
  });
});

describe('the decoded duration is bounded', () => {
  it('a WAV whose header declares more than maxDurationSec is refused before decoding', async () => {
    const temp = tempFolder();
    const wav = encodeWav([tone(300, 8000, 12, 0.3)], 8000, 's16');
    const error = await failure(
      prepareAudio({ source: write('twelve-seconds.wav', wav) }, { tempDirectory: temp, maxDurationSec: 10 }),
    );
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/longer than the 10 s limit \(its header declares 12 s\).*maxDurationSec/);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('a streamed WAV (size unknown) is stopped once it decodes past maxDurationSec', async () => {
    const wav = wavWithHeader(12, (view) => {
      view.setUint32(4, 0xffffffff, true);
      view.setUint32(40, 0xffffffff, true);
    });
    const error = await failure(
      prepareAudio(
        { source: write('streamed.wav', wav) },
        { tempDirectory: tempFolder(), maxDurationSec: 10 },
      ),
    );
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/longer than the 10 s limit \(it decodes to more\)/);
  });

  it('a 10 KB FLAC that expands to 20 minutes (65,535-sample frames of silence) is refused as a bomb', async () => {
    const path = join(scratch, 'bomb.flac');
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '1200'],
      ...['-c:a', 'flac', '-frame_size', '65535', '-y', path],
    ]);
    const size = readFileSync(path).length;
    expect(size).toBeLessThan(12_000);
    const temp = tempFolder();
    const error = await failure(prepareAudio({ source: path }, { tempDirectory: temp }));
    expect(AudioDecodeError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/bytes of flac audio decode to over .* more than the codec can hold/);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('ordinary compressed silence (ffmpeg defaults) stays well inside the byte floor', async () => {
    const path = join(scratch, 'quiet.flac');
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '120'],
      ...['-c:a', 'flac', '-y', path],
    ]);
    const audio = await prepareAudio({ source: path }, { tempDirectory: tempFolder(), vad: 'energy' });
    expect(audio.durationSec).toBeCloseTo(120, 0);
    await audio.dispose();
  });
});

describe('audio the decoder skipped or zeroed is reported, never lost silently', () => {
  it('NaN and infinite float samples are read as silence and counted in source.decodeWarnings', async () => {
    const wav = encodeWav([tone(300, 8000, 1, 0.3)], 8000, 'f32');
    const dataStart = wav.length - 8000 * 4;
    wav.writeFloatLE(Number.NaN, dataStart + 100 * 4);
    wav.writeFloatLE(Number.POSITIVE_INFINITY, dataStart + 200 * 4);
    wav.writeFloatLE(Number.NEGATIVE_INFINITY, dataStart + 300 * 4);
    const audio = await prepareAudio(
      { source: write('nan.wav', wav) },
      { tempDirectory: tempFolder(), vad: 'energy' },
    );
    expect(audio.source.decodeWarnings).toEqual([
      '3 float sample(s) were NaN or infinite and were read as silence',
    ]);
    const samples = await audio.pcm.read(0, 0, audio.pcm.length);
    expect(samples.every((value) => Number.isFinite(value))).toBe(true);
    expect(audio.loudness[0]?.rmsDbfs).toBeGreaterThan(-30);
    await audio.dispose();
  });

  it('an MP3 with damaged frames decodes the rest and says audio was skipped, errors reported or not', async () => {
    const original = readFileSync(dataPath('formats', 'faster-whisper-hotwords.mp3'));
    const damage = (name: string, byteAt: (offset: number) => number | undefined) => {
      const mp3 = Buffer.from(original);
      for (let offset = Math.floor(mp3.length * 0.4); offset < mp3.length * 0.6; offset++) {
        const value = byteAt(offset);
        if (value !== undefined) mp3[offset] = value;
      }
      return write(name, mp3);
    };
    const clean = await prepareAudio(
      { source: write('clean.mp3', original) },
      { tempDirectory: tempFolder(), vad: false },
    );
    expect(clean.source.decodeWarnings).toBeUndefined();
    await clean.dispose();
    // Zeroed bytes: mpg123 reports errors. A sync byte every 7 bytes: mpg123 resyncs silently, losing
    // about 0.3 s, and only the frame chain notices.
    const cases = [
      { path: damage('zeroed.mp3', () => 0), warning: /the mp3 decoder skipped \d+ damaged frame\(s\)/ },
      {
        path: damage('resynced.mp3', (offset) => (offset % 7 === 0 ? 0xff : undefined)),
        warning: /the mp3 stream lost frame sync \d+ time\(s\) and [\d,]+ bytes were skipped/,
      },
    ];
    for (const { path, warning } of cases) {
      const audio = await prepareAudio({ source: path }, { tempDirectory: tempFolder(), vad: false });
      expect(audio.durationSec).toBeGreaterThan(1);
      expect(audio.durationSec).toBeLessThan(clean.durationSec);
      expect(audio.source.decodeWarnings?.[0], path).toMatch(warning);
      await audio.dispose();
    }
  });

  it('the pipeline lists each decoding warning in provenance.degraded', async () => {
    const wav = encodeWav([tone(300, 8000, 1, 0.3)], 8000, 'f32');
    wav.writeFloatLE(Number.NaN, wav.length - 4);
    const silentTranscript: Transcript = { language: 'en', durationSec: 1, segments: [] };
    const pipeline = createPipeline({
      cache: false,
      memory: false,
      audio: { vad: 'energy' },
      stages: { transcribe: async () => silentTranscript },
    });
    const result = await pipeline.run({ source: write('one-nan.wav', wav) });
    expect(result.audio?.source.decodeWarnings).toHaveLength(1);
    expect(result.analysis.provenance.degraded).toContainEqual({
      field: 'audio.source',
      reason: '1 float sample(s) were NaN or infinite and were read as silence',
    });
  });
});
