import { describeError } from '@echolens/provider';
import type {
  AgentScorecard,
  AggregateReport,
  CallSummaryRow,
  Failure,
  GrowthTest,
  TopicStats,
} from '../schema/aggregate.js';
import type { CallAnalysis } from '../schema/analysis.js';
import type { SentimentLabel } from '../schema/insights.js';
import { type AlertOptions, computeAlerts } from './alerts.js';
import { type CallDriverOptions, clusterCallDrivers } from './call-drivers.js';
import { callRowOf, isNegative, isResolved } from './call-row.js';
import { trackCommitments } from './commitments.js';
import { writtenSummary } from './executive-summary.js';
import { benjaminiHochberg, rateIncreasePValue } from './statistics.js';
import { weekOf, weeksBetween } from './weeks.js';

export interface AggregateOptions {
  alerts?: AlertOptions;
  callDrivers?: CallDriverOptions;
  /** Commitments are due or overdue relative to this moment (default now). */
  asOf?: Date;
  /** Calls listed in the escalation ranking (default 20). */
  topEscalations?: number;
}

const round = (value: number, digits = 4) => Number(value.toFixed(digits));

/** A running mean that needs no list of values. */
class Mean {
  sum = 0;
  count = 0;
  add(value: number | null | undefined): void {
    if (value === undefined || value === null || Number.isNaN(value)) return;
    this.sum += value;
    this.count++;
  }
  value(digits = 4): number | undefined {
    return this.count > 0 ? round(this.sum / this.count, digits) : undefined;
  }
}

class Rate {
  hits = 0;
  count = 0;
  /** `undefined`: not known for this call, so it counts neither way. */
  add(hit: boolean | undefined): void {
    if (hit === undefined) return;
    this.count++;
    if (hit) this.hits++;
  }
  value(): number | undefined {
    return this.count > 0 ? round(this.hits / this.count) : undefined;
  }
}

function getOr<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

const sentimentCounts = (): Record<SentimentLabel, number> => ({
  positive: 0,
  neutral: 0,
  negative: 0,
  mixed: 0,
  unknown: 0,
});

const shift = (call: CallSummaryRow) =>
  call.sentimentStart !== undefined && call.sentimentEnd !== undefined
    ? call.sentimentEnd - call.sentimentStart
    : undefined;

/** Accumulators of one agent's scorecard. */
class AgentAccumulator {
  calls = 0;
  professionalism = new Mean();
  empathy = new Mean();
  knowledge = new Mean();
  compliance = new Rate();
  talkRatio = new Mean();
  latency = new Mean();
  interruptions = new Mean();
  deadAir = new Mean();
  shift = new Mean();
  resolved = new Rate();
  handleTime = new Mean();
  risk = new Mean();
  csat = new Mean();
  add(call: CallSummaryRow): void {
    this.calls++;
    this.professionalism.add(call.qa.professionalism);
    this.empathy.add(call.qa.empathy);
    this.knowledge.add(call.qa.knowledge);
    for (const status of Object.values(call.compliance))
      if (status !== 'not_applicable') this.compliance.add(status === 'pass');
    this.talkRatio.add(call.agentTalkRatio);
    this.latency.add(call.responseLatencySec);
    this.interruptions.add(call.agentInterruptions);
    if (call.channel === 'voice') {
      this.deadAir.add(call.deadAirSec);
      this.handleTime.add(call.durationSec);
    }
    this.shift.add(shift(call));
    this.resolved.add(isResolved(call));
    this.risk.add(call.escalationRisk);
    this.csat.add(call.csat);
  }
}

/**
 * The aggregate stage, incremental: add analyses (or stored rows) as they arrive, in any order, and ask
 * for the report at any time. Adding a call again replaces its earlier row, so re-analysed calls are
 * never counted twice. Only one compact row per call is kept (never transcripts or full analyses), and
 * a report's `calls` are the whole state: `Aggregator.resume(report)` continues from a stored report.
 */
export class Aggregator {
  private readonly rows = new Map<string, CallSummaryRow>();
  private readonly failures: Failure[] = [];
  readonly options: AggregateOptions;

  constructor(options: AggregateOptions = {}) {
    this.options = options;
  }

  /** Continues from a stored report: its call rows and failures, plus whatever is added next. */
  static resume(
    report: Pick<AggregateReport, 'calls' | 'failures'>,
    options: AggregateOptions = {},
  ): Aggregator {
    const aggregator = new Aggregator(options);
    for (const row of report.calls) aggregator.addRow(row);
    for (const failure of report.failures) aggregator.failures.push(failure);
    return aggregator;
  }

