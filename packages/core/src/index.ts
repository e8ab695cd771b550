/**
 * @echolens/core — turn customer-service call recordings into structured, evidence-backed analytics.
 *
 * ```ts
 * import { createPipeline } from '@echolens/core';
 * const pipeline = createPipeline();
 * const { results, failures, report } = await pipeline.runMany(['calls/a.wav', 'calls/b.mp3']);
 * ```
 * @packageDocumentation
 */
export * from './adapters/index.js';
export * from './aggregate/aggregate.js';
export * from './analyze/index.js';
export * from './analyze/metrics/intervals.js';
export * from './analyze/metrics/metrics.js';
export * from './audio/index.js';
export type * from './audio/types.js';
export * from './cache/index.js';
export * from './diarize/index.js';
export * from './errors/index.js';
export * from './language-model/index.js';
export * from './paths.js';
export * from './pipeline/index.js';
export * from './report/conversation-formats.js';
export * from './report/transcript-formats.js';
export * from './schema/index.js';
export * from './storage/index.js';
export * from './transcribe/local-whisper.js';
export * from './transcribe/speech-coverage.js';
export * from './transcribe/transcribe-audio.js';
export * from './transcribe/transcribe-stage.js';
export { ECHOLENS_VERSION } from './version.js';
