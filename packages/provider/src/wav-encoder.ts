/** Bytes of a 16-bit PCM WAV header. */
const HEADER_BYTES = 44;

/**
 * Encodes mono float PCM as a 16-bit PCM WAV: every transcription API accepts it, it needs no encoder
 * library, and at 16 kHz it is 32 kB per second, so a 10-minute window stays under the 25 MB upload limit.
 */
export function encodePcm16Wav(samples: Float32Array, sampleRate: number): Uint8Array {
  const dataBytes = samples.length * 2;
  const bytes = new Uint8Array(HEADER_BYTES + dataBytes);
  const view = new DataView(bytes.buffer);
  const writeText = (offset: number, text: string) => {
    for (let index = 0; index < text.length; index++) bytes[offset + index] = text.charCodeAt(index);
  };
  writeText(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  writeText(8, 'WAVE');
  writeText(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // bytes per second
  view.setUint16(32, 2, true); // bytes per frame
  view.setUint16(34, 16, true); // bits per sample
  writeText(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let index = 0; index < samples.length; index++) {
    // Scaling by 32768 and rounding makes decode → encode of 16-bit audio exact; only +1.0 needs clamping.
    const value = Math.round((samples[index] ?? 0) * 0x8000);
    view.setInt16(HEADER_BYTES + index * 2, Math.max(-0x8000, Math.min(0x7fff, value)), true);
  }
  return bytes;
}

/** The largest window (seconds) whose 16 kHz 16-bit WAV fits in `limitBytes`. */
export function longestWindowSec(limitBytes: number, sampleRate: number): number {
  return Math.floor((limitBytes - HEADER_BYTES) / (sampleRate * 2));
}