  /** Adds (or replaces) one call. `name` is the input's name (file, URL, key), for the call table. */
  add(analysis: CallAnalysis, name?: string): this {
    return this.addRow(callRowOf(analysis, name));
  }

  addRow(row: CallSummaryRow): this {
    // A call seen before keeps its place: the report does not depend on the order calls were re-added.
    this.rows.set(row.callId, row);
    return this;
  }

  addFailure(name: string, error: unknown): this {
    const { code, message } = describeError(error);
    this.failures.push({ name, code, message });
    return this;
  }

  get callCount(): number {
    return this.rows.size;
  }

  /** The report over every call added so far, with a written (template) executive summary. */
  report(): AggregateReport {
    const options = this.options;
    const asOf = options.asOf ?? new Date();
    const calls = [...this.rows.values()];

    const weekOfCall = new Map<string, string>();
    let firstWeek: string | undefined;
    let lastWeek: string | undefined;
    let from: string | undefined;
    let to: string | undefined;
    for (const call of calls) {
      const week = weekOf(call.startedAt);
      if (!week || !call.startedAt) continue;
      weekOfCall.set(call.callId, week);
      if (!firstWeek || week < firstWeek) firstWeek = week;
      if (!lastWeek || week > lastWeek) lastWeek = week;
      const time = new Date(call.startedAt).toISOString();
      if (!from || time < from) from = time;
      if (!to || time > to) to = time;
    }
    const weeks = firstWeek && lastWeek ? weeksBetween(firstWeek, lastWeek) : [];
    const weekIndex = new Map(weeks.map((week, index) => [week, index]));
    const callsPerWeek = new Array<number>(weeks.length).fill(0);

    // One pass over the rows fills every accumulator.
    const duration = new Mean();
    const handleTime = new Mean();
    const nonTalk = new Mean();
    const agentTalk = new Mean();
    const csat = new Mean();
    const risk = new Mean();
    const resolved = new Rate();
    const negative = new Rate();
    const compliancePass = new Rate();
    const sentimentShift = new Mean();
    let totalDuration = 0;
    let totalTalk = 0;
    const distribution = sentimentCounts();
    const weeklySentiment = weeks.map(() => ({ ...sentimentCounts(), score: new Mean() }));
    const topics = new Map<
      string,
      {
        calls: number;
        resolved: Rate;
        handleTime: Mean;
        risk: Mean;
        negative: Rate;
        weekly: number[];
      }
    >();
    const drivers = new Map<string, { calls: number; impact: Mean }>();
    const rules = new Map<string, { pass: number; fail: number; notApplicable: number }>();
    const agentRules = new Map<string, { agentId: string; ruleId: string; pass: number; fail: number }>();
    const agents = new Map<string, AgentAccumulator>();
    const categories = new Map<string, { calls: number; weekly: number[] }>();
    const otherCalls: { callId: string; terms: string[] }[] = [];

    for (const call of calls) {
      const index = weekIndex.get(weekOfCall.get(call.callId) ?? '');
      if (index !== undefined) callsPerWeek[index] = (callsPerWeek[index] ?? 0) + 1;
      totalDuration += call.durationSec;
      totalTalk += call.talkTimeSec;
      duration.add(call.durationSec);
      if (call.channel === 'voice') {
        handleTime.add(call.durationSec);
        nonTalk.add(call.nonTalkRatio);
      }
      agentTalk.add(call.agentTalkRatio);
      csat.add(call.csat);
      risk.add(call.escalationRisk);
      resolved.add(isResolved(call));
      negative.add(isNegative(call));
      sentimentShift.add(shift(call));
      distribution[call.customerSentiment]++;
      if (index !== undefined) {
        const week = weeklySentiment[index] as (typeof weeklySentiment)[number];
        week[call.customerSentiment]++;
        week.score.add(call.customerScore);
      }

      const topic = getOr(topics, call.topicId, () => ({
        calls: 0,
        resolved: new Rate(),
        handleTime: new Mean(),
        risk: new Mean(),
        negative: new Rate(),
        weekly: new Array<number>(weeks.length).fill(0),
      }));
      topic.calls++;
      topic.resolved.add(isResolved(call));
      if (call.channel === 'voice') topic.handleTime.add(call.durationSec);
      topic.risk.add(call.escalationRisk);
      topic.negative.add(isNegative(call));
      if (index !== undefined) topic.weekly[index] = (topic.weekly[index] ?? 0) + 1;

      for (const { driver, impact } of call.escalationDrivers) {
        const entry = getOr(drivers, driver, () => ({ calls: 0, impact: new Mean() }));
        entry.calls++;
        entry.impact.add(impact);
      }

      const agentId = call.agentId;
      for (const [ruleId, status] of Object.entries(call.compliance)) {
        const rule = getOr(rules, ruleId, () => ({ pass: 0, fail: 0, notApplicable: 0 }));
        if (status === 'not_applicable') {
          rule.notApplicable++;
          continue;
        }
        rule[status]++;
        compliancePass.add(status === 'pass');
        if (agentId) {
          const entry = getOr(agentRules, `${agentId}\u0000${ruleId}`, () => ({
            agentId,
            ruleId,
            pass: 0,
            fail: 0,
          }));
          entry[status]++;
        }
      }
      if (agentId) getOr(agents, agentId, () => new AgentAccumulator()).add(call);

      for (const id of new Set(call.categories)) {
        const category = getOr(categories, id, () => ({
          calls: 0,
          weekly: new Array<number>(weeks.length).fill(0),
        }));
        category.calls++;
        if (index !== undefined) category.weekly[index] = (category.weekly[index] ?? 0) + 1;
      }
      if (call.terms) otherCalls.push({ callId: call.callId, terms: call.terms });
    }

    const count = calls.length;
    const latest = weeks.length - 1;
    const topicStats = this.topicStats(topics, weeks, callsPerWeek, count);
    const commitments = trackCommitments(calls, asOf);
    const agentCards = this.scorecards(agents);

    const windowWeek = weeks[latest];
    const windowCalls = windowWeek
      ? calls.filter((call) => weekOfCall.get(call.callId) === windowWeek)
      : calls;
    const baselineWeeks = new Set(
      weeks.slice(
        Math.max(
          0,
          latest -
            (options.alerts?.negativeSentimentSpike
              ? (options.alerts.negativeSentimentSpike.baselineWeeks ?? 4)
              : 4),
        ),
        Math.max(0, latest),
      ),
    );
    const baselineCalls = calls.filter((call) => baselineWeeks.has(weekOfCall.get(call.callId) ?? ''));
    const alerts = computeAlerts(
      {
        windowCalls,
        baselineCalls,
        week: windowWeek,
        topicGrowth: topicStats.flatMap((topic) =>
          topic.growth && topic.growth.week === windowWeek
            ? [{ topicId: topic.topicId, ...topic.growth }]
            : [],
        ),
        overdue: commitments.items.filter((item) => item.status === 'overdue'),
        allCalls: this.rows,
      },
      options.alerts,
    );

    const top = options.topEscalations ?? 20;
    const report: Omit<AggregateReport, 'executiveSummary'> = {
      schemaVersion: 2,
      generatedAt: new Date().toISOString(),
      callCount: count,
      failedCount: this.failures.length,
      degradedCount: calls.filter((row) => row.degraded).length,
      failures: [...this.failures],
      period: {
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        weeks,
        undatedCalls: count - weekOfCall.size,
        asOf: asOf.toISOString(),
      },
      totals: { durationSec: round(totalDuration, 3), talkTimeSec: round(totalTalk, 3) },
      averages: {
        durationSec: duration.value(3) ?? 0,
        ...(handleTime.count ? { handleTimeSec: handleTime.value(3) } : {}),
        nonTalkRatio: nonTalk.value() ?? 0,
        ...(agentTalk.count ? { agentTalkRatio: agentTalk.value() } : {}),
        ...(csat.count ? { csat: csat.value(2) } : {}),
        ...(risk.count ? { escalationRisk: risk.value(1) } : {}),
      },
      rates: {
        ...(resolved.count ? { resolved: resolved.value() } : {}),
        ...(negative.count ? { negativeSentiment: negative.value() } : {}),
        ...(compliancePass.count ? { compliancePass: compliancePass.value() } : {}),
      },
      topics: topicStats,
      sentiment: {
        distribution,
        weekly: weeks.map((week, index) => {
          const entry = weeklySentiment[index] as (typeof weeklySentiment)[number];
          const { score, ...labels } = entry;
          const total = callsPerWeek[index] ?? 0;
          return {
            week,
            calls: total,
            ...labels,
            meanScore: score.value(3) ?? 0,
            // Of the calls whose customer sentiment is known.
            negativeShare: total > labels.unknown ? round(labels.negative / (total - labels.unknown)) : 0,
          };
        }),
        ...(sentimentShift.count ? { meanShift: sentimentShift.value(3) } : {}),
      },
      escalation: {
        topCalls: calls
          .filter((call): call is CallSummaryRow & { escalationRisk: number } => call.escalationRisk !== null)
          .sort((a, b) => b.escalationRisk - a.escalationRisk || a.callId.localeCompare(b.callId))
          .slice(0, top)
          .map((call) => ({
            callId: call.callId,
            risk: call.escalationRisk,
            topicId: call.topicId,
            ...(call.agentId ? { agentId: call.agentId } : {}),
            drivers: call.escalationDrivers,
          })),
        drivers: [...drivers]
          .map(([driver, entry]) => ({ driver, calls: entry.calls, meanImpact: entry.impact.value(1) ?? 0 }))
          .sort(
            (a, b) => b.calls * b.meanImpact - a.calls * a.meanImpact || a.driver.localeCompare(b.driver),
          ),
      },
      compliance: {
        rules: [...rules]
          .map(([ruleId, entry]) => ({
            ruleId,
            ...entry,
            ...(entry.pass + entry.fail > 0
              ? { passRate: round(entry.pass / (entry.pass + entry.fail)) }
              : {}),
          }))
          .sort((a, b) => a.ruleId.localeCompare(b.ruleId)),
        byAgent: [...agentRules.values()]
          .map((entry) => ({
            ...entry,
            ...(entry.pass + entry.fail > 0
              ? { passRate: round(entry.pass / (entry.pass + entry.fail)) }
              : {}),
          }))
          .sort((a, b) => a.agentId.localeCompare(b.agentId) || a.ruleId.localeCompare(b.ruleId)),
      },
      agents: agentCards,
      commitments,
      callDrivers: clusterCallDrivers(otherCalls, options.callDrivers),
      categories: [...categories]
        .map(([id, entry]) => ({
          id,
          calls: entry.calls,
          share: count > 0 ? round(entry.calls / count) : 0,
          weekly: weeks.map((week, index) => ({ week, calls: entry.weekly[index] ?? 0 })),
        }))
        .sort((a, b) => b.calls - a.calls || a.id.localeCompare(b.id)),
      alerts,
      calls,
    };
    return { ...report, executiveSummary: writtenSummary(report) };
  }

