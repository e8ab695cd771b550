import { riskLevelOf } from '../analyze/risk-level.js';
import { createPipeline } from '../pipeline/create-pipeline.js';
import type { CallAnalysis } from '../schema/analysis.js';
import type { CallResult } from '../schema/call-result.js';
import type { ComplianceStatus, ResolutionStatus, SentimentLabel } from '../schema/insights.js';
import { mulberry32 } from './seeded-random.js';

/**
 * A real analysis (the offline analyzer on a short timed call: greeting, a double charge, a refund, thanks)
 * for the aggregate stage's tests and benchmark to reshape into the calls they need. `agentReply` is what the
 * agent answers the complaint with (the third turn).
 */
export async function syntheticBaseResult(options: { agentReply?: string } = {}): Promise<CallResult> {
  const pipeline = createPipeline({ cache: false, memory: false });
  return pipeline.analyzeConversation({
    id: 'base',
    turns: [
      {
        speaker: 'agent',
        text: 'Thank you for calling, my name is Sam. How can I help you today?',
        startSec: 0,
        endSec: 4,
      },
      {
        speaker: 'customer',
        text: 'I was charged twice for my subscription this month.',
        startSec: 4.5,
        endSec: 8,
      },
      {
        speaker: 'agent',
        text: options.agentReply ?? 'I am sorry about that. I will refund the duplicate charge today.',
        startSec: 8.5,
        endSec: 13,
      },
      { speaker: 'customer', text: 'Thank you, that is all I needed.', startSec: 13.5, endSec: 16 },
      { speaker: 'agent', text: 'You are welcome, have a great day.', startSec: 16.5, endSec: 19 },
    ],
  });
}

/** The facts of one synthetic call; what is left out keeps a default (or the base analysis's value). */
export interface SyntheticCallSpec {
  id: string;
  startedAt?: string;
  agentId?: string;
  customerId?: string;
  /** Default `billing`. */
  topic?: string;
  /** Default `resolved`. */
  resolution?: ResolutionStatus;
  /** The customer's; default `neutral`. */
  sentiment?: SentimentLabel;
  /** The customer's sentiment score; default the base analysis's (null with an unknown sentiment). */
  sentimentScore?: number | null;
  durationSec?: number;
  /** Escalation risk; default 10; null when unknown (no customer turns). */
  risk?: number | null;
  /** Rule id → status; default `{ greeting: 'pass' }`. */
  compliance?: Record<string, ComplianceStatus>;
  /** Owed to the customer after the call (the memory box's deliverables). */
  owed?: { item: string; dueDate?: string; callback?: boolean }[];
  categories?: string[];
  /** For `other`-topic calls: what the customer said about why they called. */
  reason?: string;
}

/** Writes the spec's facts into `analysis` (a copy of the base's); the primary topic gets `confidence`. */
function applySpec(analysis: CallAnalysis, spec: SyntheticCallSpec, confidence: number): void {
  analysis.callId = spec.id;
  analysis.metadata = {
    ...(spec.startedAt ? { startedAt: spec.startedAt } : {}),
    ...(spec.agentId ? { agentId: spec.agentId } : {}),
    ...(spec.customerId ? { customerId: spec.customerId } : {}),
  };
  const { insights, metrics } = analysis;
  if (spec.durationSec !== undefined) metrics.durationSec = spec.durationSec;
  const evidence = spec.reason ? [{ turnIds: ['t2'], quote: spec.reason }] : [];
  insights.intent.primary = { topicId: spec.topic ?? 'billing', confidence, evidence };
  insights.resolution = { ...insights.resolution, status: spec.resolution ?? 'resolved' };
  insights.sentiment.customer = {
    ...insights.sentiment.customer,
    label: spec.sentiment ?? 'neutral',
    ...(spec.sentimentScore !== undefined ? { score: spec.sentimentScore } : {}),
  };
  const risk = spec.risk === undefined ? 10 : spec.risk;
  insights.escalation = { ...insights.escalation, risk, level: riskLevelOf(risk) };
  const compliance: Record<string, ComplianceStatus> = spec.compliance ?? { greeting: 'pass' };
  insights.compliance = Object.entries(compliance).map(([ruleId, status]) => ({
    ruleId,
    status,
    explanation: '',
    evidence: [],
  }));
  if (spec.categories) analysis.categories = spec.categories.map((id) => ({ id, evidence: [], spans: [] }));
}

