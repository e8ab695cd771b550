import type { Alert, CallSummaryRow } from '../schema/aggregate.js';
import { isNegative } from './call-row.js';
import { rateIncreasePValue } from './statistics.js';

/** Thresholds of each alert; `false` turns an alert off. */
export interface AlertOptions {
  /** The latest week's share of negative calls against the weeks before it. */
  negativeSentimentSpike?:
    | {
        /** Weeks before the latest that form the baseline (default 4). */
        baselineWeeks?: number;
        /** Least relative rise of the negative share (default 0.25: +25 %). */
        minIncrease?: number;
        /** Significance level of the rate test (default 0.05). */
        alpha?: number;
        /** Least negative calls in the latest week (default 5). */
        minCalls?: number;
      }
    | false;
  /** A topic's share of calls rising week over week (tested, Benjamini-Hochberg across topics). */
  topicGrowth?:
    | {
        /** Least relative rise of the topic's share (default 0.5: +50 %). */
        minGrowth?: number;
        /** False discovery rate (default 0.05). */
        alpha?: number;
        /** Least calls on the topic in the latest week (default 5). */
        minCalls?: number;
      }
    | false;
  /** A compliance rule failing on too many of the calls it applies to in the latest week. */
  complianceFailure?:
    | {
        /** Highest acceptable failure rate (default 0.1); twice it is critical. */
        maxFailRate?: number;
        /** Least calls the rule applied to (default 3). */
        minCalls?: number;
      }
    | false;
  /** Commitments to customers whose due date has passed unkept (default: at least 1). */
  overdueCommitments?: { minCount?: number } | false;
  /** A user-defined category firing in the latest week. */
  category?:
    | {
        /** Only these category ids (default all). */
        ids?: readonly string[];
        /** Least calls (default 1). */
        minCalls?: number;
        severity?: Alert['severity'];
      }
    | false;
}

/** Call ids listed per alert; `callCount` has the full number. */
const MAX_LISTED = 100;

const percent = (value: number) => `${Math.round(value * 100)} %`;

function alertOf(fields: Omit<Alert, 'callIds' | 'callCount'>, calls: readonly CallSummaryRow[]): Alert {
  return {
    ...fields,
    value: Number(fields.value.toFixed(4)),
    threshold: Number(fields.threshold.toFixed(4)),
    callIds: calls.slice(0, MAX_LISTED).map((call) => call.callId),
    callCount: calls.length,
  };
}

export interface AlertInput {
  /** Calls of the alert window: the latest week when calls are dated, else all. */
  windowCalls: readonly CallSummaryRow[];
  /** Calls of the baseline weeks before the window (empty when undated or only one week). */
  baselineCalls: readonly CallSummaryRow[];
  week: string | undefined;
  /** Topic growth already tested for the window's week. */
  topicGrowth: readonly {
    topicId: string;
    calls: number;
    previousCalls: number;
    shareChange: number | null;
    qValue: number;
  }[];
  overdue: readonly { callId: string }[];
  allCalls: ReadonlyMap<string, CallSummaryRow>;
}

