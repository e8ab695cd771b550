export type * from '../stages/events.js';
export * from '../stages/stages.js';
export * from '../util/concurrency.js';
export * from './create-pipeline.js';
