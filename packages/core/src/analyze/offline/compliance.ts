import { ConfigurationError } from '@echolens/provider';
import { z } from 'zod';
import type { Conversation, Turn } from '../../schema/conversation.js';
import type { ComplianceStatus, EvidenceDraft } from '../../schema/insights.js';
import { citeTurn } from '../evidence.js';
import { findCue } from '../text.js';
import { CLOSING_CUES, GREETING_CUES, PROHIBITED_AGENT_PHRASES } from './lexicon/cues.js';

/**
 * A compliance rule. `required_phrase`: someone must say one of the phrases (optionally within their
 * first or last N turns); `prohibited_phrase`: nobody in `speaker` may say any; `identity_verification`:
 * the agent must ask for identifying details and the customer must answer before account matters.
 */
export const ComplianceRuleSchema = z.object({
  id: z.string().min(1),
  description: z.string().min(1),
  kind: z.enum(['required_phrase', 'prohibited_phrase', 'identity_verification']),
  speaker: z.enum(['agent', 'customer', 'any']).default('agent'),
  /** Plain phrases, matched case-insensitively on word boundaries ("this call may be recorded"). */
  phrases: z.array(z.string().min(1)).default([]),
  /** Regular expressions (source text, matched case-insensitively) for wording phrases cannot list. */
  patterns: z.array(z.string().min(1)).default([]),
  /** Only look at the speaker's first or last N turns (e.g. a disclosure due at the start). */
  within: z
    .object({
      firstTurns: z.number().int().positive().optional(),
      lastTurns: z.number().int().positive().optional(),
    })
    .optional(),
  /** When the rule applies; it is `not_applicable` otherwise. All given conditions must hold. */
  appliesTo: z
    .object({
      /** `voice` for timed transcripts, `chat` for text-only conversations. */
      channels: z.array(z.enum(['voice', 'chat'])).optional(),
      /** The call's primary or secondary topic is one of these taxonomy ids. */
      topics: z.array(z.string()).optional(),
      /** Any turn mentions one of these phrases. */
      keywords: z.array(z.string()).optional(),
    })
    .optional(),
});
export type ComplianceRule = z.infer<typeof ComplianceRuleSchema>;
export type ComplianceRuleInput = z.input<typeof ComplianceRuleSchema>;

/** Topics where the agent deals with a specific account, so identity must be checked first. */
const ACCOUNT_TOPICS = [
  'billing',
  'refund',
  'cancellation',
  'account_access',
  'card_services',
  'fraud_security',
  'transfers_payments',
  'account_update',
  'plan_change',
];

/** Reasonable contact-center defaults; pass your own `complianceRules` to replace them. */
export const DEFAULT_COMPLIANCE_RULES: readonly ComplianceRuleInput[] = [
  {
    id: 'greeting',
    description: 'The agent greets the customer and offers help at the start',
    kind: 'required_phrase',
    patterns: GREETING_CUES.map((pattern) => pattern.source),
    within: { firstTurns: 2 },
  },
  {
    id: 'recording_disclosure',
    description: 'The agent tells the caller the call may be recorded or monitored',
    kind: 'required_phrase',
    patterns: [
      String.raw`\b(?:call|conversation|line)s? (?:may|might|will|is|are|could) (?:be )?(?:being )?(?:recorded|monitored)`,
      String.raw`\brecorded (?:for|and) (?:quality|training|monitoring)`,
    ],
    within: { firstTurns: 3 },
    appliesTo: { channels: ['voice'] },
  },
  {
    id: 'identity_verification',
    description: 'The agent verifies the customer’s identity before discussing or changing the account',
    kind: 'identity_verification',
    appliesTo: { topics: ACCOUNT_TOPICS },
  },
  {
    id: 'no_prohibited_language',
    description: 'The agent avoids dismissive, rude or blaming language',
    kind: 'prohibited_phrase',
    phrases: [...PROHIBITED_AGENT_PHRASES],
  },
  {
    id: 'proper_closing',
    description: 'The agent checks for anything else or thanks the customer at the end',
    kind: 'required_phrase',
    patterns: CLOSING_CUES.map((pattern) => pattern.source),
    within: { lastTurns: 3 },
  },
];

/** Agent questions that verify identity: asking for or confirming details only the account holder has. */
const VERIFICATION_REQUEST =
  /\b(?:verify|verification|confirm (?:your|the) (?:identity|name|address|date of birth|postcode|zip|email|phone|account|security|username)|date of birth|security (?:question|answer|code|word)|last (?:four|4) (?:digits)?|(?:your|the) (?:full name|postcode|post code|zip code|mother's maiden name|account (?:number|email|holder)|email (?:address )?(?:on|associated with|linked to|registered (?:to|with)) (?:the|your) account|registered (?:email|phone|mobile)|member(?:ship)? (?:number|id)|customer (?:number|id)|username|user name|pin|passcode)|(?:may|can|could) i (?:have|get|ask for|take|grab) (?:your|the) (?:name|full name|username|email|account|phone|mobile|order|zip|postcode|address|date of birth|id|booking|reservation)|what(?:'s| is) (?:your|the) (?:name|email|phone number|account number|username) (?:on|for) (?:the|your) account)\b/;

export function parseComplianceRules(rules: readonly ComplianceRuleInput[]): ComplianceRule[] {
  const ids = new Set<string>();
  return rules.map((rule, index) => {
    const parsed = ComplianceRuleSchema.safeParse(rule);
    if (!parsed.success) {
      const detail = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || 'rule'}: ${issue.message}`,
      );
      throw new ConfigurationError(`Invalid compliance rule #${index + 1}: ${detail.join('; ')}`);
    }
    if (ids.has(parsed.data.id))
      throw new ConfigurationError(`Compliance rule id "${parsed.data.id}" appears twice`);
    ids.add(parsed.data.id);
    for (const pattern of parsed.data.patterns) {
      try {
        new RegExp(pattern, 'i');
      } catch (error) {
        throw new ConfigurationError(`Compliance rule "${parsed.data.id}": invalid pattern ${pattern}`, {
          cause: error,
        });
      }
    }
    return parsed.data;
  });
}

function escapeForRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles a rule's phrases and patterns; phrases match with any spacing and optional apostrophes. */
function rulePatterns(rule: ComplianceRule): RegExp[] {
  const fromPhrases = rule.phrases.map((phrase) => {
    const body = escapeForRegExp(phrase.toLowerCase().trim()).replace(/\s+/g, '\\s+').replace(/['’]/g, "'?");
    return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'u');
  });
  return [...fromPhrases, ...rule.patterns.map((pattern) => new RegExp(pattern, 'i'))];
}

export interface ComplianceResult {
  ruleId: string;
  status: ComplianceStatus;
  explanation: string;
  evidence: EvidenceDraft[];
}

export interface ComplianceContext {
  /** The call's primary and secondary topic ids. */
  topicIds: readonly string[];
}

function turnsInScope(rule: ComplianceRule, turns: readonly Turn[]): Turn[] {
  const spoken = turns.filter((turn) => rule.speaker === 'any' || turn.role === rule.speaker);
  if (rule.within?.firstTurns) return spoken.slice(0, rule.within.firstTurns);
  if (rule.within?.lastTurns) return spoken.slice(-rule.within.lastTurns);
  return spoken;
}

function firstMatch(turns: readonly Turn[], patterns: readonly RegExp[]) {
  for (const turn of turns) {
    const span = findCue(turn.text, patterns);
    if (span) return { turn, span };
  }
  return undefined;
}

/** Why a rule does not apply to this call, or undefined when it does. */
function notApplicableReason(rule: ComplianceRule, conversation: Conversation, context: ComplianceContext) {
  // A rule about what the agent (or customer) says cannot fail a call in which nobody was identified
  // as the agent: mono recordings without role cues keep their speakers as spk_N.
  if (rule.speaker !== 'any' && !conversation.turns.some((turn) => turn.role === rule.speaker)) {
    return `no speaker was identified as the ${rule.speaker}`;
  }
  const applies = rule.appliesTo;
  if (!applies) return undefined;
  if (applies.channels) {
    const channel = conversation.turns.some((turn) => turn.startSec !== undefined) ? 'voice' : 'chat';
    if (!applies.channels.includes(channel))
      return `applies to ${applies.channels.join('/')} only; this is a ${channel} conversation`;
  }
  if (applies.topics && !context.topicIds.some((topic) => applies.topics?.includes(topic))) {
    return `applies only to ${applies.topics.join(', ')} topics`;
  }
  if (applies.keywords) {
    const keywordRule = { ...rule, phrases: applies.keywords, patterns: [] };
    if (!firstMatch(conversation.turns, rulePatterns(keywordRule)))
      return 'none of its keywords was mentioned';
  }
  return undefined;
}

/** Checks every rule against the conversation: pass, fail or not applicable, with the evidence. */
export function evaluateCompliance(
  rules: readonly ComplianceRule[],
  conversation: Conversation,
  context: ComplianceContext,
): ComplianceResult[] {
  return rules.map((rule) => {
    const reason = notApplicableReason(rule, conversation, context);
    if (reason) return { ruleId: rule.id, status: 'not_applicable', explanation: reason, evidence: [] };
    const scope = turnsInScope(rule, conversation.turns);
    const where = rule.within?.firstTurns
      ? ` in their first ${rule.within.firstTurns} turns`
      : rule.within?.lastTurns
        ? ` in their last ${rule.within.lastTurns} turns`
        : '';
    const who = rule.speaker === 'any' ? 'anyone' : `the ${rule.speaker}`;

    if (rule.kind === 'identity_verification') {
      const patterns =
        rule.phrases.length + rule.patterns.length > 0 ? rulePatterns(rule) : [VERIFICATION_REQUEST];
      const request = firstMatch(scope, patterns);
      if (!request) {
        return {
          ruleId: rule.id,
          status: 'fail',
          explanation: `${who} never asked for identifying details`,
          evidence: [],
        };
      }
      const requestIndex = conversation.turns.indexOf(request.turn);
      const answer = conversation.turns.slice(requestIndex + 1).find((turn) => turn.role === 'customer');
      const evidence = [citeTurn(request.turn, request.span)];
      if (!answer) {
        return {
          ruleId: rule.id,
          status: 'fail',
          explanation: 'identifying details were asked for but never given',
          evidence,
        };
      }
      return {
        ruleId: rule.id,
        status: 'pass',
        explanation: 'the agent asked for identifying details and the customer gave them',
        evidence,
      };
    }

    const found = firstMatch(scope, rulePatterns(rule));
    if (rule.kind === 'prohibited_phrase') {
      return found
        ? {
            ruleId: rule.id,
            status: 'fail',
            explanation: `${who} used prohibited language`,
            evidence: [citeTurn(found.turn, found.span)],
          }
        : { ruleId: rule.id, status: 'pass', explanation: `no prohibited phrase from ${who}`, evidence: [] };
    }
    return found
      ? {
          ruleId: rule.id,
          status: 'pass',
          explanation: `said by ${who}${where}`,
          evidence: [citeTurn(found.turn, found.span)],
        }
      : { ruleId: rule.id, status: 'fail', explanation: `not said by ${who}${where}`, evidence: [] };
  });
}
