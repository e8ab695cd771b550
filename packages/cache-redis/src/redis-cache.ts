import type { Cache, Logger } from '@echolens/provider';
import { StorageError, silentLogger } from '@echolens/provider';
import { Redis } from 'ioredis';

export interface RedisCacheOptions {
  /** A `redis://` (or `rediss://`) URL, or an ioredis client to share; a shared client is left open by `close()`. */
  redis: string | Redis;
  /**
   * Put before every key (default `echolens:cache:`), so the cache can share a Redis database with a
   * BullMQ queue or another application without clashing.
   */
  prefix?: string;
  /**
   * Seconds an entry lives after it is written (default: forever). Keys are content hashes, so an entry
   * never goes stale; a TTL only bounds the memory the cache takes, at the price of paying again for a
   * recording analysed again after it expired.
   */
  ttlSec?: number;
  /** Told about connection problems (ioredis reconnects by itself) and unreadable entries. */
  logger?: Logger;
}

export const DEFAULT_PREFIX = 'echolens:cache:';

/**
 * EchoLens's content-hash cache (transcripts, language-model answers, executive summaries) in Redis, so
 * every process of a worker fleet shares it: a job retried or re-delivered to another worker finds the
 * transcript and the analysis its first attempt paid for. Entries are JSON strings under
 * `<prefix><key>`; the keys are core's SHA-256 content hashes, so equal inputs meet at the same entry
 * whichever process computed it.
 *
 * Redis unreachable is an error, not a miss: a miss would silently pay for the work again, while an error
 * fails the job, which the queue retries later. An entry that is not valid JSON is a miss.
 */
export class RedisCache implements Cache {
  readonly prefix: string;
  readonly ttlSec: number | undefined;
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly logger: Logger;

  constructor(options: RedisCacheOptions) {
    if (options.ttlSec !== undefined && !(Number.isInteger(options.ttlSec) && options.ttlSec > 0)) {
      throw new RangeError(`ttlSec must be a positive whole number of seconds, got ${options.ttlSec}`);
    }
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.ttlSec = options.ttlSec;
    this.logger = options.logger ?? silentLogger;
    this.ownsClient = typeof options.redis === 'string';
    this.client = typeof options.redis === 'string' ? new Redis(options.redis) : options.redis;
    if (this.ownsClient) {
      // Without a listener ioredis prints every reconnection attempt to stderr; one warning per outage is enough.
      let down = false;
      this.client.on('error', (error: Error) => {
        if (!down) this.logger.warn({ error: error.message }, 'cache: Redis connection lost, reconnecting');
        down = true;
      });
      this.client.on('ready', () => {
        down = false;
      });
    }
  }

  async get(key: string): Promise<unknown | undefined> {
    let text: string | null;
    try {
      text = await this.client.get(this.prefix + key);
    } catch (error) {
      throw new StorageError(`cache read failed: ${(error as Error).message}`, { cause: error });
    }
    if (text === null) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      this.logger.warn({ key }, 'cache: unreadable entry ignored');
      return undefined;
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    try {
      if (this.ttlSec) await this.client.set(this.prefix + key, text, 'EX', this.ttlSec);
      else await this.client.set(this.prefix + key, text);
    } catch (error) {
      throw new StorageError(`cache write failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Closes the connection this cache opened (a client passed in stays open for its owner). */
  async close(): Promise<void> {
    if (this.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }
}
