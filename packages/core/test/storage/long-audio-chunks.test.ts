import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactLayout, createLocalStorage, type SpeechRegion } from '@echolens/core';
import { describe, expect, it } from 'vitest';
import { planChunks, transcribeLongAudio } from '../../src/transcribe/chunked.js';
import { preparedFromChannels, runDetectingModel, toneChannel } from '../transcribe/prepared-fixture.js';

const DURATION_SEC = 120;
const CHUNK_SEC = 20;

/** Turns of 2.5-4 s with pauses of 0.6-3 s, deterministic; a tone in each turn, exact silence between. */
function turns(): SpeechRegion[] {
  const regions: SpeechRegion[] = [];
  let position = 0.5;
  for (let turn = 0; position < DURATION_SEC - 5; turn++) {
    const length = 2.5 + ((turn * 7) % 4) * 0.5;
    const ms = (seconds: number) => Math.round(seconds * 1000) / 1000;
    regions.push({ startSec: ms(position), endSec: ms(position + length) });
    position = ms(position + length + 0.6 + ((turn * 5) % 5) * 0.6);
  }
  return regions;
}

const regions = turns();
const audio = () => preparedFromChannels([toneChannel(DURATION_SEC, regions)], [regions], 'long.wav');
const store = () => createLocalStorage({ root: mkdtempSync(join(tmpdir(), 'echolens-chunks-')) });

describe('long audio in checkpointed chunks', () => {
  it('cuts chunks of about the target length in silences, covering the recording end to end', () => {
    const chunks = planChunks({ durationSec: DURATION_SEC, speech: [regions] }, CHUNK_SEC);
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(chunks[0]?.start).toBe(0);
    expect(chunks.at(-1)?.end).toBe(DURATION_SEC * 16_000);
    for (const [index, chunk] of chunks.entries()) {
      if (index > 0) expect(chunk.start).toBe(chunks[index - 1]?.end);
      expect(chunk.start % 16).toBe(0); // whole milliseconds
      const cutSec = chunk.end / 16_000;
      if (index < chunks.length - 1) {
        expect(Math.abs(cutSec - (chunk.start / 16_000 + CHUNK_SEC))).toBeLessThanOrEqual(CHUNK_SEC / 4);
        expect(regions.some((region) => region.startSec < cutSec && cutSec < region.endSec)).toBe(false);
      }
    }
  });

  it('merges chunk transcripts in order with the exact times of the recording', async () => {
    const { model } = runDetectingModel();
    const { transcript, report } = await transcribeLongAudio(audio(), {
      model,
      callId: 'call-1',
      fingerprint: 'f',
      language: 'en',
      longAudio: { storage: store(), chunkSec: CHUNK_SEC },
    });
    expect(report.chunksResumed).toBe(0);
    // The run-detecting model gives one segment per tone: every turn comes back at its exact time.
    expect(transcript.segments.map((segment) => [segment.startSec, segment.endSec])).toEqual(
      regions.map((region) => [region.startSec, region.endSec]),
    );
    expect(transcript.segments.map((segment) => segment.id)).toEqual(
      regions.map((_, index) => `seg-${String(index + 1).padStart(4, '0')}`),
    );
    expect(transcript.durationSec).toBe(DURATION_SEC);
  });

  it('after a failure, resumes from the completed chunks and transcribes each remaining chunk once', async () => {
    const storage = store();
    const longAudio = { storage, chunkSec: CHUNK_SEC };
    const clean = await transcribeLongAudio(audio(), {
      model: runDetectingModel().model,
      callId: 'reference',
      fingerprint: 'f',
      language: 'en',
      longAudio,
    });

    // First run: the model dies during the third chunk.
    const started: number[] = [];
    const dying = runDetectingModel();
    let chunkInProgress = -1;
    const failing = {
      ...dying.model,
      async transcribe(...args: Parameters<typeof dying.model.transcribe>) {
        if (chunkInProgress === 2) throw new Error('worker lost');
        return dying.model.transcribe(...args);
      },
    };
    await expect(
      transcribeLongAudio(audio(), {
        model: failing,
        callId: 'call-2',
        fingerprint: 'f',
        language: 'en',
        longAudio: {
          ...longAudio,
          onChunk: (event) => {
            if (event.status === 'processing') {
              chunkInProgress = event.index;
              started.push(event.index);
            }
          },
        },
      }),
    ).rejects.toThrow(/worker lost/);
    expect(started).toEqual([0, 1, 2]);
    const states = await Promise.all(
      [0, 1, 2, 3].map(async (index) =>
        JSON.parse(new TextDecoder().decode(await storage.get(artifactLayout.chunk('call-2', index)))),
      ),
    );
    expect(states.map((state) => state.status)).toEqual(['completed', 'completed', 'processing', 'pending']);

    // Second run: chunks 0 and 1 come from their checkpoints; the model hears only the others.
    const events: string[] = [];
    const second = runDetectingModel();
    const resumed = await transcribeLongAudio(audio(), {
      model: second.model,
      callId: 'call-2',
      fingerprint: 'f',
      language: 'en',
      longAudio: { ...longAudio, onChunk: (event) => events.push(`${event.index}:${event.status}`) },
    });
    expect(resumed.report).toEqual({ chunks: clean.report.chunks, chunksResumed: 2 });
    expect(events.slice(0, 3)).toEqual(['0:resumed', '1:resumed', '2:processing']);
    expect(events.filter((event) => event.endsWith(':completed'))).toHaveLength(clean.report.chunks - 2);
    const chunks = planChunks({ durationSec: DURATION_SEC, speech: [regions] }, CHUNK_SEC);
    const firstTwoEndSec = (chunks[1]?.end ?? 0) / 16_000;
    const heard = second.calls.reduce((sum, call) => sum + call.samples.length, 0) / 16_000;
    expect(heard).toBeLessThan(DURATION_SEC - firstTwoEndSec + 1);
    // The stand-in model numbers its calls in its text; apart from that the transcripts are identical.
    const withoutCallNumbers = (transcript: typeof clean.transcript) =>
      JSON.parse(JSON.stringify(transcript).replace(/ of call \d+/g, ''));
    expect(withoutCallNumbers(resumed.transcript)).toEqual(withoutCallNumbers(clean.transcript));

    // A checkpoint of other audio or settings under the same call id is never taken.
    const other = await transcribeLongAudio(audio(), {
      model: runDetectingModel().model,
      callId: 'call-2',
      fingerprint: 'other settings',
      language: 'en',
      longAudio,
    });
    expect(other.report.chunksResumed).toBe(0);
  });
});
