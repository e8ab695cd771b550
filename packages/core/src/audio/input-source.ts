import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Storage } from '@echolens/provider';
import {
  ConfigurationError,
  EchoLensError,
  InvalidInputError,
  StorageError,
  throwIfAborted,
} from '@echolens/provider';
import type { AudioInput, AudioSource } from './types.js';

const FILE_READ_CHUNK_BYTES = 256 * 1024;
const BUFFER_SLICE_BYTES = FILE_READ_CHUNK_BYTES;

type SourceKind =
  | { kind: 'file'; path: string }
  | { kind: 'url'; url: URL }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'node-stream'; stream: Readable }
  | { kind: 'web-stream'; stream: ReadableStream<Uint8Array> }
  | { kind: 'storage'; key: string };

function isNodeReadable(value: unknown): value is Readable {
  const candidate = value as Readable;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.on === 'function' &&
    typeof candidate.read === 'function' &&
    typeof candidate[Symbol.asyncIterator] === 'function'
  );
}

function isWebReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return (
    typeof value === 'object' && value !== null && typeof (value as ReadableStream).getReader === 'function'
  );
}

function classify(source: AudioSource): SourceKind {
  if (typeof source === 'string') {
    if (/^https?:\/\//i.test(source)) return { kind: 'url', url: new URL(source) };
    if (/^file:\/\//i.test(source)) return { kind: 'file', path: fileURLToPath(source) };
    return { kind: 'file', path: source };
  }
  if (source instanceof URL) {
    if (source.protocol === 'http:' || source.protocol === 'https:') return { kind: 'url', url: source };
    if (source.protocol === 'file:') return { kind: 'file', path: fileURLToPath(source) };
    throw new InvalidInputError(`unsupported URL protocol "${source.protocol}" (use http, https or file)`, {
      file: source.href,
    });
  }
  if (source instanceof Uint8Array) return { kind: 'bytes', bytes: source };
  if (source instanceof ArrayBuffer) return { kind: 'bytes', bytes: new Uint8Array(source) };
  if (isNodeReadable(source)) return { kind: 'node-stream', stream: source };
  if (isWebReadableStream(source)) return { kind: 'web-stream', stream: source };
  if (
    typeof source === 'object' &&
    source !== null &&
    typeof (source as { storageKey?: unknown }).storageKey === 'string'
  ) {
    return { kind: 'storage', key: (source as { storageKey: string }).storageKey };
  }
  throw new InvalidInputError(
    'unknown audio source: expected a path, URL, Uint8Array, ArrayBuffer, Readable, ReadableStream or { storageKey }',
  );
}

/** A URL as shown in messages: without query and fragment, which may hold presigned credentials. */
function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** The name used in errors, events and output file names: `input.name`, else the path, URL or key. */
export function audioInputName(input: AudioInput): string {
  if (input.name) return input.name;
  try {
    const kind = classify(input.source);
    switch (kind.kind) {
      case 'file':
        return kind.path;
      case 'url':
        return displayUrl(kind.url);
      case 'storage':
        return kind.key;
      case 'bytes':
        return 'in-memory audio';
      default:
        return 'audio stream';
    }
  } catch {
    return 'audio input';
  }
}

/** A short name for output files (the last path segment). */
export function audioInputBaseName(input: AudioInput): string {
  return basename(audioInputName(input));
}

async function* readWebStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

function asyncIteratorOf<T>(chunks: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in chunks) return chunks[Symbol.asyncIterator]();
  return (async function* () {
    yield* chunks;
  })();
}

function* sliceBytes(bytes: Uint8Array): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += BUFFER_SLICE_BYTES) {
    yield bytes.subarray(offset, offset + BUFFER_SLICE_BYTES);
  }
}

export interface OpenSourceOptions {
  storage?: Storage;
  signal?: AbortSignal;
  /** Called after every chunk with bytes read so far and the total when known. */
  onBytes?: (bytesRead: number, totalBytes: number | undefined) => void;
}

/**
 * The input's bytes, read once, start to end. Every byte passes through the SHA-256 exactly once
 * however the consumer reads: the head kept for format detection is replayed from memory, and
 * `drain()` reads whatever a decoder left (trailing chunks after WAV data, say).
 */
export class AudioByteSource {
  private readonly hash = createHash('sha256');
  private head: Uint8Array[] = [];
  private headLength = 0;
  private done = false;
  private digest: string | undefined;
  bytesRead = 0;

  private constructor(
    readonly name: string,
    private readonly kind: SourceKind['kind'],
    private readonly iterator: AsyncIterator<Uint8Array | string>,
    readonly totalBytes: number | undefined,
    /** Set when the bytes are a local file (ffmpeg can then read it directly). */
    readonly localPath: string | undefined,
    private readonly options: OpenSourceOptions,
  ) {}

