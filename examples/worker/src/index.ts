/** The worker example's parts, for tests and benchmarks (the programs are main.ts and enqueue.ts). */
export { CallWorker, type CallWorkerOptions } from './call-worker.js';
export { readWorkerConfig, serverDataDir, type WorkerConfig } from './config.js';
export { jobError } from './job-errors.js';
export { countedSpeechToText, type JobUsage, withUsage } from './job-usage.js';
export { callIdFor, type EnqueueOutcome, enqueueRecording, type Recording } from './producer.js';
