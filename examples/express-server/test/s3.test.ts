import { readFileSync } from 'node:fs';
import { createS3Storage } from '@echolens/storage-s3';
// The storage package's own throw-away S3-compatible server (s3rver, in a child process).
import { type RunningS3, S3RVER_CREDENTIALS, startS3 } from '@echolens/storage-s3/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import { CALL, TEST_KEY, testConfig } from './helpers/fixtures.js';

const auth = { Authorization: `Bearer ${TEST_KEY}` };
const BUCKET = 'echolens-calls';

describe('the server on S3 storage (ECHOLENS_STORAGE=s3://…, a real S3-compatible server)', () => {
  let s3: RunningS3;
  let running: RunningServer;
  let api: ReturnType<typeof request.agent>;
  const saved = { ...process.env };

  beforeAll(async () => {
    s3 = await startS3([BUCKET]);
    // Endpoint and keys reach the server the way they would in production: the AWS SDK's environment.
    Object.assign(process.env, s3.env);
    running = await startServer(testConfig({ ECHOLENS_STORAGE: `s3://${BUCKET}/tenant-a` }), {
      print: () => {},
    });
    api = request.agent(running.server);
  });
  afterAll(async () => {
    await running?.close();
    await s3?.stop();
    process.env = saved;
  });

  async function waitForStatus(id: string, status: string) {
    for (;;) {
      const { body } = await api.get(`/api/calls/${id}`).set(auth).expect(200);
      if (body.status === status) return body;
      if (body.status === 'failed') throw new Error(`call ${id} failed: ${JSON.stringify(body.error)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The whole bucket, seen from outside the server's folder. */
  const bucket = () =>
    createS3Storage({
      bucket: BUCKET,
      endpoint: s3.endpoint,
      region: 'us-east-1',
      credentials: S3RVER_CREDENTIALS,
    });

  async function keysInBucket(): Promise<string[]> {
    const keys: string[] = [];
    for await (const object of bucket().list('')) keys.push(object.key);
    return keys;
  }

  it('takes a presigned upload straight to the bucket, transcribes it and keeps the results there', async () => {
    const ticket = await api.post('/api/uploads').set(auth).send({ fileName: 'direct.wav' }).expect(201);
    // A presigned S3 URL: the bytes go to the store, not through the server.
    expect(ticket.body.url.startsWith(s3.endpoint)).toBe(true);
    expect(ticket.body.url).toContain('X-Amz-Signature');
    const put = await fetch(ticket.body.url, {
      method: 'PUT',
      headers: ticket.body.headers,
      body: readFileSync(CALL()),
    });
    expect(put.status).toBe(200);
    expect(await keysInBucket()).toContain(`tenant-a/${ticket.body.storageKey}`);

    const created = await api
      .post('/api/calls')
      .set(auth)
      .send({ storageKey: ticket.body.storageKey, until: 'transcribe' })
      .expect(202);
    const id = created.body.calls[0].id as string;
    const call = await waitForStatus(id, 'transcribed');
    expect(call.transcript.segments.map((s: { text: string }) => s.text).join(' ').length).toBeGreaterThan(
      20,
    );

    // The transcript was written to the bucket, under the configured folder, and reads back the same.
    const keys = await keysInBucket();
    const transcriptKey = `tenant-a/calls/${id}/transcript.json`;
    expect(keys).toContain(transcriptKey);
    const body = JSON.parse(new TextDecoder().decode(await bucket().get(transcriptKey)));
    expect(body.transcript.segments.length).toBe(call.transcript.segments.length);
  });

  it('stores multipart uploads in the bucket and hands the recording out by a presigned download', async () => {
    const created = await api
      .post('/api/calls')
      .set(auth)
      .field('until', 'none')
      .attach('file', CALL())
      .expect(202);
    const id = created.body.calls[0].id as string;
    expect((await keysInBucket()).some((key) => key.startsWith(`tenant-a/calls/${id}/audio/`))).toBe(true);
    const redirect = await api.get(`/api/calls/${id}/audio`).set(auth).redirects(0).expect(302);
    const location = String(redirect.headers.location);
    expect(location.startsWith(s3.endpoint)).toBe(true);
    const download = await fetch(location);
    expect(download.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await download.arrayBuffer()), readFileSync(CALL()))).toBe(0);
    // Without a key, no redirect: the recording is not handed to whoever asks.
    await request(running.server).get(`/api/calls/${id}/audio`).redirects(0).expect(401);
  });
});
