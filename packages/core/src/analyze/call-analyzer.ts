import {
  AbortError,
  describeError,
  EchoLensError,
  type LanguageModel,
  throwIfAborted,
} from '@echolens/provider';
import type { ZodRawShape } from 'zod';
import type { PreparedAudio } from '../audio/types.js';
import { estimateCostUsd } from '../language-model/cost.js';
import type { LanguageModelSettings } from '../language-model/model-settings.js';
import type { Conversation } from '../schema/conversation.js';
import type { Insights } from '../schema/insights.js';
import type { AnalysisBody, AnalyzeStage, StageContext } from '../stages/stages.js';
import {
  applyCategories,
  type CategoryRule,
  type CategoryRuleInput,
  parseCategoryRules,
} from './categories/category-rules.js';
import { finalizeInsights } from './evidence.js';
import {
  draftSchemaFor,
  type ExtractionSpend,
  extractInsightsWithModel,
} from './language-model/llm-extraction.js';
import {
  FileMemoryStore,
  type MemoryContext,
  type MemoryStore,
  memoryContextFor,
  memoryEntryFrom,
  recordCallInMemory,
} from './memory/memory-box.js';
import { computeCallMetrics, computeCallMetricsWithAudio } from './metrics/metrics.js';
import type { ComplianceRuleInput } from './offline/compliance.js';
import { HeuristicAnalyzer } from './offline/offline-analyzer.js';
import type { Taxonomy } from './offline/taxonomy.js';
import { type PiiType, type RedactionOptions, redactConversation, redactText } from './privacy/redaction.js';

/**
 * When personal data is redacted from text sent to a language model: `hosted` (the default) whenever the
 * model does not run inside this process, which includes every endpoint on the network, 127.0.0.1 too
 * (a local proxy or tunnel may forward to a hosted model); `always`; or `off` for an endpoint you trust
 * with the raw text (e.g. your own Ollama).
 */
export type RedactionMode = 'hosted' | 'always' | 'off';

export interface RedactionSettings {
  /** Before text goes to a language model; default `hosted`. */
  beforeModel?: RedactionMode;
  /** Also redact the transcript and conversation stored in results (default false). */
  storedTranscripts?: boolean;
  /** Kinds to redact; default all. */
  types?: readonly PiiType[];
}

export interface CallAnalyzerOptions {
  /** When given, insights come from one structured request per call; otherwise from the offline analyzer. */
  languageModel?: LanguageModel;
  /** Your topics; default a general contact-center taxonomy. */
  taxonomy?: Taxonomy;
  /** Your compliance rules; default greeting, recording disclosure, identity check, language, closing. */
  complianceRules?: readonly ComplianceRuleInput[];
  /** Your own insight fields (zod), filled by the language model and stored under `insights.custom`. */
  extraFields?: ZodRawShape;
  redaction?: RedactionSettings;
  /**
   * Per-customer memory box (by `metadata.customerId`); default a file store under the cache root,
   * `false` turns it off.
   */
  memory?: MemoryStore | false;
  /** Repair attempts, retries, timeout, temperature, rate limiter for the language model. */
  modelSettings?: LanguageModelSettings;
  /** Your category rules, applied to every call (results under `analysis.categories`). */
  categories?: readonly CategoryRuleInput[];
}

function redactMemoryContext(memory: MemoryContext, options: RedactionOptions): MemoryContext {
  const clean = (text: string) => redactText(text, options).text;
  return {
    previousCalls: memory.previousCalls.map((call) => ({ ...call, summary: clean(call.summary) })),
    deliverables: memory.deliverables.map((item) => ({ ...item, item: clean(item.item) })),
    openIssues: memory.openIssues.map(clean),
  };
}

function redactsBeforeModel(mode: RedactionMode, model: LanguageModel): boolean {
  if (mode === 'always') return true;
  if (mode === 'off') return false;
  return model.runsInProcess !== true;
}

const describeFailure = (error: unknown) => {
  const { code, message } = describeError(error);
  return `language model failed (${code}): ${message}`;
};

/**
 * The analyze stage's logic: deterministic metrics, then insights from the language model (cached,
 * redacted, evidence-checked) or the offline analyzer, and the customer's memory box. A model failure
 * never loses the call: the offline analyzer stands in and the result says so in `provenance.degraded`.
 */
export class CallAnalyzer {
  readonly heuristic: HeuristicAnalyzer;
  private readonly options: CallAnalyzerOptions;
  private readonly memory: MemoryStore | undefined;
  private readonly categories: CategoryRule[] | undefined;
  private draftSchema: ReturnType<typeof draftSchemaFor> | undefined;

  constructor(options: CallAnalyzerOptions = {}) {
    this.options = options;
    this.heuristic = new HeuristicAnalyzer({
      ...(options.taxonomy ? { taxonomy: options.taxonomy } : {}),
      ...(options.complianceRules ? { complianceRules: options.complianceRules } : {}),
    });
    this.memory = options.memory === false ? undefined : (options.memory ?? new FileMemoryStore());
    this.categories = options.categories ? parseCategoryRules(options.categories) : undefined;
  }

