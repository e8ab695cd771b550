import {
  type CallAnalysis,
  type CallResult,
  type ComplianceStatus,
  createPipeline,
  type ResolutionStatus,
  type SentimentLabel,
} from '@echolens/core';

/** A real analysis (offline analyzer on a short timed call) that the tests reshape into known cases. */
export async function baseResult(): Promise<CallResult> {
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
        text: 'I am sorry about that. I will refund the duplicate charge today.',
        startSec: 8.5,
        endSec: 13,
      },
      { speaker: 'customer', text: 'Thank you, that is all I needed.', startSec: 13.5, endSec: 16 },
      { speaker: 'agent', text: 'You are welcome, have a great day.', startSec: 16.5, endSec: 19 },
    ],
  });
}

export interface CallSpec {
  id: string;
  startedAt?: string;
  agentId?: string;
  customerId?: string;
  topic?: string;
  resolution?: ResolutionStatus;
  sentiment?: SentimentLabel;
  durationSec?: number;
  risk?: number;
  compliance?: Record<string, ComplianceStatus>;
  /** Owed to the customer after the call (the memory box's deliverables). */
  owed?: { item: string; dueDate?: string; callback?: boolean }[];
  categories?: string[];
  /** For `other`-topic calls: what the customer said about why they called. */
  reason?: string;
}

/** A copy of the base analysis with the given facts. */
export function analysisOf(base: CallResult, spec: CallSpec): CallAnalysis {
  const analysis = structuredClone(base.analysis);
  analysis.callId = spec.id;
  analysis.metadata = {
    ...(spec.startedAt ? { startedAt: spec.startedAt } : {}),
    ...(spec.agentId ? { agentId: spec.agentId } : {}),
    ...(spec.customerId ? { customerId: spec.customerId } : {}),
  };
  const { insights, metrics } = analysis;
  if (spec.durationSec !== undefined) metrics.durationSec = spec.durationSec;
  const evidence = spec.reason ? [{ turnIds: ['t2'], quote: spec.reason }] : [];
  insights.intent = {
    primary: { topicId: spec.topic ?? 'billing', confidence: 0.8, evidence },
    secondary: [],
  };
  insights.complaint = { ...insights.complaint, evidence: [] };
  insights.summary = { ...insights.summary, evidence: [] };
  insights.keyInsights = [];
  insights.resolution = { ...insights.resolution, status: spec.resolution ?? 'resolved' };
  insights.sentiment.customer = { ...insights.sentiment.customer, label: spec.sentiment ?? 'neutral' };
  insights.escalation = { ...insights.escalation, risk: spec.risk ?? 10 };
  insights.compliance = Object.entries(spec.compliance ?? { greeting: 'pass' }).map(([ruleId, status]) => ({
    ruleId,
    status,
    explanation: '',
    evidence: [],
  }));
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
  if (spec.categories) analysis.categories = spec.categories.map((id) => ({ id, evidence: [], spans: [] }));
  return analysis;
}
