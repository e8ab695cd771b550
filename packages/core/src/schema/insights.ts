import { SecondsSchema } from '@echolens/provider';
import { type ZodRawShape, type ZodType, z } from 'zod';

/**
 * Insights are built twice from one definition: the *draft* a model (or the offline analyzer) writes,
 * whose evidence is only turn ids and a quote, and the *stored* form, whose evidence is checked against
 * the transcript and carries timestamps. Keeping one builder means a user's extra fields, taxonomy and
 * rules flow into the JSON schema sent to the model and into validation alike.
 *
 * Draft fields are all required (absent values are `null` or empty lists) because strict structured
 * output modes (OpenAI, Groq) reject optional properties.
 */

/** What a model or the offline analyzer cites: turn ids and a verbatim quote from those turns. */
export const EvidenceDraftSchema = z.object({
  turnIds: z.array(z.string()),
  quote: z.string(),
});
export type EvidenceDraft = z.infer<typeof EvidenceDraftSchema>;

/** Evidence after checking: the quote was found in the cited turns; times come from those turns. */
export const EvidenceSchema = z.object({
  turnIds: z.array(z.string()).min(1),
  quote: z.string(),
  /** Absent for text-only conversations, whose turns have no timing. */
  startSec: SecondsSchema.optional(),
  endSec: SecondsSchema.optional(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/** `unknown`: the speaker said nothing the analysis could attribute to them (roles not identified, no turns). */
export const SentimentLabelSchema = z.enum(['positive', 'neutral', 'negative', 'mixed', 'unknown']);
export type SentimentLabel = z.infer<typeof SentimentLabelSchema>;

export const EmotionNameSchema = z.enum([
  'anger',
  'frustration',
  'impatience',
  'confusion',
  'anxiety',
  'disappointment',
  'gratitude',
  'satisfaction',
  'relief',
]);
export type EmotionName = z.infer<typeof EmotionNameSchema>;

/** `unknown`: the conversation does not say how it ended. */
export const ResolutionStatusSchema = z.enum(['resolved', 'partially_resolved', 'unresolved', 'unknown']);
export type ResolutionStatus = z.infer<typeof ResolutionStatusSchema>;

export const ResolutionCategorySchema = z.enum([
  'issue_fixed',
  'information_provided',
  'transaction_completed',
  'follow_up_scheduled',
  'escalated',
  /** Handed to another department or colleague. */
  'transferred',
  'declined',
  'no_action',
  'unknown',
]);
export type ResolutionCategory = z.infer<typeof ResolutionCategorySchema>;

export const ComplaintTypeSchema = z.enum([
  'billing',
  'product_defect',
  'technical_issue',
  'delivery',
  'service_quality',
  'wait_time',
  'staff_behaviour',
  'policy',
  'account_access',
  'other',
]);
export type ComplaintType = z.infer<typeof ComplaintTypeSchema>;

/** `none` when it is no complaint; `unknown` goes with `isComplaint: null` (the customer cannot be told apart). */
export const SeveritySchema = z.enum(['none', 'low', 'medium', 'high', 'critical', 'unknown']);
/** `unknown` goes with a null risk: no customer turns to rest it on. */
export const RiskLevelSchema = z.enum(['low', 'medium', 'high', 'unknown']);
export type RiskLevel = z.infer<typeof RiskLevelSchema>;

export const ComplianceStatusSchema = z.enum(['pass', 'fail', 'not_applicable']);
export type ComplianceStatus = z.infer<typeof ComplianceStatusSchema>;
export const SpeakerRoleSchema = z.enum(['agent', 'customer']);
export const OwnerSchema = z.enum(['agent', 'customer', 'company']);

/** 1-5 rating, as on a contact-center quality scorecard. */
const RatingSchema = z.number().min(1).max(5);

/**
 * An insight the text could not support (roles unknown, too little speech, no customer turns), with the reason.
 * The field itself then holds `unknown`, `null` or nothing rather than a default that reads like a finding.
 */
export const AbstentionSchema = z.object({
  field: z.string().describe('the insight left unknown, e.g. "satisfaction" or "agentPerformance"'),
  reason: z.string(),
});
export type Abstention = z.infer<typeof AbstentionSchema>;

export interface InsightsSchemaOptions {
  /**
   * Your own fields, filled in by the language model and validated with the rest; stored under
   * `insights.custom`. The offline analyzer cannot fill them (marked degraded when it stands in).
   */
  extraFields?: ZodRawShape;
  /** Topic ids the model must choose from (your taxonomy); free strings when absent. */
  topicIds?: readonly string[];
  /** Compliance rule ids the model must report on; free strings when absent. */
  ruleIds?: readonly string[];
}

function enumOrString(values: readonly string[] | undefined, extra?: string): ZodType<string> {
  if (!values || values.length === 0) return z.string();
  const all = extra && !values.includes(extra) ? [...values, extra] : [...values];
  return z.enum(all as [string, ...string[]]);
}

/** The topic id used when a call matches nothing in the taxonomy. */
export const OTHER_TOPIC_ID = 'other';

/** The pieces that appear many times in the insights, built once per kind of evidence. */
function sharedParts<E extends ZodType>(evidence: E, referenced: boolean) {
  // In the draft sent to a model, repeated pieces become JSON Schema `$defs` ($ref'd, not inlined 17 times).
  const evidenceList = referenced ? z.array(evidence).meta({ id: 'evidence' }) : z.array(evidence);
  const speakerSentiment = z.object({
    label: SentimentLabelSchema,
    score: z
      .number()
      .min(-1)
      .max(1)
      .nullable()
      .describe('-1 very negative … 1 very positive; null when the label is unknown'),
    trend: z
      .array(
        z.object({ quarter: z.number().int().min(1).max(4), score: z.number().min(-1).max(1).nullable() }),
      )
      .describe('one entry per quarter of the call; score null when the speaker was silent in it'),
    trajectory: z.enum(['improving', 'worsening', 'stable', 'unknown']),
    evidence: evidenceList,
  });
  const note = z.object({ text: z.string(), evidence: evidenceList });
  return {
    referenced,
    evidenceList,
    speakerSentiment: referenced ? speakerSentiment.meta({ id: 'speaker_sentiment' }) : speakerSentiment,
    note: referenced ? note.meta({ id: 'note' }) : note,
  };
}

/**
 * One part of a long call's running summary: what the customer raised in it and what the agent did, quoted and
 * cited. Computed by EchoLens from the transcript (never asked of a language model), so it costs no tokens.
 */
function runningPart<E extends ZodType>(evidence: E) {
  return z.object({
    /** Where the part starts and ends; null for chats, which have no times. */
    startSec: z.number().nonnegative().nullable(),
    endSec: z.number().nonnegative().nullable(),
    text: z.string(),
    evidence: z.array(evidence),
  });
}
export const RunningSummaryDraftSchema = z.array(runningPart(EvidenceDraftSchema));
export type RunningSummaryDraft = z.infer<typeof RunningSummaryDraftSchema>;

const DRAFT_PARTS = sharedParts(EvidenceDraftSchema, true);
const STORED_PARTS = sharedParts(EvidenceSchema, false);

/** The insight fields, parameterised by how evidence looks (draft or checked) and by the user's choices. */
function insightFields<E extends ZodType>(
  { referenced, evidenceList, speakerSentiment, note }: ReturnType<typeof sharedParts<E>>,
  options: InsightsSchemaOptions,
) {
  const topicId = enumOrString(options.topicIds, OTHER_TOPIC_ID);
  const ruleId = enumOrString(options.ruleIds);
  const due = {
    due: z.string().nullable(),
    dueDate: z.string().nullable(),
  };
  const topicShape = z.object({ topicId, confidence: z.number().min(0).max(1), evidence: evidenceList });
  // The topic enum can be long (your taxonomy): define it once in the draft.
  const topic = referenced ? topicShape.meta({ id: 'topic' }) : topicShape;
  return {
    summary: z.object({
      text: z
        .string()
        .describe(
          "at most 3 sentences: the customer's problem in their words, what the agent did or offered, the outcome and next step",
        ),
      evidence: evidenceList,
    }),
    sentiment: z.object({ customer: speakerSentiment, agent: speakerSentiment }),
    emotions: z.array(
      z.object({
        emotion: EmotionNameSchema,
        speaker: SpeakerRoleSchema,
        intensity: z.number().min(0).max(1),
        evidence: evidenceList,
      }),
    ),
    satisfaction: z.object({
      predictedScore: RatingSchema.nullable().describe('predicted CSAT 1-5; null when the text cannot tell'),
      label: z.enum(['satisfied', 'neutral', 'dissatisfied', 'unknown']),
      evidence: evidenceList,
    }),
    intent: z.object({ primary: topic, secondary: z.array(topic) }),
    complaint: z.object({
      isComplaint: z.boolean().nullable().describe('null when the customer cannot be told apart'),
      type: ComplaintTypeSchema.nullable(),
      severity: SeveritySchema,
      evidence: evidenceList,
    }),
    resolution: z.object({
      status: ResolutionStatusSchema,
      category: ResolutionCategorySchema,
      evidence: evidenceList,
    }),
    escalation: z.object({
      risk: z
        .number()
        .min(0)
        .max(100)
        .nullable()
        .describe('0-100 chance the customer escalates or churns; null when there are no customer turns'),
      level: RiskLevelSchema,
      drivers: z.array(
        z.object({
          driver: z.string(),
          impact: z.number().min(0).max(100).describe('points this driver adds to the risk'),
          evidence: evidenceList,
        }),
      ),
    }),
    compliance: z.array(
      z.object({
        ruleId,
        status: ComplianceStatusSchema,
        explanation: z.string(),
        evidence: evidenceList,
      }),
    ),
    callbackPromises: z.array(
      z.object({ promisedBy: SpeakerRoleSchema, promise: z.string(), ...due, evidence: evidenceList }),
    ),
    actionItems: z.array(z.object({ owner: OwnerSchema, task: z.string(), ...due, evidence: evidenceList })),
    keyInsights: z.array(z.object({ insight: z.string(), evidence: evidenceList })),
    tags: z.array(z.string()).describe('short lowercase-kebab labels'),
    agentPerformance: z.object({
      /** Null when no agent was identified: there is nobody to rate. */
      professionalism: RatingSchema.nullable(),
      empathy: RatingSchema.nullable(),
      knowledge: RatingSchema.nullable(),
      coaching: z.object({
        strengths: z.array(note),
        improvements: z.array(note),
      }),
      quiz: z
        .array(
          z.object({
            question: z.string(),
            options: z.array(z.string()),
            answerIndex: z.number().int().min(0),
            explanation: z.string(),
          }),
        )
        .describe('2-3 training questions drawn from this call'),
    }),
    memory: z
      .object({
        deliverables: z.array(
          z.object({ item: z.string(), owner: OwnerSchema, ...due, evidence: evidenceList }),
        ),
        openIssues: z.array(z.object({ issue: z.string(), evidence: evidenceList })),
      })
      .describe(
        "what is owed to this customer and what is still open after this call, given the customer's history",
      ),
    abstentions: z
      .array(AbstentionSchema)
      .describe(
        'insights the conversation cannot support, each with the reason (empty when all are supported)',
      ),
    ...(options.extraFields ? { custom: z.object(options.extraFields) } : {}),
  };
}

/**
 * The schema a language model answers with (and the offline analyzer produces): insights whose
 * evidence is turn ids and quotes. Topic and rule ids become enums when you pass your taxonomy and rules.
 */
export function createInsightsDraftSchema(options: InsightsSchemaOptions = {}) {
  return z.object(insightFields(DRAFT_PARTS, options));
}

export const InsightsDraftSchema = createInsightsDraftSchema();
export type InsightsDraft = z.infer<typeof InsightsDraftSchema>;

/** How the cited evidence held up against the transcript. */
export const EvidenceCheckSchema = z.object({
  /** Evidence items the model or analyzer gave. */
  checked: z.number().int().nonnegative(),
  /** Found in the transcript (possibly in a different turn than cited, then re-pointed). */
  verified: z.number().int().nonnegative(),
  /** Not found anywhere: removed. List insights left with no evidence are removed too. */
  dropped: z.number().int().nonnegative(),
  /** List insights (emotions, drivers, promises, …) removed because none of their evidence held. */
  droppedInsights: z.number().int().nonnegative(),
});
export type EvidenceCheck = z.infer<typeof EvidenceCheckSchema>;

const storedMeta = {
  /** `llm`: one structured request to a language model; `heuristic`: the offline analyzer. */
  method: z.enum(['llm', 'heuristic']),
  evidenceCheck: EvidenceCheckSchema,
};

/**
 * The stored insights of one call. Pass `extraFields` to validate your own fields (under `custom`)
 * with their types; the default schema keeps them as an open record.
 */
export function createInsightsSchema(options: InsightsSchemaOptions = {}) {
  const { custom, ...fields } = insightFields(STORED_PARTS, options) as ReturnType<typeof insightFields> & {
    custom?: ZodType;
  };
  return z.object({
    ...storedMeta,
    ...fields,
    // Insights stored before these fields existed read as having none.
    abstentions: fields.abstentions.default([]),
    /**
     * A long call (10 minutes or more; 60 turns or more for a chat) told in consecutive parts of about 5 minutes
     * (30 turns), in order; empty for shorter calls, whose summary tells them whole.
     */
    runningSummary: z.array(runningPart(EvidenceSchema)).default([]),
    custom: (custom ?? z.record(z.string(), z.unknown())).optional(),
  });
}

export const InsightsSchema = createInsightsSchema();
export type Insights = z.infer<typeof InsightsSchema>;
