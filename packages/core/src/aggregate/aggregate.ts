import { describeError } from '@echolens/provider';
import type { AggregateReport, CallSummaryRow } from '../schema/aggregate.js';
import type { CallResult } from '../schema/call-result.js';

const round = (value: number, digits = 4) => Number(value.toFixed(digits));
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);

/** Rolls per-call results up into one report; failures are listed, never dropped silently. */
export function aggregateResults(
  results: readonly CallResult[],
  failures: readonly { name: string; error: Error }[] = [],
): AggregateReport {
  const calls: CallSummaryRow[] = results.map((result) => {
    const metrics = result.analysis.metrics;
    const agent = metrics.speakers.find((speaker) => speaker.role === 'agent');
    return {
      callId: result.callId,
      name: result.name,
      durationSec: metrics.durationSec,
      talkTimeSec: metrics.talkTimeSec,
      nonTalkRatio: metrics.nonTalkRatio,
      ...(agent ? { agentTalkRatio: agent.talkRatio } : {}),
    };
  });
  const agentRatios = calls.flatMap((call) =>
    call.agentTalkRatio === undefined ? [] : [call.agentTalkRatio],
  );
  return {
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    callCount: results.length,
    failedCount: failures.length,
    failures: failures.map((failure) => {
      const { code, message } = describeError(failure.error);
      return { name: failure.name, code, message };
    }),
    totals: {
      durationSec: round(
        calls.reduce((sum, call) => sum + call.durationSec, 0),
        3,
      ),
      talkTimeSec: round(
        calls.reduce((sum, call) => sum + call.talkTimeSec, 0),
        3,
      ),
    },
    averages: {
      durationSec: round(mean(calls.map((call) => call.durationSec)), 3),
      nonTalkRatio: round(mean(calls.map((call) => call.nonTalkRatio))),
      ...(agentRatios.length ? { agentTalkRatio: round(mean(agentRatios)) } : {}),
    },
    calls,
    alerts: [],
  };
}
