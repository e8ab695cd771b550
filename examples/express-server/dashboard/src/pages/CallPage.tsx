import { useEffect, useMemo, useRef, useState } from 'react';
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
import { api, type CallDetail, type Evidence, formatTime, postJson, subscribeToCalls } from '../api';
import { Pending, useApi } from '../useApi';
import { StatusBadge } from './StatusBadge';

interface TranscriptLine {
  id: string;
  speaker: string;
  startSec?: number;
  endSec?: number;
  text: string;
}

/** Speaker-labelled lines: the conversation's turns when analysed, else the transcript's segments. */
function linesOf(call: CallDetail): TranscriptLine[] {
  if (call.conversation?.turns.length) {
    return call.conversation.turns.map((turn) => ({
      id: turn.id,
      speaker: turn.role !== 'unknown' ? turn.role : turn.speaker,
      startSec: turn.startSec,
      endSec: turn.endSec,
      text: turn.text,
    }));
  }
  return (call.transcript?.segments ?? []).map((segment, index) => ({
    id: `s${index}`,
    speaker: segment.speaker ?? 'speaker',
    startSec: segment.startSec,
    endSec: segment.endSec,
    text: segment.text,
  }));
}

export function CallPage({ id, onUnauthorized }: { id: string; onUnauthorized: () => void }) {
  const {
    data: call,
    setData: setCall,
    error,
    reload: load,
  } = useApi<CallDetail>(`/api/calls/${id}`, onUnauthorized);
  const [currentTime, setCurrentTime] = useState(0);
  const [highlighted, setHighlighted] = useState<string[]>([]);
  const player = useRef<HTMLAudioElement>(null);

  useEffect(
    () =>
      subscribeToCalls((update) => {
        if (update.id !== id) return;
        if (['done', 'transcribed', 'failed'].includes(update.status)) load();
        else if (update.status !== 'deleted')
          setCall(
            (current) =>
              current && {
                ...current,
                status: update.status as CallDetail['status'],
                stage: update.stage,
                progress: update.progress,
              },
          );
      }),
    [id, load, setCall],
  );

  const lines = useMemo(() => (call ? linesOf(call) : []), [call]);
  // Speakers overlap: of the lines heard now, the one that began last is the one being played.
  const playingId = lines
    .filter(
      (line) =>
        line.startSec !== undefined &&
        currentTime >= line.startSec &&
        currentTime < (line.endSec ?? line.startSec),
    )
    .reduce<TranscriptLine | undefined>(
      (latest, line) => (!latest || (line.startSec ?? 0) >= (latest.startSec ?? 0) ? line : latest),
      undefined,
    )?.id;

  const playFrom = (seconds: number | undefined) => {
    const audio = player.current;
    if (!audio || seconds === undefined) return;
    audio.currentTime = seconds;
    void audio.play().catch(() => undefined);
  };
  const showEvidence = (evidence: Evidence) => {
    setHighlighted(evidence.turnIds);
    playFrom(evidence.startSec);
    document
      .getElementById(`line-${evidence.turnIds[0]}`)
      ?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  };

  if (error || !call) return <Pending error={error} />;
  const insights = call.analysis?.insights;
  const metrics = call.analysis?.metrics;

  return (
    <section className="call-page">
      <h1>{call.name}</h1>
      <p className="call-meta">
        <StatusBadge call={call} /> {call.agentId && <span>agent {call.agentId}</span>}{' '}
        {call.customerId && <span>customer {call.customerId}</span>}{' '}
        <span>{new Date(call.callTime).toLocaleString()}</span>{' '}
        {call.durationSec !== null && <span>{formatTime(call.durationSec)}</span>}
      </p>
      <div className="actions">
        {call.kind === 'audio' && call.status !== 'done' && (
          <>
            <button type="button" onClick={() => postJson(`/api/calls/${id}/transcribe`).then(load)}>
              Transcribe
            </button>
            <button type="button" onClick={() => postJson(`/api/calls/${id}/analyze`).then(load)}>
              Analyze
            </button>
          </>
        )}
        {call.status === 'failed' && (
          <button type="button" onClick={() => postJson(`/api/calls/${id}/retry`).then(load)}>
            Retry
          </button>
        )}
        <button
          type="button"
          className="danger"
          onClick={() => {
            if (window.confirm(`Delete ${call.name}?`))
              api(`/api/calls/${id}`, { method: 'DELETE' }).then(() => (window.location.hash = '#/calls'));
          }}
        >
          Delete
        </button>
      </div>

      {call.audioUrl && (
        // biome-ignore lint/a11y/useMediaCaption: the transcript beside the player is the caption
        <audio
          ref={player}
          controls
          preload="metadata"
          src={call.audioUrl}
          onTimeUpdate={(event) => setCurrentTime(event.currentTarget.currentTime)}
        />
      )}

      <div className="columns">
        <div className="transcript">
          <h2>Transcript</h2>
          {lines.length === 0 && <p className="muted">No transcript yet.</p>}
          <ol>
            {lines.map((line) => (
              <li
                key={line.id}
                id={`line-${line.id}`}
                className={`line role-${line.speaker}${line.id === playingId ? ' playing' : ''}${highlighted.includes(line.id) ? ' evidence' : ''}`}
              >
                <button
                  type="button"
                  className="line-button"
                  data-start={line.startSec}
                  onClick={() => playFrom(line.startSec)}
                  disabled={line.startSec === undefined}
                >
                  <span className="time">{formatTime(line.startSec)}</span>
                  <span className="speaker">{line.speaker}</span>
                  <span className="text">{line.text}</span>
                </button>
              </li>
            ))}
          </ol>
        </div>

        {insights && (
          <div className="insights">
            <h2>Insights</h2>
            <Insight
              title="Summary"
              text={insights.summary.text}
              evidence={insights.summary.evidence}
              onEvidence={showEvidence}
            />
            {(insights.runningSummary ?? []).map(
              (
                part: { startSec: number | null; endSec: number | null; text: string; evidence: Evidence[] },
                index: number,
              ) => (
                <Insight
                  key={`part-${part.startSec ?? index}`}
                  title={
                    part.startSec !== null && part.endSec !== null
                      ? `Part ${index + 1} · ${formatTime(part.startSec)}–${formatTime(part.endSec)}`
                      : `Part ${index + 1}`
                  }
                  text={part.text}
                  evidence={part.evidence}
                  onEvidence={showEvidence}
                />
              ),
            )}
            <dl className="facts">
              <dt>Topic</dt>
              <dd>{insights.intent.primary.topicId}</dd>
              <dt>Customer sentiment</dt>
              <dd>
                {insights.sentiment.customer.label}
                {insights.sentiment.customer.score === null
                  ? ''
                  : ` (${insights.sentiment.customer.score.toFixed(2)}, ${insights.sentiment.customer.trajectory})`}
              </dd>
              <dt>Resolution</dt>
              <dd>
                {insights.resolution.status} · {insights.resolution.category}
              </dd>
              <dt>Escalation risk</dt>
              <dd>
                {insights.escalation.risk === null
                  ? insights.escalation.level
                  : `${insights.escalation.risk} (${insights.escalation.level})`}
              </dd>
              <dt>Predicted CSAT</dt>
              <dd>{insights.satisfaction.predictedScore ?? insights.satisfaction.label}</dd>
              <dt>Complaint</dt>
              <dd>
                {insights.complaint.isComplaint
                  ? `${insights.complaint.type ?? 'yes'} (${insights.complaint.severity})`
                  : 'no'}
              </dd>
              <dt>Method</dt>
              <dd>
                {insights.method === 'llm'
                  ? `language model (${call.provenance?.adapters?.languageModel?.modelId ?? ''})`
                  : 'offline analyzer'}
              </dd>
            </dl>
            {insights.keyInsights.map((item: { insight: string; evidence: Evidence[] }) => (
              <Insight
                key={item.insight}
                title="Key insight"
                text={item.insight}
                evidence={item.evidence}
                onEvidence={showEvidence}
              />
            ))}
            {insights.actionItems.map((item: { task: string; owner: string; evidence: Evidence[] }) => (
              <Insight
                key={item.task}
                title={`Action (${item.owner})`}
                text={item.task}
                evidence={item.evidence}
                onEvidence={showEvidence}
              />
            ))}
            {insights.callbackPromises.map((item: { promise: string; evidence: Evidence[] }) => (
              <Insight
                key={item.promise}
                title="Promise"
                text={item.promise}
                evidence={item.evidence}
                onEvidence={showEvidence}
              />
            ))}
            <h3>Compliance</h3>
            <ul className="compliance">
              {insights.compliance.map(
                (rule: { ruleId: string; status: string; explanation: string; evidence: Evidence[] }) => (
                  <li key={rule.ruleId} className={`rule-${rule.status}`}>
                    <strong>{rule.ruleId}</strong> {rule.status.replace('_', ' ')} — {rule.explanation}{' '}
                    {rule.evidence.map((evidence) => (
                      <EvidenceQuote key={evidence.quote} evidence={evidence} onEvidence={showEvidence} />
                    ))}
                  </li>
                ),
              )}
            </ul>
          </div>
        )}
      </div>

      {insights && (
        <div className="charts">
          <div className="chart">
            <h2>Sentiment timeline</h2>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart
                data={[1, 2, 3, 4].map((quarter) => ({
                  quarter: `Q${quarter}`,
                  customer:
                    insights.sentiment.customer.trend.find(
                      (point: { quarter: number }) => point.quarter === quarter,
                    )?.score ?? null,
                  agent:
                    insights.sentiment.agent.trend.find(
                      (point: { quarter: number }) => point.quarter === quarter,
                    )?.score ?? null,
                }))}
              >
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="quarter" />
                <YAxis domain={[-1, 1]} />
                <Tooltip />
                <Legend />
                <Line type="monotone" dataKey="customer" stroke="#d9480f" connectNulls />
                <Line type="monotone" dataKey="agent" stroke="#1864ab" connectNulls />
              </LineChart>
            </ResponsiveContainer>
          </div>
          {metrics && (
            <div className="chart">
              <h2>Metrics</h2>
              <ResponsiveContainer width="100%" height={160}>
                <BarChart
                  data={metrics.speakers.map(
                    (speaker: { speaker: string; role: string; talkTimeSec: number }) => ({
                      name: speaker.role !== 'unknown' ? speaker.role : speaker.speaker,
                      talk: speaker.talkTimeSec,
                    }),
                  )}
                >
                  <XAxis dataKey="name" />
                  <YAxis unit=" s" />
                  <Tooltip />
                  <Bar dataKey="talk" name="talk time (s)" fill="#2f9e44" />
                </BarChart>
              </ResponsiveContainer>
              <dl className="facts">
                <dt>Talk time</dt>
                <dd>{formatTime(metrics.talkTimeSec)}</dd>
                <dt>Non-talk</dt>
                <dd>{Math.round(metrics.nonTalkRatio * 100)}%</dd>
                {metrics.speakers.map(
                  (speaker: {
                    speaker: string;
                    role: string;
                    talkRatio: number;
                    wordsPerMinute: number;
                    interruptionsMade: number;
                  }) => (
                    <FactRow
                      key={speaker.speaker}
                      label={speaker.role !== 'unknown' ? speaker.role : speaker.speaker}
                      value={`${Math.round(speaker.talkRatio * 100)}% of talk, ${Math.round(speaker.wordsPerMinute)} wpm, ${speaker.interruptionsMade} interruptions`}
                    />
                  ),
                )}
              </dl>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function FactRow({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

function EvidenceQuote({
  evidence,
  onEvidence,
}: {
  evidence: Evidence;
  onEvidence: (evidence: Evidence) => void;
}) {
  return (
    <button
      type="button"
      className="quote"
      onClick={() => onEvidence(evidence)}
      title="show in the transcript"
    >
      “{evidence.quote}”{' '}
      {evidence.startSec !== undefined && <span className="time">{formatTime(evidence.startSec)}</span>}
    </button>
  );
}

function Insight({
  title,
  text,
  evidence,
  onEvidence,
}: {
  title: string;
  text: string;
  evidence: Evidence[];
  onEvidence: (evidence: Evidence) => void;
}) {
  return (
    <div className="insight">
      <h3>{title}</h3>
      <p>{text}</p>
      {evidence.map((item) => (
        <EvidenceQuote key={`${item.turnIds.join()}-${item.quote}`} evidence={item} onEvidence={onEvidence} />
      ))}
    </div>
  );
}
