import type { AggregateReport } from '../../schema/aggregate.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { REPORT_SCRIPT } from './report-script.js';
import { REPORT_CSS } from './styles.js';

/** Columns of the compact call table embedded in the page (arrays, not objects: a third of the bytes). */
const CALL_COLUMNS = [
  'callId',
  'startedAt',
  'agentId',
  'topicId',
  'customerSentiment',
  'resolution',
  'escalationRisk',
  'csat',
  'durationSec',
  'categories',
] as const;

const SECTIONS: [string, string][] = [
  ['summary', 'Summary'],
  ['alerts', 'Alerts'],
  ['trends', 'Trends'],
  ['topics', 'Topics'],
  ['agents', 'Agent scorecards'],
  ['compliance', 'Compliance'],
  ['commitments', 'Promises'],
  ['escalation', 'Escalation risk'],
  ['drivers', 'Call drivers'],
  ['categories', 'Categories'],
  ['calls', 'Calls'],
];

function periodText(report: AggregateReport): string {
  const { from, to } = report.period;
  const range = from && to ? `${from.slice(0, 10)} – ${to.slice(0, 10)}` : 'undated calls';
  return `${report.callCount.toLocaleString('en-US')} calls · ${range} · generated ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The report page: one HTML file with its styles, script and data inline, so it opens from disk with no
 * network. The report (without its per-call rows) and a compact call table are embedded as JSON; the
 * script draws the charts and pages through the tables. `pages` maps call ids to their call page.
 */
export function renderReportPage(
  report: AggregateReport,
  pages: ReadonlyMap<string, string>,
  title = 'EchoLens report',
): string {
  const { calls, ...summary } = report;
  const data = {
    report: summary,
    callColumns: CALL_COLUMNS,
    calls: calls.map((call) =>
      CALL_COLUMNS.map((column) => {
        if (column === 'categories') return call.categories.join(', ');
        return call[column] ?? null;
      }),
    ),
    pages: Object.fromEntries(pages),
  };
  const nav = SECTIONS.map(([id, label]) => `<a href="#${id}">${label}</a>`).join('');
  const sections = SECTIONS.map(
    ([id, label]) =>
      `<section id="${id}"><h2>${label}</h2><div id="${id}-body"${id === 'summary' ? ' class="summary"' : ''}></div></section>`,
  ).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; media-src *; connect-src 'none'">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header class="top"><h1>${escapeHtml(title)}</h1><div class="sub">${escapeHtml(periodText(report))}</div></header>
<nav class="sections">${nav}</nav>
<main>
${sections}
</main>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
