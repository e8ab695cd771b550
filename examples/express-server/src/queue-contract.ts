/**
 * What the server and the worker fleet (examples/worker) agree on when work goes through BullMQ on Redis.
 * The worker imports this module; keep it free of server code so it stays the whole contract.
 *
 * Flow: the server stores the recording at `callAudioKey(...)` in the shared storage and adds a job
 * `{ callId, storageKey, name, metadata, until }` to the queue `echolens-calls` with the id `jobIdFor(...)`.
 * A worker runs the pipeline up to `until`, writes the outcome to `resultKeyFor(callId, until)` in the same
 * storage (a CallResult for `analyze`, a TranscriptionResult for `transcribe`), reports `CallProgress`
 * through `job.updateProgress`, and returns a `CallJobResult`. The server follows QueueEvents (progress,
 * completed, failed) to keep its database and the dashboard up to date.
 */
import { createHash } from 'node:crypto';
import { CallMetadataSchema } from '@echolens/provider';
import { z } from 'zod';

export const CALL_QUEUE_NAME = 'echolens-calls';

/** How far a job takes a call: `transcribe` stops after the transcript, `analyze` goes to the end. */
export const UntilSchema = z.enum(['transcribe', 'analyze']);
export type Until = z.infer<typeof UntilSchema>;

export const CallJobDataSchema = z.object({
  callId: z.string().min(1),
  /** Where the recording is in the shared storage. */
  storageKey: z.string().min(1),
  /** The recording's name (file name), used in results and messages. */
  name: z.string().min(1),
  metadata: CallMetadataSchema,
  until: UntilSchema,
});
export type CallJobData = z.infer<typeof CallJobDataSchema>;

/** Where a call stands; `failed` comes with a reason. */
export const CallStatusSchema = z.enum([
  'pending',
  'transcribing',
  'transcribed',
  'analyzing',
  'done',
  'failed',
]);
export type CallStatus = z.infer<typeof CallStatusSchema>;

/** What a worker passes to `job.updateProgress`. */
export const CallProgressSchema = z.object({
  callId: z.string(),
  status: z.enum(['transcribing', 'analyzing']),
  /** The pipeline stage running now and its fraction done, 0-1. */
  stage: z.string(),
  fraction: z.number().min(0).max(1),
});
export type CallProgress = z.infer<typeof CallProgressSchema>;

/** What a worker's processor returns (the job's `returnvalue`). */
export const CallJobResultSchema = z.object({
  callId: z.string(),
  /** Storage key of the written result: `resultKeyFor(callId, until)`. */
  resultKey: z.string(),
  status: z.enum(['transcribed', 'done']),
});
export type CallJobResult = z.infer<typeof CallJobResultSchema>;

/**
 * Job ids come from content: the recording's SHA-256, how far to go, and the settings that change the
 * outcome. Adding the same work twice is one job (BullMQ ignores a second add with a known id).
 */
export function jobIdFor(audioSha256: string, until: Until, settings = ''): string {
  const digest = createHash('sha256').update(`${audioSha256}\n${until}\n${settings}`).digest('hex');
  // BullMQ job ids must not contain ':'.
  return `${until}-${digest.slice(0, 40)}`;
}

/** Storage layout shared by server and workers. */
export const callAudioKey = (callId: string, fileName: string) =>
  `calls/${callId}/audio/${safeFileName(fileName)}`;
export const callResultKey = (callId: string) => `calls/${callId}/result.json`;
export const callTranscriptKey = (callId: string) => `calls/${callId}/transcript.json`;
export const resultKeyFor = (callId: string, until: Until) =>
  until === 'analyze' ? callResultKey(callId) : callTranscriptKey(callId);
export const reportKey = (reportId: string, extension: 'json' | 'csv' | 'html') =>
  `reports/${reportId}/report.${extension}`;

/** A file name usable as the last part of a storage key: no folders, no control characters. */
export function safeFileName(fileName: string): string {
  const base = fileName.split(/[/\\]/).at(-1) ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'recording' : cleaned.slice(0, 200);
}

/**
 * A failed job's reason carries the error's stable code in front (`unsupported_format: …`), so the server
 * can show what went wrong the same way whichever process ran the job. Workers throw `failureReason(error)`.
 */
export function failureReason(failure: { code: string; message: string }): string {
  return `${failure.code}: ${failure.message}`;
}

export function parseFailureReason(reason: string): { code: string; message: string } {
  const match = /^([a-z][a-z0-9_]*): ([\s\S]*)$/.exec(reason);
  return match
    ? { code: match[1] as string, message: match[2] as string }
    : { code: 'job_failed', message: reason };
}
