import { LogitsProcessor, StoppingCriteria, type Tensor } from '@huggingface/transformers';

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

/** Stops generation at the next token when the caller aborts, instead of finishing a 30 s window. */
export class AbortStoppingCriteria extends StoppingCriteria {
  constructor(private readonly signal: AbortSignal | undefined) {
    super();
  }

  override _call(inputIds: number[][]): boolean[] {
    return inputIds.map(() => this.signal?.aborted === true);
  }
}
