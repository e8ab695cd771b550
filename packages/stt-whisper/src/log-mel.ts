import { Tensor } from '@huggingface/transformers';

/** The parts of Transformers.js's WhisperFeatureExtractor used here. */
export interface WhisperFeatureExtractorLike {
  config: {
    n_fft: number;
    hop_length: number;
    n_samples: number;
    nb_max_frames: number;
    feature_size: number;
  };
  _extract_fbank_features(waveform: Float32Array): Promise<Tensor>;
}

/**
 * Whisper's log-mel features of up to 30 s of audio, padded to 30 s, computed only as far as the
 * audio reaches. Whisper pads every input with zeros to 30 s, and every mel frame of those zeros has
 * the same value (the log floor, raised to the window's maximum minus 8), so the frames after the
 * audio are filled with that value instead of taking a Fourier transform of silence each: a window
 * of 10 s pays for 10 s. The result is the array `fullFeatures` gives, up to the last bit of a
 * few values (the mel matrix product over fewer frames may round differently).
 *
 * The shorter input ends with at least one frame length of zeros, so its frames near the end (and
 * the reflection padding after them) see the same samples as in the 30 s input, its last frame is a
 * frame of silence (which gives the fill value, maximum included), and its maximum is the 30 s one.
 */
export async function logMelFeatures(
  extractor: WhisperFeatureExtractorLike,
  samples: Float32Array,
  fullFeatures: (samples: Float32Array) => Promise<Tensor>,
): Promise<Tensor> {
  const {
    n_fft: frameLength,
    hop_length: hop,
    n_samples: windowSamples,
    nb_max_frames: frames,
  } = extractor.config;
  const bins = extractor.config.feature_size;
  const shortLength = Math.ceil((samples.length + frameLength) / hop) * hop;
  if (shortLength >= windowSamples || frames * hop !== windowSamples) return fullFeatures(samples);
  const waveform = new Float32Array(shortLength);
  waveform.set(samples);
  const short = await extractor._extract_fbank_features(waveform);
  const computed = shortLength / hop;
  if (short.dims.length !== 2 || short.dims[0] !== bins || short.dims[1] !== computed) {
    return fullFeatures(samples);
  }
  const data = short.data as Float32Array;
  const silence = data[computed - 1] as number;
  const full = new Float32Array(bins * frames);
  for (let bin = 0; bin < bins; bin++) {
    full.set(data.subarray(bin * computed, (bin + 1) * computed), bin * frames);
    full.fill(silence, bin * frames + computed, (bin + 1) * frames);
  }
  return new Tensor('float32', full, [1, bins, frames]);
}
