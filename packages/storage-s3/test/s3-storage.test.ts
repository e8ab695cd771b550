import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { StorageError } from '@echolens/provider';
import { createS3Storage, resolveS3Endpoint } from '@echolens/storage-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningS3, S3RVER_CREDENTIALS, startS3 } from '../src/testing.js';

const BUCKET = 'echolens-test';

const collect = async <T>(items: AsyncIterable<T>) => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

describe('S3Storage against a real S3-compatible server (s3rver)', () => {
  let s3: RunningS3;
  beforeAll(async () => {
    s3 = await startS3([BUCKET]);
  });
  afterAll(async () => {
    await s3?.stop();
  });

  const storage = (options: { prefix?: string; pageSize?: number } = {}) =>
    createS3Storage({
      bucket: BUCKET,
      endpoint: s3.endpoint,
      region: 'us-east-1',
      credentials: S3RVER_CREDENTIALS,
      ...options,
    });

  it('puts, gets, streams, checks and deletes under a folder of the bucket', async () => {
    const store = storage({ prefix: 'tenant-a' });
    await store.put('calls/c1/transcript.json', '{"segments":[]}', { contentType: 'application/json' });
    await store.put('calls/c1/audio/c1.wav', new Uint8Array([1, 2, 3]));

    expect(new TextDecoder().decode(await store.get('calls/c1/transcript.json'))).toBe('{"segments":[]}');
    const streamed: Buffer[] = [];
    for await (const part of await store.getStream('calls/c1/audio/c1.wav')) streamed.push(part as Buffer);
    expect([...Buffer.concat(streamed)]).toEqual([1, 2, 3]);
    // The folder is real: the object sits under tenant-a/ in the bucket.
    const head = await s3.client.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'tenant-a/calls/c1/transcript.json' }),
    );
    expect(head.ContentType).toBe('application/json');

    expect(await store.exists('calls/c1/audio/c1.wav')).toBe(true);
    await store.delete('calls/c1/audio/c1.wav');
    expect(await store.exists('calls/c1/audio/c1.wav')).toBe(false);
    await store.delete('calls/c1/audio/c1.wav'); // deleting a missing object is fine
    await expect(store.get('calls/c1/audio/c1.wav')).rejects.toThrow(/no such object/);
  });

  it('lists a prefix in lexical order across pages', async () => {
    const store = storage({ prefix: 'paged', pageSize: 2 });
    const keys = ['r/05.json', 'r/01.json', 'r/03.json', 'r/02.json', 'r/04.json', 'other/x.json'];
    for (const key of keys) await store.put(key, key);
    const listed = await collect(store.list('r/'));
    expect(listed.map((object) => object.key)).toEqual([
      'r/01.json',
      'r/02.json',
      'r/03.json',
      'r/04.json',
      'r/05.json',
    ]);
    expect(listed.every((object) => object.size === 9 && object.lastModified instanceof Date)).toBe(true);
  });

  it('uploads a stream larger than one part as a multipart upload', async () => {
    const store = createS3Storage({
      bucket: BUCKET,
      endpoint: s3.endpoint,
      credentials: S3RVER_CREDENTIALS,
      partSizeBytes: 5 * 1024 * 1024,
    });
    const body = randomBytes(11 * 1024 * 1024);
    const pieces = Array.from({ length: 11 }, (_, index) =>
      body.subarray(index * 1024 * 1024, (index + 1) * 1024 * 1024),
    );
    await store.put('big/recording.raw', Readable.from(pieces));
    const stored = await store.get('big/recording.raw');
    expect(stored.length).toBe(body.length);
    expect(Buffer.from(stored).equals(body)).toBe(true);
  });

  it('refuses keys that climb out, are absolute or hide a folder, before any request', async () => {
    const store = storage();
    for (const key of ['../escape.wav', '/etc/passwd', 'a//b.wav', 'a/./b.wav', 'a\\b.wav', 'calls/'])
      await expect(store.put(key, 'x')).rejects.toSatisfy(StorageError.isInstance);
    await expect(collect(store.list('../'))).rejects.toThrow(/invalid storage key/);
  });

  it('finds the endpoint in AWS_ENDPOINT_URL_S3 and addresses the bucket by path', async () => {
    expect(
      resolveS3Endpoint(undefined, { AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_S3: 'http://b' }),
    ).toBe('http://b');
    expect(resolveS3Endpoint(undefined, { AWS_ENDPOINT_URL: 'http://a' })).toBe('http://a');
    expect(
      resolveS3Endpoint(undefined, {
        AWS_ENDPOINT_URL: 'http://a',
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      }),
    ).toBeUndefined();
    const saved = { ...process.env };
    Object.assign(process.env, s3.env);
    try {
      const store = createS3Storage({ bucket: BUCKET }); // everything from the environment
      await store.put('from-env.txt', 'hello');
      expect(await store.exists('from-env.txt')).toBe(true);
      store.destroy();
    } finally {
      process.env = saved;
    }
  });

  describe('presigned URLs', () => {
    it('a presigned PUT URL takes a plain HTTP upload; a presigned GET URL gives it back', async () => {
      const store = storage();
      const url = await store.createUploadUrl('uploads/put.wav', {
        contentType: 'audio/wav',
        expiresInSec: 60,
      });
      const put = await fetch(url, {
        method: 'PUT',
        body: 'RIFF....',
        headers: { 'content-type': 'audio/wav' },
      });
      expect(put.status).toBe(200);
      expect(await store.exists('uploads/put.wav')).toBe(true);

      const download = await store.createDownloadUrl('uploads/put.wav', { expiresInSec: 60 });
      const got = await fetch(download);
      expect(got.status).toBe(200);
      expect(await got.text()).toBe('RIFF....');
    });

    it('expired PUT and GET URLs are refused by the server', async () => {
      const store = storage();
      await store.put('uploads/existing.wav', 'x');
      const upload = await store.createUploadUrl('uploads/late.wav', { expiresInSec: 1 });
      const download = await store.createDownloadUrl('uploads/existing.wav', { expiresInSec: 1 });
      await sleep(2100);
      const put = await fetch(upload, { method: 'PUT', body: 'late' });
      expect(put.status).toBe(403);
      expect(await put.text()).toMatch(/expired/i);
      expect(await store.exists('uploads/late.wav')).toBe(false);
      expect((await fetch(download)).status).toBe(403);
    });

    it('a presigned POST form uploads with plain HTTP and signs expiry, size range and content type', async () => {
      const store = storage({ prefix: 'tenant-b' });
      const post = await store.createUploadPost('uploads/form.wav', {
        maxBytes: 1024,
        contentType: 'audio/wav',
        expiresInSec: 120,
      });
      expect(post.fields.key).toBe('tenant-b/uploads/form.wav');
      expect(post.fields['Content-Type']).toBe('audio/wav');
      const policy = JSON.parse(Buffer.from(post.fields.Policy as string, 'base64').toString('utf8'));
      expect(policy.conditions).toEqual(
        expect.arrayContaining([
          ['content-length-range', 1, 1024],
          ['eq', '$Content-Type', 'audio/wav'],
          { key: 'tenant-b/uploads/form.wav' },
          { bucket: BUCKET },
        ]),
      );
      const expiration = Date.parse(policy.expiration);
      expect(Math.abs(expiration - Date.parse(post.expiresAt))).toBeLessThan(2000);

      const form = new FormData();
      for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
      form.append('file', new Blob([new Uint8Array(512)], { type: 'audio/wav' }), 'form.wav');
      const response = await fetch(post.url, { method: 'POST', body: form });
      expect(response.status).toBe(204);
      const stored = await s3.client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: 'tenant-b/uploads/form.wav' }),
      );
      expect((await stored.Body?.transformToByteArray())?.length).toBe(512);

      // A family of types is signed as a prefix the client's own type must start with.
      const family = await store.createUploadPost('uploads/any.mp3', { maxBytes: 10, contentType: 'audio/' });
      const familyPolicy = JSON.parse(Buffer.from(family.fields.Policy as string, 'base64').toString('utf8'));
      expect(familyPolicy.conditions).toEqual(
        expect.arrayContaining([['starts-with', '$Content-Type', 'audio/']]),
      );
      await expect(store.createUploadPost('uploads/x.wav', { maxBytes: 0 })).rejects.toThrow(/maxBytes/);
    });
  });
});
