import { SecondsSchema } from '@echolens/provider';
import { z } from 'zod';
import {
  ComplianceStatusSchema,
  OwnerSchema,
  ResolutionStatusSchema,
  SentimentLabelSchema,
} from './insights.js';

/**
 * The aggregate report. Everything in it is computed from per-call analyses (never from transcripts);
 * `calls` holds one compact row per call and is all the state an aggregation needs, so a stored report
 * can be resumed when new calls arrive (`Aggregator.resume`).
 */

const RatioSchema = z.number().min(0).max(1);

/** Something owed to the customer after a call: a callback promise or an action item of the company's side. */
export const CommitmentRowSchema = z.object({
  kind: z.enum(['callback', 'action']),
  text: z.string(),
  owner: OwnerSchema,
  due: z.string().nullable(),
  /** YYYY-MM-DD when the call date was known. */
  dueDate: z.string().nullable(),
});
export type CommitmentRow = z.infer<typeof CommitmentRowSchema>;

/** One call, flattened to what the roll-up needs. */
export const CallSummaryRowSchema = z.object({
  callId: z.string(),
  name: z.string().optional(),
  /** metadata.startedAt (ISO 8601); undated calls stay out of the weekly trends. */
  startedAt: z.string().optional(),
  /** provenance.analyzedAt: orders a customer's calls when they carry no start time. */
  analyzedAt: z.string().optional(),
  agentId: z.string().optional(),
  customerId: z.string().optional(),
  /** `voice` when the call has timings (audio), `chat` for text-only conversations. */
  channel: z.enum(['voice', 'chat']),
  durationSec: SecondsSchema,
  talkTimeSec: SecondsSchema,
  nonTalkRatio: RatioSchema,
  /** Agent share of talk time when roles are known. */
  agentTalkRatio: RatioSchema.optional(),
  /** Interruptions made by the agent. */
  agentInterruptions: z.number().int().nonnegative(),
  interruptions: z.number().int().nonnegative(),
  /** Hold / dead air in the call. */
  deadAirSec: SecondsSchema,
  /** Median agent reply gap after a customer turn, when roles and timings are known. */
  responseLatencySec: SecondsSchema.optional(),
  topicId: z.string(),
  customerSentiment: SentimentLabelSchema,
  /** `null` when the customer's sentiment is unknown. */
  customerScore: z.number().min(-1).max(1).nullable(),
  /** Customer sentiment of the first and last quarter in which the customer spoke. */
  sentimentStart: z.number().min(-1).max(1).optional(),
  sentimentEnd: z.number().min(-1).max(1).optional(),
  /** Null when the analysis could not tell (no customer speech): see the call's `insights.abstentions`. */
  csat: z.number().min(1).max(5).nullable(),
  complaint: z.boolean().nullable(),
  complaintType: z.string().optional(),
  resolution: ResolutionStatusSchema,
  /** `null` when the call had no customer turns to rest a risk on. */
  escalationRisk: z.number().min(0).max(100).nullable(),
  escalationDrivers: z.array(z.object({ driver: z.string(), impact: z.number() })),
  compliance: z.record(z.string(), ComplianceStatusSchema),
  /** Null ratings when no agent was identified. */
  qa: z.object({
    professionalism: z.number().nullable(),
    empathy: z.number().nullable(),
    knowledge: z.number().nullable(),
  }),
  /** What the call's memory box says is owed to the customer after it (carried-over items included). */
  commitments: z.array(CommitmentRowSchema),
  categories: z.array(z.string()),
  /** Content words of an `other`-topic call, for clustering call drivers. */
  terms: z.array(z.string()).optional(),
  method: z.enum(['llm', 'heuristic']),
  degraded: z.boolean(),
});
export type CallSummaryRow = z.infer<typeof CallSummaryRowSchema>;

export const FailureSchema = z.object({ name: z.string(), code: z.string(), message: z.string() });
export type Failure = z.infer<typeof FailureSchema>;

export const AlertKindSchema = z.enum([
  'negative_sentiment_spike',
  'topic_growth',
  'compliance_failure',
  'overdue_commitments',
  'category',
]);
export type AlertKind = z.infer<typeof AlertKindSchema>;

