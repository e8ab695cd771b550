export * from './aggregate.js';
export * from './analysis.js';
export * from './call-result.js';
export * from './conversation.js';
export * from './insights.js';
export * from './metrics.js';
export * from './prepared-audio.js';
