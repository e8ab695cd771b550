import type { Storage } from '@echolens/provider';
import { ConfigurationError, checkStoragePrefix, MissingDependencyError } from '@echolens/provider';

/** `s3://bucket/some/prefix/` → `{ bucket: 'bucket', prefix: 'some/prefix/' }`. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url);
  if (!match?.[1]) throw new ConfigurationError(`"${url}" is not an s3://bucket/prefix URL`);
  return { bucket: match[1], prefix: checkStoragePrefix(match[2] ?? '') };
}

export const isS3Url = (value: string) => /^s3:\/\//i.test(value);

/** How `s3://` URLs become a Storage; replaceable (tests, other clouds, a shared client). */
export type OpenStorageUrl = (url: string) => Promise<{ storage: Storage; prefix: string }>;

// Held in a variable so bundlers leave the import alone: core never depends on an adapter package.
const S3_PACKAGE = '@echolens/storage-s3';

/**
 * Opens `s3://bucket/prefix/` with `@echolens/storage-s3` (loaded on first use, like every adapter):
 * credentials, region and endpoint come from the standard AWS chain, so `AWS_ENDPOINT_URL_S3` points
 * it at any S3-compatible store.
 */
export const openS3Url: OpenStorageUrl = async (url) => {
  const { bucket, prefix } = parseS3Url(url);
  let s3: { createS3Storage(options: { bucket: string }): Storage };
  try {
    s3 = (await import(S3_PACKAGE)) as typeof s3;
  } catch (error) {
    throw new MissingDependencyError(
      S3_PACKAGE,
      `${url} needs ${S3_PACKAGE}: install it next to @echolens/core (npm i ${S3_PACKAGE})`,
      { cause: error },
    );
  }
  return { storage: s3.createS3Storage({ bucket }), prefix };
};
