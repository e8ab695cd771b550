import { failureReason } from '@echolens/example-express-server/queue-contract';
import { describeError } from '@echolens/provider';
import { UnrecoverableError } from 'bullmq';

/**
 * Errors that another attempt cannot fix: the input itself is bad (not audio, corrupt, empty), or the
 * settings are (a missing key). They fail the job at once, with no retry and no second payment; what may
 * pass (a network error, a rate limit, storage or Redis unreachable, anything unexpected) is retried with
 * exponential backoff (`CALL_JOB_OPTIONS`).
 */
const PERMANENT = new Set([
  'audio_decode_failed',
  'unsupported_format',
  'empty_input',
  'invalid_input',
  'invalid_configuration',
  'missing_credentials',
  'schema_validation_failed',
]);

/**
 * What a processor throws for a failed attempt: the reason as the queue contract wants it
 * (`code: message`, read back by the server with `parseFailureReason`), as an `UnrecoverableError` when
 * retrying is pointless.
 */
export function jobError(error: unknown): Error {
  const failure = describeError(error);
  const reason = failureReason(failure);
  return PERMANENT.has(failure.code) ? new UnrecoverableError(reason) : new Error(reason);
}
