#!/usr/bin/env node
// How big the files `echolens analyze` writes are, per minute of call, with the default model and settings:
// the per-call <name>.json (target: under 20 KB per minute of call), its parts, and what the same result
// would weigh written the plain way (`JSON.stringify(result, null, 2)`) with every word stored twice — the
// format before outputs were made compact. Writes bench/out/outputs.json and the outputs section of RESULTS.md.
//   pnpm build && node bench/outputs/run.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceSection } from '../lib/results-section.mjs';
import { outDir, root } from '../lib/setup.mjs';

const data = join(root, '..', 'shared', 'data');
const calls = [
  { file: join(data, 'diarization', 'stereo', 'aws-lca-auto-repairs-49.wav'), channels: 'agent,customer' },
  { file: join(data, 'calls', 'azure-katiesteve-two-speakers.wav') },
  { file: join(data, 'calls', 'azure-call-center-sample.wav') },
];

const out = mkdtempSync(join(tmpdir(), 'echolens-bench-outputs-'));
const outWithWords = mkdtempSync(join(tmpdir(), 'echolens-bench-outputs-words-'));
const analyze = (call, folder, extra = []) => {
  const args = ['analyze', call.file, '--out', folder, '--quiet', ...extra];
  if (call.channels) args.push('--channels', call.channels);
  const run = spawnSync(process.execPath, [join(root, 'packages/core/dist/cli/main.js'), ...args], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`analyze ${call.file} failed: ${run.stderr}`);
};
const rows = [];
for (const call of calls) {
  // The default, then --words (from the results cache: the same transcript and analysis).
  analyze(call, out);
  analyze(call, outWithWords, ['--words']);
  const name = call.file
    .split('/')
    .at(-1)
    .replace(/\.wav$/, '');
  const text = readFileSync(join(out, `${name}.json`), 'utf8');
  const withWords = readFileSync(join(outWithWords, `${name}.json`), 'utf8');
  const result = JSON.parse(withWords);
  const minutes = result.audio.durationSec / 60;
  const perMinute = (value) => Number((Buffer.byteLength(value) / 1024 / minutes).toFixed(1));
  const part = (value) => Buffer.byteLength(JSON.stringify(value ?? null));
  // The earlier format: pretty-printed, every word also under the transcript's segments.
  const wordsByTurn = result.conversation.turns.map((turn) => turn.words ?? []);
  const plain = {
    ...result,
    transcript: {
      ...result.transcript,
      segments: result.transcript.segments.map((segment, index) => ({
        ...segment,
        words: wordsByTurn[index] ?? [],
      })),
    },
  };
  rows.push({
    call: name,
    minutes: Number(minutes.toFixed(2)),
    bytes: Buffer.byteLength(text),
    kbPerMinute: perMinute(text),
    withWordsKbPerMinute: perMinute(withWords),
    plainKbPerMinute: perMinute(JSON.stringify(plain, null, 2)),
    parts: {
      audio: part(result.audio),
      transcript: part(JSON.parse(text).transcript),
      conversation: part(JSON.parse(text).conversation),
      metrics: part(result.analysis.metrics),
      insights: part(result.analysis.insights),
      provenance: part(result.analysis.provenance),
    },
    words: result.conversation.turns.reduce((sum, turn) => sum + (turn.words?.length ?? 0), 0),
  });
}
const reports = Object.fromEntries(
  readdirSync(out)
    .filter((file) => file.startsWith('report.'))
    .map((file) => [file, statSync(join(out, file)).size]),
);

const machine = `Node ${process.version}`;
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'outputs.json'), `${JSON.stringify({ machine, rows, reports }, null, 2)}\n`);

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const section = `## Output size (bench/outputs)

Reproduce: \`pnpm build && node bench/outputs/run.mjs\` (JSON: \`bench/out/outputs.json\`). \`echolens analyze\` with the
default model and settings; the per-call \`<name>.json\` against the target of **20 KB per minute of call**; the same
with \`--words\` (word timings and confidences kept, each word once, on its turn); and what the result with words
weighs written the plain way (\`JSON.stringify(result, null, 2)\` with each word stored twice, under the transcript's
segments and the conversation's turns — the format before outputs were made compact). Times are kept to the
millisecond and scores to three digits.

| call | minutes | words | \`<name>.json\` | KB per minute | with \`--words\`, KB per minute | plain, KB per minute | transcript / conversation / insights / provenance |
|---|---:|---:|---:|---:|---:|---:|---|
${rows
  .map(
    (row) =>
      `| ${row.call} | ${row.minutes} | ${row.words} | ${kb(row.bytes)} | **${row.kbPerMinute}** | ${row.withWordsKbPerMinute} | ${row.plainKbPerMinute} | ${kb(row.parts.transcript)} / ${kb(row.parts.conversation)} / ${kb(row.parts.insights)} / ${kb(row.parts.provenance)} |`,
  )
  .join('\n')}

Per run, beside the calls: ${Object.entries(reports)
  .map(([file, size]) => `\`${file}\` ${kb(size)}`)
  .join(
    ', ',
  )} (three calls). Short calls weigh more per minute: the analysis (insights, metrics, provenance) is a
fixed few kilobytes whatever the length.`;
replaceSection('outputs', section);
console.log(JSON.stringify(rows, null, 2));
