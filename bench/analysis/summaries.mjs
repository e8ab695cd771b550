// Ten dev conversations and their offline summaries, written side by side so a person can judge each summary
// against the conversation it claims to tell (bench/out/analysis-summaries.md; the verdicts go in RESULTS.md).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPipeline } from '@echolens/core';
import { assembleConversation } from '@echolens/core/testing';
import { readDialogues } from './offline.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** A fixed choice: the first dialogues of each kind, the three ABCD, the Azure example and the real stereo call. */
function chosen() {
  const stereo = JSON.parse(
    readFileSync(join(here, 'fixtures', 'aws-lca-auto-repairs-49.dialogue.json'), 'utf8'),
  );
  return [
    ...readDialogues('tweetsumm.jsonl').slice(0, 3),
    ...readDialogues('uss_sgd.jsonl').slice(0, 1),
    ...readDialogues('uss_mwoz.jsonl').slice(0, 1),
    ...readDialogues('abcd.jsonl'),
    ...readDialogues('azure_customer_support_example.jsonl'),
    stereo,
  ];
}

export async function summaryRows() {
  const pipeline = createPipeline({ cache: false, memory: false });
  const rows = [];
  for (const dialogue of chosen()) {
    const turns = dialogue.turns.filter((turn) => turn.type !== 'action');
    const { analysis } = await pipeline.analyzeConversation({ id: dialogue.id, turns });
    const insights = analysis.insights;
    rows.push({
      id: dialogue.id,
      turns,
      summary: insights.summary.text,
      evidence: insights.summary.evidence,
      resolution: `${insights.resolution.status} / ${insights.resolution.category}`,
      topic: `${insights.intent.primary.topicId} (${insights.intent.primary.confidence})`,
    });
  }
  return rows;
}

export function summariesMarkdown(rows) {
  return `${rows
    .map(
      (row) => `## ${row.id}

**Summary:** ${row.summary}

Topic ${row.topic}; outcome ${row.resolution}; summary evidence turns ${row.evidence.map((item) => item.turnIds.join('+')).join(', ')}.

${row.turns.map((turn, index) => `- t${index + 1} **${turn.speaker}**: ${turn.text.replace(/\s+/g, ' ')}`).join('\n')}
`,
    )
    .join('\n')}`;
}

/**
 * Long calls for the running summary, assembled from dev dialogues one after another (there are no long dev
 * dialogues) and timed at a telephone pace (`assembleConversation`).
 * A fixed choice: the refused ABCD return first, then dialogues picked by index from each other set.
 */
export function assembledCalls() {
  const pick = (file, index) => readDialogues(file)[index];
  const choices = [
    [pick('abcd.jsonl', 0), pick('uss_sgd.jsonl', 3), pick('uss_mwoz.jsonl', 5), pick('tweetsumm.jsonl', 7)],
    [
      pick('abcd.jsonl', 1),
      pick('uss_sgd.jsonl', 10),
      pick('uss_mwoz.jsonl', 20),
      pick('tweetsumm.jsonl', 30),
      pick('uss_sgd.jsonl', 30),
    ],
    [
      pick('abcd.jsonl', 2),
      pick('uss_mwoz.jsonl', 40),
      pick('uss_sgd.jsonl', 50),
      pick('tweetsumm.jsonl', 60),
      pick('uss_mwoz.jsonl', 50),
    ],
  ];
  return choices.map((dialogues) => ({
    id: dialogues.map((dialogue) => dialogue.id).join(' + '),
    turns: assembleConversation(dialogues, { timed: true }).turns,
  }));
}

export async function runningRows() {
  const pipeline = createPipeline({ cache: false, memory: false });
  const rows = [];
  for (const call of assembledCalls()) {
    const { analysis } = await pipeline.analyzeConversation({ id: 'assembled', turns: call.turns });
    rows.push({ id: call.id, turns: call.turns, parts: analysis.insights.runningSummary });
  }
  return rows;
}

const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

export function runningMarkdown(rows) {
  return rows
    .map(
      (row) => `## ${row.id}

${row.parts.map((part, index) => `${index + 1}. **${clock(part.startSec)}–${clock(part.endSec)}** ${part.text}`).join('\n')}

${row.turns.map((turn, index) => `- t${index + 1} ${clock(turn.startSec)} **${turn.speaker}**: ${turn.text.replace(/\s+/g, ' ')}`).join('\n')}
`,
    )
    .join('\n');
}
