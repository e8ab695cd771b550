import { TimeoutError, throwIfAborted, toAbortError } from '@echolens/provider';

export interface TimeoutOptions {
  /** Milliseconds before the task's signal fires with a TimeoutError; 0 or Infinity for no limit. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** What is being waited for, for the error message (e.g. `openai/gpt-4o-mini`). */
  description: string;
}

/**
 * Runs `task` with a signal that fires on the caller's abort or after `timeoutMs`, and settles as soon as
 * either happens, even when the task ignores its signal (a plugin adapter might): the caller is never held
 * hostage by a hung request.
 */
export function runWithTimeout<T>(
  task: (signal: AbortSignal) => Promise<T>,
  options: TimeoutOptions,
): Promise<T> {
  throwIfAborted(options.signal);
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', forwardAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (options.timeoutMs > 0 && Number.isFinite(options.timeoutMs)) {
    timer = setTimeout(() => {
      controller.abort(
        new TimeoutError(
          options.timeoutMs,
          `${options.description} did not answer within ${options.timeoutMs} ms`,
        ),
      );
    }, options.timeoutMs);
  }
  return new Promise<T>((resolve, reject) => {
    const rejectWithAbortReason = () => reject(toAbortError(controller.signal.reason));
    controller.signal.addEventListener('abort', rejectWithAbortReason, { once: true });
    task(controller.signal).then(resolve, (error: unknown) => {
      // An adapter aborted by our signal throws its own flavour of abort error; report ours instead.
      if (controller.signal.aborted) rejectWithAbortReason();
      else reject(error);
    });
  }).finally(() => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', forwardAbort);
  });
}
