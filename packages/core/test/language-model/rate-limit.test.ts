import { AbortError, createRateLimiter } from '@echolens/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createRateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds a request until enough tokens have left the rolling minute', async () => {
    const limiter = createRateLimiter({ tokensPerMinute: 10_000 });
    const first = await limiter.acquire(7000);
    let secondGranted = false;
    const second = limiter.acquire(5000).then((lease) => {
      secondGranted = true;
      return lease;
    });
    first.release({ inputTokens: 6000, outputTokens: 1000 });
    await settle();
    expect(secondGranted).toBe(false);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(secondGranted).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(secondGranted).toBe(true);
    (await second).release();
  });

  it('replaces the estimate with the reported usage, freeing room early', async () => {
    const limiter = createRateLimiter({ tokensPerMinute: 10_000 });
    const first = await limiter.acquire(9000);
    let secondGranted = false;
    void limiter.acquire(4000).then(() => {
      secondGranted = true;
    });
    await settle();
    expect(secondGranted).toBe(false);
    first.release({ inputTokens: 2500, outputTokens: 500 });
    await settle();
    expect(secondGranted).toBe(true);
  });

  it('lets a request larger than the whole budget run alone rather than wait for ever', async () => {
    const limiter = createRateLimiter({ tokensPerMinute: 1000 });
    const lease = await limiter.acquire(5000);
    lease.release();
  });

  it('serves waiters in arrival order within the concurrency limit', async () => {
    const limiter = createRateLimiter({ concurrency: 1 });
    const order: number[] = [];
    const first = await limiter.acquire(1);
    const waiting = [2, 3].map((id) =>
      limiter.acquire(1).then((lease) => {
        order.push(id);
        return lease;
      }),
    );
    await settle();
    expect(order).toEqual([]);
    first.release();
    (await waiting[0])!.release();
    (await waiting[1])!.release();
    expect(order).toEqual([2, 3]);
  });

  it('drops an aborted waiter from the queue with an AbortError', async () => {
    const limiter = createRateLimiter({ concurrency: 1 });
    const first = await limiter.acquire(1);
    const controller = new AbortController();
    const aborted = limiter.acquire(1, controller.signal).catch((error: unknown) => error);
    const next = limiter.acquire(1);
    controller.abort();
    expect(AbortError.isInstance(await aborted)).toBe(true);
    first.release();
    (await next).release();
  });
});
