import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AggregateReportSchema } from '@echolens/core';
import { createS3Storage } from '@echolens/storage-s3';
import { S3RVER_CREDENTIALS, startS3 } from '@echolens/storage-s3/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPath, TEST_WHISPER } from '../../express-server/test/helpers/fixtures.js';

const script = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'analyze-folder.js');

describe('examples/script: a folder analysed into a report', () => {
  const work = mkdtempSync(join(tmpdir(), 'echolens-script-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reports every good recording, lists the corrupt one with its reason, and says so in its exit code', () => {
    const folder = join(work, 'calls');
    mkdirSync(folder);
    copyFileSync(dataPath('asr', 'audio', 'jfk.wav'), join(folder, 'jfk.wav'));
    copyFileSync(dataPath('asr', 'audio', 'goforward.wav'), join(folder, 'goforward.wav'));
    // A WAV cut short: its header promises audio the file does not hold.
    writeFileSync(join(folder, 'broken.wav'), readFileSync(join(folder, 'jfk.wav')).subarray(0, 3000));
    // Not a recording: passed over, neither analysed nor failed.
    writeFileSync(join(folder, 'notes.txt'), 'call notes');
    const out = join(work, 'report');

    const run = spawnSync(process.execPath, [script, folder, out], {
      env: {
        ...process.env,
        ECHOLENS_WHISPER_MODEL: TEST_WHISPER,
        ECHOLENS_LANGUAGE: 'en',
        ECHOLENS_LLM: '',
      },
      encoding: 'utf8',
    });
    expect(run.stderr).toMatch(/^failed\t.*broken\.wav\t.*truncated/m);
    expect(run.stderr).toMatch(/^warning\t.*notes\.txt\tnot a recording/m);
    expect(run.stdout).toContain(`2 analysed, 1 failed: ${join(out, 'report.html')}`);
    expect(run.status).toBe(1);

    const report = AggregateReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(report.callCount).toBe(2);
    expect(report.failures.map((failure) => [failure.code, failure.name])).toEqual([
      ['audio_decode_failed', join(folder, 'broken.wav')],
    ]);
    const calls = [...report.calls].sort((a, b) => a.callId.localeCompare(b.callId));
    expect(calls.map((call) => call.callId)).toEqual(['goforward', 'jfk']);
    // jfk.wav holds 11.0 s of audio; the offline analyzer ran, as no language model was named.
    expect(calls[1]?.durationSec).toBeCloseTo(11, 1);
    expect(calls.every((call) => call.method === 'heuristic')).toBe(true);
    const csv = readFileSync(join(out, 'report.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(3);
    // The call's page carries its transcript ("ask not what your country can do for you").
    expect(readFileSync(join(out, 'calls', 'jfk.html'), 'utf8')).toMatch(/country/i);
  });

  it('reads the recordings of an S3 prefix (a real S3-compatible server)', async () => {
    const s3 = await startS3(['archive']);
    try {
      const bucket = createS3Storage({
        bucket: 'archive',
        endpoint: s3.endpoint,
        region: 'us-east-1',
        credentials: S3RVER_CREDENTIALS,
      });
      await bucket.put('2025/03/jfk.wav', readFileSync(dataPath('asr', 'audio', 'jfk.wav')));
      await bucket.put('2025/03/readme.txt', 'not a call');
      const out = join(work, 's3-report');
      const run = spawnSync(process.execPath, [script, 's3://archive/2025/', out], {
        env: { ...process.env, ...s3.env, ECHOLENS_WHISPER_MODEL: TEST_WHISPER, ECHOLENS_LANGUAGE: 'en' },
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('1 analysed, 0 failed');
      expect(run.stderr).toMatch(/^warning\t.*readme\.txt\tnot a recording/m);
      const report = AggregateReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
      expect(report.calls).toHaveLength(1);
      expect(report.calls[0]?.durationSec).toBeCloseTo(11, 0);
    } finally {
      await s3.stop();
    }
  });
});
