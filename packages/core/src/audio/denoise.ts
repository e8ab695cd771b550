import { MissingDependencyError } from '@echolens/provider';
import { PCM_SAMPLE_RATE } from './pcm-store.js';
import { createResampler, type StreamingResampler } from './resampler.js';

/**
 * Optional noise suppression with RNNoise (Xiph's recurrent-network denoiser, BSD-3-Clause), compiled
 * to WebAssembly by `@echogarden/rnnoise-wasm`. Off by default: on the measured dev speech mixed with
 * real noise it did not lower Whisper's word error rate (bench/RESULTS.md, "Noise reduction"), so it is
 * an option for users who want cleaner audio, not a silent change to every transcript.
 *
 * RNNoise works on 10 ms frames of 48 kHz audio scaled like 16-bit PCM and returns each frame one frame
 * late; the 16 kHz stream is raised to 48 kHz, denoised, brought back and shifted by that frame, so
 * every output sample stays at its input's time (transcript timestamps are unchanged).
 */

const RNNOISE_RATE = 48_000;
/** Samples per RNNoise frame at 48 kHz (10 ms); also its delay. */
const FRAME = 480;
/** RNNoise expects the range of 16-bit PCM. */
const PCM_SCALE = 32_768;

interface RnnoiseModule {
  _rnnoise_create(model: number): number;
  _rnnoise_destroy(state: number): void;
  _rnnoise_process_frame(state: number, output: number, input: number): number;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPF32: Float32Array;
}

// Held in a variable so bundlers leave the import alone; the package ships no type declarations.
const RNNOISE_PACKAGE = '@echogarden/rnnoise-wasm';

/** One WebAssembly instance per prepared recording: released with it, nothing kept between calls. */
async function loadRnnoise(): Promise<RnnoiseModule> {
  try {
    const { default: create } = (await import(RNNOISE_PACKAGE)) as {
      default: () => Promise<RnnoiseModule>;
    };
    return await create();
  } catch (error) {
    throw new MissingDependencyError(
      RNNOISE_PACKAGE,
      `Noise reduction needs ${RNNOISE_PACKAGE} (a dependency of @echolens/core); reinstall the dependencies or turn denoise off.`,
      { cause: error },
    );
  }
}

/** Denoises one 16 kHz channel; feed chunks of any size, then `flush()` once. */
class RnnoiseChannel implements StreamingResampler {
  readonly inputRate = PCM_SAMPLE_RATE;
  readonly outputRate = PCM_SAMPLE_RATE;
  private readonly up = createResampler(PCM_SAMPLE_RATE, RNNOISE_RATE);
  private readonly down = createResampler(RNNOISE_RATE, PCM_SAMPLE_RATE);
  private readonly state: number;
  private readonly input: number;
  private readonly output: number;
  /** 48 kHz samples waiting for a full frame. */
  private pending = new Float32Array(0);
  /** Denoised 48 kHz samples still to drop (RNNoise's frame of delay), and samples returned so far. */
  private toSkip = FRAME;
  private emitted = 0;
  private realSamples = 0;

  constructor(private readonly module: RnnoiseModule) {
    this.state = module._rnnoise_create(0);
    this.input = module._malloc(FRAME * 4);
    this.output = module._malloc(FRAME * 4);
  }

  process(samples: Float32Array): Float32Array {
    const raised = this.up.process(samples);
    this.realSamples += raised.length;
    return this.down.process(this.denoise(raised));
  }

  flush(): Float32Array {
    const tail = this.up.flush();
    this.realSamples += tail.length;
    // Zeros push the last real samples, and the frame of delay, out of RNNoise.
    const fed = this.emitted + FRAME - this.toSkip + this.pending.length + tail.length;
    const padding = Math.ceil((this.realSamples + FRAME) / FRAME) * FRAME - fed;
    const last = this.denoise(concat(tail, new Float32Array(Math.max(0, padding))));
    const kept = last.subarray(0, Math.max(0, this.realSamples - (this.emitted - last.length)));
    this.release();
    return concat(this.down.process(kept), this.down.flush());
  }

  private denoise(samples: Float32Array): Float32Array {
    const all = concat(this.pending, samples);
    const frames = Math.floor(all.length / FRAME);
    const result = new Float32Array(frames * FRAME);
    for (let frame = 0; frame < frames; frame++) {
      const start = frame * FRAME;
      // Re-read the heap view each frame: it is replaced when WebAssembly memory grows.
      const heap = this.module.HEAPF32;
      const input = heap.subarray(this.input / 4, this.input / 4 + FRAME);
      for (let i = 0; i < FRAME; i++) input[i] = all[start + i]! * PCM_SCALE;
      this.module._rnnoise_process_frame(this.state, this.output, this.input);
      const output = this.module.HEAPF32.subarray(this.output / 4, this.output / 4 + FRAME);
      for (let i = 0; i < FRAME; i++) result[start + i] = output[i]! / PCM_SCALE;
    }
    this.pending = all.slice(frames * FRAME);
    const skip = Math.min(this.toSkip, result.length);
    this.toSkip -= skip;
    const emitted = result.subarray(skip);
    this.emitted += emitted.length;
    return emitted;
  }

  private release(): void {
    this.module._rnnoise_destroy(this.state);
    this.module._free(this.input);
    this.module._free(this.output);
  }
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const joined = new Float32Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** A channel's resampler followed by its denoiser: one stream, flushed in order. */
class DenoisedStream implements StreamingResampler {
  readonly outputRate = PCM_SAMPLE_RATE;

  constructor(
    private readonly upstream: StreamingResampler,
    private readonly denoiser: RnnoiseChannel,
  ) {}

  get inputRate(): number {
    return this.upstream.inputRate;
  }

  process(samples: Float32Array): Float32Array {
    return this.denoiser.process(this.upstream.process(samples));
  }

  flush(): Float32Array {
    return concat(this.denoiser.process(this.upstream.flush()), this.denoiser.flush());
  }
}

/** Puts a denoiser after a channel's conversion to 16 kHz. */
export type ChannelDenoising = (toSixteenKilohertz: StreamingResampler) => StreamingResampler;

/** Loads RNNoise (a few milliseconds) and returns what adds it to each channel's stream. */
export async function loadDenoiser(): Promise<ChannelDenoising> {
  const module = await loadRnnoise();
  return (toSixteenKilohertz) => new DenoisedStream(toSixteenKilohertz, new RnnoiseChannel(module));
}

/** Denoises a whole 16 kHz signal at once (tests, short clips); same samples as the streaming path. */
export async function denoise(samples: Float32Array): Promise<Float32Array> {
  const stream = (await loadDenoiser())(createResampler(PCM_SAMPLE_RATE, PCM_SAMPLE_RATE));
  return concat(stream.process(samples), stream.flush());
}
