import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PresignedPost, Storage, StorageObject, UploadPostOptions } from '@echolens/provider';
import {
  ConfigurationError,
  checkStorageKey,
  checkStoragePrefix,
  StorageError,
  throwIfAborted,
  toAbortError,
} from '@echolens/provider';

export interface S3StorageOptions {
  bucket: string;
  /** Folder inside the bucket that every key lives under, e.g. `echolens/` (default: the bucket's root). */
  prefix?: string;
  /** A client you configured yourself; the settings below are then ignored. */
  client?: S3Client;
  /** Default: the SDK's chain (`AWS_REGION`, the shared config file); `us-east-1` for a custom endpoint with none. */
  region?: string;
  /**
   * An S3-compatible store (MinIO, Ceph, R2…). Default: `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`,
   * else AWS itself (unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is set).
   */
  endpoint?: string;
  /** `bucket` in the path instead of the host name; default on exactly when an endpoint is configured. */
  forcePathStyle?: boolean;
  /** Default: the SDK's credential chain (environment, shared files, SSO, container and instance roles). */
  credentials?: S3ClientConfig['credentials'];
  /** Keys per listing request (default 1000, S3's maximum). */
  pageSize?: number;
  /** Multipart part size for streamed uploads (default 8 MiB; S3's minimum is 5 MiB). */
  partSizeBytes?: number;
  /** Parts uploaded at once; memory for a streamed upload is about `partSizeBytes × uploadConcurrency`. */
  uploadConcurrency?: number;
}

const DEFAULT_EXPIRES_SEC = 900;
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const DEFAULT_UPLOAD_CONCURRENCY = 2;

/** The endpoint from the options or the environment, following the AWS SDKs' configured-endpoint rules. */
export function resolveS3Endpoint(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (explicit) return explicit;
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}

function clientConfig(options: S3StorageOptions): S3ClientConfig {
  const endpoint = resolveS3Endpoint(options.endpoint);
  const region = options.region ?? (endpoint && !process.env.AWS_REGION ? 'us-east-1' : undefined);
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    forcePathStyle: options.forcePathStyle ?? Boolean(endpoint),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
}

interface ServiceFailure {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function isNotFound(error: unknown): boolean {
  const failure = error as ServiceFailure;
  return (
    failure?.$metadata?.httpStatusCode === 404 ||
    failure?.name === 'NoSuchKey' ||
    failure?.name === 'NotFound' ||
    failure?.Code === 'NoSuchKey'
  );
}

/**
 * EchoLens Storage on Amazon S3 or any S3-compatible store. Recordings stream both ways (multipart
 * upload through `@aws-sdk/lib-storage`, GET bodies handed out as Node streams), listings are paged,
 * and presigned URLs and POST forms let browsers and other services move recordings without
 * credentials. Keys are checked like in every backend (`checkStorageKey`).
 */
export class S3Storage implements Storage {
  readonly specificationVersion = 'v1' as const;
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client;
  private readonly options: S3StorageOptions;

  constructor(options: S3StorageOptions) {
    if (!options.bucket) throw new ConfigurationError('S3 storage needs a bucket');
    this.options = options;
    this.bucket = options.bucket;
    const prefix = options.prefix ?? '';
    this.prefix = checkStoragePrefix(prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`);
    this.client = options.client ?? new S3Client(clientConfig(options));
  }

  private objectKey(key: string): string {
    return this.prefix + checkStorageKey(key);
  }

  /** `s3://bucket/prefix/key`, for messages. */
  private describe(key: string): string {
    return `s3://${this.bucket}/${this.prefix}${key}`;
  }

  private fail(action: string, key: string, error: unknown, signal?: AbortSignal): never {
    if (signal?.aborted) throw toAbortError(signal.reason, key);
    if (StorageError.isInstance(error)) throw error;
    const failure = error as ServiceFailure;
    const status = failure?.$metadata?.httpStatusCode;
    const reason = isNotFound(error)
      ? 'no such object'
      : `${failure?.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${failure?.message ?? String(error)}`;
    throw new StorageError(`cannot ${action} ${this.describe(key)}: ${reason}`, { key, cause: error });
  }

  async get(key: string, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    const stream = await this.getStream(key, options);
    const parts: Buffer[] = [];
    try {
      for await (const part of stream) parts.push(part as Buffer);
    } catch (error) {
      this.fail('read', key, error, options.signal);
    }
    return new Uint8Array(Buffer.concat(parts));
  }

  async getStream(key: string, options: { signal?: AbortSignal } = {}): Promise<Readable> {
    throwIfAborted(options.signal, key);
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
        { abortSignal: options.signal },
      );
      const body = response.Body;
      if (body instanceof Readable) return body;
      if (!body) return Readable.from([]);
      return Readable.fromWeb(
        (body as { transformToWebStream(): ReadableStream }).transformToWebStream() as never,
      );
    } catch (error) {
      this.fail('read', key, error, options.signal);
    }
  }