/**
 * A copy of the base analysis with exactly the given facts: no secondary topics, no evidence, key insights
 * or action items, and only the spec's deliverables and callback promises, so a test knows every figure.
 */
export function syntheticAnalysis(base: CallResult, spec: SyntheticCallSpec): CallAnalysis {
  const analysis = structuredClone(base.analysis);
  applySpec(analysis, spec, 0.8);
  const { insights } = analysis;
  insights.intent.secondary = [];
  insights.complaint = { ...insights.complaint, evidence: [] };
  insights.summary = { ...insights.summary, evidence: [] };
  insights.keyInsights = [];
  const owed = spec.owed ?? [];
  insights.memory = {
    deliverables: owed.map((entry) => ({
      item: entry.item,
      owner: 'agent' as const,
      due: entry.dueDate ? `by ${entry.dueDate}` : null,
      dueDate: entry.dueDate ?? null,
      evidence: [],
    })),
    openIssues: [],
  };
  insights.callbackPromises = owed
    .filter((entry) => entry.callback)
    .map((entry) => ({
      promisedBy: 'agent' as const,
      promise: entry.item,
      due: null,
      dueDate: entry.dueDate ?? null,
      evidence: [],
    }));
  insights.actionItems = [];
  return analysis;
}

const TOPICS = [
  'billing',
  'refund',
  'cancellation',
  'account_access',
  'technical_issue',
  'delivery',
  'order_status',
  'plan_change',
  'card_services',
  'booking',
  'product_information',
  'other',
];
const WORDS = [
  'locker',
  'code',
  'parcel',
  'app',
  'crash',
  'photo',
  'voucher',
  'expired',
  'store',
  'login',
  'screen',
  'printer',
  'driver',
  'update',
  'invoice',
  'address',
  'courier',
  'warranty',
  'battery',
  'charger',
];
const RULES = [
  'greeting',
  'recording_disclosure',
  'identity_verification',
  'no_prohibited_language',
  'proper_closing',
];
const LABELS: SentimentLabel[] = ['positive', 'neutral', 'negative', 'mixed'];
const RESOLUTIONS: ResolutionStatus[] = ['resolved', 'partially_resolved', 'unresolved'];
const CATEGORIES = ['cancel-threat', 'long-hold', 'late-disclosure'];

const pick = <T>(next: () => number, list: readonly T[]): T => list[Math.floor(next() * list.length)]!;

/**
 * Call `index` of a synthetic contact center (12 weeks from 6 January 2025, 50 agents, a customer calling
 * about 3 times, 12 topics, 5 compliance rules, a category on one call in ten), drawn from a seed of its
 * own: the same index gives the same call. Everything else is the base's, its evidence and promises included.
 */
export function syntheticContactCenterCall(base: CallResult, index: number): CallResult {
  const next = mulberry32(index + 1);
  const id = `call-${String(index).padStart(6, '0')}`;
  // Drawn in this order, one number each (the order fixes every call).
  const day = Math.floor(next() * 84);
  const startedAt = new Date(Date.UTC(2025, 0, 6 + day, 8 + Math.floor(next() * 10))).toISOString();
  const agentId = `agent-${Math.floor(next() * 50)}`;
  const customerId = `customer-${Math.floor(next() * Math.max(1, index / 3))}`;
  const topic = pick(next, TOPICS);
  const reason = Array.from({ length: 6 }, () => pick(next, WORDS)).join(' ');
  const sentiment = pick(next, LABELS);
  const sentimentScore = Number((next() * 2 - 1).toFixed(3));
  const resolution = pick(next, RESOLUTIONS);
  const risk = Math.floor(next() * 100);
  const compliance = Object.fromEntries(
    RULES.map((ruleId): [string, ComplianceStatus] => [ruleId, next() < 0.9 ? 'pass' : 'fail']),
  );
  const durationSec = Math.round(60 + next() * 900);
  const categories = next() < 0.1 ? [pick(next, CATEGORIES)] : undefined;

  const result = structuredClone(base);
  result.callId = id;
  result.name = `${id}.wav`;
  result.conversation.callId = id;
  applySpec(
    result.analysis,
    {
      id,
      startedAt,
      agentId,
      customerId,
      topic,
      ...(topic === 'other' ? { reason } : {}),
      sentiment,
      sentimentScore,
      resolution,
      risk,
      compliance,
      durationSec,
      ...(categories ? { categories } : {}),
    },
    0.7,
  );
  return result;
}