  static async open(input: AudioInput, options: OpenSourceOptions = {}): Promise<AudioByteSource> {
    const name = audioInputName(input);
    const source = classify(input.source);
    throwIfAborted(options.signal, name);
    const make = (
      chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>,
      total?: number,
      path?: string,
    ) => new AudioByteSource(name, source.kind, asyncIteratorOf(chunks), total, path, options);

    switch (source.kind) {
      case 'file': {
        const info = await stat(source.path).catch((error: NodeJS.ErrnoException) => {
          const reason =
            error.code === 'ENOENT'
              ? 'file not found'
              : error.code === 'EACCES'
                ? 'permission denied'
                : error.message;
          throw new InvalidInputError(reason, { file: name, cause: error });
        });
        if (!info.isFile()) throw new InvalidInputError('not a regular file (a directory?)', { file: name });
        // Checked again after the await: a stream made with a signal that is already aborted emits its
        // AbortError before anything can listen, which ends the process (Ctrl-C while a file was opened).
        throwIfAborted(options.signal, name);
        const stream = createReadStream(source.path, {
          highWaterMark: FILE_READ_CHUNK_BYTES,
          signal: options.signal,
        });
        return make(stream, info.size, source.path);
      }
      case 'url': {
        let response: Response;
        try {
          response = await fetch(source.url, { signal: options.signal });
        } catch (error) {
          throwIfAborted(options.signal, name);
          throw new InvalidInputError(`download failed: ${(error as Error).message}`, {
            file: name,
            cause: error,
          });
        }
        if (!response.ok) {
          await response.body?.cancel().catch(() => {});
          throw new InvalidInputError(
            `download failed: HTTP ${response.status} ${response.statusText}`.trim(),
            {
              file: name,
            },
          );
        }
        const length = Number(response.headers.get('content-length'));
        const total =
          Number.isFinite(length) && length > 0 && !response.headers.get('content-encoding')
            ? length
            : undefined;
        return make(response.body ? readWebStream(response.body) : [], total);
      }
      case 'bytes':
        return make(sliceBytes(source.bytes), source.bytes.length);
      case 'node-stream':
        return make(source.stream);
      case 'web-stream':
        return make(readWebStream(source.stream));
      case 'storage': {
        if (!options.storage) {
          throw new ConfigurationError('a { storageKey } source needs a Storage (pass options.storage)', {
            file: name,
          });
        }
        const stream = await options.storage.getStream(source.key, { signal: options.signal });
        return make(stream);
      }
    }
  }

  private async pull(): Promise<Uint8Array | undefined> {
    while (!this.done) {
      throwIfAborted(this.options.signal, this.name);
      const next = await this.iterator.next().catch((error: unknown) => this.readFailure(error));
      if (next.done) {
        this.done = true;
        this.digest = this.hash.digest('hex');
        return undefined;
      }
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      if (chunk.length === 0) continue;
      this.hash.update(chunk);
      this.bytesRead += chunk.length;
      this.options.onBytes?.(this.bytesRead, this.totalBytes);
      return chunk;
    }
    return undefined;
  }

  /** A stream that breaks mid-way (network, storage, disk) is the input's fault, not the decoder's. */
  private readFailure(error: unknown): never {
    throwIfAborted(this.options.signal, this.name);
    if (EchoLensError.isInstance(error)) throw error;
    const message = `reading the input failed: ${error instanceof Error ? error.message : String(error)}`;
    if (this.kind === 'storage') throw new StorageError(message, { file: this.name, cause: error });
    throw new InvalidInputError(message, { file: this.name, cause: error });
  }

  /** At least `minBytes` from the start (fewer only when the input is shorter). Can be called again to read more. */
  async readHead(minBytes: number): Promise<{ head: Uint8Array; complete: boolean }> {
    while (this.headLength < minBytes) {
      const chunk = await this.pull();
      if (!chunk) break;
      this.head.push(chunk);
      this.headLength += chunk.length;
    }
    const head = new Uint8Array(this.headLength);
    let offset = 0;
    for (const chunk of this.head) {
      head.set(chunk, offset);
      offset += chunk.length;
    }
    return { head, complete: this.done };
  }

  /** Every byte from the start, the buffered head first. Stopping early leaves the rest for `drain()`. */
  async *chunks(): AsyncGenerator<Uint8Array> {
    while (this.head.length > 0) {
      const chunk = this.head.shift()!;
      this.headLength -= chunk.length;
      yield chunk;
    }
    for (let chunk = await this.pull(); chunk; chunk = await this.pull()) yield chunk;
  }

  /** Reads (and hashes) whatever is left. */
  async drain(): Promise<void> {
    this.head = [];
    this.headLength = 0;
    while (await this.pull()) {}
  }

  /** SHA-256 of all bytes; only known once everything was read. */
  sha256(): string {
    if (!this.digest) throw new Error('the input has not been read to the end yet');
    return this.digest;
  }

  /** Stops reading and releases the file, socket or stream. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.iterator.return?.().catch(() => {});
  }
}
