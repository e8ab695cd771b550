import { APICallError, toAbortError } from '@echolens/provider';

/** Waits `delayMs`, rejecting with an AbortError as soon as `signal` fires. */
export function sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(toAbortError(signal.reason));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(toAbortError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryInfo {
  /** 1 for the first retry. */
  retry: number;
  delayMs: number;
  error: unknown;
}

export interface RetryOptions {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  signal?: AbortSignal;
  /** First backoff delay; doubles with every retry. Default 1000 ms. */
  initialDelayMs?: number;
  /** Called before each wait, e.g. to count or log retries. */
  onRetry?: (info: RetryInfo) => void;
  /** Which failures deserve another attempt; default: APICallErrors marked `isRetryable`. */
  isRetryable?: (error: unknown) => boolean;
}

const MAX_BACKOFF_MS = 30_000;
/**
 * A server asking for a longer pause than this is effectively out of capacity for us: waiting would stall a
 * whole batch, so the error goes up instead and the caller can fall back or degrade.
 */
export const MAX_HONOURED_RETRY_AFTER_MS = 60_000;

/**
 * Runs `task`, retrying retryable failures with exponential backoff and jitter. A server's `retry-after`
 * (carried on `APICallError.retryAfterMs`) replaces the backoff, plus up to 10 % jitter so that many workers
 * throttled at the same moment do not all come back at the same moment.
 */
export async function retryWithBackoff<T>(
  task: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const isRetryable = options.isRetryable ?? isRetryableAPICallError;
  for (let attempt = 0; ; attempt++) {
    try {
      return await task(attempt);
    } catch (error) {
      if (options.signal?.aborted) throw toAbortError(options.signal.reason);
      if (attempt >= options.maxRetries || !isRetryable(error)) throw error;
      const delayMs = retryDelayMs(error, attempt, options.initialDelayMs ?? 1000);
      if (delayMs === undefined) throw error;
      options.onRetry?.({ retry: attempt + 1, delayMs, error });
      await sleep(delayMs, options.signal);
    }
  }
}

export function isRetryableAPICallError(error: unknown): boolean {
  return APICallError.isInstance(error) && error.isRetryable;
}

/** The wait before retry number `attempt + 1`, or undefined when the server asked for too long a pause. */
export function retryDelayMs(error: unknown, attempt: number, initialDelayMs: number): number | undefined {
  const retryAfterMs = APICallError.isInstance(error) ? error.retryAfterMs : undefined;
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > MAX_HONOURED_RETRY_AFTER_MS) return undefined;
    return Math.max(0, retryAfterMs) * (1 + Math.random() * 0.1);
  }
  const backoffMs = Math.min(MAX_BACKOFF_MS, initialDelayMs * 2 ** attempt);
  // "Equal jitter": half the backoff is guaranteed, half is random, so retries spread out but still back off.
  return backoffMs / 2 + Math.random() * (backoffMs / 2);
}
