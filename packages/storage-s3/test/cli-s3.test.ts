import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { openOutputTarget } from '@echolens/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningS3, startS3 } from '../src/testing.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const dataRoot = process.env.ECHOLENS_TEST_DATA ?? resolve(repoRoot, '..', 'shared', 'data');
const BUCKET = 'contact-center';

describe('echolens analyze s3://… and output targets on S3 (real SDK, s3rver)', () => {
  let s3: RunningS3;
  beforeAll(async () => {
    s3 = await startS3([BUCKET]);
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('reads the recordings under a prefix, with their sidecar metadata, and skips what is not audio', async () => {
    const put = (key: string, body: Uint8Array | string) =>
      s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    await put('archive/2024/03/jfk.wav', readFileSync(join(dataRoot, 'asr', 'audio', 'jfk.wav')));
    await put('archive/2024/03/jfk.json', JSON.stringify({ agentId: 'agent-7', customerId: 'cust-42' }));
    await put('archive/2024/03/index.html', '<p>not audio</p>');
    await put('elsewhere/other.wav', readFileSync(join(dataRoot, 'asr', 'audio', 'jfk.wav')));

    // The CLI finds the store the standard AWS way: AWS_ENDPOINT_URL_S3 and the usual credentials.
    const out = mkdtempSync(join(tmpdir(), 'echolens-s3-out-'));
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, 'packages/core/dist/cli/main.js'),
        'analyze',
        `s3://${BUCKET}/archive/`,
        '--out',
        out,
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

    expect(readdirSync(out)).toContain('jfk.json');
    const call = JSON.parse(readFileSync(join(out, 'jfk.json'), 'utf8'));
    expect(call.name).toBe(`s3://${BUCKET}/archive/2024/03/jfk.wav`);
    expect(call.analysis.metadata).toMatchObject({ agentId: 'agent-7', customerId: 'cust-42' });
    expect(JSON.stringify(call.transcript)).toMatch(/ask not what your country/i);
  });

  it('openOutputTarget("s3://bucket/results/") writes each output as one object under the prefix', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, s3.env);
    try {
      const target = await openOutputTarget(`s3://${BUCKET}/results/`);
      await target.write('call-17.json', '{"callId":"call-17"}');
      await target.write('reports/weekly/report.csv', 'a,b\n1,2\n');
      expect(target.describe('call-17.json')).toBe(`s3://${BUCKET}/results/call-17.json`);
    } finally {
      process.env = saved;
    }
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'results/' }));
    expect((listed.Contents ?? []).map((object) => object.Key).sort()).toEqual([
      'results/call-17.json',
      'results/reports/weekly/report.csv',
    ]);
    const csv = await s3.client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'results/reports/weekly/report.csv' }),
    );
    expect(csv.ContentType).toMatch(/^text\/csv/);
    expect(await csv.Body?.transformToString()).toBe('a,b\n1,2\n');
  });
});
