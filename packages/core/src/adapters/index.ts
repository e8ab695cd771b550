export * from '../middleware/with-fallback.js';
export * from '../middleware/with-retries.js';
export type * from './cache.js';
export * from './http-errors.js';
export type * from './language-model.js';
export * from './logger.js';
export type * from './speech-to-text.js';
export type * from './storage.js';
export * from './whisper-languages.js';
