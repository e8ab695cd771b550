import { createAPICallError, parseRetryAfterMs, redactSecrets } from '@echolens/provider';
import { describe, expect, it } from 'vitest';

describe('HTTP error helpers for adapters', () => {
  it('reads retry-after-ms, retry-after seconds and retry-after dates', () => {
    expect(parseRetryAfterMs(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(parseRetryAfterMs({ 'Retry-After': '2.5' })).toBe(2500);
    const now = Date.parse('2025-03-01T12:00:00Z');
    expect(parseRetryAfterMs({ 'retry-after': 'Sat, 01 Mar 2025 12:00:30 GMT' }, now)).toBe(30_000);
    expect(parseRetryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });

  it('removes credentials, bare or as a header value, from any text', () => {
    const key = 'sk-proj-abcdef1234567890';
    expect(redactSecrets(`Incorrect API key provided: ${key}.`, [key])).toBe(
      'Incorrect API key provided: [REDACTED].',
    );
    expect(redactSecrets(`token ${key} rejected`, [`Bearer ${key}`])).toBe('token [REDACTED] rejected');
    expect(redactSecrets('Authorization: Bearer abc.def-123456', [])).toBe(
      'Authorization: Bearer [REDACTED]',
    );
  });

  it('builds a retryable-or-not APICallError from status, headers and the vendor body', () => {
    const rateLimited = createAPICallError({
      provider: 'openai',
      modelId: 'gpt-4o-mini',
      statusCode: 429,
      headers: { 'retry-after': '3' },
      body: { error: { message: 'Rate limit reached for gpt-4o-mini' } },
    });
    expect(rateLimited).toMatchObject({
      statusCode: 429,
      isRetryable: true,
      retryAfterMs: 3000,
      provider: 'openai',
    });
    expect(rateLimited.message).toBe(
      'openai (gpt-4o-mini) answered HTTP 429: Rate limit reached for gpt-4o-mini',
    );
    // The server's own verdict wins over the status code.
    const conflict = createAPICallError({
      provider: 'openai',
      statusCode: 409,
      headers: { 'x-should-retry': 'false' },
    });
    expect(conflict.isRetryable).toBe(false);
    const unreachable = createAPICallError({
      provider: 'ollama',
      message: 'fetch failed: connect ECONNREFUSED',
    });
    expect(unreachable).toMatchObject({ statusCode: undefined, isRetryable: true });
    expect(unreachable.message).toBe('ollama could not be reached: fetch failed: connect ECONNREFUSED');
  });
});
