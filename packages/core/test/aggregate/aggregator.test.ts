import { Aggregator, type CallAnalysis, type CallResult } from '@echolens/core';
import { type SyntheticCallSpec, syntheticAnalysis, syntheticBaseResult } from '@echolens/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Two dated weeks with known answers. Week 1 (from Monday 3 March 2025): 40 calls, 10 billing, 2 refund,
 * 28 product questions; week 2: 40 calls, 30 billing, 4 refund, 6 product questions. Plus nine undated
 * calls the taxonomy could not place, about two different things.
 */
function dataset(): SyntheticCallSpec[] {
  const specs: SyntheticCallSpec[] = [];
  const day = (week: number, index: number) =>
    `2025-03-${String(3 + 7 * week + (index % 5)).padStart(2, '0')}T10:00:00Z`;
  const add = (
    week: number,
    topic: string,
    count: number,
    extra: (index: number) => Partial<SyntheticCallSpec> = () => ({}),
  ) => {
    for (let index = 0; index < count; index++) {
      specs.push({
        id: `w${week + 1}-${topic}-${index}`,
        startedAt: day(week, index),
        agentId: `agent-${(specs.length % 3) + 1}`,
        topic,
        ...extra(index),
      });
    }
  };
  // Week 1: calm. Two negative calls; billing resolved and 300 s long.
  add(0, 'billing', 10, (index) => ({
    durationSec: 300,
    resolution: 'resolved',
    sentiment: index < 2 ? 'negative' : 'neutral',
  }));
  add(0, 'refund', 2, () => ({ resolution: 'resolved' }));
  add(0, 'product_information', 28, () => ({ resolution: 'resolved' }));
  // Week 2: billing triples and half the customers are negative; greeting fails on 5 of 40 (above 10 %),
  // recording disclosure (checked on the 30 billing calls only) on exactly 3 of 30: at the 10 % threshold, no alert.
  add(1, 'billing', 30, (index) => ({
    durationSec: 600,
    resolution: 'unresolved',
    sentiment: index < 20 ? 'negative' : 'neutral',
    compliance: {
      greeting: index < 5 ? 'fail' : 'pass',
      recording_disclosure: index < 3 ? 'fail' : 'pass',
    },
    ...(index < 3 ? { categories: ['cancel-threat'] } : {}),
  }));
  add(1, 'refund', 4, () => ({ resolution: 'resolved' }));
  add(1, 'product_information', 6, () => ({ resolution: 'resolved' }));

  // Promises followed through each customer's later calls (asOf 20 March).
  const set = (id: string, facts: Partial<SyntheticCallSpec>) => {
    const spec = specs.find((candidate) => candidate.id === id) as SyntheticCallSpec;
    Object.assign(spec, facts);
  };
  set('w1-product_information-0', {
    customerId: 'c1',
    startedAt: '2025-03-04T09:00:00Z',
    owed: [{ item: 'call you back with the refund status', dueDate: '2025-03-07', callback: true }],
  });
  set('w1-product_information-1', {
    customerId: 'c1',
    startedAt: '2025-03-06T09:00:00Z',
    resolution: 'resolved',
  });
  set('w1-product_information-2', {
    customerId: 'c2',
    startedAt: '2025-03-04T09:00:00Z',
    owed: [{ item: 'send the replacement router', dueDate: '2025-03-05' }],
  });
  set('w2-product_information-0', {
    customerId: 'c2',
    startedAt: '2025-03-11T09:00:00Z',
    resolution: 'resolved',
  });
  set('w2-product_information-1', {
    customerId: 'c3',
    startedAt: '2025-03-12T09:00:00Z',
    owed: [{ item: 'email the invoice copy', dueDate: '2025-03-14' }],
  });
  set('w2-product_information-2', {
    customerId: 'c4',
    startedAt: '2025-03-12T09:00:00Z',
    owed: [{ item: 'refund the duplicate charge', dueDate: '2025-03-25' }],
  });
  set('w1-product_information-3', {
    customerId: 'c5',
    startedAt: '2025-03-05T09:00:00Z',
    owed: [{ item: 'check the delivery with the courier' }],
  });
  // Still owed (reworded) and left unresolved: the promise stays open.
  set('w2-product_information-3', {
    customerId: 'c5',
    startedAt: '2025-03-11T09:00:00Z',
    resolution: 'unresolved',
    owed: [{ item: 'check on the delivery with the courier' }],
  });

  const lockers = [
    'The parcel locker code does not open the locker',
    'My locker code is not working at the parcel locker',
    'The parcel locker will not open with my code',
    'I cannot open the locker, the code is rejected',
    'Parcel locker door stays shut when I type the code',
  ];
  const crashes = [
    'The mobile app crashes when I upload a photo',
    'Your app crashes every time I add a photo',
    'Uploading a photo makes the mobile app crash',
    'The app crashes on photo upload',
  ];
  [...lockers, ...crashes].forEach((reason, index) => {
    specs.push({ id: `other-${index}`, topic: 'other', reason, resolution: 'resolved' });
  });
  return specs;
}

