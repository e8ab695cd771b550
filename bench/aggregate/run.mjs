#!/usr/bin/env node
// Aggregate-stage benchmark: time and peak RSS to aggregate 1,000 / 10,000 / 100,000 synthetic analyses and to write
// the reports, and how fast the 10,000-call HTML report opens in Chromium; in one run against what a user would
// otherwise write: load every analysis into an array and group it (a subset of the figures), and a static HTML table
// with every call in it.
//   pnpm build && nice -n 10 node bench/aggregate/run.mjs
// Each measurement runs in its own child process, so peak RSS is that measurement's alone.
// Writes bench/out/aggregate.json and the aggregate section of bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Aggregator, reportStoredResults } from '@echolens/core';
import { syntheticBaseResult, syntheticContactCenterCall } from '@echolens/core/testing';
import { replaceSection } from '../lib/results-section.mjs';
import { outDir } from '../lib/setup.mjs';

const SIZES = [1_000, 10_000, 100_000];
const FILE_SIZES = [1_000, 10_000];

/** The base call of every synthetic analysis: its third turn carries a refund and a callback promise. */
const baseResult = () =>
  syntheticBaseResult({
    agentReply: 'I am sorry. I will refund the duplicate charge and call you back by Friday.',
  });

function peakRssMb() {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

// ---- child measurements -------------------------------------------------------------------------------
async function childAggregate(size) {
  const base = await baseResult();
  const aggregator = new Aggregator({ asOf: new Date('2025-04-01T00:00:00Z') });
  let ms = 0;
  for (let index = 0; index < size; index++) {
    const result = syntheticContactCenterCall(base, index);
    const started = performance.now();
    aggregator.add(result.analysis, result.name);
    ms += performance.now() - started;
  }
  const started = performance.now();
  const report = aggregator.report();
  ms += performance.now() - started;
  return {
    ms: Math.round(ms),
    peakRssMb: peakRssMb(),
    alerts: report.alerts.length,
    clusters: report.callDrivers.clusters.length,
  };
}

/** What a user would otherwise write: every analysis in an array (as loaded from its file), then group-bys. */
async function childNaive(size) {
  const base = await baseResult();
  const all = [];
  let ms = 0;
  for (let index = 0; index < size; index++) {
    const text = JSON.stringify(syntheticContactCenterCall(base, index).analysis);
    const started = performance.now();
    all.push(JSON.parse(text));
    ms += performance.now() - started;
  }
  const started = performance.now();
  const byTopicWeek = new Map();
  const byAgent = new Map();
  const rules = new Map();
  for (const analysis of all) {
    const week = analysis.metadata.startedAt.slice(0, 10);
    const key = `${analysis.insights.intent.primary.topicId}|${week}`;
    byTopicWeek.set(key, (byTopicWeek.get(key) ?? 0) + 1);
    const agent = byAgent.get(analysis.metadata.agentId) ?? { calls: 0, resolved: 0, duration: 0 };
    agent.calls++;
    if (analysis.insights.resolution.status === 'resolved') agent.resolved++;
    agent.duration += analysis.metrics.durationSec;
    byAgent.set(analysis.metadata.agentId, agent);
    for (const rule of analysis.insights.compliance) {
      const entry = rules.get(rule.ruleId) ?? { pass: 0, fail: 0 };
      entry[rule.status === 'pass' ? 'pass' : 'fail']++;
      rules.set(rule.ruleId, entry);
    }
  }
  ms += performance.now() - started;
  return { ms: Math.round(ms), peakRssMb: peakRssMb(), groups: byTopicWeek.size };
}

/** `echolens report` end to end: stored per-call files re-read twice, reports and call pages written. */
async function childFiles(_size, folder, out) {
  const started = performance.now();
  const { written } = await reportStoredResults(folder, out, { asOf: new Date('2025-04-01T00:00:00Z') });
  const ms = Math.round(performance.now() - started);
  return {
    ms,
    peakRssMb: peakRssMb(),
    htmlKb: Math.round(statSync(written.html).size / 1024),
    jsonKb: Math.round(statSync(written.json).size / 1024),
    callPages: written.callPages,
  };
}

async function writeFiles(size, folder) {
  const base = await baseResult();
  for (let index = 0; index < size; index++) {
    const result = syntheticContactCenterCall(base, index);
    writeFileSync(join(folder, `${result.callId}.json`), JSON.stringify(result));
  }
}

/** Time from navigation to the first page of the call table drawn (EchoLens) or the whole table parsed (peer). */
async function openInChromium(files) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const timings = {};
  for (const [name, { file, selector }] of Object.entries(files)) {
    const runs = [];
    for (let run = 0; run < 3; run++) {
      const page = await browser.newPage();
      const started = performance.now();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.waitForSelector(selector);
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done())));
      runs.push(performance.now() - started);
      await page.close();
    }
    runs.sort((a, b) => a - b);
    timings[name] = Math.round(runs[1]);
  }
  await browser.close();
  return timings;
}

