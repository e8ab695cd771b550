import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallResultSchema } from '@echolens/core';
import { describe, expect, it } from 'vitest';
import { dataPath, repoRoot } from '../helpers/data.js';

function echolens(...args: string[]) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'packages/core/dist/cli/main.js'), ...args], {
    encoding: 'utf8',
    env: process.env,
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const firstLine = (file: string) => readFileSync(dataPath('dialogues', file), 'utf8').split('\n')[0] ?? '';

describe('echolens analyze --dialogues', () => {
  it('writes <id>.json per conversation and report.json, names a bad line, exits 1', () => {
    const folder = mkdtempSync(join(tmpdir(), 'echolens-dialogues-'));
    const input = join(folder, 'chats.jsonl');
    const abcd = JSON.parse(firstLine('abcd.jsonl'));
    writeFileSync(
      input,
      [
        firstLine('azure_customer_support_example.jsonl'),
        JSON.stringify({ ...abcd, id: 'abcd.return.3592', metadata: { customerId: 'crystal' } }),
        '{"id": "broken", "turns": [{"speaker": "robot", "text": "beep"}]}',
      ].join('\n'),
    );
    const out = join(folder, 'out');
    const run = echolens('analyze', '--dialogues', input, '--out', out);

    expect(run.code).toBe(1);
    expect(readdirSync(out).sort()).toEqual([
      'abcd.return.3592.json',
      'azure-2b601070-f418-4684-a3f8-e58b48f5d72e.json',
      'report.json',
    ]);
    expect(run.stderr).toMatch(/chats\.jsonl:3: .*speaker/);
    const azure = CallResultSchema.parse(
      JSON.parse(readFileSync(join(out, 'azure-2b601070-f418-4684-a3f8-e58b48f5d72e.json'), 'utf8')),
    );
    expect(azure.audio).toBeUndefined();
    expect(azure.conversation.turns[0]).toMatchObject({ id: 't1', role: 'agent' });
    expect(azure.analysis.insights).toMatchObject({
      method: 'heuristic',
      resolution: { status: 'resolved' },
    });
    const abcdResult = JSON.parse(readFileSync(join(out, 'abcd.return.3592.json'), 'utf8'));
    expect(abcdResult.analysis.metadata.customerId).toBe('crystal');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.callCount).toBe(2);
    expect(report.failedCount).toBe(1);
  });

  it('explains a --llm value it cannot use', () => {
    const folder = mkdtempSync(join(tmpdir(), 'echolens-dialogues-'));
    const input = join(folder, 'one.jsonl');
    writeFileSync(input, firstLine('azure_customer_support_example.jsonl'));
    const run = echolens('analyze', '--dialogues', input, '--out', join(folder, 'out'), '--llm', 'gpt-4o');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/provider:model/);
  });
});