  async put(
    key: string,
    data: Uint8Array | string | Readable,
    options: { contentType?: string; signal?: AbortSignal } = {},
  ): Promise<void> {
    throwIfAborted(options.signal, key);
    const target = {
      Bucket: this.bucket,
      Key: this.objectKey(key),
      ...(options.contentType ? { ContentType: options.contentType } : {}),
    };
    try {
      if (data instanceof Readable) {
        // Multipart from the stream: memory is a few parts, whatever the recording's length. S3
        // publishes the object only when the upload completes, so readers never see half of it.
        const upload = new Upload({
          client: this.client,
          params: { ...target, Body: data },
          partSize: this.options.partSizeBytes ?? DEFAULT_PART_SIZE,
          queueSize: this.options.uploadConcurrency ?? DEFAULT_UPLOAD_CONCURRENCY,
          leavePartsOnError: false,
        });
        const abort = () => void upload.abort().catch(() => {});
        options.signal?.addEventListener('abort', abort, { once: true });
        try {
          await upload.done();
        } finally {
          options.signal?.removeEventListener('abort', abort);
        }
        return;
      }
      await this.client.send(new PutObjectCommand({ ...target, Body: data }), {
        abortSignal: options.signal,
      });
    } catch (error) {
      this.fail('write', key, error, options.signal);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      if (!isNotFound(error)) this.fail('delete', key, error);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      this.fail('check', key, error);
    }
  }

  async *list(prefix = '', options: { signal?: AbortSignal } = {}): AsyncIterable<StorageObject> {
    const fullPrefix = this.prefix + checkStoragePrefix(prefix);
    let continuationToken: string | undefined;
    do {
      throwIfAborted(options.signal, prefix);
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: fullPrefix,
            MaxKeys: this.options.pageSize ?? 1000,
            ...(continuationToken ? { ContinuationToken: continuationToken } : {}),
          }),
          { abortSignal: options.signal },
        );
      } catch (error) {
        this.fail('list', prefix || '/', error, options.signal);
      }
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        yield {
          key: object.Key.slice(this.prefix.length),
          size: object.Size ?? 0,
          ...(object.LastModified ? { lastModified: object.LastModified } : {}),
        };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async createUploadUrl(
    key: string,
    options: { expiresInSec?: number; contentType?: string } = {},
  ): Promise<string> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: this.objectKey(key),
      ...(options.contentType ? { ContentType: options.contentType } : {}),
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSec ?? DEFAULT_EXPIRES_SEC });
  }

  async createUploadPost(key: string, options: UploadPostOptions): Promise<PresignedPost> {
    const minBytes = options.minBytes ?? 1;
    if (!Number.isInteger(options.maxBytes) || options.maxBytes < minBytes) {
      throw new ConfigurationError(`maxBytes must be a whole number ≥ ${minBytes} (got ${options.maxBytes})`);
    }
    const expiresInSec = options.expiresInSec ?? DEFAULT_EXPIRES_SEC;
    const contentType = options.contentType;
    const family = contentType?.endsWith('/');
    const conditions: Parameters<typeof createPresignedPost>[1]['Conditions'] = [
      ['content-length-range', minBytes, options.maxBytes],
    ];
    if (contentType) conditions.push([family ? 'starts-with' : 'eq', '$Content-Type', contentType]);
    const expiresAt = new Date(Date.now() + expiresInSec * 1000);
    const post = await createPresignedPost(this.client, {
      Bucket: this.bucket,
      Key: this.objectKey(key),
      Conditions: conditions,
      // An exact type is filled in for the client; a family leaves it to the client's own file type.
      Fields: contentType && !family ? { 'Content-Type': contentType } : {},
      Expires: expiresInSec,
    });
    return { url: post.url, fields: post.fields, expiresAt: expiresAt.toISOString() };
  }

  async createDownloadUrl(key: string, options: { expiresInSec?: number } = {}): Promise<string> {
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSec ?? DEFAULT_EXPIRES_SEC });
  }

  /** Closes the client's sockets. */
  destroy(): void {
    if (!this.options.client) this.client.destroy();
  }
}

/** S3 storage for a bucket (and optional folder inside it); see `S3StorageOptions` for the defaults. */
export function createS3Storage(options: S3StorageOptions): S3Storage {
  return new S3Storage(options);
}
