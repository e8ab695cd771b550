import { join } from 'node:path';
import { RedisCache } from '@echolens/cache-redis';
import { createPipeline, loadLocalWhisper, type SpeechToTextModel, StorageError } from '@echolens/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedis } from '../src/testing.js';

const dataRoot =
  process.env.ECHOLENS_TEST_DATA ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');

describe('RedisCache', () => {
  let redis: TestRedis;
  let client: Redis;

  beforeAll(async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    await client?.quit();
    await redis?.stop();
  });

  it('keeps JSON values under its prefix, misses unknown and unreadable keys', async () => {
    const cache = new RedisCache({ redis: redis.url, prefix: 'a:' });
    const other = new RedisCache({ redis: client, prefix: 'b:' });
    const value = { language: 'en', segments: [{ text: 'hello', startSec: 0.5 }], nested: { n: null } };
    await cache.set('k1', value);
    expect(await cache.get('k1')).toEqual(value);
    expect(await other.get('k1')).toBeUndefined();
    expect(await client.get('a:k1')).toBe(JSON.stringify(value));
    expect(await client.ttl('a:k1')).toBe(-1); // no TTL asked: kept until deleted

    await client.set('a:broken', '{not json');
    expect(await cache.get('broken')).toBeUndefined();
    expect(await cache.get('never-written')).toBeUndefined();
    await cache.close();
    await other.close();
    expect(client.status).toBe('ready'); // a shared client stays open for its owner
  });

  it('gives every entry the TTL asked for, and refuses a TTL that is not whole seconds', async () => {
    const cache = new RedisCache({ redis: client, ttlSec: 3600 });
    await cache.set('with-ttl', { ok: true });
    const ttl = await client.ttl('echolens:cache:with-ttl');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect(() => new RedisCache({ redis: client, ttlSec: 0 })).toThrow(RangeError);
    expect(() => new RedisCache({ redis: client, ttlSec: 1.5 })).toThrow(RangeError);
  });

  it('fails with a StorageError instead of missing when Redis cannot be reached', async () => {
    const unreachable = new Redis(redis.url.replace(/:\d+$/, ':1'), {
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    unreachable.on('error', () => {});
    const cache = new RedisCache({ redis: unreachable });
    await expect(cache.get('anything')).rejects.toSatisfy(StorageError.isInstance);
    await expect(cache.set('anything', 1)).rejects.toSatisfy(StorageError.isInstance);
    unreachable.disconnect();
  });

  it('lets a second process skip the transcription the first one paid for', async () => {
    const whisper = await loadLocalWhisper({ model: 'Xenova/whisper-tiny' });
    let invocations = 0;
    const counted: SpeechToTextModel = {
      ...whisper,
      provider: whisper.provider,
      modelId: whisper.modelId,
      maxWindowSec: whisper.maxWindowSec,
      transcribe: (audio, options) => {
        invocations++;
        return whisper.transcribe(audio, options);
      },
    };
    const recording = join(dataRoot, 'asr', 'audio', 'jfk.wav');
    // Two pipelines with two connections stand for two worker processes sharing one Redis.
    const first = new RedisCache({ redis: redis.url, prefix: 'fleet:' });
    const second = new RedisCache({ redis: redis.url, prefix: 'fleet:' });
    const run = (cache: RedisCache) =>
      createPipeline({ speechToText: counted, cache, language: 'en', memory: false }).run(recording);

    const paid = await run(first);
    const afterFirst = invocations;
    const reused = await run(second);
    expect(afterFirst).toBeGreaterThan(0);
    expect(invocations).toBe(afterFirst);
    expect(paid.analysis.provenance.cache.transcript).toBe('miss');
    expect(reused.analysis.provenance.cache.transcript).toBe('hit');
    expect(reused.transcript?.segments.map((segment) => segment.text)).toEqual(
      paid.transcript?.segments.map((segment) => segment.text),
    );
    expect(paid.transcript?.segments.map((segment) => segment.text).join(' ')).toMatch(/country/i);
    await whisper.dispose?.();
    await first.close();
    await second.close();
  });
});
