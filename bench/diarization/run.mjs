#!/usr/bin/env node
// Diarization error rate (collar 0.25 s, overlap scored) and real-time factor on ../shared/data/diarization,
// EchoLens against the baselines a user would otherwise have offline, in the same run:
//   node bench/diarization/run.mjs          (after `pnpm --filter @echolens/core build`)
// No neural diarizer with bundled weights is installable from npm here (see docs/diarization.md), so the
// peers are the trivial baselines: everything one speaker (mono) and per-channel energy (stereo).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createChannelDiarizer,
  createDefaultDiarizer,
  diarizationErrorRate,
  parseRttm,
  prepareAudio,
} from '@echolens/core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const dataRoot = process.env.ECHOLENS_TEST_DATA ?? resolve(root, '..', 'shared', 'data');
const manifestPath = join(dataRoot, 'diarization', 'manifest.jsonl');
const rows = readFileSync(manifestPath, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line));
process.env.ECHOLENS_MODELS_DIR ??= resolve(root, '..', 'shared', 'models');

const COLLAR = 0.25;
const systems = {
  echolens: () => createDefaultDiarizer(),
  // One speaker for all VAD speech: what you get without diarization.
  'one-speaker': () => ({
    async diarize({ audio }) {
      const segments = audio.speech.flat().map((span) => ({ ...span, speaker: 'spk_0' }));
      return {
        durationSec: audio.durationSec,
        speakers: [{ id: 'spk_0', speechSec: 0 }],
        segments,
        method: 'baseline',
      };
    },
  }),
  // Per-channel energy detector, no crosstalk handling: the usual quick answer for stereo calls.
  'channel-energy': () => {
    const diarizer = createChannelDiarizer({ crosstalkMarginDb: Number.POSITIVE_INFINITY });
    return {
      diarize: ({ audio }, options) => diarizer.diarize({ audio: { ...audio, speech: [] } }, options),
    };
  },
};

/** Each recording as it would arrive: the stereo original where one exists, and the mono mix. */
const cases = rows.flatMap((row) => {
  const reference = parseRttm(readFileSync(join(dataRoot, 'diarization', row.rttm), 'utf8'), row.rttm);
  const mono = {
    name: `${row.rttm.replace(/^rttm\/|\.rttm$/g, '')}${row.stereo ? ' (mono mix)' : ''}`,
    kind: 'mono',
    path: join(dataRoot, 'diarization', row.audio),
    speakers: row.num_speakers,
    referenceKind: row.reference.startsWith('human') ? 'human' : 'derived',
    reference,
    systems: ['echolens', 'one-speaker'],
  };
  if (!row.stereo) return [mono];
  return [
    {
      ...mono,
      name: mono.name.replace(' (mono mix)', ' (stereo)'),
      kind: 'stereo',
      path: join(dataRoot, 'diarization', row.stereo),
      systems: ['echolens', 'channel-energy', 'one-speaker'],
    },
    mono,
  ];
});

const results = [];
for (const testCase of cases) {
  const started = performance.now();
  const audio = await prepareAudio({ source: testCase.path });
  const preprocessSec = (performance.now() - started) / 1000;
  for (const systemName of testCase.systems) {
    const diarizer = systems[systemName]();
    const before = performance.now();
    const diarization = await diarizer.diarize({ audio }, {});
    const diarizeSec = (performance.now() - before) / 1000;
    const score = diarizationErrorRate(testCase.reference, diarization.segments, { collarSec: COLLAR });
    results.push({
      file: testCase.name,
      kind: testCase.kind,
      reference: testCase.referenceKind,
      referenceSpeakers: testCase.speakers,
      system: systemName,
      foundSpeakers: new Set(diarization.segments.map((segment) => segment.speaker)).size,
      der: score.diarizationErrorRate,
      missedSec: score.missedSec,
      falseAlarmSec: score.falseAlarmSec,
      confusionSec: score.confusionSec,
      scoredSec: score.scoredSpeechSec,
      durationSec: audio.durationSec,
      diarizeSec,
      preprocessSec,
      realTimeFactor: diarizeSec / audio.durationSec,
      realTimeFactorWithVad: (diarizeSec + preprocessSec) / audio.durationSec,
    });
    const last = results.at(-1);
    console.log(
      `${last.file.padEnd(38)} ${systemName.padEnd(15)} DER ${(100 * last.der).toFixed(1).padStart(6)} %  speakers ${last.foundSpeakers}/${last.referenceSpeakers}  RTF ${last.realTimeFactor.toFixed(4)} (with decode+VAD ${last.realTimeFactorWithVad.toFixed(3)})`,
    );
  }
  await audio.dispose();
}

