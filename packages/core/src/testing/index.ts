/**
 * @echolens/core/testing — what adapter authors need to test an adapter the way EchoLens tests its own:
 * a local server that speaks a vendor's wire format, and the conformance suites every speech-to-text and
 * language-model adapter runs; synthetic call analyses for tests and benchmarks of the aggregate stage; and a
 * seeded random-number source (`mulberry32`) for reproducible test and benchmark data.
 * Requires `vitest` (an optional peer dependency).
 * @packageDocumentation
 */
export * from './assembled-calls.js';
export * from './conformance-helpers.js';
export * from './language-model-conformance.js';
export * from './language-model-wire-formats.js';
export * from './seeded-random.js';
export * from './speech-to-text-conformance.js';
export * from './speech-to-text-wire-formats.js';
export * from './synthetic-analyses.js';
export * from './wav-reader.js';
export * from './wire-server.js';
