import { scoreText } from '../../analyze/offline/sentiment.js';
import type { CallResult } from '../../schema/call-result.js';
import type { Turn } from '../../schema/conversation.js';
import type { Evidence } from '../../schema/insights.js';
import { escapeHtml, formatClock } from './escape.js';
import { REPORT_CSS } from './styles.js';

/**
 * One call's page: header figures, summary, the speaker-labelled transcript with the evidence behind
 * every insight highlighted, the sentiment timeline, and, when the recording can be reached, audio that
 * plays from any transcript line clicked. Static HTML with a few lines of inline script.
 */

export interface CallPageOptions {
  /** URL of the recording relative to the page (or absolute); no audio when absent. */
  audioSrc?: string;
  /** Link back to the report page. */
  reportHref?: string;
}

interface Cited {
  label: string;
  detail?: string;
  evidence: Evidence[];
}

const words = (id: string) => id.replace(/[_-]+/g, ' ');

/** A long call told part by part; each part's time (or number) links to where it starts in the transcript. */
function runningSummary(parts: CallResult['analysis']['insights']['runningSummary']): string {
  if (parts.length === 0) return '';
  const items = parts.map((part, index) => {
    const when =
      part.startSec !== null && part.endSec !== null
        ? `${formatClock(part.startSec)}–${formatClock(part.endSec)}`
        : `Part ${index + 1}`;
    const first = part.evidence[0]?.turnIds[0];
    const label = first ? `<a href="#${escapeHtml(first)}">${when}</a>` : when;
    return `<li><span class="when">${label}</span> ${escapeHtml(part.text)}</li>`;
  });
  return `<h3>Call in parts</h3><ol class="running">${items.join('')}</ol>`;
}

/** Every insight with the evidence it rests on, in reading order. */
function citedInsights(result: CallResult): Cited[] {
  const { insights } = result.analysis;
  const list: Cited[] = [];
  const add = (label: string, evidence: unknown, detail?: string) =>
    list.push({ label, evidence: evidence as Evidence[], ...(detail ? { detail } : {}) });
  add('Summary', insights.summary.evidence);
  for (const [index, part] of insights.runningSummary.entries())
    add(`Part ${index + 1} of the call`, part.evidence);
  add(`Topic: ${words(insights.intent.primary.topicId)}`, insights.intent.primary.evidence);
  add(
    `Customer sentiment: ${insights.sentiment.customer.label}`,
    insights.sentiment.customer.evidence,
    insights.sentiment.customer.trajectory === 'unknown' ? undefined : insights.sentiment.customer.trajectory,
  );
  add(`Agent sentiment: ${insights.sentiment.agent.label}`, insights.sentiment.agent.evidence);
  for (const emotion of insights.emotions) add(`${emotion.speaker} ${emotion.emotion}`, emotion.evidence);
  if (insights.complaint.isComplaint)
    add(
      `Complaint: ${words(insights.complaint.type ?? 'other')} (${insights.complaint.severity})`,
      insights.complaint.evidence,
    );
  add(
    `Resolution: ${words(insights.resolution.status)}`,
    insights.resolution.evidence,
    words(insights.resolution.category),
  );
  for (const driver of insights.escalation.drivers)
    add(`Escalation: ${driver.driver} (+${driver.impact})`, driver.evidence);
  for (const rule of insights.compliance)
    add(`Compliance ${words(rule.ruleId)}: ${rule.status}`, rule.evidence, rule.explanation);
  for (const promise of insights.callbackPromises)
    add(
      `Promise (${promise.promisedBy})`,
      promise.evidence,
      `${promise.promise}${promise.due ? ` — ${promise.due}` : ''}`,
    );
  for (const item of insights.actionItems)
    add(`Action item (${item.owner})`, item.evidence, `${item.task}${item.due ? ` — ${item.due}` : ''}`);
  for (const insight of insights.keyInsights) add('Key insight', insight.evidence, insight.insight);
  for (const note of insights.agentPerformance.coaching.strengths) add('Strength', note.evidence, note.text);
  for (const note of insights.agentPerformance.coaching.improvements)
    add('To improve', note.evidence, note.text);
  for (const category of result.analysis.categories ?? []) add(`Category: ${category.id}`, category.evidence);
  return list;
}

/** The turn's text with every cited quote marked; overlapping marks merge, titles list what cites them. */
function highlighted(turn: Turn, cites: readonly { quote: string; label: string }[]): string {
  const text = turn.text;
  const lower = text.toLowerCase();
  const ranges: { start: number; end: number; labels: string[] }[] = [];
  for (const { quote, label } of cites) {
    const needle = quote.trim().toLowerCase();
    if (!needle) continue;
    const start = lower.indexOf(needle);
    if (start < 0) continue;
    ranges.push({ start, end: start + needle.length, labels: [label] });
  }
  ranges.sort((a, b) => a.start - b.start);
  const merged: typeof ranges = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && range.start <= last.end) {
      last.end = Math.max(last.end, range.end);
      last.labels.push(...range.labels);
    } else merged.push({ ...range, labels: [...range.labels] });
  }
  let html = '';
  let cursor = 0;
  for (const range of merged) {
    html += escapeHtml(text.slice(cursor, range.start));
    const title = [...new Set(range.labels)].join('; ');
    html += `<mark title="${escapeHtml(title)}">${escapeHtml(text.slice(range.start, range.end))}</mark>`;
    cursor = range.end;
  }
  return html + escapeHtml(text.slice(cursor));
}

