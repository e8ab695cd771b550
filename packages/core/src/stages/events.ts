import type { CallResult } from '../schema/call-result.js';

export type StageName = 'preprocess' | 'transcribe' | 'diarize' | 'analyze' | 'aggregate';

/** Events a pipeline emits, noun-verb named. Listen with `pipeline.on('stage-progress', …)`. */
export interface PipelineEvents {
  'call-start': (event: { callId: string; name: string }) => void;
  'stage-start': (event: { callId: string; name: string; stage: StageName }) => void;
  /** `fraction` is 0-1 within the stage; `detail` says what was just done (e.g. "window 3/12"). */
  'stage-progress': (event: {
    callId: string;
    name: string;
    stage: StageName;
    fraction: number;
    detail?: string;
  }) => void;
  'stage-end': (event: {
    callId: string;
    name: string;
    stage: StageName;
    durationMs: number;
    cached?: boolean;
  }) => void;
  'call-done': (event: { callId: string; name: string; result: CallResult }) => void;
  'call-failed': (event: { callId: string; name: string; error: Error }) => void;
}
