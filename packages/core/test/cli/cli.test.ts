import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallResultSchema } from '@echolens/core';
import { describe, expect, it } from 'vitest';
import { makeMixedBatchFolder } from '../helpers/bad-files.js';
import { echolens } from '../helpers/cli.js';
import { dataPath, repoRoot } from '../helpers/data.js';
import { silentWav } from '../helpers/silent-wav.js';

const TINY = ['--model', 'Xenova/whisper-tiny', '--language', 'en'];
const scratch = (prefix: string) => mkdtempSync(join(tmpdir(), `echolens-cli-${prefix}-`));

describe('echolens analyze', () => {
  it('writes <name>.json and <name>.txt per call and the reports, reports bad files, exits 1', async () => {
    const { folder, bad } = makeMixedBatchFolder([
      dataPath('asr', 'audio', 'librispeech-1089-134691-0000.wav'),
    ]);
    writeFileSync(join(folder, 'silent.wav'), silentWav(8));
    const out = scratch('out');
    const run = await echolens(['analyze', folder, '--out', out, ...TINY]);

    expect(run.code, run.stderr).toBe(1);
    expect(readdirSync(out).sort()).toEqual([
      'calls',
      'librispeech-1089-134691-0000.json',
      'librispeech-1089-134691-0000.txt',
      'report.csv',
      'report.html',
      'report.json',
      'silent.json',
    ]);
    // A silent recording is analysed, and said to be silent: not "talk spk_0 0%, speech covered 100%".
    expect(run.stderr).toMatch(/silent\.json +0\.1 min, no speech found/);
    const silent = CallResultSchema.parse(JSON.parse(readFileSync(join(out, 'silent.json'), 'utf8')));
    expect(silent.analysis.insights.summary.text).toBe(
      'Nothing was said: no speech in the recording ended in words.',
    );
    expect(silent.analysis.insights.abstentions.find((entry) => entry.field === 'customer')?.reason).toMatch(
      /^nothing was said/,
    );
    const call = CallResultSchema.parse(
      JSON.parse(readFileSync(join(out, 'librispeech-1089-134691-0000.json'), 'utf8')),
    );
    expect(call.conversation.turns.map((turn) => turn.text).join(' ')).toMatch(/wait no longer/i);
    // Word timings are left out unless asked for (--words, below): they are most of a call's size.
    expect(call.conversation.turns.some((turn) => turn.words)).toBe(false);
    expect(call.transcript?.segments.some((segment) => segment.words)).toBe(false);
    expect(readFileSync(join(out, 'librispeech-1089-134691-0000.txt'), 'utf8')).toMatch(
      /^spk_0: .*wait no longer/im,
    );
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.callCount).toBe(2);
    expect(report.failedCount).toBe(4);
    for (const file of Object.values(bad)) expect(run.stderr).toContain(file);
    expect(run.stderr).toMatch(/2 of 6 call\(s\) analysed/);
    // The call's line says how much of its detected speech ended in words.
    const coverage = call.analysis.provenance.speechCoverage;
    expect(coverage).toBeGreaterThan(0.9);
    expect(run.stderr).toContain(`speech covered ${Math.floor(coverage! * 100)}%`);
  });

  it('checks before any work: missing paths, empty folders and unwritable outputs exit 2 and create nothing', async () => {
    const base = scratch('preflight');
    const out = join(base, 'never-created');
    const missing = await echolens(['analyze', join(base, 'no-such-folder'), '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file or folder: .*no-such-folder/);

    const empty = join(base, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'not a recording');
    const nothing = await echolens(['analyze', empty, '--out', out]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(
      /no recordings found in .*empty \(looked for files ending in \.wav, .*\.mp3/,
    );
    expect(existsSync(out)).toBe(false);

    const readOnly = join(base, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o500);
    const writable = spawnSync('sh', ['-c', `touch ${join(readOnly, 'x')}`]).status === 0;
    if (!writable) {
      // (Root ignores permission bits, so the check runs only where they bind.)
      const denied = await echolens(['analyze', dataPath('asr', 'audio', 'jfk.wav'), '--out', readOnly]);
      expect(denied.code).toBe(2);
      expect(denied.stderr).toMatch(/cannot write results to .*read-only: permission denied/);
    }
    const notAFolder = join(base, 'a-file');
    writeFileSync(notAFolder, 'x');
    const file = await echolens(['analyze', dataPath('asr', 'audio', 'jfk.wav'), '--out', notAFolder]);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/cannot write results to .*a-file: it exists and is not a folder/);
  });

  it('never writes through a symlink: that call fails with the reason, the others and the report are written', async () => {
    const base = scratch('symlink');
    const inputs = join(base, 'in');
    mkdirSync(inputs);
    copyFileSync(dataPath('asr', 'audio', 'jfk.wav'), join(inputs, 'jfk.wav'));
    copyFileSync(dataPath('asr', 'audio', 'cards-001.wav'), join(inputs, 'cards-001.wav'));
    const out = join(base, 'out');
    mkdirSync(out);
    const victim = join(base, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(out, 'jfk.json'));
    writeFileSync(join(out, 'report.json'), '{"stale": true}');
    const run = await echolens(['analyze', inputs, '--out', out, '--words', ...TINY]);

    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/refusing to write .*jfk\.json: it is a symbolic link/);
    const cards = CallResultSchema.parse(JSON.parse(readFileSync(join(out, 'cards-001.json'), 'utf8')));
    expect(cards.callId).toBe('cards-001');
    // --words: each word once, on its turn, with its times.
    const words = cards.conversation.turns.flatMap((turn) => turn.words ?? []);
    expect(words.map((word) => word.text).join(' ')).toMatch(/clubs/i);
    expect(words.every((word) => word.endSec >= word.startSec)).toBe(true);
    // The earlier run's report was removed before work started; the new one is complete.
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ callCount: 1, failedCount: 1 });
    expect(readdirSync(out).filter((name) => name.endsWith('.tmp') || name.startsWith('.echolens'))).toEqual(
      [],
    );
  });

  it('stops on Ctrl-C keeping finished calls, with no report beside them, and exits 130', async () => {
    const base = scratch('interrupt');
    const inputs = join(base, 'in');
    mkdirSync(inputs);
    copyFileSync(dataPath('asr', 'audio', 'jfk.wav'), join(inputs, 'a-jfk.wav'));
    copyFileSync(
      dataPath('diarization', 'audio', 'aws-lca-auto-repairs-49.wav'),
      join(inputs, 'b-long-call.wav'),
    );
    const out = join(base, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'report.json'), '{"from": "an earlier run"}');
    let interrupted = false;
    const run = await echolens(['analyze', inputs, '--out', out, ...TINY], {
      onStderr: (text, child) => {
        if (!interrupted && text.includes('a-jfk.wav →')) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(run.code, run.stderr).toBe(130);
    expect(readdirSync(out).sort()).toEqual(['a-jfk.json', 'a-jfk.txt']);
    expect(run.stderr).toMatch(/interrupted/);
  });
});

describe('echolens transcribe and diarize', () => {
  it('transcribe: speaker-labelled txt, srt, vtt and json as <base name>.<format>', async () => {
    const out = scratch('formats');
    const input = dataPath('diarization', 'stereo', 'fw-stereo-diarization.wav');
    for (const format of ['json', 'txt', 'srt', 'vtt']) {
      const run = await echolens([
        'transcribe',
        input,
        '--format',
        format,
        '--out',
        out,
        '--channels',
        'agent,customer',
        ...TINY,
      ]);
      expect(run.code, run.stderr).toBe(0);
    }
    const json = JSON.parse(readFileSync(join(out, 'fw-stereo-diarization.json'), 'utf8'));
    expect(json.segments.map((segment: { speaker: string }) => segment.speaker)).toEqual(
      expect.arrayContaining(['agent', 'customer']),
    );
    expect(readFileSync(join(out, 'fw-stereo-diarization.txt'), 'utf8')).toMatch(/^agent: .+\ncustomer: /m);
    expect(readFileSync(join(out, 'fw-stereo-diarization.srt'), 'utf8')).toMatch(
      /^1\n00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}\n\[(agent|customer)\] /,
    );
    expect(readFileSync(join(out, 'fw-stereo-diarization.vtt'), 'utf8')).toMatch(
      /^WEBVTT\n\n00:00:\d\d\.\d{3} --> .*\n<v (agent|customer)>/,
    );
  });

  it('prints only the transcript on stdout, through the workspace bin too (pnpm exec echolens)', () => {
    const run = spawnSync(
      'pnpm',
      ['exec', 'echolens', 'transcribe', dataPath('asr', 'audio', 'jfk.wav'), '--format', 'srt', ...TINY],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^1\n00:00:\d\d,\d{3} --> /);
    expect(run.stdout).toMatch(/ask not what your country/i);
  });

  it('says on stderr when a recording holds no speech, instead of printing an empty transcript alone', async () => {
    const folder = scratch('silent');
    const silent = join(folder, 'silent.wav');
    writeFileSync(silent, silentWav(4));
    const jfk = dataPath('asr', 'audio', 'jfk.wav');
    const transcribed = await echolens(['transcribe', silent, jfk, ...TINY]);
    expect(transcribed.code, transcribed.stderr).toBe(0);
    expect(transcribed.stdout).toMatch(/ask not what your country/i);
    expect(transcribed.stderr).toContain(`warning: ${silent}: no speech found`);
    expect(transcribed.stderr).not.toContain(`${jfk}: no speech found`);
    // diarize does not transcribe: it goes by who spoke when, not by words.
    const diarized = await echolens(['diarize', silent, jfk]);
    expect(diarized.code, diarized.stderr).toBe(0);
    expect(diarized.stderr).toContain(`warning: ${silent}: no speech found`);
    expect(diarized.stderr).not.toContain(`${jfk}: no speech found`);
  });

  it('rejects an invalid role with a usage error', async () => {
    const run = await echolens(['transcribe', 'x.wav', '--channels', 'agent,boss']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/"boss" is not a role/);
  });
});