/** Per-turn lexicon sentiment over the call, with the analysis' quarterly trend of the customer. */
function sentimentTimeline(result: CallResult): string {
  const turns = result.conversation.turns;
  if (turns.length === 0) return '<p class="empty">No turns.</p>';
  const timed = turns.every((turn) => turn.startSec !== undefined);
  const end = timed
    ? Math.max(1, ...turns.map((turn) => turn.endSec ?? turn.startSec ?? 0))
    : Math.max(1, turns.length - 1);
  const width = 1100;
  const height = 190;
  const left = 34;
  const right = 10;
  const top = 10;
  const bottom = 24;
  const x = (position: number) => left + (position / end) * (width - left - right);
  const y = (score: number) => top + ((1 - score) / 2) * (height - top - bottom);
  const parts: string[] = [];
  for (const value of [-1, 0, 1]) {
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y(value)}" y2="${y(value)}" stroke="${value === 0 ? '#c9cfdb' : '#eef0f5'}"/>`,
    );
    parts.push(
      `<text x="${left - 6}" y="${y(value) + 4}" text-anchor="end" font-size="10" fill="#5b6478">${value > 0 ? '+1' : value}</text>`,
    );
  }
  const colors: Record<string, string> = { agent: '#3559e0', customer: '#c2410c' };
  const bySpeaker = new Map<string, string[]>();
  turns.forEach((turn, index) => {
    const position = timed ? ((turn.startSec ?? 0) + (turn.endSec ?? turn.startSec ?? 0)) / 2 : index;
    const score = scoreText(turn.text).score;
    const color = colors[turn.role] ?? '#8a93a8';
    const points = bySpeaker.get(turn.role) ?? [];
    points.push(`${x(position).toFixed(1)},${y(score).toFixed(1)}`);
    bySpeaker.set(turn.role, points);
    parts.push(
      `<circle cx="${x(position).toFixed(1)}" cy="${y(score).toFixed(1)}" r="3.5" fill="${color}"><title>${escapeHtml(`${turn.role} ${timed ? formatClock(turn.startSec ?? 0) : `turn ${index + 1}`}: ${score.toFixed(2)}`)}</title></circle>`,
    );
  });
  for (const [role, points] of bySpeaker)
    parts.unshift(
      `<polyline points="${points.join(' ')}" fill="none" stroke="${colors[role] ?? '#8a93a8'}" stroke-opacity=".35" stroke-width="1.5"/>`,
    );
  const trend = result.analysis.insights.sentiment.customer.trend;
  const steps = trend.flatMap((entry) =>
    entry.score === null
      ? []
      : [
          `${x(((entry.quarter - 1) / 4) * end).toFixed(1)},${y(entry.score).toFixed(1)} ${x((entry.quarter / 4) * end).toFixed(1)},${y(entry.score).toFixed(1)}`,
        ],
  );
  for (const step of steps)
    parts.push(
      `<polyline points="${step}" fill="none" stroke="#c2410c" stroke-width="3" stroke-linecap="round"/>`,
    );
  const axis = timed ? `${formatClock(0)} … ${formatClock(end)}` : `turn 1 … ${turns.length}`;
  return `<div class="chart"><svg viewBox="0 0 ${width} ${height}" role="img" aria-label="sentiment timeline">${parts.join('')}<text x="${left}" y="${height - 6}" font-size="10" fill="#5b6478">${axis}</text></svg>
<div class="legend"><span><i style="background:#3559e0"></i>agent turn</span><span><i style="background:#c2410c"></i>customer turn</span><span><i style="background:#c2410c;height:3px"></i>customer, per quarter (analysis)</span></div></div>`;
}

const badge = (text: string) => `<span class="badge ${escapeHtml(text)}">${escapeHtml(words(text))}</span>`;

