import type { Pipeline, PipelineEvents, Storage } from '@echolens/core';
import {
  type CallJobData,
  type CallJobResult,
  type CallProgress,
  callResultKey,
  callTranscriptKey,
} from '../queue-contract.js';

export interface ProcessCallOptions {
  pipeline: Pipeline;
  storage: Storage;
  signal?: AbortSignal;
  onProgress?: (progress: CallProgress) => void;
}

/** Stages before the transcript is there count as transcribing; the rest as analyzing. */
const TRANSCRIBING_STAGES = new Set(['preprocess', 'transcribe']);

/**
 * One job, wherever it runs (this server's in-process queue or a BullMQ worker): the pipeline on the stored
 * recording up to `until`, the outcome written to the shared storage, and its key returned. Written last
 * and whole, so a job that dies half-way leaves nothing that looks finished; repeated, it finds its paid
 * work in the pipeline's cache.
 */
export async function processCallJob(data: CallJobData, options: ProcessCallOptions): Promise<CallJobResult> {
  const { pipeline, storage, signal } = options;
  const input = {
    source: { storageKey: data.storageKey },
    name: data.name,
    metadata: { ...data.metadata, callId: data.callId },
  };
  const report = (stage: string, fraction: number) =>
    options.onProgress?.({
      callId: data.callId,
      status: TRANSCRIBING_STAGES.has(stage) ? 'transcribing' : 'analyzing',
      stage,
      fraction,
    });
  const onStart: (event: Parameters<PipelineEvents['stage-start']>[0]) => void = (event) => {
    if (event.callId === data.callId) report(event.stage, 0);
  };
  const onProgress: (event: Parameters<PipelineEvents['stage-progress']>[0]) => void = (event) => {
    if (event.callId === data.callId) report(event.stage, event.fraction);
  };
  pipeline.on('stage-start', onStart);
  pipeline.on('stage-progress', onProgress);
  try {
    if (data.until === 'transcribe') {
      const transcription = await pipeline.transcribe(input, { signal });
      const resultKey = callTranscriptKey(data.callId);
      await storage.put(resultKey, JSON.stringify(transcription), {
        contentType: 'application/json',
        signal,
      });
      return { callId: data.callId, resultKey, status: 'transcribed' };
    }
    const result = await pipeline.run(input, { signal });
    const resultKey = callResultKey(data.callId);
    await storage.put(resultKey, JSON.stringify(result), { contentType: 'application/json', signal });
    return { callId: data.callId, resultKey, status: 'done' };
  } finally {
    pipeline.off('stage-start', onStart);
    pipeline.off('stage-progress', onProgress);
  }
}
