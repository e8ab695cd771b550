// Minimal 16-bit PCM WAV reading and writing for the STT benchmark's inputs.
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Reads a 16-bit PCM WAV into per-channel Float32Arrays.
 * @param {string} path
 * @returns {{ sampleRate: number, channels: Float32Array[] }}
 */
export function readWav(path) {
  const bytes = readFileSync(path);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${path}: not a WAV file`);
  }
  let offset = 12;
  let format;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const start = offset + 8;
    if (id === 'fmt ') {
      format = {
        encoding: bytes.readUInt16LE(start),
        channelCount: bytes.readUInt16LE(start + 2),
        sampleRate: bytes.readUInt32LE(start + 4),
        bits: bytes.readUInt16LE(start + 14),
      };
    } else if (id === 'data') {
      if (format?.encoding !== 1 || format.bits !== 16) throw new Error(`${path}: not 16-bit PCM`);
      const frames = Math.floor(Math.min(size, bytes.length - start) / (2 * format.channelCount));
      const channels = Array.from({ length: format.channelCount }, () => new Float32Array(frames));
      for (let frame = 0; frame < frames; frame++) {
        for (let channel = 0; channel < format.channelCount; channel++) {
          channels[channel][frame] =
            bytes.readInt16LE(start + (frame * format.channelCount + channel) * 2) / 32768;
        }
      }
      return { sampleRate: format.sampleRate, channels };
    }
    offset = start + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

/**
 * The 44-byte header of a 16-bit PCM WAV holding `frames` frames of `channelCount` channels.
 * @param {number} frames
 * @param {number} sampleRate
 * @param {number} [channelCount]
 */
export function wavHeader(frames, sampleRate, channelCount = 1) {
  const header = Buffer.alloc(44);
  const blockAlign = 2 * channelCount;
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + frames * blockAlign, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channelCount, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(frames * blockAlign, 40);
  return header;
}

/**
 * Writes 16-bit PCM with one Float32Array per channel (all the same length).
 * @param {string} path
 * @param {Float32Array[]} channels
 * @param {number} sampleRate
 */
export function writeWavChannels(path, channels, sampleRate) {
  const frames = channels[0].length;
  const data = Buffer.alloc(frames * 2 * channels.length);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels.length; c++) {
      const value = Math.round(Math.max(-1, Math.min(1, channels[c][i])) * 32767);
      data.writeInt16LE(value, (i * channels.length + c) * 2);
    }
  }
  writeFileSync(path, Buffer.concat([wavHeader(frames, sampleRate, channels.length), data]));
}

/**
 * Writes mono 16-bit PCM.
 * @param {string} path
 * @param {Float32Array} samples
 * @param {number} sampleRate
 */
export function writeWav(path, samples, sampleRate) {
  writeWavChannels(path, [samples], sampleRate);
}
