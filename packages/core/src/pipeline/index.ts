export * from './concurrency.js';
export * from './create-pipeline.js';
export type * from './events.js';
export * from './stages.js';
