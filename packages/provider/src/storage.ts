import type { Readable } from 'node:stream';

/** Where recordings and results live: the local filesystem by default, S3 and others as packages. */
export interface Storage {
  readonly specificationVersion: 'v1';
  get(key: string, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
  /** Streams large objects (recordings) without holding them in memory. */
  getStream(key: string, options?: { signal?: AbortSignal }): Promise<Readable>;
  put(
    key: string,
    data: Uint8Array | string | Readable,
    options?: { contentType?: string; signal?: AbortSignal },
  ): Promise<void>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Keys under a prefix, in lexical order. */
  list(prefix?: string, options?: { signal?: AbortSignal }): AsyncIterable<StorageObject>;
  /** A URL a browser can PUT a recording to directly (presigned), when the backend supports it. */
  createUploadUrl?(key: string, options?: { expiresInSec?: number; contentType?: string }): Promise<string>;
  createDownloadUrl?(key: string, options?: { expiresInSec?: number }): Promise<string>;
}

export interface StorageObject {
  key: string;
  size: number;
  lastModified?: Date;
}
