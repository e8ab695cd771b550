import {
  ConfigurationError,
  type GenerateObjectOptions,
  type LanguageModelUsage,
  throwIfAborted,
  toAbortError,
} from '@echolens/provider';

export interface RateLimitOptions {
  /** Requests in flight at once. Default: unlimited. */
  concurrency?: number;
  /** Input + output tokens per rolling minute, as the vendor counts them. Default: unlimited. */
  tokensPerMinute?: number;
}

/** Returned by `acquire`; `release` frees the slot and replaces the token estimate with what was used. */
export interface RateLimitLease {
  release(usage?: LanguageModelUsage): void;
}

export interface RateLimiter {
  acquire(estimatedTokens: number, signal?: AbortSignal): Promise<RateLimitLease>;
}

const WINDOW_MS = 60_000;
/**
 * Vendors count a request's output budget against the limit before it runs; when the caller sets no
 * `maxOutputTokens` we assume an answer of this size (a full call analysis is roughly this long).
 */
const ASSUMED_OUTPUT_TOKENS = 1500;
/** English text averages about four characters per token in GPT-style tokenizers. */
const CHARACTERS_PER_TOKEN = 4;

/** Tokens a request will count against a tokens-per-minute limit, estimated before sending it. */
export function estimateRequestTokens(options: GenerateObjectOptions): number {
  let characters = options.system.length + JSON.stringify(options.jsonSchema).length;
  for (const message of options.messages) characters += message.content.length;
  return Math.ceil(characters / CHARACTERS_PER_TOKEN) + (options.maxOutputTokens ?? ASSUMED_OUTPUT_TOKENS);
}

interface Waiter {
  estimatedTokens: number;
  grant: (lease: RateLimitLease) => void;
}

interface WindowEntry {
  at: number;
  tokens: number;
}

/**
 * A FIFO queue in front of a concurrency limit and a rolling one-minute token window. Tokens are estimated
 * from the prompt's length before a request and corrected with the usage the vendor reports after it.
 * Give one limiter to every request that shares the vendor's limit: `createPipeline({ modelSettings:
 * { rateLimiter } })`, or `generateStructured({ rateLimiter })`; the per-request timeout starts only once
 * the request leaves the queue.
 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const concurrency = options.concurrency ?? Number.POSITIVE_INFINITY;
  const tokensPerMinute = options.tokensPerMinute ?? Number.POSITIVE_INFINITY;
  if (!(concurrency >= 1) || !(tokensPerMinute > 0)) {
    throw new ConfigurationError(
      `createRateLimiter: concurrency must be at least 1 and tokensPerMinute above 0 (got ${options.concurrency}, ${options.tokensPerMinute})`,
    );
  }
  const queue: Waiter[] = [];
  let window: WindowEntry[] = [];
  let active = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** How long until `tokens` more fit in the window; 0 when they fit now. */
  const waitForTokensMs = (tokens: number, now: number): number => {
    window = window.filter((entry) => entry.at + WINDOW_MS > now);
    let used = window.reduce((sum, entry) => sum + entry.tokens, 0);
    // A request bigger than the whole budget would wait forever; it runs alone in an empty window.
    if (used === 0 || used + tokens <= tokensPerMinute) return 0;
    for (const entry of window) {
      used -= entry.tokens;
      if (used + tokens <= tokensPerMinute || used === 0) return entry.at + WINDOW_MS - now;
    }
    return WINDOW_MS;
  };

  const pump = (): void => {
    clearTimeout(timer);
    timer = undefined;
    while (queue.length > 0 && active < concurrency) {
      const head = queue[0] as Waiter;
      const now = Date.now();
      const waitMs = waitForTokensMs(head.estimatedTokens, now);
      if (waitMs > 0) {
        timer = setTimeout(pump, waitMs);
        return;
      }
      queue.shift();
      active++;
      const entry: WindowEntry = { at: now, tokens: head.estimatedTokens };
      window.push(entry);
      let released = false;
      head.grant({
        release(usage) {
          if (released) return;
          released = true;
          if (usage) entry.tokens = usage.inputTokens + usage.outputTokens;
          active--;
          pump();
        },
      });
    }
  };

  return {
    acquire(estimatedTokens, signal) {
      throwIfAborted(signal);
      return new Promise<RateLimitLease>((resolve, reject) => {
        const onAbort = () => {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          reject(toAbortError(signal?.reason));
          pump();
        };
        const waiter: Waiter = {
          estimatedTokens,
          grant: (lease) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(lease);
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
        pump();
      });
    },
  };
}
