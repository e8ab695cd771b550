import type { LanguageModelUsage } from '@echolens/provider';
import { EchoLensError, SchemaValidationError } from '@echolens/provider';

export interface StructuredOutputErrorOptions {
  issues: { path: string; message: string }[];
  /** The model's last answer, verbatim. */
  text: string;
  /** Tokens spent on every request of the attempt, so callers can account for a failed call too. */
  usage: LanguageModelUsage;
  requests: number;
  repairs: number;
  retries: number;
  finishReason?: string;
  value?: unknown;
}

/**
 * The model kept answering with something that is not valid JSON for the schema, even after being shown
 * its validation errors. A SchemaValidationError (same `code`), carrying what the failed attempt cost.
 */
export class StructuredOutputError extends SchemaValidationError {
  readonly text: string;
  readonly usage: LanguageModelUsage;
  readonly requests: number;
  readonly repairs: number;
  readonly retries: number;
  readonly finishReason: string | undefined;

  constructor(message: string, options: StructuredOutputErrorOptions) {
    super(message, { issues: options.issues, value: options.value });
    this.text = options.text;
    this.usage = options.usage;
    this.requests = options.requests;
    this.repairs = options.repairs;
    this.retries = options.retries;
    this.finishReason = options.finishReason;
  }

  /** True for an error thrown by `generateStructured` after its repair bound, from any package copy. */
  static override isInstance = (error: unknown): error is StructuredOutputError =>
    EchoLensError.isInstance(error) &&
    error.code === 'schema_validation_failed' &&
    typeof (error as Partial<StructuredOutputError>).requests === 'number';
}
