/**
 * Token timings from Whisper's cross-attention: the attention of the alignment heads, median-filtered
 * along time and averaged over heads, gives each generated token a distribution over the audio
 * frames; a monotonic path through tokens × frames (dynamic time warping) then gives every frame to
 * one token, each token paying -log of its attention on the frames it takes.
 *
 * Three things differ from Transformers.js's `return_token_timestamps` (OpenAI's `find_alignment`),
 * and each of them moved words across turns:
 * - Each token is timed by the decoding step that *predicts* it (OpenAI's convention). Transformers.js
 *   drops the step that predicts the first generated token, which shifts every time one token late:
 *   a one-token word was timed where the next word starts, so the last word of a sentence moved
 *   past the pause, into the next speaker's turn.
 * - Frames of digital silence (exact zeros: what packing inserts between pieces of a window, and the
 *   padding after the audio) are not on the path. Every frame must belong to some token, so with them
 *   a word before an inserted gap stretched over the gap and could land in the next piece.
 * - Timestamp tokens and end-of-text stand for "no words here" and pay the price of a uniform
 *   attention, log(frames), anywhere; a text token takes a frame cheaply only where it attends more
 *   than chance. OpenAI's cost (attention z-scored across tokens per frame) always has some text token
 *   above average, so when the model ended early and left speech untranscribed, that speech was
 *   spread over the words it did write (one word stretched over 12 s) and hid the untranscribed part
 *   from the retry.
 */

/** One encoder position covers 20 ms: 320 samples at 16 kHz (two 10 ms mel frames). */
export const SAMPLES_PER_FRAME = 320;
export const SECONDS_PER_FRAME = SAMPLES_PER_FRAME / 16_000;

/** A cross-attention output of one decoding step and one layer: data laid out [1, heads, rows, frames]. */
export interface AttentionTensor {
  data: Float32Array;
  dims: readonly number[];
}

export interface TokenSpan {
  startSec: number;
  endSec: number;
}

/**
 * The encoder frames that hold real audio: false where the window's samples are all exactly zero,
 * and from the end of the samples on.
 */
export function audioFrames(samples: Float32Array, frameCount: number): boolean[] {
  const frames: boolean[] = [];
  for (let frame = 0; frame < frameCount; frame++) {
    const start = frame * SAMPLES_PER_FRAME;
    const end = Math.min(samples.length, start + SAMPLES_PER_FRAME);
    let heard = false;
    for (let i = start; i < end && !heard; i++) heard = samples[i] !== 0;
    frames.push(heard);
  }
  return frames;
}

function medianOfWindow(values: Float32Array, width: number): Float32Array {
  const half = Math.floor(width / 2);
  const out = new Float32Array(values.length);
  const window = new Float32Array(width);
  const last = values.length - 1;
  for (let i = 0; i < values.length; i++) {
    for (let k = -half; k <= half; k++) {
      let index = i + k;
      // Reflect at the edges, as scipy / OpenAI's median filter does.
      if (index < 0) index = -index;
      else if (index > last) index = 2 * last - index;
      // Insertion sort: a handful of values, where TypedArray.prototype.sort costs a call per frame.
      const value = values[Math.min(last, Math.max(0, index))] as number;
      let slot = k + half;
      while (slot > 0 && (window[slot - 1] as number) > value) {
        window[slot] = window[slot - 1] as number;
        slot--;
      }
      window[slot] = value;
    }
    out[i] = window[half] as number;
  }
  return out;
}

/**
 * Dynamic time warping over a cost matrix (rows × columns, row-major): the cheapest monotonic path
 * from (0, 0) to (rows-1, columns-1). Returns, for every row, the first column the path visits there.
 */
export function firstColumnPerRow(cost: Float32Array, rows: number, columns: number): number[] {
  const width = columns + 1;
  const total = new Float64Array((rows + 1) * width).fill(Number.POSITIVE_INFINITY);
  const trace = new Uint8Array((rows + 1) * width);
  total[0] = 0;
  for (let i = 1; i <= rows; i++) {
    for (let j = 1; j <= columns; j++) {
      const diagonal = total[(i - 1) * width + j - 1] as number;
      const up = total[(i - 1) * width + j] as number;
      const left = total[i * width + j - 1] as number;
      let best = left;
      let step = 2;
      if (diagonal < up && diagonal < left) {
        best = diagonal;
        step = 0;
      } else if (up < diagonal && up < left) {
        best = up;
        step = 1;
      }
      total[i * width + j] = (cost[(i - 1) * columns + j - 1] as number) + best;
      trace[i * width + j] = step;
    }
  }
  const first = new Array<number>(rows).fill(0);
  let i = rows;
  let j = columns;
  while (i > 0 && j > 0) {
    first[i - 1] = j - 1;
    const step = trace[i * width + j];
    if (step === 0) {
      i--;
      j--;
    } else if (step === 1) i--;
    else j--;
  }
  // A path that reached column 0 before the first rows leaves them at the start.
  for (let row = i - 1; row >= 0; row--) first[row] = 0;
  return first;
}

