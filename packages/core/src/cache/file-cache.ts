import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cache } from '@echolens/provider';
import { defaultCacheRoot } from '@echolens/provider';

/**
 * The default cache: one JSON file per key under `<cache root>/results`, sharded by the first two hex
 * characters. Writes go through a temporary file and a rename, so a crash never leaves half an entry.
 */
export class FileCache implements Cache {
  readonly directory: string;

  constructor(options: { directory?: string } = {}) {
    this.directory = options.directory ?? join(defaultCacheRoot(), 'results');
  }

  private pathFor(key: string): string {
    const safe = key.replace(/[^a-zA-Z0-9_-]/g, '_');
    return join(this.directory, safe.slice(-2), `${safe}.json`);
  }

  async get(key: string): Promise<unknown | undefined> {
    try {
      return JSON.parse(await readFile(this.pathFor(key), 'utf8'));
    } catch {
      return undefined; // missing or unreadable entries are misses, never failures
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    const path = this.pathFor(key);
    await mkdir(join(path, '..'), { recursive: true });
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, JSON.stringify(value));
    await rename(temporary, path);
  }
}

/** An in-process cache, for tests and short-lived scripts. */
export class MemoryCache implements Cache {
  private readonly entries = new Map<string, string>();
  async get(key: string): Promise<unknown | undefined> {
    const entry = this.entries.get(key);
    return entry === undefined ? undefined : JSON.parse(entry);
  }
  async set(key: string, value: unknown): Promise<void> {
    this.entries.set(key, JSON.stringify(value));
  }
  get size(): number {
    return this.entries.size;
  }
}
