import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeMixedBatchFolder } from '../helpers/bad-files.js';
import { dataPath, repoRoot } from '../helpers/data.js';

/** Runs the built CLI the way a user does (`pnpm echolens …` runs this same file). */
function echolens(...args: string[]) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'packages/core/dist/cli/main.js'), ...args], {
    encoding: 'utf8',
    env: process.env,
    timeout: 170_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Tests that are not about the default model pin the fast one, so the suite stays quick. */
const TINY = ['--model', 'whisper-tiny'];

describe('echolens CLI', () => {
  it('analyze: writes <name>.json per call and report.json, reports bad files, exits 1', () => {
    const { folder, bad } = makeMixedBatchFolder([
      dataPath('asr', 'audio', 'librispeech-1089-134691-0000.wav'),
    ]);
    const out = mkdtempSync(join(tmpdir(), 'echolens-cli-out-'));
    const run = echolens('analyze', folder, '--out', out, '--language', 'en', ...TINY);

    expect(run.code).toBe(1);
    expect(readdirSync(out).sort()).toEqual(['librispeech-1089-134691-0000.json', 'report.json']);
    const call = JSON.parse(readFileSync(join(out, 'librispeech-1089-134691-0000.json'), 'utf8'));
    expect(call.transcript.segments.map((segment: { text: string }) => segment.text).join(' ')).toMatch(
      /wait no longer/i,
    );
    expect(call.analysis.metrics.durationSec).toBeGreaterThan(1.5);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.callCount).toBe(1);
    expect(report.failedCount).toBe(4);
    for (const file of Object.values(bad)) expect(run.stderr).toContain(file);
  });

  it('transcribe: writes each format as <base name>.<format>', () => {
    const out = mkdtempSync(join(tmpdir(), 'echolens-cli-formats-'));
    const input = dataPath('asr', 'audio', 'jfk.wav');
    for (const format of ['json', 'txt', 'srt', 'vtt']) {
      const run = echolens(
        'transcribe',
        input,
        '--format',
        format,
        '--out',
        out,
        '--language',
        'en',
        ...TINY,
      );
      expect(run.code, run.stderr).toBe(0);
    }
    const json = JSON.parse(readFileSync(join(out, 'jfk.json'), 'utf8'));
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['language', 'durationSec', 'segments']));
    expect(json.segments[0]).toEqual(
      expect.objectContaining({ startSec: expect.any(Number), endSec: expect.any(Number) }),
    );
    expect(readFileSync(join(out, 'jfk.txt'), 'utf8')).toMatch(/ask not what your country/i);
    expect(readFileSync(join(out, 'jfk.srt'), 'utf8')).toMatch(/^1\n00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}\n/);
    expect(readFileSync(join(out, 'jfk.vtt'), 'utf8')).toMatch(/^WEBVTT\n\n00:00:\d\d\.\d{3} --> /);
  });

  it('transcribe --channels labels the stereo call by role', () => {
    const run = echolens(
      'transcribe',
      dataPath('diarization', 'stereo', 'fw-stereo-diarization.wav'),
      '--channels',
      'agent,customer',
      '--format',
      'txt',
      ...TINY,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^agent: /m);
    expect(run.stdout).toMatch(/^customer: /m);
  });

  it('rejects an invalid role with a usage error', () => {
    const run = echolens('transcribe', 'x.wav', '--channels', 'agent,boss');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/"boss" is not a role/);
  });
});
