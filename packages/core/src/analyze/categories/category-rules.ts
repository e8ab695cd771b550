import type { TimeSpan } from '@echolens/provider';
import { ConfigurationError } from '@echolens/provider';
import { z } from 'zod';
import type { CallAnalysis, CategoryMatch } from '../../schema/analysis.js';
import type { CallResult } from '../../schema/call-result.js';
import type { Conversation, Turn } from '../../schema/conversation.js';
import { type Evidence, SentimentLabelSchema } from '../../schema/insights.js';
import type { CallMetrics } from '../../schema/metrics.js';
import { interruptionTimes } from '../metrics/metrics.js';
import { scoreTurns, speakerSentiment } from '../offline/turn-features.js';
import { matchForm, quoteAround } from '../text.js';

/**
 * Categories: your own rules that tag a call, like the categories of contact-center analytics suites
 * but re-runnable on past calls. A rule fires when all its conditions hold; a condition looks at what
 * was said (phrases), how a speaker sounded (sentiment), interruptions or silences, optionally only in
 * part of the call (the first 60 s, the last quarter…), and `negate` turns it into "did not happen".
 * Rules read the stored conversation and metrics, so they re-apply to stored results without
 * transcribing again.
 */

/**
 * Part of the call a condition looks at: `{ firstSec: 60 }`, `{ lastSec: 30 }`, `{ startSec, endSec }`,
 * or by fraction of the call, `{ startFraction: 0.75, endFraction: 1 }` (the last quarter). Conversations
 * without timings (chats) only support fractions, counted by turn position; a condition with a range in
 * seconds cannot be judged on them and its rule does not fire (negated or not).
 */
export const TimeRangeSchema = z.union([
  z.strictObject({ firstSec: z.number().positive() }),
  z.strictObject({ lastSec: z.number().positive() }),
  z.strictObject({ startSec: z.number().nonnegative(), endSec: z.number().positive() }),
  z.strictObject({ startFraction: z.number().min(0).max(1), endFraction: z.number().min(0).max(1) }),
]);
export type TimeRange = z.infer<typeof TimeRangeSchema>;

const common = {
  /** Fire when the condition does NOT hold (e.g. the disclosure was not said in the first minute). */
  negate: z.boolean().default(false),
  range: TimeRangeSchema.optional(),
};

export const CategoryConditionSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('phrase'),
    /** Any of these, case-insensitive, on word boundaries ("cancel my account"). */
    phrases: z.array(z.string().min(1)).min(1),
    speaker: z.enum(['agent', 'customer', 'any']).default('any'),
    ...common,
  }),
  z.object({
    type: z.literal('sentiment'),
    speaker: z.enum(['agent', 'customer']).default('customer'),
    /** The speaker's sentiment (over the range, when given) is one of these. */
    sentiments: z.array(SentimentLabelSchema).min(1),
    ...common,
  }),
  z.object({
    type: z.literal('interruption'),
    /** Who interrupts. */
    by: z.enum(['agent', 'customer', 'any']).default('any'),
    minCount: z.number().int().positive().default(1),
    ...common,
  }),
  z.object({
    type: z.literal('non_talk'),
    /** A silence (nobody talking) at least this long; silences shorter than the metrics' threshold (2 s) are not listed. */
    minSec: z.number().positive(),
    ...common,
  }),
]);
export type CategoryCondition = z.infer<typeof CategoryConditionSchema>;

export const CategoryRuleSchema = z.object({
  id: z.string().min(1),
  description: z.string().optional(),
  /** All must hold. */
  conditions: z.array(CategoryConditionSchema).min(1),
});
export type CategoryRule = z.infer<typeof CategoryRuleSchema>;
export type CategoryRuleInput = z.input<typeof CategoryRuleSchema>;

