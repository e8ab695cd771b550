import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AggregateReport, type CallResult, createPipeline, reportStoredResults } from '@echolens/core';
import { parse } from 'csv-parse/sync';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../helpers/data.js';

const recording = dataPath('calls', 'azure-call-center-sample.wav');

/** Text conversations over two weeks, with ids and values that stress CSV quoting. */
const conversations = [
  {
    id: 'chat, "quoted" 1',
    metadata: { startedAt: '2025-03-04T10:00:00Z', agentId: 'ana', customerId: '=HYPERLINK("http://x")' },
    turns: [
      { speaker: 'customer' as const, text: 'I was charged twice for my subscription, this is ridiculous!' },
      { speaker: 'agent' as const, text: 'Sorry about that. I will refund the duplicate charge by Friday.' },
      { speaker: 'customer' as const, text: 'Fine.\nThanks.' },
    ],
  },
  {
    id: 'chat-2',
    metadata: { startedAt: '2025-03-11T10:00:00Z', agentId: 'ben', customerId: 'c2' },
    turns: [
      {
        speaker: 'customer' as const,
        text: 'My parcel never arrived and the tracking has not moved in a week.',
      },
      {
        speaker: 'agent' as const,
        text: 'I have checked and a new parcel ships today. You will get an email.',
      },
      { speaker: 'customer' as const, text: 'Great, thank you so much!' },
    ],
  },
];

describe('reports from stored results', () => {
  let folder: string;
  let out: string;
  let report: AggregateReport;
  let results: CallResult[];
  let browser: Browser;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'echolens-results-'));
    out = mkdtempSync(join(tmpdir(), 'echolens-report-'));
    // Not about the default model: the fast one keeps the suite quick.
    const pipeline = createPipeline({
      cache: false,
      memory: false,
      language: 'en',
      whisper: { model: 'Xenova/whisper-tiny' },
    });
    // A real recording through the whole pipeline (local Whisper), dated in the second week.
    const call = await pipeline.run(recording, {
      metadata: { startedAt: '2025-03-12T09:00:00Z', agentId: 'ana', customerId: 'c3' },
    });
    results = [call];
    for (const conversation of conversations) results.push(await pipeline.analyzeConversation(conversation));
    await pipeline.dispose();
    results.forEach((result, index) => {
      writeFileSync(join(folder, `call-${index}.json`), JSON.stringify(result, null, 2));
    });
    writeFileSync(join(folder, 'broken.json'), '{"callId": "half a file"');
    ({ report } = await reportStoredResults(folder, out, { asOf: new Date('2025-03-20T00:00:00Z') }));
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(folder, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('lists the bad file as a failure and reports the others', () => {
    expect(report.callCount).toBe(3);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]?.message).toContain('broken.json');
    // The file is named once: "<file>: not readable JSON (…)", not "<file>: <file>: …".
    expect(report.failures[0]?.message.split('broken.json')).toHaveLength(2);
    expect(report.failures[0]?.message).toMatch(/broken\.json: not readable JSON/);
    expect(report.period.weeks).toEqual(['2025-03-03', '2025-03-10']);
    const stored = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(stored.calls).toHaveLength(3);
    expect(stored.schemaVersion).toBe(2);
  });

  it('writes a CSV with one row per call that round-trips through a CSV parser', () => {
    const rows: Record<string, string>[] = parse(readFileSync(join(out, 'report.csv')), {
      bom: true,
      columns: true,
    });
    expect(rows).toHaveLength(3);
    const byId = new Map(rows.map((row) => [row.call_id, row]));
    for (const result of results) {
      const row = byId.get(result.callId);
      expect(row, result.callId).toBeDefined();
      expect(row?.summary).toBe(result.analysis.insights.summary.text);
      // An unknown risk (no customer turns) is an empty cell, not 0.
      const risk = result.analysis.insights.escalation.risk;
      expect(row?.escalation_risk).toBe(risk === null ? '' : String(risk));
      expect(Number(row?.duration_sec)).toBe(result.analysis.metrics.durationSec);
      expect(row?.topic).toBe(result.analysis.insights.intent.primary.topicId);
    }
    // A cell that would start a formula in a spreadsheet is defused, everything else is verbatim.
    expect(byId.get('chat, "quoted" 1')?.customer_id).toBe('\'=HYPERLINK("http://x")');
    expect(Object.keys(rows[0] ?? {})).toEqual(
      expect.arrayContaining(['compliance_greeting', 'summary', 'categories']),
    );
  });

  it('opens the HTML report from disk without errors, with charts, tables and alerts', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    await page.waitForSelector('#calls-body tbody tr');
    expect(errors).toEqual([]);
    expect(requests.every((url) => url.startsWith('file:'))).toBe(true);
    expect(await page.locator('#trends-body svg polyline').count()).toBeGreaterThan(0);
    expect(await page.locator('#trends-body .bar-row').count()).toBeGreaterThan(0);
    expect(await page.locator('#calls-body tbody tr').count()).toBe(3);
    expect(await page.locator('#topics-body tbody tr').count()).toBe(report.topics.length);
    expect(await page.locator('#summary-body').textContent()).toContain('This report covers 3 calls');
    // Filtering the call table narrows it to the matching call.
    await page.fill('#calls-body input[type=search]', 'chat-2');
    expect(await page.locator('#calls-body tbody tr').count()).toBe(1);
    await page.close();
  });

  it('plays the recording from a clicked transcript line on the call page', async () => {
    const call = results[0] as CallResult;
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    await page.click(`#calls-body a:text-is("${call.callId}")`);
    await page.waitForSelector('#transcript');
    expect(await page.locator('audio#recording').count()).toBe(1);
    const lines = page.locator('.turn.playable');
    expect(await lines.count()).toBe(call.conversation.turns.length);
    const target = lines.nth((await lines.count()) - 1);
    const start = Number(await target.getAttribute('data-start'));
    expect(start).toBeGreaterThan(0);
    await target.click();
    await page.waitForFunction((from) => {
      const audio = document.getElementById('recording') as HTMLAudioElement;
      return !audio.paused && audio.currentTime >= from;
    }, start);
    expect(await target.getAttribute('class')).toContain('playing');
    // This clip has one speaker whose role is unknown: the offline analyzer attributes nothing and cites nothing
    // (see insights.abstentions), and the page says so. A chat with known roles has its evidence highlighted.
    expect(call.analysis.insights.abstentions.map((entry) => entry.field)).toContain('customer');
    expect(await page.locator('#transcript mark').count()).toBe(0);
    // An abstained score reads as a dash, never as "null".
    expect(call.analysis.insights.satisfaction.predictedScore).toBeNull();
    // biome-ignore lint/performance/useDomNodeTextContent: what a reader sees, not the text of the page's scripts
    const pageText = await page.locator('body').innerText();
    expect(pageText.match(/.{0,60}\bnull\b.{0,60}/)?.[0]).toBeUndefined();
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    await page.click(`#calls-body a:text-is("${results[2]?.callId}")`);
    await page.waitForSelector('#transcript');
    expect(await page.locator('#transcript mark').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
