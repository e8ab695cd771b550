/** Level below which we call a frame or a channel digital silence, and report it as −120 dBFS. */
export const SILENCE_DBFS = -120;
/** 32 ms at 16 kHz: the same hop as Silero VAD, so energy and Silero decisions line up. */
export const FRAME_SAMPLES = 512;

const HISTOGRAM_STEP_DB = 0.5;
const HISTOGRAM_BINS = Math.round(-SILENCE_DBFS / HISTOGRAM_STEP_DB) + 1;

export function powerToDbfs(meanSquare: number): number {
  return meanSquare > 0 ? Math.max(SILENCE_DBFS, 10 * Math.log10(meanSquare)) : SILENCE_DBFS;
}

/**
 * Splits a stream of samples into fixed frames and measures each frame's RMS level in dBFS. Keeps a
 * histogram of those levels (constant memory, however long the recording) for percentiles such as
 * "noise floor" (quiet frames) and "speech level" (loud frames).
 */
export class FrameLevels {
  private readonly histogram = new Float64Array(HISTOGRAM_BINS);
  private frameCount = 0;
  private partialSquares = 0;
  private partialCount = 0;

  constructor(private readonly onFrame?: (levelDbfs: number) => void) {}

  get frames(): number {
    return this.frameCount;
  }

  push(samples: Float32Array): void {
    let squares = this.partialSquares;
    let count = this.partialCount;
    for (let index = 0; index < samples.length; index++) {
      const sample = samples[index]!;
      squares += sample * sample;
      if (++count === FRAME_SAMPLES) {
        this.addFrame(squares / FRAME_SAMPLES);
        squares = 0;
        count = 0;
      }
    }
    this.partialSquares = squares;
    this.partialCount = count;
  }

  /** Counts a trailing partial frame (zero-padded, as Silero pads its last window). */
  finish(): void {
    if (this.partialCount > 0) this.addFrame(this.partialSquares / FRAME_SAMPLES);
    this.partialSquares = 0;
    this.partialCount = 0;
  }

  /** The frame level (dBFS) that `fraction` of frames are at or below, to histogram precision. */
  percentile(fraction: number): number {
    if (this.frameCount === 0) return SILENCE_DBFS;
    const wanted = Math.max(1, Math.ceil(fraction * this.frameCount));
    let seen = 0;
    for (let bin = 0; bin < HISTOGRAM_BINS; bin++) {
      seen += this.histogram[bin]!;
      if (seen >= wanted) return SILENCE_DBFS + bin * HISTOGRAM_STEP_DB;
    }
    return 0;
  }

  private addFrame(meanSquare: number): void {
    const level = powerToDbfs(meanSquare);
    const bin = Math.min(HISTOGRAM_BINS - 1, Math.round((level - SILENCE_DBFS) / HISTOGRAM_STEP_DB));
    this.histogram[bin]! += 1;
    this.frameCount++;
    this.onFrame?.(level);
  }
}
