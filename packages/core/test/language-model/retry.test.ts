import { AbortError, APICallError } from '@echolens/core';
import { describe, expect, it } from 'vitest';
import { retryWithBackoff, sleep } from '../../src/middleware/retry.js';

describe('retryWithBackoff', () => {
  it('retries retryable API errors only, and gives up after maxRetries', async () => {
    let attempts = 0;
    const retryable = () => {
      attempts++;
      return Promise.reject(new APICallError('busy', { statusCode: 503, retryAfterMs: 1 }));
    };
    await expect(retryWithBackoff(retryable, { maxRetries: 2 })).rejects.toMatchObject({ statusCode: 503 });
    expect(attempts).toBe(3);
    attempts = 0;
    const badRequest = () => {
      attempts++;
      return Promise.reject(new APICallError('bad', { statusCode: 400 }));
    };
    await expect(retryWithBackoff(badRequest, { maxRetries: 4 })).rejects.toMatchObject({ statusCode: 400 });
    expect(attempts).toBe(1);
  });

  it('waits what retry-after says (plus at most 10 % jitter) and reports each retry', async () => {
    const delays: number[] = [];
    let attempts = 0;
    const result = await retryWithBackoff(
      async () => {
        if (++attempts < 3) throw new APICallError('429', { statusCode: 429, retryAfterMs: 20 });
        return 'done';
      },
      { maxRetries: 4, onRetry: ({ delayMs }) => delays.push(delayMs) },
    );
    expect(result).toBe('done');
    expect(delays).toHaveLength(2);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(20);
      expect(delay).toBeLessThanOrEqual(22);
    }
  });

  it('backs off exponentially with jitter when the server gives no retry-after', async () => {
    const delays: number[] = [];
    await retryWithBackoff(
      async (attempt) => {
        if (attempt < 3) throw new APICallError('reset', {});
      },
      { maxRetries: 3, initialDelayMs: 8, onRetry: ({ delayMs }) => delays.push(delayMs) },
    );
    [8, 16, 32].forEach((backoff, index) => {
      expect(delays[index]).toBeGreaterThanOrEqual(backoff / 2);
      expect(delays[index]).toBeLessThanOrEqual(backoff);
    });
  });

  it('does not wait out a retry-after longer than a minute', async () => {
    let attempts = 0;
    const error = await retryWithBackoff(
      () => {
        attempts++;
        return Promise.reject(new APICallError('quota', { statusCode: 429, retryAfterMs: 3_600_000 }));
      },
      { maxRetries: 4 },
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 429 });
    expect(attempts).toBe(1);
  });

  it('stops sleeping the moment the signal fires', async () => {
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal).catch((error: unknown) => error);
    controller.abort();
    expect(AbortError.isInstance(await sleeping)).toBe(true);
  });
});