const asOf = new Date('2025-03-20T12:00:00Z');

describe('aggregate stage on constructed analyses with known answers', () => {
  let base: CallResult;
  let analyses: CallAnalysis[];
  beforeAll(async () => {
    base = await syntheticBaseResult();
    analyses = dataset().map((spec) => syntheticAnalysis(base, spec));
  });
  const reportOf = (list: readonly CallAnalysis[], options = {}) => {
    const aggregator = new Aggregator({ asOf, ...options });
    for (const analysis of list) aggregator.add(analysis);
    return aggregator.report();
  };

  it('counts topics per week and tests growth: 10 → 30 is significant, 2 → 4 is not', () => {
    const report = reportOf(analyses);
    expect(report.callCount).toBe(89);
    expect(report.period.weeks).toEqual(['2025-03-03', '2025-03-10']);
    expect(report.period.undatedCalls).toBe(9);
    const billing = report.topics.find((topic) => topic.topicId === 'billing');
    expect(billing?.weekly.map((week) => week.calls)).toEqual([10, 30]);
    expect(billing?.growth).toMatchObject({ calls: 30, previousCalls: 10, shareChange: 2 });
    // P(X ≥ 30 | n = 40, p = ½) with equal weekly volumes.
    expect(billing?.growth?.pValue).toBeCloseTo(0.00111, 4);
    const refund = report.topics.find((topic) => topic.topicId === 'refund');
    expect(refund?.growth).toMatchObject({ calls: 4, previousCalls: 2, shareChange: 1 });
    expect(refund?.growth?.pValue).toBeCloseTo(22 / 64, 6);

    const growthAlerts = report.alerts.filter((alert) => alert.kind === 'topic_growth');
    expect(growthAlerts.map((alert) => alert.metric)).toEqual(['topic:billing']);
    expect(growthAlerts[0]?.callCount).toBe(30);
    expect(growthAlerts[0]?.callIds.every((id) => id.startsWith('w2-billing-'))).toBe(true);
  });

  it('gives resolution rate and handle time per topic', () => {
    const report = reportOf(analyses);
    const billing = report.topics.find((topic) => topic.topicId === 'billing');
    expect(billing?.resolutionRate).toBe(0.25);
    expect(billing?.averageHandleTimeSec).toBe(525);
    expect(billing?.negativeShare).toBe(0.55);
    expect(report.sentiment.weekly.map((week) => week.negative)).toEqual([2, 20]);
    const agents = report.agents.reduce((sum, agent) => sum + agent.calls, 0);
    expect(agents).toBe(80);
  });

  it('follows promises through later calls of the same customer: kept, kept late, overdue, due, open', () => {
    const report = reportOf(analyses);
    const status = Object.fromEntries(report.commitments.items.map((item) => [item.text, item.status]));
    expect(status).toEqual({
      'call you back with the refund status': 'kept',
      'send the replacement router': 'kept_late',
      'email the invoice copy': 'overdue',
      'refund the duplicate charge': 'due',
      'check the delivery with the courier': 'open',
    });
    const kept = report.commitments.items.find((item) => item.status === 'kept');
    expect(kept).toMatchObject({ kind: 'callback', settledByCallId: 'w1-product_information-1' });
    expect(report.commitments.callback).toMatchObject({ total: 1, kept: 1 });
    expect(report.commitments.action).toMatchObject({ total: 4, keptLate: 1, overdue: 1, due: 1, open: 1 });
    const overdue = report.alerts.find((alert) => alert.kind === 'overdue_commitments');
    expect(overdue?.callIds).toEqual(['w2-product_information-1']);
    // A week later the promise due on the 25th is overdue too.
    const later = reportOf(analyses, { asOf: new Date('2025-03-27T00:00:00Z') });
    expect(later.commitments.action.overdue).toBe(2);
  });

  it('fires alerts above their thresholds and not at them', () => {
    const report = reportOf(analyses);
    const compliance = report.alerts.filter((alert) => alert.kind === 'compliance_failure');
    // greeting fails 5/40 = 12.5 % > 10 %; recording disclosure fails exactly 10 %: no alert.
    expect(compliance.map((alert) => alert.metric)).toEqual(['rule:greeting']);
    expect(compliance[0]).toMatchObject({ severity: 'warning', callCount: 5, week: '2025-03-10' });

    const spike = report.alerts.find((alert) => alert.kind === 'negative_sentiment_spike');
    expect(spike).toMatchObject({ severity: 'critical', value: 0.5, callCount: 20 });

    const category = report.alerts.find((alert) => alert.kind === 'category');
    expect(category).toMatchObject({ metric: 'category:cancel-threat', callCount: 3 });
    const stricter = reportOf(analyses, {
      alerts: {
        category: { minCalls: 4 },
        complianceFailure: { maxFailRate: 0.125 },
        negativeSentimentSpike: false,
      },
    });
    expect(stricter.alerts.map((alert) => alert.kind).sort()).toEqual([
      'overdue_commitments',
      'topic_growth',
    ]);
  });

  it('leaves calls of unknown customer sentiment or outcome out of every share and mean', () => {
    const report = reportOf(analyses);
    // The same data plus 40 calls in week 2 whose customer said nothing: sentiment, outcome and risk unknown.
    const silent = Array.from({ length: 40 }, (_, index) =>
      syntheticAnalysis(base, {
        id: `w2-silent-${index}`,
        startedAt: '2025-03-11T10:00:00Z',
        topic: 'billing',
        sentiment: 'unknown',
        sentimentScore: null,
        resolution: 'unknown',
        risk: null,
      }),
    );
    const diluted = reportOf([...analyses, ...silent]);
    const week2 = (r: typeof report) => r.sentiment.weekly.find((week) => week.week === '2025-03-10');
    expect(week2(diluted)?.unknown).toBe(40);
    expect(week2(diluted)?.negativeShare).toBe(week2(report)?.negativeShare);
    expect(week2(diluted)?.meanScore).toBe(week2(report)?.meanScore);
    expect(diluted.rates.negativeSentiment).toBe(report.rates.negativeSentiment);
    const billing = (r: typeof report) => r.topics.find((topic) => topic.topicId === 'billing');
    expect(billing(diluted)?.negativeShare).toBe(billing(report)?.negativeShare);
    // An outcome the text does not say is not a failure to resolve.
    expect(diluted.rates.resolved).toBe(report.rates.resolved);
    expect(billing(diluted)?.resolutionRate).toBe(billing(report)?.resolutionRate);
    // The spike alert compares the same known calls: 20 of 40 negative, not 20 of 80.
    const spike = diluted.alerts.find((alert) => alert.kind === 'negative_sentiment_spike');
    expect(spike).toMatchObject({ value: 0.5, callCount: 20 });
    expect(spike?.message).toMatch(
      /^Negative customer sentiment rose to 50 % of calls with a known sentiment/,
    );
    expect(diluted.calls.find((row) => row.callId === 'w2-silent-0')?.customerScore).toBeNull();
    // No risk is not a low risk: the means and the ranking leave those calls out.
    expect(diluted.averages.escalationRisk).toBe(report.averages.escalationRisk);
    expect(billing(diluted)?.averageEscalationRisk).toBe(billing(report)?.averageEscalationRisk);
    expect(diluted.escalation.topCalls.some((call) => call.callId.startsWith('w2-silent'))).toBe(false);
    expect(diluted.calls.find((row) => row.callId === 'w2-silent-0')?.escalationRisk).toBeNull();
  });

  it('groups calls that fit no topic into named call drivers with a representative call', () => {
    const report = reportOf(analyses);
    const drivers = report.callDrivers;
    expect(drivers.otherCalls).toBe(9);
    expect(drivers.clusters.map((cluster) => cluster.calls)).toEqual([5, 4]);
    expect(drivers.clusters[0]?.terms).toContain('locker');
    expect(drivers.clusters[0]?.callIds.every((id) => Number(id.split('-')[1]) < 5)).toBe(true);
    expect(drivers.clusters[1]?.terms.some((term) => ['app', 'photo', 'crashes'].includes(term))).toBe(true);
    expect(drivers.clusters[1]?.callIds).toContain(drivers.clusters[1]?.representativeCallId);
  });

  it('is incremental: resuming a stored report and adding the rest equals one pass; re-adding replaces', () => {
    const whole = reportOf(analyses);
    const half = Math.floor(analyses.length / 2);
    const first = reportOf(analyses.slice(0, half));
    const stored = JSON.parse(JSON.stringify(first));
    const resumed = Aggregator.resume(stored, { asOf });
    for (const analysis of analyses.slice(half)) resumed.add(analysis);
    // The same call analysed again (now about refunds) replaces its row.
    resumed.add(analyses[0] as CallAnalysis);
    const strip = ({ generatedAt: _generatedAt, ...rest }: typeof whole) => rest;
    expect(strip(resumed.report())).toEqual(strip(whole));

    const changed = structuredClone(analyses[0]) as CallAnalysis;
    changed.insights.intent.primary.topicId = 'refund';
    resumed.add(changed);
    const after = resumed.report();
    expect(after.callCount).toBe(89);
    expect(after.topics.find((topic) => topic.topicId === 'refund')?.calls).toBe(7);
  });

  it('writes a summary from the numbers that reads like a person wrote it', () => {
    const report = reportOf(analyses);
    const text = report.executiveSummary.text;
    expect(report.executiveSummary.method).toBe('template');
    expect(text).toContain('This report covers 89 calls from 3 March to 14 March 2025 (2 weeks)');
    expect(text).toContain('Billing calls are growing: 30 in the latest week against 10 the week before');
    expect(text).toContain('1 promise to customers is overdue');
    expect(text).not.toMatch(/undefined|NaN|null/);
  });
});
