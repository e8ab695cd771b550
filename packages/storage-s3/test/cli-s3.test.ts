import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningS3, startS3 } from './s3-server.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const dataRoot = process.env.ECHOLENS_TEST_DATA ?? resolve(repoRoot, '..', 'shared', 'data');
const BUCKET = 'contact-center';

describe('echolens analyze s3://… --out s3://… (real SDK, s3rver)', () => {
  let s3: RunningS3;
  beforeAll(async () => {
    s3 = await startS3([BUCKET]);
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('reads the recordings under a prefix and writes one result per call and the report back to the bucket', async () => {
    const put = (key: string, body: Uint8Array | string) =>
      s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    await put('archive/2024/03/jfk.wav', readFileSync(join(dataRoot, 'asr', 'audio', 'jfk.wav')));
    await put('archive/2024/03/jfk.json', JSON.stringify({ agentId: 'agent-7', customerId: 'cust-42' }));
    await put('archive/2024/03/index.html', '<p>not audio</p>');
    await put('elsewhere/other.wav', readFileSync(join(dataRoot, 'asr', 'audio', 'jfk.wav')));

    // The CLI finds the store the standard AWS way: AWS_ENDPOINT_URL_S3 and the usual credentials.
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, 'packages/core/dist/cli/main.js'),
        'analyze',
        `s3://${BUCKET}/archive/`,
        '--out',
        `s3://${BUCKET}/results/`,
        '--language',
        'en',
      ],
      { env: { ...process.env, ...s3.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (part: Buffer) => {
      stderr += part.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`s3://${BUCKET}/archive/2024/03/index.html: not a recording`);

    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'results/' }));
    expect((listed.Contents ?? []).map((object) => object.Key).sort()).toEqual([
      'results/jfk.json',
      'results/report.json',
    ]);
    const read = async (key: string) =>
      JSON.parse(
        (await (
          await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
        ).Body?.transformToString()) ?? '',
      );
    const call = await read('results/jfk.json');
    expect(call.name).toBe(`s3://${BUCKET}/archive/2024/03/jfk.wav`);
    expect(call.analysis.metadata).toMatchObject({ agentId: 'agent-7', customerId: 'cust-42' });
    expect(call.transcript.segments.map((segment: { text: string }) => segment.text).join(' ')).toMatch(
      /ask not what your country/i,
    );
    expect((await read('results/report.json')).callCount).toBe(1);
  });
});
