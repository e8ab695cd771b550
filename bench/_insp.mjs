import { createPipeline } from '@echolens/core';
import { readDialogues } from './analysis/offline.mjs';

const pipeline = createPipeline({ cache: false, memory: false });
const rows = readDialogues('uss_sgd.jsonl');
for (const row of rows) {
  const r = await pipeline.analyzeConversation({ id: row.id, turns: row.turns });
  const ins = r.analysis.insights;
  const cat = ins.resolution.category;
  const pred =
    cat === 'transaction_completed' ? 'success' : cat === 'declined' ? 'failure' : 'no_transaction';
  const gold = row.labels.derived_transaction_outcome;
  if (pred !== gold) {
    console.log(
      `=== ${row.id} gold=${gold} pred=${pred} (${ins.resolution.status}/${cat}) ev=${JSON.stringify(ins.resolution.evidence[0]?.quote ?? '')}`,
    );
    for (const t of row.turns.slice(-6)) console.log(`  ${t.speaker}: ${t.text.slice(0, 160)}`);
  }
}
