import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  AbortError,
  AudioDecodeError,
  ConfigurationError,
  EmptyInputError,
  InvalidInputError,
  MissingDependencyError,
  UnsupportedFormatError,
} from '@echolens/provider';
import { describe, expect, it } from 'vitest';
import { AudioByteSource } from '../../src/audio/input-source.js';
import { prepareAudio } from '../../src/audio/prepare.js';
import { mulberry32 } from '../../src/testing/seeded-random.js';
import { dataPath } from '../helpers/data.js';
import { failure, scratchFolder } from '../helpers/scratch.js';
import { encodeWav, tone, whiteNoise } from './signals.js';

const { root: scratch, tempFolder, write } = scratchFolder('echolens-audio-errors-');

/** Six minutes of 8 kHz 8-bit speech-like audio: long enough that its PCM spills to temp files. */
function longWav(): Buffer {
  const seconds = 6 * 60;
  const signal = tone(440, 8000, seconds, 0.3);
  const noise = whiteNoise(signal.length, 0.05);
  for (let index = 0; index < signal.length; index++) signal[index]! += noise[index]!;
  return encodeWav([signal], 8000, 'u8');
}

describe('bad inputs give typed errors that name the file and say what is wrong', () => {
  it('zero bytes → EmptyInputError', async () => {
    const path = write('empty.wav', '');
    const error = await failure(prepareAudio({ source: path }, { tempDirectory: tempFolder() }));
    expect(EmptyInputError.isInstance(error)).toBe(true);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/empty/);
  });

  it('a WAV cut off mid-data → AudioDecodeError with both sizes', async () => {
    const wav = readFileSync(dataPath('asr', 'audio', 'jfk.wav'));
    const headerBytes = wav.length - 352_000; // the data chunk holds 11 s of 16 kHz 16-bit mono
    const path = write('truncated.wav', wav.subarray(0, headerBytes + 120_000));
    const temp = tempFolder();
    const error = await failure(prepareAudio({ source: path }, { tempDirectory: temp }));
    expect(AudioDecodeError.isInstance(error)).toBe(true);
    expect(error.message).toContain(path);
    expect(error.message).toContain('truncated: header declares 352,000 bytes of audio, file holds 120,000');
    expect(readdirSync(temp)).toEqual([]);
  });

  it('a WAV cut off inside its header → AudioDecodeError', async () => {
    const wav = readFileSync(dataPath('asr', 'audio', 'jfk.wav'));
    const error = await failure(prepareAudio({ source: wav.subarray(0, 30), name: 'header-only.wav' }));
    expect(AudioDecodeError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/^header-only\.wav: truncated/);
  });

  it('a FLAC cut in half → AudioDecodeError (fewer samples than STREAMINFO declares)', async () => {
    const flac = readFileSync(dataPath('asr', 'original', 'librispeech-1089-134691-0000.flac'));
    const path = write('half.flac', flac.subarray(0, flac.length / 2));
    const error = await failure(prepareAudio({ source: path }));
    expect(AudioDecodeError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/truncated: header declares 33,360 samples per channel, file holds [\d,]+/);
  });

  it('a text file named .wav → UnsupportedFormatError "looks like text"', async () => {
    const path = write('notes.wav', 'Call notes: customer asked about the refund.\nFollow up Monday.\n');
    const error = await failure(prepareAudio({ source: path }));
    expect(UnsupportedFormatError.isInstance(error)).toBe(true);
    expect(error.message).toContain(path);
    expect(error.message).toContain('looks like text');
    expect(error.message).toContain('Call notes');

    const utf16 = write(
      'notepad.wav',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Rückruf morgen', 'utf16le')]),
    );
    const utf16Error = await failure(prepareAudio({ source: utf16 }));
    expect(UnsupportedFormatError.isInstance(utf16Error)).toBe(true);
    expect(utf16Error.message).toContain('looks like text (starts with "Rückruf morgen")');
  });

  it('a PNG named .mp3 and a ZIP named .wav → UnsupportedFormatError naming what they are', async () => {
    const png = write(
      'picture.mp3',
      Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'),
    );
    const zip = write(
      'archive.wav',
      Buffer.concat([Buffer.from('504b0304140000000800', 'hex'), Buffer.alloc(100, 7)]),
    );
    const pngError = await failure(prepareAudio({ source: png }));
    const zipError = await failure(prepareAudio({ source: zip }));
    expect(UnsupportedFormatError.isInstance(pngError)).toBe(true);
    expect(pngError.message).toBe(`${png}: looks like a PNG image, not audio`);
    expect(UnsupportedFormatError.isInstance(zipError)).toBe(true);
    expect(zipError.message).toContain('ZIP archive');
  });

  it('bytes nobody recognises (ffmpeg probes them too) → UnsupportedFormatError', async () => {
    const noise = whiteNoise(20_000, 1);
    const bytes = new Uint8Array(noise.buffer);
    const temp = tempFolder();
    const error = await failure(
      prepareAudio({ source: bytes, name: 'mystery.wav' }, { tempDirectory: temp }),
    );
    expect(UnsupportedFormatError.isInstance(error)).toBe(true);
    // ffmpeg would guess headerless AMR for these bytes and "decode" noise: decode errors reject the guess.
    expect(error.message).toMatch(/^mystery\.wav: not a recognised audio format/);
    expect(readdirSync(temp)).toEqual([]);
    // ffmpeg's own "<input>: Invalid argument" lines are quoted without the name the error already leads with.
    const random = join(temp, 'random.wav');
    const next = mulberry32(1);
    writeFileSync(
      random,
      Uint8Array.from({ length: 5000 }, () => Math.floor(next() * 256)),
    );
    const fromFile = await failure(prepareAudio({ source: random }, { tempDirectory: temp }));
    expect(fromFile.message.startsWith(`${random}: `)).toBe(true);
    expect(fromFile.message.split(random)).toHaveLength(2);
  });

  it('an M4A without ffmpeg → MissingDependencyError naming the tool, the file and the fix', async () => {
    const path = dataPath('formats', 'jfk-transcoded.m4a');
    const error = await failure(
      prepareAudio({ source: path }, { ffmpegPath: join(scratch, 'no-ffmpeg-here') }),
    );
    expect(MissingDependencyError.isInstance(error)).toBe(true);
    expect((error as MissingDependencyError).dependency).toBe('ffmpeg');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/needs ffmpeg/);
    expect(error.message).toMatch(/apt-get install ffmpeg/);
  });

  it('a damaged M4A → AudioDecodeError carrying ffmpeg’s own message', async () => {
    const m4a = readFileSync(dataPath('formats', 'jfk-transcoded.m4a'));
    const temp = tempFolder();
    // The index (moov) of this file sits at the end: without it nothing can be decoded.
    const error = await failure(
      prepareAudio({ source: m4a.subarray(0, 4000), name: 'cut.m4a' }, { tempDirectory: temp }),
    );
    expect(AudioDecodeError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/^cut\.m4a: ffmpeg could not decode it: .*moov atom not found/);
    expect(error.message).not.toContain(temp); // ffmpeg read a temporary copy; the message names the input
    expect(readdirSync(temp)).toEqual([]);
  });

  it('other input mistakes', async () => {
    const missing = join(scratch, 'does-not-exist.wav');
    const notFound = await failure(prepareAudio({ source: missing }));
    expect(InvalidInputError.isInstance(notFound)).toBe(true);
    expect(notFound.message).toBe(`${missing}: file not found`);

    const noStorage = await failure(prepareAudio({ source: { storageKey: 'calls/a.wav' } }));
    expect(ConfigurationError.isInstance(noStorage)).toBe(true);
    expect(noStorage.message).toContain('calls/a.wav');

    const badRaw = await failure(
      prepareAudio({
        source: new Uint8Array(100),
        name: 'x.pcm',
        rawFormat: { sampleRate: 5, encoding: 'pcm_s16le' },
      }),
    );
    expect(InvalidInputError.isInstance(badRaw)).toBe(true);
    expect(badRaw.message).toMatch(/^x\.pcm: invalid rawFormat/);

    const wav = readFileSync(dataPath('asr', 'audio', 'jfk.wav'));
    const broken = new Readable({
      read() {
        this.push(wav.subarray(0, 100_000));
        this.destroy(new Error('socket hang up'));
      },
    });
    const streamError = await failure(prepareAudio({ source: broken, name: 'upload-17' }));
    expect(InvalidInputError.isInstance(streamError)).toBe(true);
    expect(streamError.message).toBe('upload-17: reading the input failed: socket hang up');

    const header = encodeWav([new Float32Array(0)], 16_000, 's16');
    const noSamples = await failure(prepareAudio({ source: header, name: 'silent-header.wav' }));
    expect(EmptyInputError.isInstance(noSamples)).toBe(true);
  });
});

