/**
 * What a process that runs the server's jobs shares with the server (examples/worker imports it as
 * `@echolens/example-express-server/jobs`): the settings and how they are read, how storage, cache,
 * database and pipeline are built from them, and the job itself. The queue contract is
 * `@echolens/example-express-server/queue-contract`.
 */
export { readConfig, type ServerConfig, settingsFingerprint } from './config.js';
export { type Database, openDatabase } from './db/database.js';
export { DatabaseMemoryStore } from './db/memory-store.js';
export { createJobPipeline, openCache, openStorage } from './work/job-pipeline.js';
export { callJobInput, type ProcessCallOptions, processCallJob } from './work/process-call.js';