/** Pooled DER: total errors over total scored speech, the way DER is reported over a test set. */
function pooled(filter) {
  const chosen = results.filter(filter);
  const errors = chosen.reduce((sum, r) => sum + r.missedSec + r.falseAlarmSec + r.confusionSec, 0);
  const scored = chosen.reduce((sum, r) => sum + r.scoredSec, 0);
  const seconds = chosen.reduce((sum, r) => sum + r.durationSec, 0);
  const time = chosen.reduce((sum, r) => sum + r.diarizeSec, 0);
  return {
    files: chosen.length,
    der: scored > 0 ? errors / scored : 0,
    realTimeFactor: seconds > 0 ? time / seconds : 0,
  };
}
const groups = {
  stereo: (r) => r.kind === 'stereo',
  'mono, 2+ speakers': (r) => r.kind === 'mono' && r.referenceSpeakers >= 2,
  'mono, all': (r) => r.kind === 'mono',
};
const summary = Object.fromEntries(
  Object.entries(groups).map(([group, filter]) => [
    group,
    Object.fromEntries(
      Object.keys(systems)
        .map((system) => [system, pooled((r) => filter(r) && r.system === system)])
        .filter(([, value]) => value.files > 0),
    ),
  ]),
);

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`;
const outDir = join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'diarization.json'),
  `${JSON.stringify({ collarSec: COLLAR, machine, date: new Date().toISOString(), summary, results }, null, 2)}\n`,
);

const percent = (value) => `${(100 * value).toFixed(1)} %`;
const table = [
  '| recording | reference | system | speakers found / ref | DER | missed s | false alarm s | confusion s | RTF |',
  '|---|---|---|---|---:|---:|---:|---:|---:|',
  ...results.map(
    (r) =>
      `| ${r.file} | ${r.reference} | ${r.system} | ${r.foundSpeakers} / ${r.referenceSpeakers} | ${percent(r.der)} | ${r.missedSec.toFixed(1)} | ${r.falseAlarmSec.toFixed(1)} | ${r.confusionSec.toFixed(1)} | ${r.realTimeFactor.toFixed(4)} |`,
  ),
].join('\n');
const summaryTable = [
  '| group | system | files | pooled DER | RTF (diarization only) |',
  '|---|---|---:|---:|---:|',
  ...Object.entries(summary).flatMap(([group, bySystem]) =>
    Object.entries(bySystem).map(
      ([system, value]) =>
        `| ${group} | ${system} | ${value.files} | ${percent(value.der)} | ${value.realTimeFactor.toFixed(4)} |`,
    ),
  ),
].join('\n');
const section = `<!-- diarization:start -->
## Diarization (bench/diarization)

Reproduce: \`pnpm --filter @echolens/core build && node bench/diarization/run.mjs\` (JSON: \`bench/out/diarization.json\`).
Machine: ${machine}. DER with a ${COLLAR} s collar, overlap scored, optimal (Hungarian) speaker mapping; pooled DER =
all errors / all scored speech. VAD is Silero (from \`prepareAudio\`) for every system; RTF is diarization time / audio
duration (decode + VAD excluded; the per-file line in the JSON has it included). No neural peer was available offline
(no npm package ships pyannote / WeSpeaker / 3D-Speaker weights), so the peers are the trivial baselines.
"derived" references come from per-channel energy on the separate recordings (see shared/data SOURCES.md).

${summaryTable}

${table}
<!-- diarization:end -->`;

const resultsPath = join(root, 'bench', 'RESULTS.md');
let existing = '';
try {
  existing = readFileSync(resultsPath, 'utf8');
} catch {
  existing = '# Benchmark results\n';
}
const pattern = /<!-- diarization:start -->[\s\S]*<!-- diarization:end -->/;
writeFileSync(
  resultsPath,
  pattern.test(existing) ? existing.replace(pattern, section) : `${existing.trimEnd()}\n\n${section}\n`,
);
console.log('\nsummary', JSON.stringify(summary, null, 1));
