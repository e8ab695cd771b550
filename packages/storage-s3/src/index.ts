/**
 * @echolens/storage-s3 — EchoLens storage on Amazon S3 and S3-compatible stores.
 *
 * ```ts
 * import { createS3Storage } from '@echolens/storage-s3';
 * const storage = createS3Storage({ bucket: 'recordings' }); // credentials, region, endpoint: the AWS chain
 * const pipeline = createPipeline({ storage });
 * ```
 * @packageDocumentation
 */
export { createS3Storage, resolveS3Endpoint, S3Storage, type S3StorageOptions } from './s3-storage.js';