/** Validates category rules (e.g. read from a JSON file); a bad rule names its position and problem. */
export function parseCategoryRules(rules: unknown): CategoryRule[] {
  const parsed = z.array(CategoryRuleSchema).safeParse(rules);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigurationError(
      `invalid category rules at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  const ids = new Set<string>();
  for (const rule of parsed.data) {
    if (ids.has(rule.id)) throw new ConfigurationError(`category rule id "${rule.id}" is used twice`);
    ids.add(rule.id);
  }
  return parsed.data;
}

/** What a condition reads from a call. */
export interface CategoryInput {
  conversation: Conversation;
  metrics: CallMetrics;
  insights: Pick<CallAnalysis['insights'], 'sentiment'>;
}

interface Window {
  kind: 'seconds' | 'position';
  from: number;
  to: number;
}

/** The range on the call's timeline (seconds) or, for untimed chats, as a 0-1 turn position; undefined when it cannot apply. */
function windowOf(range: TimeRange | undefined, input: CategoryInput): Window | undefined | null {
  if (!range) return undefined;
  const timed = input.metrics.durationSec > 0;
  const duration = input.metrics.durationSec;
  if ('startFraction' in range) {
    return timed
      ? { kind: 'seconds', from: range.startFraction * duration, to: range.endFraction * duration }
      : { kind: 'position', from: range.startFraction, to: range.endFraction };
  }
  if (!timed) return null;
  if ('firstSec' in range) return { kind: 'seconds', from: 0, to: range.firstSec };
  if ('lastSec' in range)
    return { kind: 'seconds', from: Math.max(0, duration - range.lastSec), to: duration };
  return { kind: 'seconds', from: range.startSec, to: range.endSec };
}

function turnInWindow(turn: Turn, index: number, count: number, window: Window | undefined): boolean {
  if (!window) return true;
  if (window.kind === 'position') {
    const position = count > 1 ? index / (count - 1) : 0;
    return position >= window.from && position <= window.to;
  }
  if (turn.startSec === undefined || turn.endSec === undefined) return false;
  // A turn counts when any of it falls in the range.
  return turn.startSec < window.to && turn.endSec > window.from;
}

function spanInWindow(span: TimeSpan, window: Window | undefined): TimeSpan | undefined {
  if (!window) return span;
  const startSec = Math.max(span.startSec, window.from);
  const endSec = Math.min(span.endSec, window.to);
  return endSec > startSec ? { startSec, endSec } : undefined;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function phrasePattern(phrases: readonly string[]): RegExp {
  const alternatives = phrases.map((phrase) =>
    matchForm(phrase.trim()).split(/\s+/).map(escapeRegExp).join('\\s+'),
  );
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'u');
}

function evidenceOf(turn: Turn, span?: { start: number; end: number }): Evidence {
  return {
    turnIds: [turn.id],
    quote: span ? quoteAround(turn.text, span) : turn.text.slice(0, 180),
    ...(turn.startSec !== undefined ? { startSec: turn.startSec } : {}),
    ...(turn.endSec !== undefined ? { endSec: turn.endSec } : {}),
  };
}

interface Outcome {
  /** Undefined when the condition cannot be judged (a range in seconds on a chat without times). */
  holds: boolean | undefined;
  evidence: Evidence[];
  spans: TimeSpan[];
}

const roleOf = (conversation: Conversation, speaker: string) =>
  conversation.speakers.find((entry) => entry.id === speaker)?.role ?? 'unknown';

function evaluate(
  condition: CategoryCondition,
  input: CategoryInput,
  compiled: Map<CategoryCondition, RegExp>,
): Outcome {
  const none: Outcome = { holds: false, evidence: [], spans: [] };
  const window = windowOf(condition.range, input);
  if (window === null) return { ...none, holds: undefined };
  const turns = input.conversation.turns;
  switch (condition.type) {
    case 'phrase': {
      let pattern = compiled.get(condition);
      if (!pattern) {
        pattern = phrasePattern(condition.phrases);
        compiled.set(condition, pattern);
      }
      const evidence: Evidence[] = [];
      turns.forEach((turn, index) => {
        if (condition.speaker !== 'any' && turn.role !== condition.speaker) return;
        if (!turnInWindow(turn, index, turns.length, window)) return;
        const match = pattern.exec(matchForm(turn.text));
        if (match)
          evidence.push(evidenceOf(turn, { start: match.index, end: match.index + match[0].length }));
      });
      return { holds: evidence.length > 0, evidence: evidence.slice(0, 5), spans: [] };
    }
    case 'sentiment': {
      if (!window) {
        const label = input.insights.sentiment[condition.speaker].label;
        return { holds: condition.sentiments.includes(label), evidence: [], spans: [] };
      }
      const scored = scoreTurns(input.conversation).filter(
        (entry) =>
          entry.turn.role === condition.speaker &&
          turnInWindow(entry.turn, entry.index, turns.length, window),
      );
      if (scored.length === 0) return none;
      const sentiment = speakerSentiment(scored);
      const evidence = sentiment.evidence.flatMap((draft) => {
        const turn = turns.find((candidate) => candidate.id === draft.turnIds[0]);
        return turn ? [{ ...evidenceOf(turn), quote: draft.quote }] : [];
      });
      return { holds: condition.sentiments.includes(sentiment.label), evidence, spans: [] };
    }
    case 'interruption': {
      const events = interruptionTimes(input.conversation).filter((event) => {
        if (condition.by !== 'any' && roleOf(input.conversation, event.interrupter) !== condition.by)
          return false;
        return !window || (event.atSec >= window.from && event.atSec <= window.to);
      });
      return {
        holds: events.length >= condition.minCount,
        evidence: [],
        spans: events.slice(0, 10).map((event) => ({ startSec: event.atSec, endSec: event.atSec })),
      };
    }
    case 'non_talk': {
      const spans = input.metrics.nonTalk.instances.flatMap((instance) => {
        const inside = spanInWindow(instance, window);
        return inside && inside.endSec - inside.startSec >= condition.minSec ? [inside] : [];
      });
      return { holds: spans.length > 0, evidence: [], spans: spans.slice(0, 10) };
    }
  }
}

/** Applies category rules to one call; returns the categories that fired, with what made them fire. */
export function applyCategories(rules: readonly CategoryRule[], input: CategoryInput): CategoryMatch[] {
  const compiled = new Map<CategoryCondition, RegExp>();
  const matches: CategoryMatch[] = [];
  for (const rule of rules) {
    const evidence: Evidence[] = [];
    const spans: TimeSpan[] = [];
    let fires = true;
    for (const condition of rule.conditions) {
      const outcome = evaluate(condition, input, compiled);
      // A condition that cannot be judged never makes a rule fire, negated or not.
      const holds = outcome.holds !== undefined && (condition.negate ? !outcome.holds : outcome.holds);
      if (!holds) {
        fires = false;
        break;
      }
      if (!condition.negate) {
        evidence.push(...outcome.evidence);
        spans.push(...outcome.spans);
      }
    }
    if (fires) matches.push({ id: rule.id, evidence, spans });
  }
  return matches;
}

/**
 * Re-applies category rules to a stored result (no transcription, no model): the result with its
 * `analysis.categories` replaced.
 */
export function recategorize(result: CallResult, rules: readonly CategoryRule[]): CallResult {
  const categories = applyCategories(rules, {
    conversation: result.conversation,
    metrics: result.analysis.metrics,
    insights: result.analysis.insights,
  });
  return { ...result, analysis: { ...result.analysis, categories } };
}
