import type { Readable } from 'node:stream';
import { StorageError } from './errors.js';

/**
 * Where recordings and results live: the local filesystem by default, S3 and others as packages.
 * Keys are `/`-separated relative paths (`calls/c-17/audio/c-17.wav`); every backend checks them with
 * `checkStorageKey`, so a key from a request can never reach outside the store.
 */
export interface Storage {
  readonly specificationVersion: 'v1';
  /** The whole object in memory: for small artifacts (JSON), not recordings. */
  get(key: string, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
  /** Streams large objects (recordings) without holding them in memory. */
  getStream(key: string, options?: { signal?: AbortSignal }): Promise<Readable>;
  /** Writes (replaces) an object; readers never see it half-written. A stream is uploaded as it is read. */
  put(
    key: string,
    data: Uint8Array | string | Readable,
    options?: { contentType?: string; signal?: AbortSignal },
  ): Promise<void>;
  /** Removes an object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Keys under a prefix, in lexical order, read page by page. */
  list(prefix?: string, options?: { signal?: AbortSignal }): AsyncIterable<StorageObject>;
  /**
   * A URL a client can PUT one object to directly (presigned), when the backend supports it. A PUT URL
   * cannot bound the size: use `createUploadPost` when the size must be enforced.
   */
  createUploadUrl?(key: string, options?: { expiresInSec?: number; contentType?: string }): Promise<string>;
  /**
   * A browser form upload (presigned POST) that the store itself checks: the key, the expiry, the
   * allowed content types and the maximum size are signed into the policy, and anything else is
   * refused by the store before a byte is kept.
   */
  createUploadPost?(key: string, options: UploadPostOptions): Promise<PresignedPost>;
  /** A URL anyone holding it can GET the object from until it expires. */
  createDownloadUrl?(key: string, options?: { expiresInSec?: number }): Promise<string>;
}

export interface StorageObject {
  key: string;
  size: number;
  lastModified?: Date;
}

export interface UploadPostOptions {
  /** Largest accepted upload in bytes. Required: an unbounded upload form is never handed out. */
  maxBytes: number;
  /** Smallest accepted upload in bytes (default 1: an empty recording is refused). */
  minBytes?: number;
  /**
   * The content type the upload must declare: exact (`audio/wav`), or a family when it ends with `/`
   * (`audio/` accepts `audio/mpeg`, `audio/wav`…). Any type when absent. (A POST policy can match one
   * value or one prefix, not a list.)
   */
  contentType?: string;
  /** Seconds the form stays valid (default 900). */
  expiresInSec?: number;
}

/** What a client needs to upload: POST `fields` (in this order) then the file as a `file` field to `url`. */
export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
  /** ISO 8601 time after which the store refuses the upload. */
  expiresAt: string;
}

/** Longest key S3 accepts (bytes of UTF-8); the local store keeps the same limit so keys move freely. */
const MAX_KEY_BYTES = 1024;

function refuse(key: string, reason: string): never {
  throw new StorageError(`invalid storage key "${key}": ${reason}`, { key });
}

/**
 * Checks a storage key and returns it: a relative `/`-separated path with no empty, `.` or `..`
 * segment, no backslash, no control character, at most 1024 bytes. Refused rather than rewritten,
 * so two different keys can never silently name the same object.
 */
export function checkStorageKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) refuse(String(key), 'empty');
  if (key.endsWith('/')) refuse(key, 'ends with "/" (a prefix, not an object)');
  return checkStoragePrefix(key);
}

/** Like `checkStorageKey` for a listing prefix: may be empty, end with `/`, or stop inside a segment. */
export function checkStoragePrefix(prefix: string): string {
  if (prefix === '') return prefix;
  if (Buffer.byteLength(prefix) > MAX_KEY_BYTES) refuse(prefix, `longer than ${MAX_KEY_BYTES} bytes`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(prefix)) refuse(prefix, 'contains a control character');
  if (prefix.includes('\\')) refuse(prefix, 'contains a backslash');
  if (prefix.startsWith('/') || /^[a-zA-Z]:/.test(prefix)) refuse(prefix, 'is an absolute path');
  const segments = prefix.split('/');
  if (prefix.endsWith('/')) segments.pop();
  for (const segment of segments) {
    if (segment === '') refuse(prefix, 'has an empty segment ("//")');
    if (segment === '.' || segment === '..') refuse(prefix, `has a "${segment}" segment`);
  }
  return prefix;
}
