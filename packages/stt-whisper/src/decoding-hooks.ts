import { LogitsProcessor, type Tensor } from '@huggingface/transformers';

/** log(softmax(values))[index], stable for large logits and -Infinity entries. */
export function logSoftmaxAt(values: ArrayLike<number>, index: number): number {
  let maximum = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if ((values[i] as number) > maximum) maximum = values[i] as number;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp((values[i] as number) - maximum);
  return (values[index] as number) - maximum - Math.log(sum);
}

/**
 * Records the log-probability of every generated token, as Whisper's `avg_logprob` does: over the
 * logits after all filters. Whisper's generate() appends its timestamp rules after the processors we
 * pass, but every processor edits the same logits array in place, so the array is kept and scored one
 * step later, when the chosen token is known and all rules have run. Only one step is held at a time.
 */
export class TokenLogProbabilityRecorder extends LogitsProcessor {
  readonly logProbabilities: number[] = [];
  private pending: Float32Array | undefined;

  override _call(inputIds: bigint[][], logits: Tensor): Tensor {
    const sequence = inputIds[0] ?? [];
    if (this.pending) this.score(Number(sequence.at(-1)));
    const firstRow = (logits as unknown as Tensor[])[0];
    this.pending = firstRow?.data as Float32Array | undefined;
    return logits;
  }

  /** Scores the last step once generation has ended and the final token is known. */
  finish(lastToken: number): number[] {
    if (this.pending) this.score(lastToken);
    return this.logProbabilities;
  }

  private score(token: number): void {
    this.logProbabilities.push(logSoftmaxAt(this.pending as Float32Array, token));
    this.pending = undefined;
  }
}

/** Text tokens a repeated block must span, in total, before generation is stopped as a loop. */
const MIN_LOOP_TOKENS = 15;
const MIN_LOOP_REPEATS = 3;
const MAX_LOOP_PERIOD = 40;

/**
 * Ends generation early: when the caller aborts, and as soon as the text tokens end in a block
 * repeated back to back (timestamps ignored, since a looping model restarts segments with the same
 * text). Whisper would spend the rest of its 224-token budget on the loop.
 *
 * Whisper's generate() does not pass stopping criteria through to the decoding loop, so this is a
 * logits processor that leaves end-of-text as the only choice. `repeatStart` is the generated-token
 * index where the first repeat begins, so the caller can keep one occurrence.
 */
export class EarlyEndProcessor extends LogitsProcessor {
  repeatStart: number | undefined;
  ended = false;

  constructor(
    private readonly options: {
      initialLength: number;
      timestampBegin: number;
      endOfText: number;
      signal: AbortSignal | undefined;
    },
  ) {
    super();
  }

  override _call(inputIds: bigint[][], logits: Tensor): Tensor {
    const sequence = (inputIds[0] ?? []).map(Number);
    if (this.ended || this.options.signal?.aborted || this.loopDetected(sequence)) {
      this.ended = true;
      const row = (logits as unknown as Tensor[])[0]?.data as Float32Array | undefined;
      if (row) {
        const endLogit = row[this.options.endOfText] as number;
        row.fill(Number.NEGATIVE_INFINITY);
        row[this.options.endOfText] = Number.isFinite(endLogit) ? endLogit : 0;
      }
    }
    return logits;
  }

  private loopDetected(sequence: number[]): boolean {
    const { initialLength, timestampBegin } = this.options;
    const last = sequence.at(-1);
    if (sequence.length <= initialLength || last === undefined || last >= timestampBegin) return false;
    const textPositions: number[] = [];
    for (let index = initialLength; index < sequence.length; index++) {
      if ((sequence[index] as number) < timestampBegin) textPositions.push(index);
    }
    const text = textPositions.map((position) => sequence[position] as number);
    for (let period = 1; period <= Math.min(MAX_LOOP_PERIOD, text.length / MIN_LOOP_REPEATS); period++) {
      let repeats = 1;
      while ((repeats + 1) * period <= text.length && sameBlock(text, period, repeats)) repeats++;
      if (repeats >= MIN_LOOP_REPEATS && repeats * period >= MIN_LOOP_TOKENS) {
        const firstRepeat = textPositions[text.length - (repeats - 1) * period] as number;
        this.repeatStart = firstRepeat - initialLength;
        return true;
      }
    }
    return false;
  }
}

/** True when the block `repeats` blocks back from the end equals the last block of `period` tokens. */
function sameBlock(tokens: number[], period: number, repeats: number): boolean {
  const end = tokens.length;
  for (let k = 1; k <= period; k++) {
    if (tokens[end - k] !== tokens[end - repeats * period - k]) return false;
  }
  return true;
}
