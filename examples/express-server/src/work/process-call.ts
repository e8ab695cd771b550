import type { Pipeline, PipelineEvents, PreparedAudio, Storage } from '@echolens/core';
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
  /** The recording already prepared by this pipeline (a worker that checked whether to split it); disposed by the run. */
  prepared?: PreparedAudio;
}

/** Stages before the transcript is there count as transcribing; the rest as analyzing. */
const TRANSCRIBING_STAGES = new Set(['preprocess', 'transcribe']);

/** What the pipeline is given for a job: the stored recording under the job's call id. */
export function callJobInput(data: CallJobData) {
  return {
    source: { storageKey: data.storageKey },
    name: data.name,
    metadata: { ...data.metadata, callId: data.callId },
  };
}

/**
 * One job, wherever it runs (this server's in-process queue or a BullMQ worker): the pipeline on the stored
 * recording up to `until`, the outcome written to the shared storage, and its key returned. Written last
 * and whole, so a job that dies half-way leaves nothing that looks finished; repeated, it finds its paid
 * work in the pipeline's cache.
 */
export async function processCallJob(data: CallJobData, options: ProcessCallOptions): Promise<CallJobResult> {
  const { pipeline, storage, signal } = options;
  const runOptions = {
    ...(signal ? { signal } : {}),
    ...(options.prepared ? { prepared: options.prepared } : {}),
  };
  const input = callJobInput(data);
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
      const transcription = await pipeline.transcribe(input, runOptions);
      const resultKey = callTranscriptKey(data.callId);
      await storage.put(resultKey, JSON.stringify(transcription), {
        contentType: 'application/json',
        signal,
      });
      return { callId: data.callId, resultKey, status: 'transcribed' };
    }
    const result = await pipeline.run(input, runOptions);
    const resultKey = callResultKey(data.callId);
    await storage.put(resultKey, JSON.stringify(result), { contentType: 'application/json', signal });
    return { callId: data.callId, resultKey, status: 'done' };
  } finally {
    pipeline.off('stage-start', onStart);
    pipeline.off('stage-progress', onProgress);
  }
}
