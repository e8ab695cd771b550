import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallResultSchema } from '@echolens/core';
import { ollamaChatWireFormat, openAIChatWireFormat, unreachableOrigin } from '@echolens/core/testing';
import { describe, expect, it } from 'vitest';
import { echolens, echolensAgainstWireServer } from '../helpers/cli.js';
import { dataPath } from '../helpers/data.js';

const firstLine = (file: string) => readFileSync(dataPath('dialogues', file), 'utf8').split('\n')[0] ?? '';

/** A dialogues file with `count` real conversations (ABCD, Azure). */
function dialoguesFile(count = 2): { folder: string; input: string } {
  const folder = mkdtempSync(join(tmpdir(), 'echolens-dialogues-'));
  const input = join(folder, 'chats.jsonl');
  const abcd = JSON.parse(firstLine('abcd.jsonl'));
  const lines = [
    firstLine('azure_customer_support_example.jsonl'),
    JSON.stringify({ ...abcd, id: 'abcd.return.3592', metadata: { customerId: 'crystal' } }),
  ].slice(0, count);
  writeFileSync(input, `${lines.join('\n')}\n`);
  return { folder, input };
}

describe('echolens analyze --dialogues', () => {
  it('writes <id>.json per conversation and the reports, names a bad line, exits 1', async () => {
    const { folder, input } = dialoguesFile();
    writeFileSync(
      input,
      `${readFileSync(input, 'utf8')}{"id": "broken", "turns": [{"speaker": "robot", "text": "beep"}]}\n`,
    );
    const out = join(folder, 'out');
    const run = await echolens(['analyze', '--dialogues', input, '--out', out]);

    expect(run.code, run.stderr).toBe(1);
    expect(readdirSync(out).sort()).toEqual([
      'abcd.return.3592.json',
      'abcd.return.3592.txt',
      'azure-2b601070-f418-4684-a3f8-e58b48f5d72e.json',
      'azure-2b601070-f418-4684-a3f8-e58b48f5d72e.txt',
      'calls',
      'report.csv',
      'report.html',
      'report.json',
    ]);
    expect(run.stderr).toMatch(/chats\.jsonl:3: .*speaker/);
    const azure = CallResultSchema.parse(
      JSON.parse(readFileSync(join(out, 'azure-2b601070-f418-4684-a3f8-e58b48f5d72e.json'), 'utf8')),
    );
    expect(azure.audio).toBeUndefined();
    expect(azure.conversation.turns[0]).toMatchObject({ id: 't1', role: 'agent' });
    const abcdResult = JSON.parse(readFileSync(join(out, 'abcd.return.3592.json'), 'utf8'));
    expect(abcdResult.analysis.metadata.customerId).toBe('crystal');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.callCount).toBe(2);
    expect(report.failedCount).toBe(1);
  });

  it('explains a --llm value it cannot use', async () => {
    const { folder, input } = dialoguesFile(1);
    const run = await echolens([
      'analyze',
      '--dialogues',
      input,
      '--out',
      join(folder, 'out'),
      '--llm',
      'gpt-4o',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/provider:model/);
  });

  it('fails once, before any work, when the API key is missing: advice for the command line, no outputs', async () => {
    const { folder, input } = dialoguesFile();
    const out = join(folder, 'out');
    const run = await echolens(
      ['analyze', '--dialogues', input, '--out', out, '--llm', 'openai:gpt-4o-mini'],
      {
        env: { OPENAI_API_KEY: '' },
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/--llm openai:gpt-4o-mini: no OpenAI API key\. .*export OPENAI_API_KEY=/);
    expect(run.stderr).not.toMatch(/createOpenAI/);
    expect(existsSync(out)).toBe(false);
  });

  it('fails once when the Ollama server cannot be reached (no ✓ per call, no 12 s lost per call)', async () => {
    const { folder, input } = dialoguesFile();
    const origin = await unreachableOrigin();
    const run = await echolens([
      'analyze',
      '--dialogues',
      input,
      '--out',
      join(folder, 'out'),
      '--llm',
      'ollama:llama3.2',
      '--llm-base-url',
      origin,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /--llm ollama:llama3\.2: .*Is the server running at http:\/\/127\.0\.0\.1:\d+\?/,
    );
    expect(run.stderr).not.toMatch(/✓/);
  });

  it('tells the user to pull a model Ollama does not have, reaching the server given by --llm-base-url', async () => {
    const { folder, input } = dialoguesFile(1);
    const run = await echolensAgainstWireServer([ollamaChatWireFormat.models(['qwen2.5:7b'])], (origin) => [
      'analyze',
      '--dialogues',
      input,
      '--out',
      join(folder, 'out'),
      '--llm',
      'ollama:llama3.2',
      '--llm-base-url',
      origin,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/does not offer the model "llama3\.2".*ollama pull llama3\.2/);
    expect(run.requests.map((request) => request.path)).toEqual(['/api/tags']);
  });

  it('shows calls that fell back to the offline analyzer: ⚠ lines, the summary, report.json and exit code 3', async () => {
    // The model list answers; every analysis request is refused (400, not worth retrying).
    const refusal = openAIChatWireFormat.error({ status: 400, message: 'This model is not available' });
    const { folder, input } = dialoguesFile();
    const out = join(folder, 'out');
    const run = await echolensAgainstWireServer(
      [openAIChatWireFormat.models(['gpt-4o-mini']), refusal, refusal],
      (origin) => [
        'analyze',
        '--dialogues',
        input,
        '--out',
        out,
        '--llm',
        'openai:gpt-4o-mini',
        '--llm-base-url',
        openAIChatWireFormat.baseURL(origin),
        '--no-cache',
      ],
      { env: { OPENAI_API_KEY: 'sk-test-cli-0123456789' } },
    );
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr.match(/⚠/g)).toHaveLength(2);
    expect(run.stderr).toMatch(/2 done with a fallback/);
    expect(run.stderr).not.toContain('sk-test-cli-0123456789');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.degradedCount).toBe(2);
  });
});
