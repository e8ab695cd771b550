/**
 * @echolens/cache-redis — EchoLens's results cache in Redis, shared by a fleet of workers.
 *
 * ```ts
 * import { createPipeline } from '@echolens/core';
 * import { RedisCache } from '@echolens/cache-redis';
 * const pipeline = createPipeline({ cache: new RedisCache({ redis: 'redis://localhost:6379', ttlSec: 30 * 86_400 }) });
 * ```
 * @packageDocumentation
 */
export { DEFAULT_PREFIX, RedisCache, type RedisCacheOptions } from './redis-cache.js';
