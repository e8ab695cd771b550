import { callRowOf } from '../aggregate/call-row.js';
import type { AggregateReport } from '../schema/aggregate.js';
import type { CallResult } from '../schema/call-result.js';

/**
 * The spreadsheet view: one row per call, every field flat (lists joined with "; "), RFC 4180 quoting,
 * a UTF-8 byte-order mark so spreadsheet programs read accents right, and text cells that would start
 * a formula (=, +, -, @) prefixed with an apostrophe so opening the file never runs one.
 */

type Cell = string | number | boolean | undefined | null;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: numbers as they are, text quoted when needed and defused when it would start a formula. */
export function csvCell(value: Cell, text = false): string {
  if (value === undefined || value === null) return '';
  let cell = String(value);
  if (text && FORMULA_START.test(cell)) cell = `'${cell}`;
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

interface Column {
  name: string;
  value: (result: CallResult, row: ReturnType<typeof callRowOf>) => Cell;
  /** Free text (defused against formulas); numbers and ids are written as they are. */
  text?: boolean;
}

const joined = (items: readonly string[]) => items.join('; ');

const FIXED_COLUMNS: Column[] = [
  { name: 'call_id', value: (_, row) => row.callId, text: true },
  { name: 'name', value: (result) => result.name, text: true },
  { name: 'started_at', value: (_, row) => row.startedAt },
  { name: 'agent_id', value: (_, row) => row.agentId, text: true },
  { name: 'customer_id', value: (_, row) => row.customerId, text: true },
  { name: 'channel', value: (_, row) => row.channel },
  { name: 'duration_sec', value: (_, row) => row.durationSec },
  { name: 'talk_time_sec', value: (_, row) => row.talkTimeSec },
  { name: 'non_talk_ratio', value: (_, row) => row.nonTalkRatio },
  { name: 'agent_talk_ratio', value: (_, row) => row.agentTalkRatio },
  { name: 'interruptions', value: (_, row) => row.interruptions },
  { name: 'agent_interruptions', value: (_, row) => row.agentInterruptions },
  { name: 'dead_air_sec', value: (_, row) => row.deadAirSec },
  { name: 'response_latency_sec', value: (_, row) => row.responseLatencySec },
  { name: 'topic', value: (_, row) => row.topicId },
  {
    name: 'secondary_topics',
    value: (result) => joined(result.analysis.insights.intent.secondary.map((topic) => topic.topicId)),
  },
  { name: 'customer_sentiment', value: (_, row) => row.customerSentiment },
  { name: 'customer_sentiment_score', value: (_, row) => row.customerScore },
  { name: 'sentiment_start', value: (_, row) => row.sentimentStart },
  { name: 'sentiment_end', value: (_, row) => row.sentimentEnd },
  { name: 'agent_sentiment', value: (result) => result.analysis.insights.sentiment.agent.label },
  { name: 'predicted_csat', value: (_, row) => row.csat },
  { name: 'complaint', value: (_, row) => row.complaint },
  { name: 'complaint_type', value: (_, row) => row.complaintType },
  { name: 'complaint_severity', value: (result) => result.analysis.insights.complaint.severity },
  { name: 'resolution', value: (_, row) => row.resolution },
  { name: 'resolution_category', value: (result) => result.analysis.insights.resolution.category },
  { name: 'escalation_risk', value: (_, row) => row.escalationRisk },
  { name: 'escalation_level', value: (result) => result.analysis.insights.escalation.level },
  {
    name: 'escalation_drivers',
    value: (_, row) => joined(row.escalationDrivers.map((driver) => `${driver.driver} (+${driver.impact})`)),
    text: true,
  },
  { name: 'professionalism', value: (_, row) => row.qa.professionalism },
  { name: 'empathy', value: (_, row) => row.qa.empathy },
  { name: 'knowledge', value: (_, row) => row.qa.knowledge },
  {
    name: 'callback_promises',
    value: (result) => joined(result.analysis.insights.callbackPromises.map((promise) => promise.promise)),
    text: true,
  },
  {
    name: 'action_items',
    value: (result) =>
      joined(result.analysis.insights.actionItems.map((item) => `${item.owner}: ${item.task}`)),
    text: true,
  },
  {
    name: 'owed_to_customer',
    value: (_, row) =>
      joined(
        row.commitments.map((item) => (item.dueDate ? `${item.text} (due ${item.dueDate})` : item.text)),
      ),
    text: true,
  },
];

const TRAILING_COLUMNS: Column[] = [
  { name: 'categories', value: (_, row) => joined(row.categories), text: true },
  { name: 'tags', value: (result) => joined(result.analysis.insights.tags), text: true },
  { name: 'summary', value: (result) => result.analysis.insights.summary.text, text: true },
  { name: 'method', value: (_, row) => row.method },
  {
    name: 'degraded',
    value: (result) =>
      joined(result.analysis.provenance.degraded.map((entry) => `${entry.field}: ${entry.reason}`)),
    text: true,
  },
];

/** Columns for a report: the fixed ones plus one `compliance_<rule>` per rule the report saw. */
export function csvColumns(report: Pick<AggregateReport, 'compliance'>): Column[] {
  const rules = report.compliance.rules.map((rule) => rule.ruleId);
  return [
    ...FIXED_COLUMNS,
    ...rules.map((ruleId) => ({
      name: `compliance_${ruleId}`,
      value: (_: CallResult, row: ReturnType<typeof callRowOf>) => row.compliance[ruleId],
    })),
    ...TRAILING_COLUMNS,
  ];
}

export const CSV_BOM = '\uFEFF';

export function csvHeader(columns: readonly Column[]): string {
  return `${columns.map((column) => csvCell(column.name)).join(',')}\r\n`;
}

export function csvLine(columns: readonly Column[], result: CallResult): string {
  const row = callRowOf(result.analysis, result.name);
  return `${columns.map((column) => csvCell(column.value(result, row), column.text)).join(',')}\r\n`;
}