/**
 * Start and end, in seconds from the window start, of each of `tokenCount` generated tokens.
 * `attentions[step][layer]` are the decoder's cross-attentions during generation: step 0 holds one
 * row per prompt token (the last of which predicts the first generated token), every later step one
 * row. A token ends where the next one starts; the last ends at the last audio frame the path reaches.
 */
export function alignTokens(
  attentions: readonly (readonly AttentionTensor[])[],
  options: {
    alignmentHeads: readonly (readonly [number, number])[];
    promptLength: number;
    tokenCount: number;
    /** Frames holding real audio (see `audioFrames`); only these are on the path. */
    frames: readonly boolean[];
    /** Per generated token, whether it is text; timestamps and end-of-text mean "no words here". */
    isText: readonly boolean[];
    medianFilterWidth: number;
  },
): TokenSpan[] {
  const { promptLength, tokenCount } = options;
  const kept = options.frames.flatMap((heard, frame) => (heard ? [frame] : []));
  if (tokenCount === 0) return [];
  if (kept.length === 0) return Array.from({ length: tokenCount }, () => ({ startSec: 0, endSec: 0 }));

  // Row r of the attention (counted over all steps) belongs to the token it predicts, r + 1 - promptLength.
  const rowOf = (token: number): { step: number; row: number } => {
    const absolute = promptLength - 1 + token;
    return absolute < promptLength
      ? { step: 0, row: absolute }
      : { step: absolute - promptLength + 1, row: 0 };
  };
  const available = Math.min(tokenCount, attentions.length === 0 ? 0 : attentions.length);
  const rows = Math.max(1, available);
  const columns = kept.length;
  // Attention of each token over the kept frames, median-filtered per head, averaged over heads.
  const attention = new Float32Array(rows * columns);
  const weights = new Float32Array(columns);
  for (const [layer, head] of options.alignmentHeads) {
    for (let token = 0; token < rows; token++) {
      const { step, row } = rowOf(token);
      const tensor = attentions[step]?.[layer];
      if (!tensor) continue;
      const [, heads = 1, rowCount = 1, frameCount = 0] = tensor.dims;
      if (head >= heads) continue;
      const offset = (head * rowCount + Math.min(row, rowCount - 1)) * frameCount;
      for (let c = 0; c < columns; c++) weights[c] = tensor.data[offset + (kept[c] as number)] ?? 0;
      const smoothed = medianOfWindow(weights, options.medianFilterWidth);
      for (let c = 0; c < columns; c++) {
        const index = token * columns + c;
        attention[index] = (attention[index] as number) + (smoothed[c] as number);
      }
    }
  }
  // Cost: -log of the token's attention share on the frame; "no words here" tokens pay the uniform price.
  const cost = new Float32Array(rows * columns);
  const uniform = Math.log(columns);
  for (let r = 0; r < rows; r++) {
    if (!(options.isText[r] ?? true)) {
      cost.fill(uniform, r * columns, (r + 1) * columns);
      continue;
    }
    let sum = 0;
    for (let c = 0; c < columns; c++) sum += Math.max(0, attention[r * columns + c] as number);
    for (let c = 0; c < columns; c++) {
      const share = Math.max(0, attention[r * columns + c] as number) / (sum || 1);
      cost[r * columns + c] = -Math.log(Math.max(share, MIN_SHARE));
    }
  }

  const starts = firstColumnPerRow(cost, rows, columns);
  const time = (keptIndex: number) => (kept[Math.min(columns - 1, keptIndex)] as number) * SECONDS_PER_FRAME;
  const spans: TokenSpan[] = [];
  for (let token = 0; token < tokenCount; token++) {
    const start = starts[Math.min(token, rows - 1)] as number;
    const next = token + 1 < rows ? (starts[token + 1] as number) : columns;
    // The token ends at the end of the last frame before the next token starts, so it never spans
    // frames that were left out (an inserted gap between them belongs to neither).
    const endFrame = Math.max(start, next - 1);
    spans.push({ startSec: round(time(start)), endSec: round(time(endFrame) + SECONDS_PER_FRAME) });
  }
  return spans;
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

/** Floor on an attention share before its logarithm (a frame the token ignores entirely). */
const MIN_SHARE = 1e-12;