  private topicStats(
    topics: Map<
      string,
      { calls: number; resolved: Rate; handleTime: Mean; risk: Mean; negative: Rate; weekly: number[] }
    >,
    weeks: readonly string[],
    callsPerWeek: readonly number[],
    count: number,
  ): TopicStats[] {
    const latest = weeks.length - 1;
    const tests = new Map<string, Omit<GrowthTest, 'qValue'>>();
    if (latest >= 1) {
      const week = weeks[latest] as string;
      const previousWeek = weeks[latest - 1] as string;
      const exposure = callsPerWeek[latest] ?? 0;
      const previousExposure = callsPerWeek[latest - 1] ?? 0;
      for (const [topicId, topic] of topics) {
        const calls = topic.weekly[latest] ?? 0;
        const previousCalls = topic.weekly[latest - 1] ?? 0;
        if (calls === 0 && previousCalls === 0) continue;
        const share = exposure > 0 ? calls / exposure : 0;
        const previousShare = previousExposure > 0 ? previousCalls / previousExposure : 0;
        tests.set(topicId, {
          week,
          previousWeek,
          calls,
          previousCalls,
          shareChange: previousShare > 0 ? round(share / previousShare - 1) : null,
          pValue: rateIncreasePValue(calls, exposure, previousCalls, previousExposure),
        });
      }
    }
    const ids = [...tests.keys()];
    const qValues = benjaminiHochberg(ids.map((id) => (tests.get(id) as { pValue: number }).pValue));
    const growth = new Map(
      ids.map((id, index) => {
        const test = tests.get(id) as Omit<GrowthTest, 'qValue'>;
        return [id, { ...test, pValue: round(test.pValue, 6), qValue: round(qValues[index] ?? 1, 6) }];
      }),
    );
    return [...topics]
      .map(([topicId, topic]) => {
        const test = growth.get(topicId);
        const handle = topic.handleTime.value(1);
        return {
          topicId,
          calls: topic.calls,
          share: count > 0 ? round(topic.calls / count) : 0,
          resolutionRate: topic.resolved.value() ?? 0,
          ...(handle !== undefined ? { averageHandleTimeSec: handle } : {}),
          ...(topic.risk.count ? { averageEscalationRisk: topic.risk.value(1) } : {}),
          negativeShare: topic.negative.value() ?? 0,
          weekly: weeks.map((week, index) => ({ week, calls: topic.weekly[index] ?? 0 })),
          ...(test ? { growth: test } : {}),
        };
      })
      .sort((a, b) => b.calls - a.calls || a.topicId.localeCompare(b.topicId));
  }