/** The peer page: the same 10,000 calls as one static table, the way a quick export to HTML would look. */
function staticTablePage(report, file) {
  const escapeCell = (text) =>
    String(text ?? '').replace(
      /[&<>"]/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
    );
  const rows = report.calls
    .map(
      (call) =>
        `<tr><td>${escapeCell(call.callId)}</td><td>${escapeCell(call.startedAt)}</td><td>${escapeCell(call.agentId)}</td><td>${escapeCell(call.topicId)}</td><td>${call.customerSentiment}</td><td>${call.resolution}</td><td>${call.escalationRisk}</td><td>${call.csat}</td><td>${call.durationSec}</td></tr>`,
    )
    .join('\n');
  writeFileSync(
    file,
    `<!doctype html><html><head><meta charset="utf-8"><title>calls</title></head><body><table id="calls"><thead><tr><th>call</th><th>started</th><th>agent</th><th>topic</th><th>sentiment</th><th>resolution</th><th>risk</th><th>csat</th><th>duration</th></tr></thead><tbody>\n${rows}\n</tbody></table></body></html>`,
  );
}

function runChild(...args) {
  const output = execFileSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--child', ...args.map(String)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  return JSON.parse(output.trim().split('\n').at(-1));
}

if (process.argv[2] === '--child') {
  const [kind, size, folder, out] = process.argv.slice(3);
  const result =
    kind === 'aggregate'
      ? await childAggregate(Number(size))
      : kind === 'naive'
        ? await childNaive(Number(size))
        : kind === 'write'
          ? await writeFiles(Number(size), folder).then(() => ({}))
          : await childFiles(Number(size), folder, out);
  console.log(JSON.stringify(result));
  process.exit(0);
}

const results = { machine: { cpus: 2, node: process.version }, inProcess: [], files: [], browser: {} };
for (const size of SIZES) {
  const echolens = runChild('aggregate', size);
  const naive = runChild('naive', size);
  results.inProcess.push({ calls: size, echolens, naive });
  console.log(size, echolens, naive);
}
for (const size of FILE_SIZES) {
  const folder = mkdtempSync(join(tmpdir(), 'echolens-bench-results-'));
  const out = mkdtempSync(join(tmpdir(), 'echolens-bench-report-'));
  runChild('write', size, folder);
  const report = runChild('files', size, folder, out);
  results.files.push({ calls: size, ...report });
  console.log('files', size, report);
  if (size === 10_000) {
    const stored = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const peerFile = join(out, 'static-table.html');
    staticTablePage(stored, peerFile);
    results.browser = {
      calls: size,
      htmlKb: report.htmlKb,
      peerHtmlKb: Math.round(statSync(peerFile).size / 1024),
      openMs: await openInChromium({
        echolens: { file: join(out, 'report.html'), selector: '#calls-body tbody tr' },
        staticTable: { file: peerFile, selector: '#calls tbody tr:last-child' },
      }),
    };
    console.log('browser', results.browser);
  }
  rmSync(folder, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
}

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'aggregate.json'), `${JSON.stringify(results, null, 2)}\n`);

const ratio = (a, b) => (b > 0 ? (a / b).toFixed(2) : '–');
const inProcessRows = results.inProcess
  .map(
    ({ calls, echolens, naive }) =>
      `| ${calls.toLocaleString('en-US')} | ${(echolens.ms / 1000).toFixed(2)} s | ${echolens.peakRssMb} MB | ${(naive.ms / 1000).toFixed(2)} s | ${naive.peakRssMb} MB | ${ratio(echolens.ms, naive.ms)} | ${ratio(echolens.peakRssMb, naive.peakRssMb)} |`,
  )
  .join('\n');
const fileRows = results.files
  .map(
    (entry) =>
      `| ${entry.calls.toLocaleString('en-US')} | ${(entry.ms / 1000).toFixed(1)} s | ${entry.peakRssMb} MB | ${entry.htmlKb} KB | ${entry.jsonKb} KB | ${entry.callPages.toLocaleString('en-US')} |`,
  )
  .join('\n');
const browser = results.browser;
const section = `## Aggregate and reports (bench/aggregate)

\`pnpm build && nice -n 10 node bench/aggregate/run.mjs\` — synthetic analyses (12 weeks, 50 agents, 12 topics, customers calling about three times), each measurement in its own process (peak RSS is that process's \`maxRSS\`, including Node's own ~50 MB). 2 shared CPU cores, so the times are noisy; the ratios are from the same run.

In process, the aggregate stage (\`Aggregator.add\` per analysis, then \`report()\`: weekly topics with growth tests, sentiment, escalation drivers, compliance per rule and agent, scorecards, promises followed through customers' later calls, call-driver clusters, alerts, written summary) against the script a user would otherwise write: every analysis kept in an array as parsed from its file, then three group-bys (topic × week counts, per-agent resolution and duration, per-rule pass counts) — a small subset of the figures. Generating the synthetic analyses is not timed; parsing is timed for the peer, as loading is part of its work.

| calls | EchoLens time | EchoLens peak RSS | array + group-by time | array + group-by peak RSS | time ratio | memory ratio |
|---|---|---|---|---|---|---|
${inProcessRows}

Targets: 100,000 calls in under 30 s with peak RSS under 1 GB.

\`echolens report\` end to end (\`reportStoredResults\`): stored per-call JSON files read twice, one at a time (validated with zod), then \`report.json\`, \`report.csv\`, \`report.html\` and one page per call written:

| calls | time | peak RSS | report.html | report.json | call pages |
|---|---|---|---|---|---|
${fileRows}

Opening the ${browser.calls?.toLocaleString('en-US')}-call \`report.html\` (${browser.htmlKb} KB) in Debian Chromium headless, navigation to the first page of the call table drawn, median of 3: **${browser.openMs?.echolens} ms** (target < 3 s), against ${browser.openMs?.staticTable} ms for a static HTML table of the same calls (${browser.peerHtmlKb} KB, no charts, no other sections): ratio ${ratio(browser.openMs?.echolens, browser.openMs?.staticTable)}.`;
replaceSection('aggregate', section);
console.log(JSON.stringify(results, null, 2));