export const AlertSchema = z.object({
  kind: AlertKindSchema,
  severity: z.enum(['info', 'warning', 'critical']),
  /** What the alert measures, e.g. `topic:billing`, `rule:recording_disclosure`. */
  metric: z.string(),
  message: z.string(),
  value: z.number(),
  threshold: z.number(),
  /** The calls behind the alert (the first 100; `callCount` has them all). */
  callIds: z.array(z.string()),
  callCount: z.number().int().nonnegative(),
  /** Week (its Monday) the alert looks at, when the calls are dated. */
  week: z.string().optional(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const GrowthTestSchema = z.object({
  week: z.string(),
  previousWeek: z.string(),
  calls: z.number().int().nonnegative(),
  previousCalls: z.number().int().nonnegative(),
  /** Relative change of the topic's share of calls; null when it had none the week before. */
  shareChange: z.number().nullable(),
  /** One-sided conditional binomial test of a rate increase, exposure = all calls of each week. */
  pValue: z.number().min(0).max(1),
  /** Benjamini-Hochberg adjusted over the topics tested in the same week. */
  qValue: z.number().min(0).max(1),
});
export type GrowthTest = z.infer<typeof GrowthTestSchema>;

export const TopicStatsSchema = z.object({
  topicId: z.string(),
  calls: z.number().int().nonnegative(),
  share: RatioSchema,
  resolutionRate: RatioSchema,
  /** Mean duration of the topic's voice calls. */
  averageHandleTimeSec: SecondsSchema.optional(),
  /** Absent when no call of it has a known risk. */
  averageEscalationRisk: z.number().optional(),
  negativeShare: RatioSchema,
  weekly: z.array(z.object({ week: z.string(), calls: z.number().int().nonnegative() })),
  /** Latest week against the one before. */
  growth: GrowthTestSchema.optional(),
});
export type TopicStats = z.infer<typeof TopicStatsSchema>;

const SentimentCountsSchema = z.object({
  positive: z.number().int().nonnegative(),
  neutral: z.number().int().nonnegative(),
  negative: z.number().int().nonnegative(),
  mixed: z.number().int().nonnegative(),
});

export const SentimentStatsSchema = z.object({
  distribution: SentimentCountsSchema,
  weekly: z.array(
    SentimentCountsSchema.extend({
      week: z.string(),
      calls: z.number().int().nonnegative(),
      meanScore: z.number(),
      negativeShare: RatioSchema,
    }),
  ),
  /** Mean customer sentiment change from the first to the last quarter they spoke in. */
  meanShift: z.number().optional(),
});

export const AgentScorecardSchema = z.object({
  agentId: z.string(),
  calls: z.number().int().nonnegative(),
  qa: z.object({
    professionalism: z.number(),
    empathy: z.number(),
    knowledge: z.number(),
    overall: z.number(),
  }),
  compliancePassRate: RatioSchema.optional(),
  talkRatio: RatioSchema.optional(),
  responseLatencySec: SecondsSchema.optional(),
  interruptionsPerCall: z.number().nonnegative(),
  deadAirSecPerCall: SecondsSchema,
  sentimentShift: z.number().optional(),
  resolutionRate: RatioSchema,
  averageHandleTimeSec: SecondsSchema.optional(),
  /** Absent when no call of it has a known risk. */
  averageEscalationRisk: z.number().optional(),
  /** Absent when no call of the agent has a predicted satisfaction. */
  csat: z.number().optional(),
  /** The scorecard's weakest areas against the team, plain words, for coaching. */
  coachingFocus: z.array(z.string()),
});
export type AgentScorecard = z.infer<typeof AgentScorecardSchema>;

export const ComplianceStatsSchema = z.object({
  rules: z.array(
    z.object({
      ruleId: z.string(),
      pass: z.number().int().nonnegative(),
      fail: z.number().int().nonnegative(),
      notApplicable: z.number().int().nonnegative(),
      passRate: RatioSchema.optional(),
    }),
  ),
  byAgent: z.array(
    z.object({
      agentId: z.string(),
      ruleId: z.string(),
      pass: z.number().int().nonnegative(),
      fail: z.number().int().nonnegative(),
      passRate: RatioSchema.optional(),
    }),
  ),
});

export const CommitmentStatusSchema = z.enum(['kept', 'kept_late', 'overdue', 'due', 'open']);
export type CommitmentStatus = z.infer<typeof CommitmentStatusSchema>;

const CommitmentCountsSchema = z.object({
  total: z.number().int().nonnegative(),
  kept: z.number().int().nonnegative(),
  keptLate: z.number().int().nonnegative(),
  overdue: z.number().int().nonnegative(),
  due: z.number().int().nonnegative(),
  open: z.number().int().nonnegative(),
});

export const CommitmentStatsSchema = z.object({
  callback: CommitmentCountsSchema,
  action: CommitmentCountsSchema,
  /** Overdue first, then due, open and kept; at most 500 listed. */
  items: z.array(
    CommitmentRowSchema.extend({
      callId: z.string(),
      customerId: z.string().optional(),
      agentId: z.string().optional(),
      madeAt: z.string().optional(),
      status: CommitmentStatusSchema,
      /** The later call of the same customer in which it was no longer owed. */
      settledByCallId: z.string().optional(),
    }),
  ),
});

export const CallDriverClusterSchema = z.object({
  /** Named from the words its calls share most. */
  name: z.string(),
  terms: z.array(z.string()),
  calls: z.number().int().positive(),
  /** Share of the `other`-topic calls. */
  share: RatioSchema,
  /** The call closest to the cluster's centre. */
  representativeCallId: z.string(),
  callIds: z.array(z.string()),
});

export const ExecutiveSummarySchema = z.object({
  text: z.string(),
  highlights: z.array(z.string()),
  /** `model`: one language-model request fed only these metrics; `template`: written without a model. */
  method: z.enum(['model', 'template']),
  model: z.object({ provider: z.string(), modelId: z.string() }).optional(),
  cache: z.enum(['hit', 'miss', 'off']).optional(),
  /** Why a configured model was not used. */
  degraded: z.string().optional(),
});
export type ExecutiveSummary = z.infer<typeof ExecutiveSummarySchema>;

/** Roll-up of many calls. The executive summary is made from these numbers, never from transcripts. */
export const AggregateReportSchema = z.object({
  schemaVersion: z.literal(2),
  generatedAt: z.string(),
  callCount: z.number().int().nonnegative(),
  failedCount: z.number().int().nonnegative(),
  /**
   * Calls completed in a weaker way than configured (`provenance.degraded` not empty, e.g. the offline
   * analyzer stood in for a failed language model); their rows say `degraded: true`.
   */
  degradedCount: z.number().int().nonnegative(),
  failures: z.array(FailureSchema),
  period: z.object({
    from: z.string().optional(),
    to: z.string().optional(),
    /** Mondays (YYYY-MM-DD) of the weeks from the first dated call to the last, gaps included. */
    weeks: z.array(z.string()),
    undatedCalls: z.number().int().nonnegative(),
    /** Commitments are due or overdue relative to this moment. */
    asOf: z.string(),
  }),
  totals: z.object({ durationSec: SecondsSchema, talkTimeSec: SecondsSchema }),
  averages: z.object({
    durationSec: SecondsSchema,
    /** Mean duration of voice calls. */
    handleTimeSec: SecondsSchema.optional(),
    nonTalkRatio: RatioSchema,
    agentTalkRatio: RatioSchema.optional(),
    csat: z.number().optional(),
    escalationRisk: z.number().optional(),
  }),
  rates: z.object({
    resolved: RatioSchema.optional(),
    negativeSentiment: RatioSchema.optional(),
    compliancePass: RatioSchema.optional(),
  }),
  topics: z.array(TopicStatsSchema),
  sentiment: SentimentStatsSchema,
  escalation: z.object({
    topCalls: z.array(
      z.object({
        callId: z.string(),
        risk: z.number(),
        topicId: z.string(),
        agentId: z.string().optional(),
        drivers: z.array(z.object({ driver: z.string(), impact: z.number() })),
      }),
    ),
    drivers: z.array(z.object({ driver: z.string(), calls: z.number().int(), meanImpact: z.number() })),
  }),
  compliance: ComplianceStatsSchema,
  agents: z.array(AgentScorecardSchema),
  commitments: CommitmentStatsSchema,
  callDrivers: z.object({
    otherCalls: z.number().int().nonnegative(),
    clusters: z.array(CallDriverClusterSchema),
    unclustered: z.number().int().nonnegative(),
  }),
  categories: z.array(
    z.object({
      id: z.string(),
      calls: z.number().int().nonnegative(),
      share: RatioSchema,
      weekly: z.array(z.object({ week: z.string(), calls: z.number().int().nonnegative() })),
    }),
  ),
  alerts: z.array(AlertSchema),
  executiveSummary: ExecutiveSummarySchema,
  calls: z.array(CallSummaryRowSchema),
});
export type AggregateReport = z.infer<typeof AggregateReportSchema>;
