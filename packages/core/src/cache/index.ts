export * from './file-cache.js';
export * from './hash.js';
