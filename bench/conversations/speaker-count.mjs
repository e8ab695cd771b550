#!/usr/bin/env node
// Why EchoLens's own mono diarizer gets fewer words' speakers right on the conversational benchmark than
// the reference diarization does: the speaker count it finds on each conversation (16 kHz mix and
// telephone copy) beside the reference's count and the least speech any reference speaker holds.
// No speech to text runs here (about 15 s on two cores).
//   node bench/conversations/speaker-count.mjs   (after `pnpm build`; writes its RESULTS.md section)
import { join } from 'node:path';
import { createSpectralDiarizer, prepareAudio } from '@echolens/core';
import { replaceSection } from '../lib/results-section.mjs';
import { dataRoot, outDir } from '../lib/setup.mjs';
import { buildConversations } from './build.mjs';

/** The diarizer's default least speech per speaker (two 1.5 s voice-print windows), read from its docs. */
const LEAST_SPEAKER_SEC = 3;

const index = await buildConversations({ outDir: join(outDir, 'conversations', 'inputs'), dataRoot });
const diarizer = createSpectralDiarizer();
const rows = [];
for (const conversation of index.conversations) {
  const seconds = new Map();
  for (const turn of conversation.turns)
    seconds.set(turn.speaker, (seconds.get(turn.speaker) ?? 0) + turn.endSec - turn.startSec);
  const least = Math.min(...seconds.values());
  const found = {};
  for (const version of ['mono', 'phone']) {
    const audio = await prepareAudio({ source: conversation.files[version] });
    found[version] = (await diarizer.diarize({ audio })).speakers.length;
  }
  rows.push({ id: conversation.id, speakers: seconds.size, least, found });
  console.log(conversation.id, seconds.size, least.toFixed(1), found.mono, found.phone);
}

const table = ['mono', 'phone'].map((version) => {
  const wrong = rows.filter((row) => row.found[version] !== row.speakers);
  const short = wrong.filter((row) => row.least < LEAST_SPEAKER_SEC);
  const fewer = wrong.filter((row) => row.found[version] < row.speakers).length;
  return `| ${version === 'mono' ? '(c) 16 kHz' : '(c′) phone band'} | ${rows.length - wrong.length} / ${rows.length} | ${fewer} | ${wrong.length - fewer} | ${short.length} of ${wrong.length} |`;
});
const short = rows.filter((row) => row.least < LEAST_SPEAKER_SEC).map((row) => row.least);
const range = `${Math.min(...short).toFixed(1)}–${Math.max(...short).toFixed(1)} s`;
replaceSection(
  'conversation-speakers',
  `### Speaker count on the conversations (bench/conversations/speaker-count.mjs)

Reproduce: \`pnpm build && node bench/conversations/speaker-count.mjs\` (no speech to text; the spectral diarizer with its
defaults on the (c) and (c′) conversations above). Why the own diarizer's word-level speaker accuracy is far below the
reference diarization's: in ${short.length} of the ${rows.length} conversations a speaker says less than
${LEAST_SPEAKER_SEC} s in all (one or two dev utterances, ${range}), and issue 8 asks that no speaker be believed on a
few seconds, so the diarizer folds that voice into another by design. "Misses with a speaker under ${LEAST_SPEAKER_SEC} s"
counts the wrong counts where that rule, not the search, decides.

| input | count right | too few | too many | misses with a speaker under ${LEAST_SPEAKER_SEC} s |
|---|---:|---:|---:|---:|
${table.join('\n')}

Calls run for minutes, and a party who speaks for less than ${LEAST_SPEAKER_SEC} s in a call is rare; in these 10–30 s
assemblies of dev utterances it is the rule, so this benchmark's 95 % word-level target cannot be met with the minimum
the same issue asks for. The remaining misses are voices the spectral features do not separate well enough (a scratch
probe, 2026-11-30: for one of them the reference's own split predicts held-out speech worse than one speaker does).`,
);
