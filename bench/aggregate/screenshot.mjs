#!/usr/bin/env node
// The pictures in docs/reports.md: the report built from the dev calls (local Whisper) and dialogues in
// ../shared/data, and the call page of a long call assembled from dev dialogues, opened in Debian Chromium.
//   pnpm build && node bench/aggregate/screenshot.mjs
// The dialogues carry no dates or agent ids, so this script gives each one (spread over four weeks, five agents,
// by its position in the file) to show the weekly views; everything else is what EchoLens computed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  callPageFile,
  createPipeline,
  readDialogues,
  renderCallPage,
  reportStoredResults,
} from '@echolens/core';
import { chromium } from 'playwright-core';
import { assembledCalls } from '../analysis/summaries.mjs';
import { dataRoot, root } from '../lib/setup.mjs';

const images = join(root, 'docs', 'images');
const folder = mkdtempSync(join(tmpdir(), 'echolens-dev-results-'));
const out = mkdtempSync(join(tmpdir(), 'echolens-dev-report-'));
const AGENTS = ['amira', 'ben', 'chloe', 'dev', 'eva'];
const day = (index) => new Date(Date.UTC(2025, 2, 3 + (index % 28), 9 + (index % 8))).toISOString();

const pipeline = createPipeline({ memory: false, language: 'en' });
let index = 0;
const save = (result) =>
  writeFileSync(join(folder, `${String(index++).padStart(4, '0')}.json`), JSON.stringify(result));
const calls = readFileSync(join(dataRoot, 'calls', 'manifest.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));
for (const call of calls) {
  save(
    await pipeline.run(join(dataRoot, 'calls', call.audio), {
      metadata: {
        startedAt: day(27 - index),
        agentId: AGENTS[index % AGENTS.length],
        customerId: `caller-${index}`,
      },
    }),
  );
}
// The real agent/customer call (stereo, agent on the left): the call page shown in the docs.
const showcase = await pipeline.run(join(dataRoot, 'diarization', 'stereo', 'aws-lca-auto-repairs-49.wav'), {
  metadata: {
    startedAt: day(3),
    agentId: AGENTS[0],
    customerId: 'caller-auto-repairs',
    channelRoles: { 0: 'agent', 1: 'customer' },
  },
});
save(showcase);
for (const file of [
  'tweetsumm.jsonl',
  'uss_sgd.jsonl',
  'abcd.jsonl',
  'azure_customer_support_example.jsonl',
]) {
  const { dialogues } = await readDialogues(join(dataRoot, 'dialogues', file));
  for (const { dialogue } of dialogues) {
    save(
      await pipeline.analyzeConversation({
        ...dialogue,
        metadata: {
          startedAt: day(index),
          agentId: AGENTS[(index * 7) % AGENTS.length],
          customerId: `customer-${index}`,
        },
      }),
    );
  }
}
await pipeline.dispose();
const { report } = await reportStoredResults(folder, out, {
  recordingFolders: [join(dataRoot, 'calls'), join(dataRoot, 'diarization', 'stereo')],
});

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
mkdirSync(images, { recursive: true });
const page = await browser.newPage({ viewport: { width: 1360, height: 1700 } });
await page.goto(pathToFileURL(join(out, 'report.html')).href);
await page.waitForSelector('#calls-body tbody tr');
await page.screenshot({ path: join(images, 'report.png') });
await page.goto(pathToFileURL(join(out, 'calls', callPageFile(showcase.callId))).href);
await page.setViewportSize({ width: 1360, height: 1100 });
await page.screenshot({ path: join(images, 'report-call-page.png') });
// A long call told in parts: the first call assembled from dev dialogues (bench/analysis/summaries.mjs).
const [long] = assembledCalls();
const longResult = await createPipeline({ cache: false, memory: false }).analyzeConversation({
  id: 'long-call',
  turns: long.turns,
});
writeFileSync(join(out, 'long-call.html'), renderCallPage(longResult));
await page.goto(pathToFileURL(join(out, 'long-call.html')).href);
await page
  .locator('section')
  .first()
  .screenshot({ path: join(images, 'report-running-summary.png') });
await browser.close();
rmSync(folder, { recursive: true, force: true });
console.log(`${report.callCount} calls; report kept in ${out}; pictures in ${images}`);
