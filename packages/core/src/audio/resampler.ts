/**
 * Streaming sample-rate conversion with a Kaiser-windowed sinc low-pass (polyphase form).
 *
 * Design: the filter's stopband starts exactly at the lower of the two Nyquist frequencies, so
 * nothing that would alias (downsampling) or image (upsampling) survives above −80 dB; the passband
 * runs flat to 90 % of that Nyquist (7.2 kHz when going to 16 kHz), which keeps everything Whisper's
 * mel filterbank and Silero care about. The kernel is centred, so the output has no delay: output
 * sample n sits at input time n · inputRate / outputRate.
 */

const STOPBAND_ATTENUATION_DB = 80;
/** Passband edge as a fraction of the lower Nyquist frequency; the rest is transition band. */
const PASSBAND_FRACTION = 0.9;
/**
 * Exact polyphase tables up to this many phases (all common rates: 44.1 kHz → 16 kHz needs 160,
 * 11.025 kHz needs 640). Odd rates (say 44 056 Hz → 16 000 phases) snap the fractional position to
 * the nearest lower of this many phases: a timing error under 1/4096 sample, far below audibility.
 */
const MAX_PHASES = 4096;

function greatestCommonDivisor(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (power series; converges fast for β ≤ 10). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

interface Kernel {
  /** Output samples per `inputStep` input samples, reduced: ratio = upFactor / downFactor. */
  upFactor: number;
  downFactor: number;
  taps: number;
  phases: number;
  /** `phases` rows of `taps` coefficients. */
  coefficients: Float32Array;
}

/** Designed kernels by rate pair; a few kept (an odd rate's table can reach a few MB). */
const kernels = new Map<string, Kernel>();
const KERNELS_KEPT = 8;

function designKernel(inputRate: number, outputRate: number): Kernel {
  const key = `${inputRate}:${outputRate}`;
  const cached = kernels.get(key);
  if (cached) return cached;

  const divisor = greatestCommonDivisor(inputRate, outputRate);
  const upFactor = outputRate / divisor;
  const downFactor = inputRate / divisor;
  const lowerNyquist = Math.min(inputRate, outputRate) / 2;
  const transitionWidth = (1 - PASSBAND_FRACTION) * lowerNyquist;
  const cutoff = lowerNyquist - transitionWidth / 2;

  // Kaiser's formulas: length from attenuation and transition width, shape parameter from attenuation.
  const beta = 0.1102 * (STOPBAND_ATTENUATION_DB - 8.7);
  const lengthInInputSamples =
    (STOPBAND_ATTENUATION_DB - 7.95) / (2.285 * 2 * Math.PI * (transitionWidth / inputRate));
  // A multiple of 4 taps in all, for the four-way accumulation in `produce`.
  const halfTaps = 2 * Math.ceil(lengthInInputSamples / 4);
  const taps = 2 * halfTaps;
  const phases = Math.min(upFactor, MAX_PHASES);

  const normalisedCutoff = (2 * cutoff) / inputRate; // in cycles per input sample, ×2
  const windowNormaliser = besselI0(beta);
  const coefficients = new Float32Array(phases * taps);
  for (let phase = 0; phase < phases; phase++) {
    const fraction = phase / phases;
    let sum = 0;
    const row = new Float64Array(taps);
    for (let tap = 0; tap < taps; tap++) {
      // Distance in input samples between the output instant and input sample `tap` of the window.
      const distance = fraction + (halfTaps - 1) - tap;
      const position = distance / halfTaps;
      if (Math.abs(position) >= 1) continue;
      const argument = normalisedCutoff * distance;
      const sinc = argument === 0 ? 1 : Math.sin(Math.PI * argument) / (Math.PI * argument);
      const window = besselI0(beta * Math.sqrt(1 - position * position)) / windowNormaliser;
      row[tap] = normalisedCutoff * sinc * window;
      sum += row[tap]!;
    }
    // Each phase sums to exactly 1 so a constant signal stays constant whatever the fraction.
    for (let tap = 0; tap < taps; tap++) coefficients[phase * taps + tap] = row[tap]! / sum;
  }
  const kernel = { upFactor, downFactor, taps, phases, coefficients };
  kernels.set(key, kernel);
  if (kernels.size > KERNELS_KEPT) kernels.delete(kernels.keys().next().value!);
  return kernel;
}

/** Converts one channel; feed chunks of any size, then `flush()` once. Chunking never changes the result. */
export interface StreamingResampler {
  readonly inputRate: number;
  readonly outputRate: number;
  process(input: Float32Array): Float32Array;
  /** Emits the tail so the output holds ceil(inputLength · outputRate / inputRate) samples. */
  flush(): Float32Array;
}

class PassThrough implements StreamingResampler {
  constructor(
    readonly inputRate: number,
    readonly outputRate: number,
  ) {}
  process(input: Float32Array): Float32Array {
    return input.slice();
  }
  flush(): Float32Array {
    return new Float32Array(0);
  }
}

class PolyphaseResampler implements StreamingResampler {
  private readonly kernel: Kernel;
  private readonly halfTaps: number;
  /** Input samples from absolute index `bufferStart` on (negative indices are the implicit zero history). */
  private buffer: Float32Array;
  private bufferStart: number;
  /** Integer input index and phase (0 … upFactor-1) of the next output sample. */
  private baseIndex = 0;
  private phase = 0;
  private inputCount = 0;
  private outputCount = 0;

  constructor(
    readonly inputRate: number,
    readonly outputRate: number,
  ) {
    this.kernel = designKernel(inputRate, outputRate);
    this.halfTaps = this.kernel.taps / 2;
    this.buffer = new Float32Array(this.halfTaps - 1);
    this.bufferStart = -(this.halfTaps - 1);
  }

  process(input: Float32Array): Float32Array {
    this.append(input);
    this.inputCount += input.length;
    return this.produce(Number.POSITIVE_INFINITY);
  }

  flush(): Float32Array {
    const total = Math.ceil((this.inputCount * this.kernel.upFactor) / this.kernel.downFactor);
    this.append(new Float32Array(this.halfTaps + 1)); // the implicit zeros after the last sample
    return this.produce(total - this.outputCount);
  }

  private append(input: Float32Array): void {
    const joined = new Float32Array(this.buffer.length + input.length);
    joined.set(this.buffer);
    joined.set(input, this.buffer.length);
    this.buffer = joined;
  }

  private produce(limit: number): Float32Array {
    const { taps, phases, upFactor, downFactor, coefficients } = this.kernel;
    const buffer = this.buffer;
    const available = this.bufferStart + buffer.length;
    // Output n needs inputs baseIndex-(halfTaps-1) … baseIndex+halfTaps.
    const reachable = Math.ceil(((available - this.halfTaps - this.baseIndex) * upFactor) / downFactor) + 1;
    const output = new Float32Array(Math.max(0, Math.min(limit, reachable)));
    let count = 0;
    let baseIndex = this.baseIndex;
    let phase = this.phase;
    while (count < output.length && baseIndex + this.halfTaps < available) {
      const row = (phases === upFactor ? phase : Math.floor((phase * phases) / upFactor)) * taps;
      const first = baseIndex - (this.halfTaps - 1) - this.bufferStart;
      // Four independent sums: one running sum would make every addition wait for the previous one.
      let sum0 = 0;
      let sum1 = 0;
      let sum2 = 0;
      let sum3 = 0;
      for (let tap = 0; tap < taps; tap += 4) {
        const at = first + tap;
        const coefficient = row + tap;
        sum0 += buffer[at]! * coefficients[coefficient]!;
        sum1 += buffer[at + 1]! * coefficients[coefficient + 1]!;
        sum2 += buffer[at + 2]! * coefficients[coefficient + 2]!;
        sum3 += buffer[at + 3]! * coefficients[coefficient + 3]!;
      }
      output[count++] = sum0 + sum1 + sum2 + sum3;
      phase += downFactor;
      baseIndex += Math.floor(phase / upFactor);
      phase %= upFactor;
    }
    this.baseIndex = baseIndex;
    this.phase = phase;
    this.outputCount += count;
    // Keep only what later outputs can still reach.
    const keepFrom = Math.min(baseIndex - (this.halfTaps - 1), available) - this.bufferStart;
    if (keepFrom > 0) {
      this.buffer = buffer.slice(keepFrom);
      this.bufferStart += keepFrom;
    }
    return count === output.length ? output : output.slice(0, count);
  }
}

/** A resampler for one channel from `inputRate` to `outputRate` (16 kHz for everything EchoLens analyses). */
export function createResampler(inputRate: number, outputRate = 16_000): StreamingResampler {
  if (!Number.isInteger(inputRate) || inputRate <= 0)
    throw new RangeError(`invalid sample rate ${inputRate}`);
  return inputRate === outputRate
    ? new PassThrough(inputRate, outputRate)
    : new PolyphaseResampler(inputRate, outputRate);
}

/** One-shot conversion of a whole signal (tests, short clips). */
export function resample(samples: Float32Array, inputRate: number, outputRate = 16_000): Float32Array {
  const resampler = createResampler(inputRate, outputRate);
  const body = resampler.process(samples);
  const tail = resampler.flush();
  const output = new Float32Array(body.length + tail.length);
  output.set(body);
  output.set(tail, body.length);
  return output;
}