  /**
   * Metrics and insights for one conversation. With the call's audio, metrics also cover loudness
   * and dead air measured from voice activity (text-only conversations have neither).
   */
  async analyze(
    conversation: Conversation,
    context: StageContext,
    audio?: Pick<PreparedAudio, 'pcm' | 'speech'>,
  ): Promise<AnalysisBody> {
    const metrics = audio
      ? await computeCallMetricsWithAudio(conversation, audio, { signal: context.signal })
      : computeCallMetrics(conversation);
    const customerId = context.metadata.customerId;
    const memoryBox =
      this.memory && customerId ? await this.memory.get(customerId, context.signal) : undefined;
    const memory = memoryContextFor(memoryBox, context.callId);
    const startedAt = context.metadata.startedAt;
    throwIfAborted(context.signal, context.name);

    let insights: Insights | undefined;
    const model = this.options.languageModel;
    // Nothing said (a silent recording) is nothing to pay a model for: the offline analyzer says so.
    const nothingSaid = conversation.turns.length === 0;
    if (model && !nothingSaid) insights = await this.fromModel(model, conversation, context, memory);
    if (!insights) {
      const draft = this.heuristic.analyze(conversation, {
        metrics,
        ...(memory ? { memory } : {}),
        ...(startedAt ? { startedAt } : {}),
      });
      insights = finalizeInsights(
        draft,
        conversation,
        'heuristic',
        this.heuristic.runningSummary(conversation, draft),
      );
      if (this.options.extraFields) {
        context.degrade(
          'insights.custom',
          nothingSaid
            ? 'not filled: nothing was said'
            : model
              ? 'not filled: the language model failed'
              : 'needs a language model: the offline analyzer cannot fill custom fields',
        );
      }
    }
    context.progress(1, `insights: ${insights.method}`);

    if (this.memory && customerId) {
      await recordCallInMemory(
        this.memory,
        customerId,
        memoryEntryFrom(context.callId, insights, startedAt),
        context.signal,
      );
    }
    const categories = this.categories
      ? applyCategories(this.categories, { conversation, metrics, insights })
      : undefined;
    return { metrics, insights, ...(categories ? { categories } : {}) };
  }

  /** Insights from the model, or undefined after degrading when it fails (abort still aborts). */
  private async fromModel(
    model: LanguageModel,
    conversation: Conversation,
    context: StageContext,
    memory: ReturnType<typeof memoryContextFor>,
  ): Promise<Insights | undefined> {
    const redaction = this.options.redaction ?? {};
    const mustRedact = redactsBeforeModel(redaction.beforeModel ?? 'hosted', model);
    const redactionOptions = redaction.types ? { types: redaction.types } : {};
    const sent = mustRedact ? redactConversation(conversation, redactionOptions) : conversation;
    // Earlier calls' summaries and promises may quote personal data the offline analyzer kept verbatim.
    const history = memory && mustRedact ? redactMemoryContext(memory, redactionOptions) : memory;
    context.provenance.languageModel = { provider: model.provider, modelId: model.modelId };
    context.progress(0, `asking ${model.provider}/${model.modelId}`);
    const spend: ExtractionSpend = { requests: 0, usage: { inputTokens: 0, outputTokens: 0 } };
    try {
      const outcome = await extractInsightsWithModel({
        model,
        schema: this.schemaForModel(),
        conversation: sent,
        taxonomy: this.heuristic.taxonomy,
        rules: this.heuristic.rules,
        ...(history ? { memory: history } : {}),
        ...(context.metadata.startedAt ? { startedAt: context.metadata.startedAt } : {}),
        ...(this.options.extraFields ? { extraFields: this.options.extraFields } : {}),
        ...(this.options.modelSettings ? { settings: this.options.modelSettings } : {}),
        ...(context.cache ? { cache: context.cache } : {}),
        ...(context.signal ? { signal: context.signal } : {}),
        spend,
        logger: context.logger,
      });
      context.provenance.languageModel = outcome.answeredBy;
      context.provenance.analysisCache = outcome.cache;
      const usage = context.provenance.usage;
      usage.llmRequests += outcome.requests;
      usage.inputTokens += outcome.usage.inputTokens;
      usage.outputTokens += outcome.usage.outputTokens;
      usage.estimatedCostUsd += outcome.costUsd;
      // Quotes are checked against the text the model saw (placeholders included).
      // The running summary is told by EchoLens from the same (redacted) text, at no cost in tokens.
      return finalizeInsights(outcome.draft, sent, 'llm', this.heuristic.runningSummary(sent, outcome.draft));
    } catch (error) {
      if (AbortError.isInstance(error) || context.signal?.aborted) throw error;
      if (EchoLensError.isInstance(error) && error.code === 'invalid_configuration') throw error;
      context.provenance.usage.llmRequests += spend.requests;
      context.provenance.usage.inputTokens += spend.usage.inputTokens;
      context.provenance.usage.outputTokens += spend.usage.outputTokens;
      context.provenance.usage.estimatedCostUsd += estimateCostUsd(model.pricing, spend.usage) ?? 0;
      context.provenance.analysisCache = context.cache ? 'miss' : 'off';
      context.logger.warn(
        { callId: context.callId, error: describeError(error) },
        'language model failed; using the offline analyzer',
      );
      context.degrade('insights', describeFailure(error));
      return undefined;
    }
  }

  /** Built once: the strict JSON Schema conversion and the cache key reuse it for every call. */
  private schemaForModel() {
    this.draftSchema ??= draftSchemaFor(
      this.heuristic.taxonomy,
      this.heuristic.rules,
      this.options.extraFields,
    );
    return this.draftSchema;
  }

  /** This analyzer as a pipeline analyze stage. */
  asStage(): AnalyzeStage {
    return ({ conversation, audio }, context) => this.analyze(conversation, context, audio);
  }
}
