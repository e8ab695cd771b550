export * from './aggregate.js';
export * from './aggregator.js';
export type { AlertOptions } from './alerts.js';
export { type CallDriverOptions, clusterCallDrivers } from './call-drivers.js';
export { callRowOf } from './call-row.js';
export { trackCommitments } from './commitments.js';
export {
  EXECUTIVE_SUMMARY_SYSTEM_PROMPT,
  type ModelSummaryOptions,
  SUMMARY_PROMPT_VERSION,
  summarizeWithModel,
  summaryDigest,
  writtenSummary,
} from './executive-summary.js';
export * from './statistics.js';
export * from './stored-results.js';
export { weekOf, weeksBetween } from './weeks.js';
