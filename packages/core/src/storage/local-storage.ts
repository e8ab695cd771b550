import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Storage, StorageObject } from '@echolens/provider';
import { checkStorageKey, checkStoragePrefix, StorageError, throwIfAborted } from '@echolens/provider';

/**
 * The default Storage: keys are `/`-separated paths under a root folder. Keys are checked with
 * `checkStorageKey` (no `..`, no absolute path, no backslash), and the resolved path must still lie
 * under the root, so a key from a request can never read or write arbitrary files.
 */
export class LocalStorage implements Storage {
  readonly specificationVersion = 'v1' as const;
  readonly root: string;

  constructor(options: { root: string }) {
    this.root = resolve(options.root);
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, checkStorageKey(key));
    if (!path.startsWith(this.root + sep)) {
      throw new StorageError(`key "${key}" is outside the storage root`, { key });
    }
    return path;
  }

  private fail(action: string, key: string, error: unknown): never {
    const code = (error as NodeJS.ErrnoException)?.code;
    const reason =
      code === 'ENOENT' ? 'no such object' : error instanceof Error ? error.message : String(error);
    throw new StorageError(`cannot ${action} "${key}": ${reason}`, { key, cause: error });
  }

  async get(key: string, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    throwIfAborted(options.signal, key);
    try {
      return new Uint8Array(await readFile(this.pathOf(key), { signal: options.signal }));
    } catch (error) {
      if (StorageError.isInstance(error)) throw error;
      this.fail('read', key, error);
    }
  }

  async getStream(key: string, options: { signal?: AbortSignal } = {}): Promise<Readable> {
    throwIfAborted(options.signal, key);
    const path = this.pathOf(key);
    try {
      await stat(path);
    } catch (error) {
      this.fail('read', key, error);
    }
    // Again after the await: a stream made with an already aborted signal emits its AbortError
    // before anyone can listen, which ends the process.
    throwIfAborted(options.signal, key);
    return createReadStream(path, { signal: options.signal });
  }

  async put(
    key: string,
    data: Uint8Array | string | Readable,
    options: { contentType?: string; signal?: AbortSignal } = {},
  ): Promise<void> {
    throwIfAborted(options.signal, key);
    const path = this.pathOf(key);
    // Write beside the target and rename, so readers never see a half-written object.
    const temporary = `${path}.${process.pid}.${Date.now()}.partial`;
    try {
      await mkdir(dirname(path), { recursive: true });
      if (data instanceof Readable) {
        await pipeline(data, createWriteStream(temporary), { signal: options.signal });
      } else {
        await writeFile(temporary, data, { signal: options.signal });
      }
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      this.fail('write', key, error);
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (StorageError.isInstance(error)) throw error;
      return false;
    }
  }

  async *list(prefix = '', options: { signal?: AbortSignal } = {}): AsyncIterable<StorageObject> {
    checkStoragePrefix(prefix);
    const keys: StorageObject[] = [];
    const walk = async (folder: string): Promise<void> => {
      throwIfAborted(options.signal);
      const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile() && !entry.name.endsWith('.partial')) {
          const key = relative(this.root, path).split(sep).join('/');
          if (key.startsWith(prefix)) {
            const info = await stat(path);
            keys.push({ key, size: info.size, lastModified: info.mtime });
          }
        }
      }
    };
    // Start at the deepest folder the prefix names, so listing one call's folder never walks the whole store.
    const folderOfPrefix = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    await walk(folderOfPrefix ? this.pathOf(folderOfPrefix) : this.root);
    keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    yield* keys;
  }
}

/** Filesystem storage rooted at a folder (created on first write). */
export function createLocalStorage(options: { root: string }): LocalStorage {
  return new LocalStorage(options);
}