  private scorecards(agents: Map<string, AgentAccumulator>): AgentScorecard[] {
    const cards = [...agents].map(([agentId, agent]) => {
      const qa = {
        professionalism: agent.professionalism.value(2) ?? 0,
        empathy: agent.empathy.value(2) ?? 0,
        knowledge: agent.knowledge.value(2) ?? 0,
      };
      const optional = (key: string, value: number | undefined) =>
        value !== undefined ? { [key]: value } : {};
      return {
        agentId,
        calls: agent.calls,
        qa: { ...qa, overall: round((qa.professionalism + qa.empathy + qa.knowledge) / 3, 2) },
        ...optional('compliancePassRate', agent.compliance.value()),
        ...optional('talkRatio', agent.talkRatio.value()),
        ...optional('responseLatencySec', agent.latency.value(2)),
        interruptionsPerCall: agent.interruptions.value(2) ?? 0,
        deadAirSecPerCall: agent.deadAir.value(1) ?? 0,
        ...optional('sentimentShift', agent.shift.value(3)),
        resolutionRate: agent.resolved.value() ?? 0,
        ...optional('averageHandleTimeSec', agent.handleTime.value(1)),
        ...optional('averageEscalationRisk', agent.risk.value(1)),
        ...optional('csat', agent.csat.value(2)),
        coachingFocus: [] as string[],
      } as AgentScorecard;
    });
    return addCoachingFocus(cards).sort((a, b) => b.calls - a.calls || a.agentId.localeCompare(b.agentId));
  }
}

