import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  artifactLayout,
  type ChunkEvent,
  createLocalStorage,
  createPipeline,
  deleteChunkInputs,
  type SpeechToTextModel,
} from '@echolens/core';
import { createWhisper } from '@echolens/stt-whisper';
import { describe, expect, it } from 'vitest';
// The call-like recording builder of the STT benchmark: dev utterances with the pauses of a call.
import { buildCall } from '../../../../bench/stt/build-call.mjs';
import { dataRoot } from '../helpers/data.js';

const CHUNK_SEC = 30;
const CALL_ID = 'long-call';

/** whisper-tiny, every request counted. */
function countingWhisper() {
  const whisper = createWhisper({ model: 'Xenova/whisper-tiny' });
  const counter = { calls: 0 };
  const model: SpeechToTextModel = {
    specificationVersion: whisper.specificationVersion,
    provider: whisper.provider,
    modelId: whisper.modelId,
    maxWindowSec: whisper.maxWindowSec,
    ...(whisper.cacheKey ? { cacheKey: whisper.cacheKey } : {}),
    transcribe(audio, options) {
      counter.calls++;
      return whisper.transcribe(audio, options);
    },
  };
  return { model, counter };
}

describe('long audio across workers: exported chunks', () => {
  it('chunks exported, transcribed one by one in a shuffled order by separate pipelines, then merged: the transcript of one uninterrupted run, every chunk resumed, none transcribed twice', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'echolens-fleet-chunks-'));
    const audio = join(folder, 'long-call.wav');
    buildCall({ minutes: 2, seed: 11, out: audio, dataRoot });
    const input = { source: audio, metadata: { callId: CALL_ID } };
    const { model, counter } = countingWhisper();
    // No language forced: the first chunk with speech decides it, the rule a split must keep too.
    const pipelineOn = (root: string, onChunk?: (event: ChunkEvent) => void) =>
      createPipeline({
        speechToText: model,
        cache: false,
        longAudio: {
          storage: createLocalStorage({ root }),
          chunkSec: CHUNK_SEC,
          resume: true,
          ...(onChunk ? { onChunk } : {}),
        },
      });

    // One uninterrupted run, in a storage of its own.
    const reference = await pipelineOn(join(folder, 'single')).transcribe(input);
    const referenceCalls = counter.calls;
    expect(referenceCalls).toBeGreaterThan(0);

    // The split: the recording prepared once, its chunks exported; chunk 0 (speech) decides the language here.
    counter.calls = 0;
    const shared = join(folder, 'shared');
    const { split, prepared } = await pipelineOn(shared).splitLongAudio(input, { keepPrepared: true });
    expect(prepared).toBeUndefined();
    expect(split).toBeDefined();
    const chunks = split?.chunks ?? [];
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(chunks[0]).toMatchObject({ index: 0, status: 'completed', language: 'en' });
    const pending = chunks.filter((chunk) => chunk.status === 'pending').map((chunk) => chunk.index);
    expect(pending).toEqual(chunks.slice(1).map((chunk) => chunk.index));

    // Each pending chunk by a pipeline of its own (a worker), last first, then the others.
    const order = [...pending.slice(-1), ...pending.slice(0, -1).reverse()];
    expect(order).not.toEqual(pending);
    for (const index of order) {
      const result = await pipelineOn(shared).transcribeChunk(CALL_ID, index);
      expect(result).toMatchObject({ index, count: chunks.length, status: 'completed' });
    }
    const fleetCalls = counter.calls;
    // A chunk job delivered twice costs nothing the second time.
    expect((await pipelineOn(shared).transcribeChunk(CALL_ID, pending[0] as number)).status).toBe('resumed');
    expect(counter.calls).toBe(fleetCalls);

    // The ordinary run merges: every chunk resumed, no model call.
    const events: ChunkEvent[] = [];
    const merged = await pipelineOn(shared, (event) => events.push(event)).transcribe(input);
    expect(counter.calls).toBe(fleetCalls);
    expect(events.map((event) => event.status)).toEqual(chunks.map(() => 'resumed'));
    // The same requests as the single run (each chunk transcribed once), and the same transcript.
    expect(fleetCalls).toBe(referenceCalls);
    expect(merged.transcript).toEqual(reference.transcript);
    expect(merged.conversation).toEqual(reference.conversation);

    // The exported samples are removed once merged; the checkpoints stay.
    const storage = createLocalStorage({ root: shared });
    expect(await storage.exists(artifactLayout.chunkInput(CALL_ID, 1, 'wav'))).toBe(true);
    await deleteChunkInputs(storage, CALL_ID);
    expect(await storage.exists(artifactLayout.chunkInput(CALL_ID, 1, 'wav'))).toBe(false);
    expect(await storage.exists(artifactLayout.chunk(CALL_ID, 1))).toBe(true);
  });

  it('without a forced language, a chunk is not transcribed before the chunk that decides its language', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'echolens-fleet-order-'));
    const audio = join(folder, 'long-call.wav');
    buildCall({ minutes: 2, seed: 11, out: audio, dataRoot });
    const { model, counter } = countingWhisper();
    const storage = createLocalStorage({ root: join(folder, 'store') });
    const pipeline = createPipeline({
      speechToText: model,
      cache: false,
      longAudio: { storage, chunkSec: CHUNK_SEC, resume: true },
    });
    const { split } = await pipeline.splitLongAudio({ source: audio, metadata: { callId: CALL_ID } });
    // Pretend chunk 0 was lost: its checkpoint back to pending.
    const key = artifactLayout.chunk(CALL_ID, 0);
    const checkpoint = JSON.parse(new TextDecoder().decode(await storage.get(key)));
    await storage.put(key, JSON.stringify({ ...checkpoint, status: 'pending', transcript: undefined }));
    const calls = counter.calls;
    await expect(pipeline.transcribeChunk(CALL_ID, (split?.chunks.length ?? 2) - 1)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/waits for chunk 0/),
    });
    expect(counter.calls).toBe(calls);
  });
});
