import { SecondsSchema } from '@echolens/provider';
import { z } from 'zod';

export const CallSummaryRowSchema = z.object({
  callId: z.string(),
  name: z.string().optional(),
  durationSec: SecondsSchema,
  talkTimeSec: SecondsSchema,
  nonTalkRatio: z.number().min(0).max(1),
  /** Agent share of talk time when roles are known. */
  agentTalkRatio: z.number().min(0).max(1).optional(),
});
export type CallSummaryRow = z.infer<typeof CallSummaryRowSchema>;

export const FailureSchema = z.object({ name: z.string(), code: z.string(), message: z.string() });
export type Failure = z.infer<typeof FailureSchema>;

export const AlertSchema = z.object({
  severity: z.enum(['info', 'warning', 'critical']),
  metric: z.string(),
  message: z.string(),
  callIds: z.array(z.string()),
});
export type Alert = z.infer<typeof AlertSchema>;

/** Roll-up of many calls. The executive summary is made from these numbers, never from transcripts. */
export const AggregateReportSchema = z.object({
  schemaVersion: z.literal(1),
  generatedAt: z.string(),
  callCount: z.number().int().nonnegative(),
  failedCount: z.number().int().nonnegative(),
  failures: z.array(FailureSchema),
  totals: z.object({ durationSec: SecondsSchema, talkTimeSec: SecondsSchema }),
  averages: z.object({
    durationSec: SecondsSchema,
    nonTalkRatio: z.number().min(0).max(1),
    agentTalkRatio: z.number().min(0).max(1).optional(),
  }),
  calls: z.array(CallSummaryRowSchema),
  alerts: z.array(AlertSchema),
  executiveSummary: z.string().optional(),
});
export type AggregateReport = z.infer<typeof AggregateReportSchema>;