describe('temporary files never outlive a failure', () => {
  const wav = longWav();

  it('a long recording that turns out truncated leaves no temp files', async () => {
    const temp = tempFolder();
    let spilled = false;
    const error = await failure(
      prepareAudio(
        { source: wav.subarray(0, Math.floor(wav.length * 0.95)), name: 'long-truncated.wav' },
        {
          tempDirectory: temp,
          onProgress: () => {
            spilled ||= readdirSync(temp).length > 0;
          },
        },
      ),
    );
    expect(AudioDecodeError.isInstance(error)).toBe(true);
    expect(spilled).toBe(true); // it really had gone to disk before failing
    expect(readdirSync(temp)).toEqual([]);
  });

  it('abort mid-way → AbortError, temp files removed', async () => {
    const temp = tempFolder();
    const controller = new AbortController();
    const error = await failure(
      prepareAudio(
        { source: wav, name: 'long.wav' },
        {
          tempDirectory: temp,
          signal: controller.signal,
          onProgress: (fraction) => {
            if (fraction > 0.6) controller.abort();
          },
        },
      ),
    );
    expect(AbortError.isInstance(error)).toBe(true);
    expect(error.message).toContain('long.wav');
    expect(readdirSync(temp)).toEqual([]);
  });

  it('an already aborted signal stops before reading', async () => {
    const error = await failure(
      prepareAudio({ source: dataPath('asr', 'audio', 'jfk.wav') }, { signal: AbortSignal.abort() }),
    );
    expect(AbortError.isInstance(error)).toBe(true);
  });

  it('an abort while a file is being opened is an AbortError, not a crash (Ctrl-C in the CLI)', async () => {
    const controller = new AbortController();
    const opening = AudioByteSource.open(
      { source: dataPath('asr', 'audio', 'jfk.wav') },
      { signal: controller.signal },
    );
    controller.abort(); // while open() waits for the file's size
    const error = await failure(opening.then((source) => source.readHead(1024)));
    // A file stream made with the aborted signal would report it now, with nobody listening.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(AbortError.isInstance(error)).toBe(true);
  });

  it('dispose() deletes the PCM files and is safe to call twice', async () => {
    const temp = tempFolder();
    const audio = await prepareAudio({ source: wav, name: 'long.wav' }, { tempDirectory: temp, vad: false });
    expect(readdirSync(temp)).toHaveLength(1);
    expect(await audio.pcm.read(0, 0, 10)).toHaveLength(10);
    await audio.dispose();
    await audio.dispose();
    expect(readdirSync(temp)).toEqual([]);
    const afterDispose = await failure(audio.pcm.read(0, 0, 10));
    expect(InvalidInputError.isInstance(afterDispose)).toBe(true);
  });
});