/**
 * Where each agent falls furthest behind the team, in words a team lead would use. A gap counts when
 * the agent is worse than the team's mean by at least one team standard deviation (and the team has at
 * least three agents to compare against); at most three areas, largest gap first.
 */
function addCoachingFocus(cards: AgentScorecard[]): AgentScorecard[] {
  if (cards.length < 3) return cards;
  const areas: {
    label: string;
    value: (card: AgentScorecard) => number | undefined;
    higherIsBetter: boolean;
  }[] = [
    { label: 'empathy', value: (card) => card.qa.empathy, higherIsBetter: true },
    { label: 'professionalism', value: (card) => card.qa.professionalism, higherIsBetter: true },
    { label: 'product knowledge', value: (card) => card.qa.knowledge, higherIsBetter: true },
    { label: 'compliance', value: (card) => card.compliancePassRate, higherIsBetter: true },
    { label: 'resolution', value: (card) => card.resolutionRate, higherIsBetter: true },
    { label: 'customer mood over the call', value: (card) => card.sentimentShift, higherIsBetter: true },
    { label: 'talking too much', value: (card) => card.talkRatio, higherIsBetter: false },
    { label: 'slow replies', value: (card) => card.responseLatencySec, higherIsBetter: false },
    { label: 'interrupting', value: (card) => card.interruptionsPerCall, higherIsBetter: false },
    { label: 'hold and dead air', value: (card) => card.deadAirSecPerCall, higherIsBetter: false },
  ];
  const gaps = new Map<AgentScorecard, { label: string; gap: number }[]>();
  for (const area of areas) {
    const values = cards.flatMap((card) => {
      const value = area.value(card);
      return value === undefined ? [] : [value];
    });
    if (values.length < 3) continue;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const deviation = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
    if (deviation === 0) continue;
    for (const card of cards) {
      const value = area.value(card);
      if (value === undefined) continue;
      const gap = ((area.higherIsBetter ? mean - value : value - mean) / deviation) as number;
      if (gap >= 1) gaps.set(card, [...(gaps.get(card) ?? []), { label: area.label, gap }]);
    }
  }
  return cards.map((card) => ({
    ...card,
    coachingFocus: (gaps.get(card) ?? [])
      .sort((a, b) => b.gap - a.gap)
      .slice(0, 3)
      .map((entry) => entry.label),
  }));
}
