import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { artifactLayout, ChunkCheckpointSchema, createLocalStorage } from '@echolens/core';
import { describe, expect, it } from 'vitest';
// The call-like recording builder of the STT benchmark: dev utterances with the pauses of a call.
import { buildCall } from '../../../../bench/stt/build-call.mjs';
import { dataRoot } from '../helpers/data.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'long-audio-child.mjs');
const CHUNK_SEC = 30;

interface ChildJob {
  audio: string;
  storageRoot: string;
  log: string;
  callId: string;
  chunkSec: number;
  analyze?: boolean;
}

/** Runs the child; `killAfter(log)` true sends SIGKILL at once. Resolves with stdout and how it ended. */
async function runChild(job: ChildJob, killAfter?: (log: string) => boolean) {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (part: Buffer) => {
    stdout += part.toString();
  });
  const watcher = killAfter
    ? setInterval(() => {
        if (existsSync(job.log) && killAfter(readFileSync(job.log, 'utf8'))) child.kill('SIGKILL');
      }, 100)
    : undefined;
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearInterval(watcher);
  return { code, signal, stdout };
}

const lines = (log: string, word: string) =>
  readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(`${word} `))
    .map((line) => Number(line.split(' ')[1]));

describe('long audio: crash and resume', () => {
  it('a run killed with SIGKILL mid-recording resumes from its checkpoints; every chunk is transcribed once; the transcript equals an uninterrupted run', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'echolens-crash-'));
    const audio = join(folder, 'long-call.wav');
    buildCall({ minutes: 2, seed: 11, out: audio, dataRoot });
    const job = (name: string, extra: Partial<ChildJob> = {}): ChildJob => ({
      audio,
      storageRoot: join(folder, `${name}-store`),
      log: join(folder, `${name}.log`),
      callId: 'long-call',
      chunkSec: CHUNK_SEC,
      ...extra,
    });

    // Run 1: killed the moment the second chunk is saved (the third is then under way).
    const crashed = await runChild(job('crash'), (log) => log.includes('completed 1\n'));
    expect(crashed.signal).toBe('SIGKILL');
    const log1 = job('crash').log;
    const completedBefore = lines(log1, 'completed');
    expect(completedBefore.length).toBeGreaterThanOrEqual(2);

    // Run 2 on the same storage, with the full analysis: it finishes and says what it resumed.
    const log2 = join(folder, 'rerun.log');
    const rerun = await runChild(job('crash', { log: log2, analyze: true }));
    expect(rerun.code).toBe(0);
    const resumed = JSON.parse(rerun.stdout) as {
      transcript: unknown;
      provenance: { transcription?: { chunks: number; chunksResumed: number } };
    };
    const chunks = resumed.provenance.transcription?.chunks ?? 0;
    expect(chunks).toBeGreaterThanOrEqual(4);
    expect(resumed.provenance.transcription?.chunksResumed).toBe(completedBefore.length);
    expect(lines(log2, 'resumed')).toEqual(completedBefore);

    // Each chunk was completed exactly once over both runs; only the chunk cut short was started twice.
    const completed = [...completedBefore, ...lines(log2, 'completed')].sort((a, b) => a - b);
    expect(completed).toEqual(Array.from({ length: chunks }, (_, index) => index));
    const startedTwice = [...lines(log1, 'processing'), ...lines(log2, 'processing')].filter(
      (index, position, all) => all.indexOf(index) !== position,
    );
    expect(startedTwice.length).toBeLessThanOrEqual(1);
    // The model never heard a resumed chunk again.
    expect(lines(log2, 'call').filter((index) => completedBefore.includes(index))).toEqual([]);

    // Every checkpoint is completed, with its transcript, under the call's artifact layout.
    const storage = createLocalStorage({ root: job('crash').storageRoot });
    for (let index = 0; index < chunks; index++) {
      const checkpoint = ChunkCheckpointSchema.parse(
        JSON.parse(new TextDecoder().decode(await storage.get(artifactLayout.chunk('long-call', index)))),
      );
      expect(checkpoint.status).toBe('completed');
    }

    // An uninterrupted run in a fresh storage gives the same transcript.
    const clean = await runChild(job('clean'));
    expect(clean.code).toBe(0);
    const uninterrupted = JSON.parse(clean.stdout) as { transcript: unknown };
    expect(lines(job('clean').log, 'completed')).toHaveLength(chunks);
    expect(resumed.transcript).toEqual(uninterrupted.transcript);
  });
});
