export interface DecodedPcmWav {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** First channel, scaled to [-1, 1). */
  samples: Float32Array;
}

/**
 * Reads a 16-bit PCM WAV as a speech-to-text adapter uploads it, so a wire-format server can check the
 * audio that reached it. Throws on anything else: an adapter sending another encoding should be noticed.
 */
export function readPcmWav(bytes: Uint8Array): DecodedPcmWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.byteLength < 12 || text(0) !== 'RIFF' || text(8) !== 'WAVE') {
    throw new Error('uploaded audio is not a RIFF/WAVE file');
  }
  let format:
    | { audioFormat: number; channels: number; sampleRate: number; bitsPerSample: number }
    | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const id = text(offset);
    const size = view.getUint32(offset + 4, true);
    const start = offset + 8;
    if (id === 'fmt ') {
      format = {
        audioFormat: view.getUint16(start, true),
        channels: view.getUint16(start + 2, true),
        sampleRate: view.getUint32(start + 4, true),
        bitsPerSample: view.getUint16(start + 14, true),
      };
    } else if (id === 'data') {
      if (format?.audioFormat !== 1 || format.bitsPerSample !== 16) {
        throw new Error('uploaded WAV is not 16-bit PCM');
      }
      const frames = Math.floor(Math.min(size, bytes.byteLength - start) / (2 * format.channels));
      const samples = new Float32Array(frames);
      for (let frame = 0; frame < frames; frame++) {
        samples[frame] = view.getInt16(start + frame * 2 * format.channels, true) / 32768;
      }
      return { sampleRate: format.sampleRate, channels: format.channels, bitsPerSample: 16, samples };
    }
    offset = start + size + (size % 2);
  }
  throw new Error('uploaded WAV has no data chunk');
}
