import type { Cache, LanguageModel, LanguageModelUsage, Logger, ModelReference } from '@echolens/provider';
import { type ZodRawShape, type ZodType, z } from 'zod';
import { contentHash } from '../../cache/hash.js';
import { estimateCostUsd } from '../../language-model/cost.js';
import { generateStructured } from '../../language-model/generate-structured.js';
import { LANGUAGE_MODEL_DEFAULTS, type LanguageModelSettings } from '../../language-model/model-settings.js';
import type { Conversation } from '../../schema/conversation.js';
import { createInsightsDraftSchema, type InsightsDraft, OTHER_TOPIC_ID } from '../../schema/insights.js';
import type { MemoryContext } from '../memory/memory-box.js';
import type { ComplianceRule } from '../offline/compliance.js';
import type { Taxonomy } from '../offline/taxonomy.js';

/**
 * All insights of a call in one structured request. The transcript goes once, compactly (`t12 A: text`),
 * with the taxonomy, the rules and the customer's history; the answer is cached under a hash of
 * everything that shapes it, so analysing the same call again costs nothing.
 */

/** Bump when the prompt or the draft schema changes meaning: it is part of every cache key. */
export const ANALYSIS_PROMPT_VERSION = 'insights-3';

const SPEAKER_LETTER: Record<string, string> = { agent: 'A', customer: 'C' };

/**
 * One line per turn: `t12 A: text`. Turn ids let the model cite evidence in a few characters; no
 * timestamps (they cost tokens and the answer's times come from the turns themselves).
 */
export function encodeTranscript(conversation: Conversation): string {
  const unknown = new Map<string, string>();
  return conversation.turns
    .map((turn) => {
      let letter = SPEAKER_LETTER[turn.role];
      if (!letter) {
        letter = unknown.get(turn.speaker) ?? `S${unknown.size + 1}`;
        unknown.set(turn.speaker, letter);
      }
      return `${turn.id} ${letter}: ${turn.text.replace(/\s+/g, ' ').trim()}`;
    })
    .join('\n');
}

export const ANALYSIS_SYSTEM_PROMPT = `You analyse one customer-service conversation and answer with a single JSON object that matches the given schema.
Rules:
- Evidence: each evidence item gives turn ids (e.g. ["t4"]) and a short quote (at most 25 words) copied word for word from those turns. Quotes are checked against the transcript; invented or paraphrased quotes are discarded. Leave a list empty rather than add an item you cannot quote.
- Speakers: A = agent, C = customer (S1, S2… = unknown).
- Text in brackets such as [CARD_NUMBER] or [EMAIL] is redacted personal data: keep the placeholders as they are.
- Sentiment scores run from -1 to 1. "trend" gives one score per quarter of the conversation (by turn position), null when the speaker said nothing in that quarter. "mixed" means clearly negative and clearly positive moments.
- A polite "thanks" is courtesy (gratitude intensity ≤ 0.3); praise or emphatic thanks is gratitude.
- intent topicId must be one of the listed topic ids, or "${OTHER_TOPIC_ID}" when none fits.
- Report every listed compliance rule exactly once: pass, fail, or not_applicable, with a one-sentence explanation.
- Deadlines: give "due" as said; give "dueDate" (YYYY-MM-DD) only when the call date is known, else null.
- memory: what is still owed to the customer and which issues remain open after this call, including those from the customer's history that this call did not settle.
- Abstain rather than guess: when the conversation cannot support an insight (speakers not identified, no customer turns, the outcome never said), use "unknown" or null for it and add an abstentions entry with the reason.
- Be concise: summary of at most 3 sentences (the customer's problem in their words, what the agent did or offered, the outcome and next step); at most 5 key insights, 4 strengths, 4 improvements and 3 quiz questions.`;

export interface PromptInput {
  conversation: Conversation;
  taxonomy: Taxonomy;
  rules: readonly ComplianceRule[];
  memory?: MemoryContext;
  /** The call's date (metadata.startedAt), for deadlines. */
  startedAt?: string;
  /** Names and descriptions of the user's extra fields, when they gave `.describe()` texts. */
  extraFieldNotes?: string;
}

/** The user message: call date, topics, rules, the customer's history, then the transcript. */
export function buildAnalysisPrompt(input: PromptInput): string {
  const sections: string[] = [];
  if (input.startedAt) sections.push(`Call date: ${input.startedAt.slice(0, 10)}`);
  sections.push(
    `Topics (id: meaning):\n${input.taxonomy
      .map((topic) => {
        const meaning = [topic.label, topic.description].filter(Boolean).join(' - ');
        return meaning ? `${topic.id}: ${meaning}` : topic.id;
      })
      .join('\n')}`,
  );
  sections.push(
    `Compliance rules (id: requirement):\n${input.rules.map((rule) => `${rule.id}: ${rule.description}`).join('\n')}`,
  );
  if (input.memory) {
    const history = input.memory.previousCalls
      .map((call) => `- ${call.date ? `${call.date.slice(0, 10)} ` : ''}${call.summary} [${call.resolution}]`)
      .join('\n');
    const owed = input.memory.deliverables
      .map((item) => `- ${item.item}${item.due ? ` (due ${item.due})` : ''}`)
      .join('\n');
    const open = input.memory.openIssues.map((issue) => `- ${issue}`).join('\n');
    sections.push(
      `Customer history (earlier calls, oldest first):\n${history}${owed ? `\nStill owed to the customer:\n${owed}` : ''}${open ? `\nOpen issues:\n${open}` : ''}`,
    );
  }
  if (input.extraFieldNotes) sections.push(`Custom fields:\n${input.extraFieldNotes}`);
  sections.push(`Conversation:\n${encodeTranscript(input.conversation)}`);
  return sections.join('\n\n');
}

