import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Analysis } from '../api';
import { Pending, useApi } from '../useApi';

interface Scorecard {
  agentId: string;
  calls: number;
  csat?: number;
  qa?: { overall: number };
  resolutionRate?: number;
  talkRatio?: number;
  sentimentShift?: number;
  averageHandleTimeSec?: number;
  coachingFocus?: string[];
}

const number = (value: number | undefined, digits = 2) => (value === undefined ? '' : value.toFixed(digits));

/** The aggregate report (the same numbers as the HTML report) as charts, alerts and agent scorecards. */
export function TrendsPage({ onUnauthorized }: { onUnauthorized: () => void }) {
  const { data: report, error } = useApi<Analysis>('/api/reports/aggregate', onUnauthorized);

  if (error || !report) return <Pending error={error} />;
  const topics: { topicId: string; calls: number }[] = report.topics;
  const weekly: { week: string; meanScore: number; negativeShare: number }[] = report.sentiment?.weekly ?? [];
  const scorecards: Scorecard[] = report.agents;
  const perCall = (report.calls ?? []).map(
    (row: {
      name?: string;
      callId: string;
      durationSec: number;
      nonTalkRatio: number;
      agentTalkRatio?: number;
    }) => ({
      name: row.name ?? row.callId,
      duration: row.durationSec,
      nonTalk: Math.round(row.nonTalkRatio * 100),
      agentTalk: row.agentTalkRatio === undefined ? null : Math.round(row.agentTalkRatio * 100),
    }),
  );

  return (
    <section className="trends">
      <h1>Trends</h1>
      <p className="muted">
        {report.callCount} analysed calls · average length {number(report.averages?.durationSec, 1)} s ·
        non-talk {Math.round((report.averages?.nonTalkRatio ?? 0) * 100)}%
        {report.averages?.agentTalkRatio !== undefined &&
          ` · agent talk ${Math.round(report.averages.agentTalkRatio * 100)}%`}
      </p>
      {report.executiveSummary?.text && <p className="summary">{report.executiveSummary.text}</p>}

      <div className="charts">
        <div className="chart">
          <h2>Topics</h2>
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={topics}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="topicId" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="calls" fill="#1864ab" />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <div className="chart">
          <h2>{weekly.length ? 'Customer sentiment by week' : 'Talk and silence per call'}</h2>
          <ResponsiveContainer width="100%" height={240}>
            {weekly.length ? (
              <LineChart data={weekly}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="week" />
                <YAxis domain={[-1, 1]} />
                <Tooltip />
                <Legend />
                <Line dataKey="meanScore" name="mean score" stroke="#d9480f" />
                <Line dataKey="negativeShare" name="negative share" stroke="#862e9c" />
              </LineChart>
            ) : (
              <BarChart data={perCall}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" hide />
                <YAxis unit="%" domain={[0, 100]} />
                <Tooltip />
                <Legend />
                <Bar dataKey="nonTalk" name="non-talk %" fill="#868e96" />
                <Bar dataKey="agentTalk" name="agent talk %" fill="#2f9e44" />
              </BarChart>
            )}
          </ResponsiveContainer>
        </div>
      </div>

      <h2>Alerts</h2>
      {report.alerts.length === 0 ? (
        <p className="muted">No alerts.</p>
      ) : (
        <ul className="alerts">
          {report.alerts.map((alert: { severity: string; metric: string; message: string }) => (
            <li key={`${alert.metric}-${alert.message}`} className={`alert-${alert.severity}`}>
              <strong>{alert.severity}</strong> {alert.message}
            </li>
          ))}
        </ul>
      )}

      <h2>Agent scorecards</h2>
      <table className="scorecards">
        <thead>
          <tr>
            <th>Agent</th>
            <th>Calls</th>
            <th>QA</th>
            <th>CSAT</th>
            <th>Resolution</th>
            <th>Sentiment shift</th>
            <th>Handle time (s)</th>
            <th>Coaching focus</th>
          </tr>
        </thead>
        <tbody>
          {scorecards.map((card) => (
            <tr key={card.agentId}>
              <td>{card.agentId}</td>
              <td>{card.calls}</td>
              <td>{number(card.qa?.overall, 1)}</td>
              <td>{number(card.csat, 1)}</td>
              <td>{card.resolutionRate === undefined ? '' : `${Math.round(card.resolutionRate * 100)}%`}</td>
              <td>{number(card.sentimentShift)}</td>
              <td>{number(card.averageHandleTimeSec, 0)}</td>
              <td>{card.coachingFocus?.join(', ') ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <a href="/api/reports/aggregate?format=json" download="report.json">
          Download JSON
        </a>
      </p>
    </section>
  );
}