export function computeAlerts(input: AlertInput, options: AlertOptions = {}): Alert[] {
  const alerts: Alert[] = [];
  const week = input.week ? { week: input.week } : {};
  const window = input.windowCalls;

  const spike = options.negativeSentimentSpike;
  if (spike !== false && input.baselineCalls.some((call) => isNegative(call) !== undefined)) {
    const minIncrease = spike?.minIncrease ?? 0.25;
    // Shares of the calls whose customer sentiment is known: an unknown one is neither negative nor not.
    const known = window.filter((call) => isNegative(call) !== undefined);
    const knownBaseline = input.baselineCalls.filter((call) => isNegative(call) !== undefined);
    const negative = known.filter((call) => isNegative(call));
    const baselineNegative = knownBaseline.filter((call) => isNegative(call)).length;
    const share = negative.length / Math.max(1, known.length);
    const baseline = baselineNegative / Math.max(1, knownBaseline.length);
    const pValue = rateIncreasePValue(negative.length, known.length, baselineNegative, knownBaseline.length);
    if (
      negative.length >= (spike?.minCalls ?? 5) &&
      share >= baseline * (1 + minIncrease) &&
      pValue < (spike?.alpha ?? 0.05)
    ) {
      alerts.push(
        alertOf(
          {
            kind: 'negative_sentiment_spike',
            severity: share >= baseline * 2 ? 'critical' : 'warning',
            metric: 'sentiment:negative',
            message: `Negative customer sentiment rose to ${percent(share)} of calls${known.length < window.length ? ' with a known sentiment' : ''} from ${percent(baseline)} in the weeks before (p = ${pValue.toPrecision(2)}).`,
            value: share,
            threshold: baseline * (1 + minIncrease),
            ...week,
          },
          negative,
        ),
      );
    }
  }

  const growth = options.topicGrowth;
  if (growth !== false) {
    const minGrowth = growth?.minGrowth ?? 0.5;
    for (const topic of input.topicGrowth) {
      const rose = topic.shareChange === null || topic.shareChange >= minGrowth;
      if (!rose || topic.calls < (growth?.minCalls ?? 5) || topic.qValue >= (growth?.alpha ?? 0.05)) continue;
      const calls = window.filter((call) => call.topicId === topic.topicId);
      const change =
        topic.shareChange === null ? 'new this week' : `share up ${Math.round(topic.shareChange * 100)} %`;
      alerts.push(
        alertOf(
          {
            kind: 'topic_growth',
            severity: 'warning',
            metric: `topic:${topic.topicId}`,
            message: `${topic.topicId.replace(/[_-]+/g, ' ')} is growing: ${topic.calls} calls against ${topic.previousCalls} the week before (${change}, q = ${topic.qValue.toPrecision(2)}).`,
            value: topic.shareChange ?? 1,
            threshold: minGrowth,
            ...week,
          },
          calls,
        ),
      );
    }
  }

  const compliance = options.complianceFailure;
  if (compliance !== false) {
    const maxFailRate = compliance?.maxFailRate ?? 0.1;
    const byRule = new Map<string, { applicable: number; failing: CallSummaryRow[] }>();
    for (const call of window) {
      for (const [ruleId, status] of Object.entries(call.compliance)) {
        if (status === 'not_applicable') continue;
        const entry = byRule.get(ruleId) ?? { applicable: 0, failing: [] };
        entry.applicable++;
        if (status === 'fail') entry.failing.push(call);
        byRule.set(ruleId, entry);
      }
    }
    for (const [ruleId, { applicable, failing }] of [...byRule].sort(([a], [b]) => a.localeCompare(b))) {
      const rate = failing.length / applicable;
      if (applicable < (compliance?.minCalls ?? 3) || rate <= maxFailRate) continue;
      alerts.push(
        alertOf(
          {
            kind: 'compliance_failure',
            severity: rate >= 2 * maxFailRate ? 'critical' : 'warning',
            metric: `rule:${ruleId}`,
            message: `${ruleId.replace(/[_-]+/g, ' ')} failed on ${failing.length} of ${applicable} calls (${percent(rate)}, limit ${percent(maxFailRate)}).`,
            value: rate,
            threshold: maxFailRate,
            ...week,
          },
          failing,
        ),
      );
    }
  }

  const overdue = options.overdueCommitments;
  if (overdue !== false && input.overdue.length >= (overdue?.minCount ?? 1)) {
    const callIds = [...new Set(input.overdue.map((item) => item.callId))];
    const calls = callIds.flatMap((id) => {
      const call = input.allCalls.get(id);
      return call ? [call] : [];
    });
    alerts.push(
      alertOf(
        {
          kind: 'overdue_commitments',
          severity: 'warning',
          metric: 'commitments:overdue',
          message: `${input.overdue.length} promise${input.overdue.length === 1 ? '' : 's'} to customers ${input.overdue.length === 1 ? 'is' : 'are'} overdue and not kept.`,
          value: input.overdue.length,
          threshold: overdue?.minCount ?? 1,
        },
        calls,
      ),
    );
  }

  const category = options.category;
  if (category !== false) {
    const byCategory = new Map<string, CallSummaryRow[]>();
    for (const call of window) {
      for (const id of call.categories) {
        if (category?.ids && !category.ids.includes(id)) continue;
        const calls = byCategory.get(id) ?? [];
        calls.push(call);
        byCategory.set(id, calls);
      }
    }
    for (const [id, calls] of [...byCategory].sort(([a], [b]) => a.localeCompare(b))) {
      if (calls.length < (category?.minCalls ?? 1)) continue;
      alerts.push(
        alertOf(
          {
            kind: 'category',
            severity: category?.severity ?? 'info',
            metric: `category:${id}`,
            message: `Category "${id}" fired on ${calls.length} call${calls.length === 1 ? '' : 's'}${input.week ? ' this week' : ''}.`,
            value: calls.length,
            threshold: category?.minCalls ?? 1,
            ...week,
          },
          calls,
        ),
      );
    }
  }

  const rank = { critical: 0, warning: 1, info: 2 };
  return alerts.sort((a, b) => rank[a.severity] - rank[b.severity]);
}