export interface ExtractionInput extends PromptInput {
  model: LanguageModel;
  extraFields?: ZodRawShape;
  /** The draft schema from `draftSchemaFor` (built here when absent; pass it to reuse one across calls). */
  schema?: ReturnType<typeof draftSchemaFor>;
  settings?: LanguageModelSettings;
  cache?: Cache;
  /** Filled in as requests are sent, so the caller can account for a failed attempt too. */
  spend?: ExtractionSpend;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface ExtractionOutcome {
  draft: InsightsDraft;
  /** Requests sent for this call: 0 on a cache hit. */
  requests: number;
  usage: LanguageModelUsage;
  costUsd: number;
  cache: 'hit' | 'miss' | 'off';
  answeredBy: { provider: string; modelId: string };
}

/** Spending of a failed attempt, so a degraded result still accounts for what was sent. */
export interface ExtractionSpend {
  requests: number;
  usage: LanguageModelUsage;
}

function fieldNotes(extraFields: ZodRawShape | undefined): string | undefined {
  if (!extraFields) return undefined;
  const notes = Object.entries(extraFields).map(([name, field]) => {
    const description = (field as ZodType).description;
    return description ? `${name}: ${description}` : name;
  });
  return notes.join('\n');
}

/** JSON Schema of the draft, for the cache key; user fields that JSON Schema cannot express count as "any". */
function schemaFingerprint(schema: ZodType): unknown {
  return z.toJSONSchema(schema, { unrepresentable: 'any' });
}

/** The draft schema for a taxonomy, rule set and extra fields: enums keep the model on the listed ids. */
export function draftSchemaFor(
  taxonomy: Taxonomy,
  rules: readonly ComplianceRule[],
  extraFields?: ZodRawShape,
) {
  return createInsightsDraftSchema({
    topicIds: taxonomy.map((topic) => topic.id),
    ruleIds: rules.map((rule) => rule.id),
    ...(extraFields ? { extraFields } : {}),
  });
}

/** The model identity that separates cache entries: who answers, and what else changes the answers. */
type CacheIdentity = Pick<ModelReference, 'provider' | 'modelId' | 'cacheKey'>;

/**
 * Asks the model for every insight at once, or returns the cached answer for the same transcript,
 * schema, model, rules, taxonomy, history and prompt version. Throws what `generateStructured` throws;
 * `input.spend` then holds the requests and tokens of the failed attempt.
 */
export async function extractInsightsWithModel(input: ExtractionInput): Promise<ExtractionOutcome> {
  const schema = input.schema ?? draftSchemaFor(input.taxonomy, input.rules, input.extraFields);
  const extraFieldNotes = fieldNotes(input.extraFields);
  const prompt = buildAnalysisPrompt({ ...input, ...(extraFieldNotes ? { extraFieldNotes } : {}) });
  const settings = input.settings ?? {};
  const temperature = settings.temperature ?? LANGUAGE_MODEL_DEFAULTS.temperature;
  const fingerprint = input.cache ? schemaFingerprint(schema) : undefined;
  const keyFor = (model: CacheIdentity) =>
    `analysis-${contentHash({
      version: ANALYSIS_PROMPT_VERSION,
      provider: model.provider,
      modelId: model.modelId,
      cacheKey: model.cacheKey ?? null,
      system: ANALYSIS_SYSTEM_PROMPT,
      prompt,
      schema: fingerprint,
      temperature,
    })}`;
  // Looked up under the model expected to answer; stored under the one that did (see withFallback).
  const key = input.cache ? keyFor(input.model) : undefined;
  if (input.cache && key) {
    const cached = (await input.cache.get(key)) as
      | { object: unknown; answeredBy: { provider: string; modelId: string } }
      | undefined;
    const parsed = cached ? schema.safeParse(cached.object) : undefined;
    if (cached && parsed?.success) {
      return {
        draft: parsed.data as ExtractionOutcome['draft'],
        requests: 0,
        usage: { inputTokens: 0, outputTokens: 0 },
        costUsd: 0,
        cache: 'hit',
        answeredBy: cached.answeredBy,
      };
    }
  }

  const spend: ExtractionSpend = input.spend ?? { requests: 0, usage: { inputTokens: 0, outputTokens: 0 } };
  const result = await generateStructured({
    ...settings,
    temperature,
    model: input.model,
    // Every request sent counts, retried and rejected ones too: a degraded result still shows its cost.
    onRequestSettled: ({ usage }) => {
      spend.requests++;
      spend.usage.inputTokens += usage?.inputTokens ?? 0;
      spend.usage.outputTokens += usage?.outputTokens ?? 0;
    },
    system: ANALYSIS_SYSTEM_PROMPT,
    prompt,
    schema,
    schemaName: 'call_insights',
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.logger ? { logger: input.logger } : {}),
  });
  const answeredBy = result.answeredBy;
  const costUsd = estimateCostUsd(answeredBy.pricing, result.usage) ?? 0;
  const identity = { provider: answeredBy.provider, modelId: answeredBy.modelId };
  if (input.cache) await input.cache.set(keyFor(answeredBy), { object: result.object, answeredBy: identity });
  return {
    draft: result.object as ExtractionOutcome['draft'],
    requests: spend.requests,
    usage: result.usage,
    costUsd,
    cache: input.cache ? 'miss' : 'off',
    answeredBy: identity,
  };
}
