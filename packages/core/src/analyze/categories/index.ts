export * from './category-rules.js';
