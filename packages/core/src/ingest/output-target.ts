import { resolve } from 'node:path';
import type { Storage } from '@echolens/provider';
import { checkStorageKey } from '@echolens/provider';
import { LocalStorage } from '../storage/local-storage.js';
import { isS3Url, type OpenStorageUrl, openS3Url } from './storage-url.js';

/**
 * Where a command writes its output files: a local folder or a storage prefix (`s3://bucket/results/`).
 * Every write is atomic (a local file appears by rename, an S3 object when its upload completes), so
 * a reader or an interrupted run never sees half a file.
 */
export interface OutputTarget {
  /** The folder or URL as the user gave it, for messages. */
  readonly location: string;
  /** Writes (replaces) `name`, a relative `/`-separated path such as `call-17.json`. */
  write(
    name: string,
    data: string | Uint8Array,
    options?: { contentType?: string; signal?: AbortSignal },
  ): Promise<void>;
  /** Where `name` ends up, for messages: `results/call-17.json`, `s3://bucket/results/call-17.json`. */
  describe(name: string): string;
}

const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  srt: 'application/x-subrip',
  vtt: 'text/vtt',
  rttm: 'text/plain; charset=utf-8',
};

function storageTarget(storage: Storage, prefix: string, location: string): OutputTarget {
  const base = location.endsWith('/') ? location : `${location}/`;
  return {
    location,
    async write(name, data, options = {}) {
      const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
      const contentType = options.contentType ?? CONTENT_TYPES[extension];
      await storage.put(prefix + checkStorageKey(name), data, {
        ...(contentType ? { contentType } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    },
    describe: (name) => base + name,
  };
}

/**
 * Opens `--out`: `s3://bucket/prefix/` through `@echolens/storage-s3` (or `openStorageUrl`), anything
 * else as a local folder (created on first write).
 */
export async function openOutputTarget(
  spec: string,
  options: { openStorageUrl?: OpenStorageUrl } = {},
): Promise<OutputTarget> {
  if (isS3Url(spec)) {
    const { storage, prefix } = await (options.openStorageUrl ?? openS3Url)(spec);
    return storageTarget(storage, prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`, spec);
  }
  return storageTarget(new LocalStorage({ root: resolve(spec) }), '', spec);
}