export function renderCallPage(result: CallResult, options: CallPageOptions = {}): string {
  const { analysis, conversation } = result;
  const { insights, metrics, metadata } = analysis;
  const cited = citedInsights(result);
  const citesByTurn = new Map<string, { quote: string; label: string }[]>();
  for (const insight of cited)
    for (const evidence of insight.evidence)
      for (const turnId of evidence.turnIds) {
        const list = citesByTurn.get(turnId) ?? [];
        list.push({ quote: evidence.quote, label: insight.label });
        citesByTurn.set(turnId, list);
      }
  const speakerName = (turn: Turn) =>
    turn.role === 'unknown' ? turn.speaker : turn.role === 'agent' ? 'Agent' : 'Customer';
  const playable = Boolean(options.audioSrc);
  const transcript = conversation.turns
    .map((turn) => {
      const timed = turn.startSec !== undefined;
      const classes = ['turn', turn.role, playable && timed ? 'playable' : ''].filter(Boolean).join(' ');
      const start = timed ? ` data-start="${turn.startSec}"` : '';
      return `<div class="${classes}" id="${escapeHtml(turn.id)}"${start}><span class="who">${escapeHtml(speakerName(turn))}</span><span class="time">${timed ? formatClock(turn.startSec ?? 0) : ''}</span><p>${highlighted(turn, citesByTurn.get(turn.id) ?? [])}</p></div>`;
    })
    .join('\n');
  const insightList = cited
    .filter((insight) => insight.evidence.length > 0 || insight.detail)
    .map((insight) => {
      const links = insight.evidence
        .map(
          (evidence) =>
            `<a class="ev" href="#${escapeHtml(evidence.turnIds[0] ?? '')}">${evidence.startSec !== undefined ? `${formatClock(evidence.startSec)} · ` : ''}“${escapeHtml(evidence.quote)}”</a>`,
        )
        .join('');
      return `<div class="insight"><span class="label">${escapeHtml(insight.label)}</span>${insight.detail ? ` <span class="muted">${escapeHtml(insight.detail)}</span>` : ''}${links}</div>`;
    })
    .join('\n');
  const facts = [
    metadata.startedAt ? `started ${escapeHtml(metadata.startedAt.slice(0, 16).replace('T', ' '))}` : '',
    metadata.agentId ? `agent ${escapeHtml(metadata.agentId)}` : '',
    metadata.customerId ? `customer ${escapeHtml(metadata.customerId)}` : '',
    metrics.durationSec > 0 ? `${formatClock(metrics.durationSec)} long` : 'text conversation',
    `insights: ${insights.method === 'llm' ? 'language model' : 'offline analyzer'}`,
  ].filter(Boolean);
  const agent = metrics.speakers.find((speaker) => speaker.role === 'agent');
  const kpis: [string, string][] = [
    [badge(insights.intent.primary.topicId), 'topic'],
    [badge(insights.resolution.status), 'resolution'],
    [
      badge(insights.sentiment.customer.label),
      insights.sentiment.customer.trajectory === 'unknown'
        ? 'customer'
        : `customer, ${insights.sentiment.customer.trajectory}`,
    ],
    // The analyzer abstains (null) when the text does not support a score: say so, not "null".
    [
      insights.satisfaction.predictedScore === null ? '–' : String(insights.satisfaction.predictedScore),
      'predicted CSAT (1-5)',
    ],
    [
      insights.escalation.risk === null ? '–' : String(insights.escalation.risk),
      `escalation risk (${insights.escalation.level})`,
    ],
    ...(agent && metrics.talkTimeSec > 0
      ? [[`${Math.round(agent.talkRatio * 100)} %`, 'agent talk time'] as [string, string]]
      : []),
    ...(metrics.durationSec > 0
      ? [[`${Math.round(metrics.nonTalkRatio * 100)} %`, 'silence'] as [string, string]]
      : []),
    [String(metrics.interruptions.count), 'interruptions'],
  ];
  const audio = options.audioSrc
    ? `<audio id="recording" controls preload="metadata" src="${escapeHtml(options.audioSrc)}"></audio><div class="audio-note">Click a line of the transcript to play from there.</div>`
    : `<div class="audio-note">${result.audio ? 'The recording was not found next to the results, so there is no playback.' : 'Text conversation: no recording.'}</div>`;
  const back = options.reportHref ? `<a href="${escapeHtml(options.reportHref)}">← report</a> · ` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; media-src * file: data: blob:; connect-src 'none'">
<title>${escapeHtml(result.callId)} · EchoLens</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header class="top"><h1>${escapeHtml(result.callId)}</h1><div class="sub">${back}${facts.join(' · ')}</div></header>
<main>
<section><h2>Summary</h2><div class="summary"><p>${escapeHtml(insights.summary.text)}</p>${runningSummary(insights.runningSummary)}</div>
<div class="kpis">${kpis.map(([value, label]) => `<div class="kpi"><div class="v">${value}</div><div class="l">${escapeHtml(label)}</div></div>`).join('')}</div>
${audio}</section>
<section><h2>Sentiment timeline</h2>${sentimentTimeline(result)}</section>
<div class="call-layout">
<section><h2>Transcript</h2><div id="transcript">${transcript}</div></section>
<section><h2>Insights and evidence</h2>${insightList || '<p class="empty">No insight cites the transcript.</p>'}</section>
</div>
</main>
<script>
(function () {
  var audio = document.getElementById('recording');
  var lines = document.querySelectorAll('.turn[data-start]');
  function play(line) {
    if (!audio) return;
    audio.currentTime = Number(line.getAttribute('data-start'));
    var started = audio.play();
    if (started && started.catch) started.catch(function () {});
    lines.forEach(function (other) { other.classList.toggle('playing', other === line); });
  }
  lines.forEach(function (line) { line.addEventListener('click', function () { play(line); }); });
  function target() {
    var line = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    document.querySelectorAll('.turn.target').forEach(function (other) { other.classList.remove('target'); });
    if (line && line.classList.contains('turn')) line.classList.add('target');
  }
  window.addEventListener('hashchange', target);
  target();
})();
</script>
</body>
</html>
`;
}
