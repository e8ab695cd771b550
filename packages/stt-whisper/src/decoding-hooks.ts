import { LogitsProcessor, LogitsProcessorList, type Tensor } from '@huggingface/transformers';

/** log(softmax(values))[index], stable for large logits and -Infinity entries. */
export function logSoftmaxAt(values: ArrayLike<number>, index: number): number {
  let maximum = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if ((values[i] as number) > maximum) maximum = values[i] as number;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp((values[i] as number) - maximum);
  return (values[index] as number) - maximum - Math.log(sum);
}

/**
 * The last word on every decoding step: chooses the token and records its log-probability over the
 * final logits, as Whisper's `avg_logprob` does. At temperature 0 the choice is the most likely token
 * (the first of equals, as generate()'s greedy sampler); above 0 it is a draw from the softmax of the
 * logits divided by the temperature (Whisper's fallback sampling), from a seeded generator so that a
 * window decodes the same way every time. The log-probability is of the untempered logits, as in
 * Whisper. The row is then left with the chosen token alone, so generate()'s greedy step takes it.
 * It must see the logits after every rule, including those generate() adds itself: see
 * `ChooserLastList`.
 */
export class TokenChooser extends LogitsProcessor {
  readonly logProbabilities: number[] = [];

  constructor(
    private readonly temperature: number,
    private readonly random: () => number,
  ) {
    super();
  }

  override _call(_inputIds: bigint[][], logits: Tensor): Tensor {
    const row = (logits as unknown as Tensor[])[0]?.data as Float32Array | undefined;
    if (!row) return logits;
    const token = this.temperature > 0 ? drawToken(row, this.temperature, this.random()) : argmax(row);
    this.logProbabilities.push(logSoftmaxAt(row, token));
    row.fill(Number.NEGATIVE_INFINITY);
    row[token] = 0;
    return logits;
  }
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** The token at cumulative probability `uniform` of softmax(values / temperature). */
function drawToken(values: Float32Array, temperature: number, uniform: number): number {
  let maximum = Number.NEGATIVE_INFINITY;
  for (const value of values) if (value > maximum) maximum = value;
  let sum = 0;
  for (const value of values) sum += Math.exp((value - maximum) / temperature);
  let target = uniform * sum;
  let last = 0;
  for (let i = 0; i < values.length; i++) {
    const weight = Math.exp(((values[i] as number) - maximum) / temperature);
    if (weight === 0) continue;
    last = i;
    target -= weight;
    if (target <= 0) return i;
  }
  return last;
}

/**
 * A processor list that runs `chooser` after all its other processors. generate() appends Whisper's
 * timestamp rules to the list it is given and then copies the list by iterating it, so the chooser,
 * yielded last, still sees the logits those rules leave.
 */
export class ChooserLastList extends LogitsProcessorList {
  constructor(private readonly chooser: TokenChooser) {
    super();
  }

  override [Symbol.iterator](): ArrayIterator<LogitsProcessor> {
    return [...this.processors, this.chooser].values();
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
