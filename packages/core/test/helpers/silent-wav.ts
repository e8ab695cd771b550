import { encodePcm16Wav } from '@echolens/provider';

/** A 16 kHz 16-bit mono WAV of digital silence: a recording nobody spoke on. */
export function silentWav(seconds: number): Buffer {
  return Buffer.from(encodePcm16Wav(new Float32Array(seconds * 16_000), 16_000));
}
